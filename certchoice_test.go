package ssl

import (
	"crypto/ecdsa"
	"crypto/x509"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// certChoiceCase is a server with several certificates (or one) and a
// client whose hello says what it can verify.
type certChoiceCase struct {
	name   string
	server *Options
	client *Options
	// check looks at the certificate the client got and the suite.
	check func(t *testing.T, leaf *x509.Certificate, suite string)
}

// runCertChoice connects each case's client (with no verification: the
// choice is what is tested) to its server and checks what it got.
func runCertChoice(t *testing.T, cases []certChoiceCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.server.IP = net.IPv4(127, 0, 0, 1)
			port, done := startEcho(t, tc.server)
			tc.client.Verify, tc.client.ReuseSessions = VerifyNone, Bool(false)
			s, err := Connect("127.0.0.1", port, tc.client, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			var leaf *x509.Certificate
			if der, err := s.Peercert(); err == nil {
				if leaf, err = x509.ParseCertificate(der); err != nil {
					t.Fatal(err)
				}
			}
			tc.check(t, leaf, infoValue(t, s, "cipher_suite").(string))
			echo(t, s)
			s.Close()
			if err := <-done; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

// wantCurve checks that the leaf's key is on the curve named bits.
func wantCurve(bits int) func(*testing.T, *x509.Certificate, string) {
	return func(t *testing.T, leaf *x509.Certificate, _ string) {
		k, ok := leaf.PublicKey.(*ecdsa.PublicKey)
		if !ok || k.Curve.Params().BitSize != bits {
			t.Fatalf("leaf key %T on %v, want P-%d", leaf.PublicKey, curveName(leaf), bits)
		}
	}
}

func curveName(c *x509.Certificate) string {
	if k, ok := c.PublicKey.(*ecdsa.PublicKey); ok {
		return k.Curve.Params().Name
	}
	return "no curve"
}

// wantIssuer checks the leaf's issuer.
func wantIssuer(cn string) func(*testing.T, *x509.Certificate, string) {
	return func(t *testing.T, leaf *x509.Certificate, _ string) {
		if leaf == nil || leaf.Issuer.CommonName != cn {
			t.Fatalf("leaf %v, want one issued by %s", leaf, cn)
		}
	}
}

func chainPair(c *testpeers.CurveChain) CertKeyPair {
	return CertKeyPair{CertFile: c.CertFile, KeyFile: c.KeyFile}
}

// TestServerCertChoice12: a TLS 1.2 server with several certificates
// sends one the client said it can verify: an ECDSA leaf on a curve of
// its supported_groups (RFC 8422, 5.1), a chain signed with its
// signature_algorithms_cert, or signature_algorithms when it sent none
// (RFC 8446, 4.2.3; RFC 5246, 7.4.2), whichever comes first in
// certs_keys. A certificate it did not name is still used when nothing
// else serves (one certificate: today's behaviour), but a
// certificate-less suite it also offers goes first (BoGo's
// CheckECDSACurve-PSK-TLS12).
func TestServerCertChoice12(t *testing.T) {
	p := testpeers.NewPKI(t)
	p256 := testpeers.OpenSSLCurveChain(t, "prime256v1", "prime256v1")
	p384 := testpeers.OpenSSLCurveChain(t, "secp384r1", "secp384r1")
	rsaSigned := CertKeyPair{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")} // P-256 leaf, RSA root
	tls12 := func(o *Options) *Options { o.Versions = []Version{TLSv1_2}; return o }
	ecdsaSuite := []string{"ECDHE-ECDSA-AES128-GCM-SHA256"}
	pskSuites := []string{"ECDHE-ECDSA-AES128-SHA", "ECDHE-PSK-AES128-CBC-SHA"}
	runCertChoice(t, []certChoiceCase{
		{"curve/P-256 offered", tls12(&Options{CertsKeys: []CertKeyPair{chainPair(p384), chainPair(p256)}}),
			tls12(&Options{Eccs: []string{"secp256r1"}, Ciphers: ecdsaSuite}), wantCurve(256)},
		{"curve/P-384 offered", tls12(&Options{CertsKeys: []CertKeyPair{chainPair(p256), chainPair(p384)}}),
			tls12(&Options{Eccs: []string{"secp384r1"}, Ciphers: ecdsaSuite}), wantCurve(384)},
		{"curve/both offered: the first", tls12(&Options{CertsKeys: []CertKeyPair{chainPair(p384), chainPair(p256)}}),
			tls12(&Options{Eccs: []string{"secp256r1", "secp384r1"}, Ciphers: ecdsaSuite}), wantCurve(384)},
		{"curve/single certificate not offered", tls12(&Options{CertsKeys: []CertKeyPair{chainPair(p256)}}),
			tls12(&Options{Eccs: []string{"secp384r1"}, Ciphers: ecdsaSuite}), wantCurve(256)},
		{"signature_algs_cert", tls12(&Options{CertsKeys: []CertKeyPair{chainPair(p256), rsaSigned}}),
			tls12(&Options{SignatureAlgsCert: []string{"rsa_pkcs1_sha256"}, Ciphers: ecdsaSuite}), wantIssuer("gossl test root CA")},
		{"signature_algs", tls12(&Options{CertsKeys: []CertKeyPair{rsaSigned, chainPair(p256)}}),
			tls12(&Options{SignatureAlgs: []string{"ecdsa_secp256r1_sha256"}, Ciphers: ecdsaSuite}), wantIssuer("curve CA prime256v1")},
		{"certificate-less suite first", tls12(&Options{CertsKeys: []CertKeyPair{chainPair(p256)}, Ciphers: pskSuites,
			UserLookupFun: pskTable(map[string][]byte{pskTestID: pskTestKey})}),
			tls12(&Options{Eccs: []string{"secp384r1"}, Ciphers: pskSuites, PSKIdentity: pskTestID, UserLookupFun: pskClientFun(pskTestKey, nil)}),
			func(t *testing.T, leaf *x509.Certificate, suite string) {
				if suite != "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA" || leaf != nil {
					t.Fatalf("suite %s, certificate %v", suite, leaf != nil)
				}
			}},
	})
}

// TestServerCertChoice13SignatureAlgs: a TLS 1.3 client that sends no
// signature_algorithms_cert gets a chain signed with its
// signature_algorithms (RFC 8446, 4.2.3), not merely the first one its
// leaf key can sign for.
func TestServerCertChoice13SignatureAlgs(t *testing.T) {
	p := testpeers.NewPKI(t)
	p256 := testpeers.OpenSSLCurveChain(t, "prime256v1", "prime256v1")
	rsaSigned := CertKeyPair{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")}
	tls13 := func(o *Options) *Options { o.Versions = []Version{TLSv1_3}; return o }
	runCertChoice(t, []certChoiceCase{
		{"ecdsa only", tls13(&Options{CertsKeys: []CertKeyPair{rsaSigned, chainPair(p256)}}),
			tls13(&Options{SignatureAlgs: []string{"ecdsa_secp256r1_sha256"}}), wantIssuer("curve CA prime256v1")},
		{"rsa too", tls13(&Options{CertsKeys: []CertKeyPair{chainPair(p256), rsaSigned}}),
			tls13(&Options{SignatureAlgs: []string{"ecdsa_secp256r1_sha256", "rsa_pkcs1_sha256"}}), wantIssuer("curve CA prime256v1")},
	})
}
