package ssl

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// issueRSA issues a certificate for localhost under p's intermediate, for
// server and client use, with an RSA key and the given keyUsage (0: no
// keyUsage extension at all).
func (p *vpki) issueRSA(key crypto.Signer, usage x509.KeyUsage) *vcert {
	p.t.Helper()
	return p.issueKey(p.inter, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: usage,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}, key)
}

// TestServerKeyUsageForKeyExchange: a client refuses a server certificate
// whose keyUsage extension does not allow the key exchange's use of the
// key (RFC 5280, 4.2.1.3; RFC 5246, 7.4.2; RFC 8446, 4.4.2.2) with
// unsupported_certificate: ECDHE and TLS 1.3 sign (digitalSignature), RSA
// key exchange encrypts (keyEncipherment). A certificate without the
// extension serves every key exchange. The check holds with verify_none.
func TestServerKeyUsageForKeyExchange(t *testing.T) {
	p := newVPKI(t, "KeyUsage")
	key := testRSAKey(t)
	signOnly := p.issueRSA(key, x509.KeyUsageDigitalSignature)
	encryptOnly := p.issueRSA(key, x509.KeyUsageKeyEncipherment)
	noExt := p.issueRSA(key, 0)
	both := p.issueRSA(key, x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment)

	const ecdhe, rsaKX = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"
	cases := []struct {
		name    string
		cert    *vcert
		version Version
		suite   string
		ok      bool
	}{
		{"ecdhe, digitalSignature", signOnly, TLSv1_2, ecdhe, true},
		{"ecdhe, keyEncipherment only", encryptOnly, TLSv1_2, ecdhe, false},
		{"ecdhe, no keyUsage", noExt, TLSv1_2, ecdhe, true},
		{"rsa, keyEncipherment", encryptOnly, TLSv1_2, rsaKX, true},
		{"rsa, digitalSignature only", signOnly, TLSv1_2, rsaKX, false},
		{"rsa, no keyUsage", noExt, TLSv1_2, rsaKX, true},
		{"rsa, both", both, TLSv1_2, rsaKX, true},
		{"tls 1.3, digitalSignature", signOnly, TLSv1_3, "", true},
		{"tls 1.3, keyEncipherment only", encryptOnly, TLSv1_3, "", false},
		{"tls 1.3, no keyUsage", noExt, TLSv1_3, "", true},
	}
	for _, tc := range cases {
		for _, verify := range []VerifyType{VerifyPeer, VerifyNone} {
			t.Run(tc.name+"/"+string(verify), func(t *testing.T) {
				so := p.serverOpts(tc.cert)
				so.Versions = []Version{tc.version}
				if tc.suite != "" {
					so.Ciphers = []string{tc.suite}
				}
				co := p.clientOpts()
				co.Verify, co.Versions = verify, []Version{tc.version}
				if tc.suite != "" {
					co.Ciphers = []string{tc.suite}
				}
				cerr, serr, _ := handshakeOnce(t, so, co)
				if tc.ok {
					if cerr != nil || serr != nil {
						t.Fatalf("client %v, server %v", cerr, serr)
					}
					return
				}
				if sentAlert(cerr) != "unsupported_certificate" {
					t.Fatalf("client %v, want unsupported_certificate", cerr)
				}
			})
		}
	}
}

// TestSHA1NotInDefaultSignatureAlgs: RFC 9155 deprecates SHA-1 signatures
// in TLS 1.2. With the default signature_algs a server refuses a client
// that offers only SHA-1 schemes, and a server limited to SHA-1 finds no
// scheme a default client offers; naming the scheme in signature_algs on
// both sides brings it back.
func TestSHA1NotInDefaultSignatureAlgs(t *testing.T) {
	p := newVPKI(t, "SHA1")
	srv := p.issueRSA(testRSAKey(t), 0)
	sha1Only := []string{"rsa_pkcs1_sha1"}
	tls12 := []Version{TLSv1_2}

	so, co := p.serverOpts(srv), p.clientOpts()
	so.Versions, co.Versions, co.SignatureAlgs = tls12, tls12, sha1Only
	cerr, serr, _ := handshakeOnce(t, so, co)
	if cerr == nil || serr == nil {
		t.Fatalf("client offering SHA-1 only, default server: client %v, server %v", cerr, serr)
	}
	t.Logf("client offering SHA-1 only: server %v", serr)

	so, co = p.serverOpts(srv), p.clientOpts()
	so.Versions, co.Versions, so.SignatureAlgs = tls12, tls12, sha1Only
	cerr, _, _ = handshakeOnce(t, so, co)
	if cerr == nil {
		t.Fatal("a default client completed a handshake with a server limited to SHA-1")
	}
	t.Logf("server limited to SHA-1: client %v", cerr)

	so, co = p.serverOpts(srv), p.clientOpts()
	so.Versions, co.Versions, so.SignatureAlgs, co.SignatureAlgs = tls12, tls12, sha1Only, sha1Only
	if cerr, serr, _ := handshakeOnce(t, so, co); cerr != nil || serr != nil {
		t.Fatalf("SHA-1 asked for on both sides: client %v, server %v", cerr, serr)
	}
}

// TestClientKeyUsageForCertificateVerify: a server refuses a client
// certificate whose keyUsage lacks digitalSignature, which its
// CertificateVerify needs (RFC 5246, 7.4.6; RFC 8446, 4.4.2.2), with
// unsupported_certificate, in TLS 1.2 and 1.3.
func TestClientKeyUsageForCertificateVerify(t *testing.T) {
	p := newVPKI(t, "ClientKeyUsage")
	srv := p.leaf("server", nil)
	key := testRSAKey(t)
	encryptOnly := p.issueRSA(key, x509.KeyUsageKeyEncipherment)
	signOnly := p.issueRSA(key, x509.KeyUsageDigitalSignature)
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		for _, tc := range []struct {
			cert *vcert
			ok   bool
		}{{signOnly, true}, {encryptOnly, false}} {
			so := p.serverOpts(srv)
			so.Verify, so.CACerts, so.Versions = VerifyPeer, [][]byte{p.root.cert.Raw}, []Version{v}
			co := p.clientOpts()
			co.Versions, co.Cert, co.Key = []Version{v}, p.chain(tc.cert), tc.cert.key
			cerr, serr, _ := handshakeOnce(t, so, co)
			if tc.ok && (cerr != nil || serr != nil) {
				t.Fatalf("%s, digitalSignature: client %v, server %v", v, cerr, serr)
			}
			if !tc.ok && sentAlert(serr) != "unsupported_certificate" {
				t.Fatalf("%s, keyEncipherment only: server %v, want unsupported_certificate", v, serr)
			}
		}
	}
}

// TestInteropRSAPSSKeyServer: an OpenSSL server whose key is
// id-RSASSA-PSS signs its TLS 1.3 CertificateVerify with rsa_pss_pss_*.
// gossl has no such key type (Go's x509 parses it as no key) and refuses
// the signature with illegal_parameter rather than failing elsewhere.
func TestInteropRSAPSSKeyServer(t *testing.T) {
	testpeers.Require(t, "openssl")
	dir := t.TempDir()
	key, cert := filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.pem")
	for _, args := range [][]string{
		{"genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key},
		{"req", "-x509", "-key", key, "-subj", "/CN=localhost", "-days", "1", "-out", cert},
	} {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", args[0], err, out)
		}
	}
	_, addr := testpeers.OpenSSLServer(t, "-cert", cert, "-key", key, "-tls1_3", "-www")
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	s, err := Connect(host, port, &Options{Verify: VerifyNone, Versions: []Version{TLSv1_3}, LogAlert: Bool(false)}, 10*time.Second)
	if err == nil {
		s.Close()
		t.Fatal("handshake with an id-RSASSA-PSS key succeeded")
	}
	if sentAlert(err) != "illegal_parameter" {
		t.Fatalf("client %v, want illegal_parameter", err)
	}
}
