package ssl

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// anonCases lists every anonymous suite with every version it allows.
func anonCases() []suiteAt { return suitesAt(SuitesAnonymous, "dh_anon", "ecdh_anon") }

// TestAnonSuiteLists: the anonymous suites are listed with
// SuitesAnonymous only, never in the default or "all" lists, as OTP 25's
// ssl:cipher_suites(anonymous, 'tlsv1.2') lists dh_anon and ecdh_anon.
func TestAnonSuiteLists(t *testing.T) {
	for _, set := range []SuiteSet{SuitesDefault, SuitesAll} {
		for _, cs := range CipherSuites(set, "") {
			if strings.HasSuffix(cs.KeyExchange, "_anon") && !strings.HasPrefix(cs.KeyExchange, "srp") {
				t.Errorf("%s in %s", cs.Name, set)
			}
		}
	}
	// TLS 1.2: 6 DH_anon and 2 ECDH_anon AES suites, and 3DES and RC4
	// with each; TLS 1.1 and 1.0: the 6 CBC suites, with DH_anon's DES.
	if n := len(anonCases()); n != 12+9+9 {
		t.Fatalf("%d anonymous suite/version pairs", n)
	}
}

// TestAnonLoopback: every dh_anon and ecdh_anon suite at every version it
// allows, gossl to gossl, with a server that has no certificate and a
// client with the default verify_peer (there is no certificate to
// verify: the suite was named).
func TestAnonLoopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, c := range anonCases() {
		t.Run(string(c.v)+"/"+c.cs.Name, func(t *testing.T) {
			loopbackSuite(t, c, &Options{}, clientOpts(p), func(s *Socket) {
				if _, err := s.Peercert(); err == nil {
					t.Error("a peer certificate under an anonymous suite")
				}
			})
		})
	}
}

// TestAnonNotOfferedByDefault: a server that enables only anonymous
// suites does not get a client with the default ciphers (which offers
// none) to take one: no suite in common.
func TestAnonNotOfferedByDefault(t *testing.T) {
	p := testpeers.NewPKI(t)
	port, done := startEcho(t, &Options{Ciphers: []string{"AECDH-AES128-SHA", "ADH-AES128-GCM-SHA256"}})
	if s, err := Connect("127.0.0.1", port, clientOpts(p), 10*time.Second); err == nil {
		s.Close()
		t.Fatal("a default client took an anonymous suite")
	}
	var a *Alert
	if err := <-done; !errors.As(err, &a) || a.Description != "handshake_failure" {
		t.Fatalf("server: %v, want handshake_failure", err)
	}
}

// TestInteropAnonOpenSSL: every anonymous suite at every version against
// OpenSSL (ADH-*/AECDH-* at @SECLEVEL=0), both roles, neither side with
// a certificate.
func TestInteropAnonOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	client := func() *Options {
		co := clientOpts(p)
		// Without a certificate to size it by, s_server at
		// @SECLEVEL=0 sends a 1024-bit DH prime.
		co.DHMinBits = 1024
		return co
	}
	interopOpenSSLSuites(t, anonCases(), client, func() *Options { return &Options{} }, []string{"-nocert"}, nil)
}

// TestInteropAnonErlang: every TLS 1.2 dh_anon and ecdh_anon suite that
// OTP 25 enables at TLS 1.2 against Erlang/OTP, both roles, no
// certificates, the 3DES and RC4 ones included. OTP 25's
// ssl:cipher_suites(anonymous, 'tlsv1.2') has no
// TLS_DH_anon_WITH_AES_*_CBC_SHA and no TLS_ECDH_anon_WITH_RC4_128_SHA
// (checked with erl): those are left out (TestAnonLoopback has them).
func TestInteropAnonErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	otpLacks := map[string]bool{"TLS_DH_anon_WITH_AES_128_CBC_SHA": true, "TLS_DH_anon_WITH_AES_256_CBC_SHA": true,
		"TLS_ECDH_anon_WITH_RC4_128_SHA": true}
	var list []CipherSuite
	for _, c := range anonCases() {
		if c.v == TLSv1_2 && !otpLacks[c.cs.Name] {
			list = append(list, c.cs)
		}
	}
	interopErlangSuites(t, p, list, func() *Options { return clientOpts(p) }, func() *Options { return &Options{} }, "", "")
}
