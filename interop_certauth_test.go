package ssl

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// otherCA makes a second root CA ("other test CA") and a localhost leaf
// under it, and writes the CA's certificate to a PEM file.
func otherCA(t *testing.T) (caFile string, leaf CertKeyPair) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "other leaf"},
		DNSNames: []string{"localhost"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return caFile, CertKeyPair{Cert: [][]byte{der}, Key: key}
}

// TestInteropCertificateAuthoritiesOpenSSL: certificate_authorities
// (RFC 8446, 4.2.4) with OpenSSL 3.0.
//   - A gossl server with two certificates under different CAs sends the
//     one under the CA that openssl s_client -requestCAfile names, and its
//     first otherwise.
//   - A gossl client with CertificateAuthorities true names its cacerts in
//     the ClientHello (openssl s_server -trace shows them); by default it
//     sends none.
//   - A gossl server names its CAs in a CertificateRequest, unless
//     CertificateAuthorities is false.
func TestInteropCertificateAuthoritiesOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	otherFile, other := otherCA(t)
	for _, named := range []bool{false, true} {
		t.Run(fmt.Sprintf("server-choice/named=%v", named), func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.CertsKeys = []CertKeyPair{other}
			port, done := acceptOne(t, so, func(s *Socket) error { return nil })
			args := []string{"-tls1_3", "-servername", "localhost", "-ign_eof"}
			if named {
				args = append(args, "-requestCAfile", otherFile)
			}
			out := sClientAgainst(t, port, done, "", args...)
			if got := strings.Contains(out, "i:CN = other test CA"); got != named {
				t.Fatalf("certificate under the other CA: %v, want %v\n%s", got, named, out)
			}
		})
	}
	for _, send := range []bool{false, true} {
		t.Run(fmt.Sprintf("client-sends/%v", send), func(t *testing.T) {
			srv, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_3", "-www", "-trace")
			co := clientOpts(p)
			co.ReuseSessions = Bool(false)
			co.SessionTickets = "disabled"
			if send {
				co.CertificateAuthorities = Bool(true)
			}
			wwwPage(t, addr, co)
			trace := srv.Output()
			ch := trace[:max(0, strings.Index(trace, "ServerHello, Length"))]
			if got := strings.Contains(ch, "extension_type=certificate_authorities(47)"); got != send {
				t.Fatalf("ClientHello has certificate_authorities: %v, want %v\n%s", got, send, ch)
			}
			if send && !strings.Contains(ch, "test root CA") { // the CA's name, in the hex dump
				t.Fatalf("the ClientHello does not name the test CA:\n%s", ch)
			}
		})
	}
	for _, omit := range []bool{false, true} {
		t.Run(fmt.Sprintf("certificate-request/omit=%v", omit), func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Verify = VerifyPeer
			so.CACertFile = p.CAFile
			if omit {
				so.CertificateAuthorities = Bool(false)
			}
			port, done := acceptOne(t, so, func(s *Socket) error { return nil })
			out := sClientAgainst(t, port, done, "", "-tls1_3", "-servername", "localhost",
				"-cert", p.CertFile("client-ecdsa"), "-key", p.KeyFile("client-ecdsa"), "-ign_eof", "-trace")
			i := strings.Index(out, "CertificateRequest, Length")
			if i < 0 {
				t.Fatalf("no CertificateRequest:\n%s", out)
			}
			cr := out[i:]
			if j := strings.Index(cr, "Certificate, Length"); j >= 0 {
				cr = cr[:j]
			}
			if got := strings.Contains(cr, "certificate_authorities"); got == omit {
				t.Fatalf("CertificateRequest names CAs: %v, omit %v\n%s", got, omit, cr)
			}
		})
	}
}
