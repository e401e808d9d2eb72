package ssl

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// coveredElsewhere reports whether a suite needs more than a test PKI
// leaf, and so has tests of its own: SRP (a user and password,
// interop_srp_test.go) and DHE_DSS (a DSA certificate, below).
func coveredElsewhere(cs CipherSuite) bool {
	return strings.HasPrefix(cs.KeyExchange, "srp") || needsOwnCert(cs)
}

// needsOwnCert reports whether cs needs a certificate the shared test
// PKI lacks: DHE_DSS a DSA one (this file), static ECDH an EC key with
// keyUsage keyAgreement (staticecdh_test.go).
func needsOwnCert(cs CipherSuite) bool {
	return cs.KeyExchange == "dhe_dss" || cs.KeyExchange == "ecdh_ecdsa" || cs.KeyExchange == "ecdh_rsa"
}

// dssServer returns gossl server options with the DSA certificate.
func dssServer(p *testpeers.PKI, t *testing.T) *Options {
	cert, key := p.DSAFiles(t)
	return &Options{CertFile: cert, KeyFile: key}
}

// TestDHEDSSLoopback: every DHE_DSS suite at every version it allows,
// gossl to gossl: the server signs its ServerDHParams with the DSA key
// ({sha256,dsa} at TLS 1.2, DSA over SHA-1 before), and none of the
// suites is in the default list. Named in Ciphers, a DHE_DSS suite makes
// a client offer the DSA pairs without signature_algs.
func TestDHEDSSLoopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, cs := range CipherSuites(SuitesDefault, TLSv1_2) {
		if cs.KeyExchange == "dhe_dss" {
			t.Errorf("%s in the default list", cs.Name)
		}
	}
	cases := suitesAt(SuitesAll, "dhe_dss")
	// Six AES suites (two of them also at TLS 1.0 and 1.1), and 3DES at
	// all three versions.
	if len(cases) != 6+2*2+3 {
		t.Fatalf("%d suite/version pairs", len(cases))
	}
	for _, c := range cases {
		t.Run(string(c.v)+"/"+c.cs.Name, func(t *testing.T) {
			loopbackSuite(t, c, dssServer(p, t), clientOpts(p), func(s *Socket) {
				info, _ := s.ConnectionInformation("signature_algorithm")
				if c.v == TLSv1_2 && (len(info) < 1 || info[0].Value != "{sha256,dsa}") {
					t.Fatalf("TLS 1.2 signature: %v", info)
				}
			})
		})
	}
}

// TestInteropDHEDSSOpenSSL: every DHE_DSS suite at every version against
// OpenSSL with the DSA certificate (@SECLEVEL=0), both roles.
func TestInteropDHEDSSOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	interopOpenSSLSuites(t, suitesAt(SuitesAll, "dhe_dss"), func() *Options { return clientOpts(p) }, func() *Options { return dssServer(p, t) },
		[]string{"-cert", certFile, "-key", keyFile}, []string{"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost"})
}

// TestDHEDSSServerWithoutTLS13: a server whose only certificate is DSA,
// with the default versions, leaves TLS 1.3 out: an OpenSSL client that
// offers TLS 1.3 and 1.2 gets TLS 1.2 with DHE_DSS, and no downgrade
// sentinel in the server random (s_client would refuse one, RFC 8446,
// 4.1.3).
func TestDHEDSSServerWithoutTLS13(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := dssServer(p, t)
	so.Ciphers = []string{"DHE-DSS-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"}
	port, done := startReplyServer(t, so)
	cl := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-cipher", "DHE-DSS-AES128-GCM-SHA256:@SECLEVEL=0",
		"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof")
	io.WriteString(cl.Stdin, "hello\n")
	cl.Stdin.Close()
	if err := cl.Wait(15 * time.Second); err != nil {
		t.Fatalf("s_client: %v\n%s", err, cl.Output())
	}
	if !strings.Contains(cl.Stdout(), "gossl says TLS_DHE_DSS_WITH_AES_128_GCM_SHA256") || !strings.Contains(cl.Output(), "TLSv1.2") {
		t.Fatalf("s_client:\n%s", cl.Output())
	}
	if err := <-done; err != nil {
		t.Fatalf("gossl server: %v", err)
	}
}

// TestInteropDHEDSSErlang: every TLS 1.2 DHE_DSS suite against Erlang/OTP
// 25 in both roles. OTP 25's default signature_algs has only {sha,dsa}
// for DSA, which gossl leaves out of its defaults (RFC 9155), so the OTP
// side names {sha256,dsa}.
func TestInteropDHEDSSErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	sigAlgs := ",{signature_algs,[{sha256,dsa},{sha256,rsa},rsa_pss_rsae_sha256]}"
	interopErlangSuites(t, p, suitesFor(TLSv1_2, "dhe_dss"), func() *Options { return clientOpts(p) }, func() *Options { return dssServer(p, t) },
		fmt.Sprintf(",{certfile,%q},{keyfile,%q}%s", certFile, keyFile, sigAlgs), sigAlgs)
}
