package testpeers_test

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"testing"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestPKI checks that every leaf, direct and chained, verifies against the
// root for each SAN, and that key files are in the documented formats.
func TestPKI(t *testing.T) {
	pki := testpeers.NewPKI(t)
	if pki != testpeers.NewPKI(t) {
		t.Fatal("NewPKI is not cached")
	}
	inter := x509.NewCertPool()
	inter.AddCert(pki.Intermediate)
	wantKeyType := map[string]string{
		"rsa": "RSA PRIVATE KEY", "ecdsa": "EC PRIVATE KEY", "ed25519": "PRIVATE KEY",
		"client-rsa": "PRIVATE KEY", "client-ecdsa": "PRIVATE KEY",
	}
	for _, name := range testpeers.LeafNames {
		for _, chained := range []bool{false, true} {
			certFile := pki.CertFile(name)
			if chained {
				certFile = pki.ChainFile(name)
			}
			pair, err := tls.LoadX509KeyPair(certFile, pki.KeyFile(name))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if want := map[bool]int{false: 1, true: 2}[chained]; len(pair.Certificate) != want {
				t.Fatalf("%s: %d certificates in %s, want %d", name, len(pair.Certificate), certFile, want)
			}
			for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
				_, err := pair.Leaf.Verify(x509.VerifyOptions{
					DNSName:       host,
					Roots:         pki.CertPool(),
					Intermediates: inter,
					KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
				})
				if err != nil {
					t.Errorf("%s (chained %v) for %s: %v", name, chained, host, err)
				}
			}
		}
		b, err := os.ReadFile(pki.KeyFile(name))
		if err != nil {
			t.Fatal(err)
		}
		if blk, _ := pem.Decode(b); blk == nil || blk.Type != wantKeyType[name] {
			t.Errorf("%s: key file is not %q", name, wantKeyType[name])
		}
		der, key := pki.Cert(name)
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		if !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(cert.PublicKey) {
			t.Errorf("%s: Cert key does not match certificate", name)
		}
	}
}
