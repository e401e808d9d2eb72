package ssl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestCipherSuitesTypedForms: the ciphers option as Erlang's map form
// (what CipherSuites returns, passed back whole or filtered), the tuple
// forms (SuiteTuple, three elements meaning default_prf), a suite by ID
// or name; wrong or unknown forms are option errors (ErrNotSupported for
// a cipher gossl lacks), and Ciphers and CipherSuites are exclusive.
func TestCipherSuitesTypedForms(t *testing.T) {
	p := testpeers.NewPKI(t)
	var ecdheECDSA []CipherSuite
	for _, cs := range CipherSuites(SuitesAll, TLSv1_2) {
		if cs.KeyExchange == "ecdhe_ecdsa" {
			ecdheECDSA = append(ecdheECDSA, CipherSuite{KeyExchange: cs.KeyExchange, Cipher: cs.Cipher, MAC: cs.MAC, PRF: cs.PRF})
		}
	}
	for _, tc := range []struct {
		name string
		list []CipherSuite
		want string // the suite negotiated at TLS 1.2
	}{
		{"map form, filtered list", ecdheECDSA, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
		{"4-tuple", []CipherSuite{SuiteTuple("ecdhe_ecdsa", "chacha20_poly1305", "aead", "sha256")}, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
		{"3-tuple", []CipherSuite{SuiteTuple("ecdhe_ecdsa", "aes_128_cbc", "sha")}, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
		{"by ID", []CipherSuite{{ID: 0xc02b}}, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
		{"by OpenSSL name", []CipherSuite{{Name: "ECDHE-ECDSA-AES256-SHA384"}}, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.CipherSuites = tc.list
			so.HonorCipherOrder = true
			port, done := startEcho(t, so)
			co := clientOpts(p)
			co.Versions = []Version{TLSv1_2}
			co.CipherSuites = tc.list
			s, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			if v := infoValue(t, s, "cipher_suite"); v != tc.want {
				t.Errorf("cipher_suite %v, want %s", v, tc.want)
			}
			s.Close()
			<-done
		})
	}
	for _, tc := range []struct {
		name    string
		o       *Options
		planned bool
	}{
		{"both forms", &Options{Ciphers: []string{"AES128-SHA"}, CipherSuites: []CipherSuite{{ID: 0x002f}}}, false},
		{"empty", &Options{CipherSuites: []CipherSuite{}}, false},
		{"unknown kx", &Options{CipherSuites: []CipherSuite{SuiteTuple("ecdhe_foo", "aes_128_gcm", "aead", "sha256")}}, false},
		{"fields disagree", &Options{CipherSuites: []CipherSuite{{ID: 0xc02b, Cipher: "aes_256_gcm", KeyExchange: "ecdhe_ecdsa", MAC: "aead", PRF: "sha256"}}}, false},
		{"map without prf", &Options{CipherSuites: []CipherSuite{{KeyExchange: "rsa", Cipher: "aes_128_cbc", MAC: "sha"}}}, false},
		{"psk null", &Options{CipherSuites: []CipherSuite{SuiteTuple("psk", "null", "sha")}}, true},
		{"dh_rsa 3des", &Options{CipherSuites: []CipherSuite{SuiteTuple("dh_rsa", "3des_ede_cbc", "sha")}}, true},
		{"only TLS 1.3 suites at TLS 1.2", &Options{Versions: []Version{TLSv1_2}, CipherSuites: []CipherSuite{SuiteTuple("any", "aes_128_gcm", "aead", "sha256")}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Connect("127.0.0.1", 1, tc.o, time.Second)
			var oe *OptionError
			if !errors.As(err, &oe) || oe.Name != "ciphers" || errors.Is(err, ErrNotSupported) != tc.planned {
				t.Fatalf("got %v, want an option error for ciphers (not supported: %v)", err, tc.planned)
			}
		})
	}
	// A listener's typed list is replaced by names given at handshake
	// time, and the other way round.
	m := mergeOptions(&Options{CipherSuites: ecdheECDSA}, &Options{Ciphers: []string{"AES128-SHA"}})
	if m.CipherSuites != nil || m.Ciphers == nil {
		t.Errorf("merge kept both forms: %v / %v", m.Ciphers, m.CipherSuites)
	}
}

// otpSuite is one suite as OTP 25 lists it.
type otpSuite struct {
	name, list string // ssl:suite_to_str/1; "default" or another list
	cs         CipherSuite
}

// otpSuites lists ssl:cipher_suites(default | all | anonymous, V) for
// TLS 1.0, 1.2 and 1.3, as erl prints them.
func otpSuites(t *testing.T) []otpSuite {
	t.Helper()
	testpeers.Require(t, "erl")
	proc := testpeers.Start(t, "erl", "-noshell", "-eval", `application:ensure_all_started(ssl),
		[io:format("SUITE ~s ~s ~s ~s ~s ~s~n", [Set, ssl:suite_to_str(S), K, C, M, P]) ||
			V <- [tlsv1, 'tlsv1.2', 'tlsv1.3'], Set <- [default, all, anonymous],
			S = #{key_exchange := K, cipher := C, mac := M, prf := P} <- ssl:cipher_suites(Set, V)],
		io:format("DONE~n"), halt().`)
	if err := proc.WaitFor("DONE", 60*time.Second); err != nil {
		t.Fatalf("erl: %v", err)
	}
	var out []otpSuite
	for _, line := range proc.Lines("SUITE ") {
		var o otpSuite
		var k, c, m, pr string
		if _, err := fmt.Sscan(strings.TrimPrefix(line, "SUITE "), &o.list, &o.name, &k, &c, &m, &pr); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		o.cs = SuiteTuple(k, c, m, pr)
		out = append(out, o)
	}
	if len(out) == 0 {
		t.Fatal("no suites from erl")
	}
	return out
}

// TestErlangSuiteMapsMatchOTP: every suite gossl and OTP 25 both have
// is described by the same map (selected_cipher_suite, gossl ciphers,
// CipherSuites). gossl gave prf sha256 to the RFC 5246 CBC-SHA256 suites
// (TLS_RSA_WITH_AES_128_CBC_SHA256 ...), which OTP calls default_prf.
func TestErlangSuiteMapsMatchOTP(t *testing.T) {
	ours := map[string]CipherSuite{}
	for _, set := range []SuiteSet{SuitesAll, SuitesAnonymous} {
		for _, cs := range CipherSuites(set, "") {
			ours[cs.Name] = cs
		}
	}
	n := 0
	for _, o := range otpSuites(t) {
		cs, ok := ours[o.name]
		if !ok {
			continue
		}
		n++
		if got := SuiteTuple(cs.KeyExchange, cs.Cipher, cs.MAC, cs.PRF); got != o.cs {
			t.Errorf("%s: gossl %s, OTP %s", o.name, got.ErlangString(), o.cs.ErlangString())
		}
	}
	if n < 50 {
		t.Errorf("only %d suites compared", n)
	}
}

// TestCipherSuitesFromErlang: the maps OTP 25 prints for
// ssl:cipher_suites(default, V), as CipherSuite values, all name gossl
// suites (the TLS 1.2 AES-CCM ones too, since they exist); a server
// configured with them serves a default client.
func TestCipherSuitesFromErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	var usable []CipherSuite
	total := 0
	for _, o := range otpSuites(t) {
		if o.list != "default" {
			continue
		}
		total++
		_, err := resolveCipherSuites([]CipherSuite{o.cs})
		switch {
		case err == nil:
			usable = append(usable, o.cs)
		default:
			t.Errorf("OTP's %s: %v", o.cs.ErlangString(), err)
		}
	}
	t.Logf("%d of OTP 25's %d default suites (TLS 1.0-1.3) name gossl suites", len(usable), total)
	so := serverOpts(p, "ecdsa")
	so.CipherSuites = usable
	port, done := startEcho(t, so)
	s, err := Connect("127.0.0.1", port, clientOpts(p), 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	s.Close()
	<-done
}
