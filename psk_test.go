package ssl

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// pskTable is a user_lookup_fun over a map of identities to keys.
func pskTable(keys map[string][]byte) *UserLookupFun {
	return &UserLookupFun{Fun: func(kind LookupKind, identity string, state any) (LookupResult, error) {
		if kind != LookupPSK {
			return nil, errors.New("not a PSK lookup")
		}
		if k, ok := state.(map[string][]byte)[identity]; ok {
			return PSKKey(k), nil
		}
		return nil, errors.New("unknown identity")
	}, UserState: keys}
}

// pskClientFun answers any hint with key, and records the hints seen.
func pskClientFun(key []byte, hints *[]string) *UserLookupFun {
	return &UserLookupFun{Fun: func(kind LookupKind, hint string, _ any) (LookupResult, error) {
		if hints != nil {
			*hints = append(*hints, hint)
		}
		return PSKKey(key), nil
	}}
}

// pskServerOpts is a certificate-less PSK server.
func pskServerOpts(hint string, keys map[string][]byte, ciphers ...string) *Options {
	return &Options{IP: net.IPv4(127, 0, 0, 1), Ciphers: ciphers, Versions: []Version{TLSv1_2},
		UserLookupFun: pskTable(keys), PSKIdentity: hint}
}

// isPSKSuite reports whether cs is of the PSK family, which the
// every-suite tests must give PSK settings or leave to the PSK tests.
func isPSKSuite(cs CipherSuite) bool { return strings.HasSuffix(cs.KeyExchange, "psk") }

// needsSecret reports whether cs needs a pre-shared key or an SRP
// password, which the every-suite tests against peers without them
// leave to the PSK and SRP tests.
func needsSecret(cs CipherSuite) bool {
	return isPSKSuite(cs) || strings.HasPrefix(cs.KeyExchange, "srp")
}

// withPSK adds to o what a PSK suite needs: a server's table holding
// pskTestID, or a client's identity and key.
func withPSK(o *Options, server bool) *Options {
	if server {
		o.UserLookupFun = pskTable(map[string][]byte{pskTestID: pskTestKey})
	} else {
		o.PSKIdentity, o.UserLookupFun = pskTestID, pskClientFun(pskTestKey, nil)
	}
	return o
}

const pskTestID = "client1"

var pskTestKey = []byte{0x1a, 0x2b, 0x3c, 0x4d, 0x5e, 0x6f, 0x70, 0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x09}

func TestPSKLoopback(t *testing.T) {
	for _, cs := range CipherSuites(SuitesAnonymous, TLSv1_2) {
		if !strings.HasSuffix(cs.KeyExchange, "psk") {
			continue // SRP: TestSRPLoopback; DH_anon, ECDH_anon: TestAnonLoopback
		}
		for _, hint := range []string{"", "the hint"} {
			t.Run(cs.OpenSSLName+"/hint="+hint, func(t *testing.T) {
				port, done := startEcho(t, pskServerOpts(hint, map[string][]byte{"client1": pskTestKey}, cs.Name))
				var hints []string
				co := &Options{Ciphers: []string{cs.Name}, Versions: []Version{TLSv1_2}, PSKIdentity: "client1",
					UserLookupFun: pskClientFun(pskTestKey, &hints)}
				s, err := Connect("127.0.0.1", port, co, 10*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				defer s.Close()
				pingWithSuite(t, s, cs.Name)
				if len(hints) != 1 || hints[0] != hint {
					t.Fatalf("client lookup saw hints %q, want [%q]", hints, hint)
				}
				s.Close()
				if err := <-done; err != nil {
					t.Fatalf("server: %v", err)
				}
			})
		}
	}
}

// TestPSKWrongKeyAndUnknownIdentity: a wrong key and an unknown identity
// end the same way, at the client's Finished with bad_record_mac, so a
// client cannot tell a known identity from an unknown one.
func TestPSKWrongKeyAndUnknownIdentity(t *testing.T) {
	wrong := bytes.Clone(pskTestKey)
	wrong[15] ^= 1
	for _, tc := range []struct {
		name, identity string
		key            []byte
	}{
		{"wrong key", "client1", wrong},
		{"unknown identity", "nobody", pskTestKey},
	} {
		for _, suite := range []string{"PSK-AES128-GCM-SHA256", "ECDHE-PSK-AES128-CBC-SHA256", "DHE-PSK-CHACHA20-POLY1305"} {
			t.Run(tc.name+"/"+suite, func(t *testing.T) {
				port, done := startEcho(t, pskServerOpts("", map[string][]byte{"client1": pskTestKey}, suite))
				failsAtFinished(t, port, done, &Options{Ciphers: []string{suite}, Versions: []Version{TLSv1_2},
					PSKIdentity: tc.identity, UserLookupFun: pskClientFun(tc.key, nil)})
			})
		}
	}
}

// TestPSKOptions: the PSK options are checked when compiled.
func TestPSKOptions(t *testing.T) {
	fun := pskClientFun(pskTestKey, nil)
	long := string(make([]byte, 65536))
	for _, tc := range []struct {
		name string
		role role
		o    Options
		opt  string
	}{
		{"PSK suites without lookup", roleClient, Options{Ciphers: []string{"PSK-AES128-GCM-SHA256"}}, "user_lookup_fun"},
		{"client lookup without identity", roleClient, Options{Ciphers: []string{"PSK-AES128-GCM-SHA256"}, UserLookupFun: fun}, "psk_identity"},
		{"identity without lookup", roleServer, Options{PSKIdentity: "hint"}, "psk_identity"},
		{"identity too long", roleClient, Options{PSKIdentity: long, UserLookupFun: fun}, "psk_identity"},
		{"nil Fun", roleServer, Options{UserLookupFun: &UserLookupFun{}}, "user_lookup_fun"},
		// (TLS 1.3 suites serve external PSKs without a certificate.)
		{"server without certificate or PSK suite", roleServer, Options{UserLookupFun: fun, Versions: []Version{TLSv1_2}}, "certfile"},
	} {
		_, err := tc.o.compile(tc.role, "localhost")
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Name != tc.opt {
			t.Errorf("%s: %v, want an error on %s", tc.name, err, tc.opt)
		}
	}
	// A PSK server needs no certificate.
	o := pskServerOpts("", map[string][]byte{"a": pskTestKey}, "PSK-AES128-GCM-SHA256")
	if _, err := o.compile(roleServer, ""); err != nil {
		t.Fatalf("certificate-less PSK server: %v", err)
	}
}

// TestPSKLookupResultKinds: an SRP result for a PSK lookup is a clear
// local error, not a silent failure.
func TestPSKLookupResultKinds(t *testing.T) {
	f := &UserLookupFun{Fun: func(LookupKind, string, any) (LookupResult, error) {
		return SRPVerifier{Params: "srp_2048"}, nil
	}}
	if _, err := f.psk("x"); err == nil || !strings.Contains(err.Error(), "SRPVerifier") {
		t.Fatalf("SRP result: %v", err)
	}
	k := PSKKey{1}
	f.Fun = func(LookupKind, string, any) (LookupResult, error) { return &k, nil }
	if got, err := f.psk("x"); err != nil || !bytes.Equal(got, k) {
		t.Fatalf("*PSKKey: %v %v", got, err)
	}
}
