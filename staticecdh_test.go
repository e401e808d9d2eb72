package ssl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// Static ECDH, ECDH_ECDSA and ECDH_RSA (RFC 4492): the server's ECDH key
// is its certificate's. The certificates are made here, under the test
// PKI's RSA root: EC keys with keyUsage keyAgreement, one issued by an
// ECDSA intermediate CA (for ECDH_ECDSA; the server sends the
// intermediate), one by the RSA root itself (for ECDH_RSA).

// ecdhCertFiles are the certificate (chain) and key files of the static
// ECDH tests, by name: "ecdsa-signed" (P-256, ECDSA intermediate),
// "rsa-signed" (P-384, RSA root), "no-keyagreement" (P-256, ECDSA
// intermediate, keyUsage digitalSignature only).
type ecdhCertFiles struct{ cert, key map[string]string }

func makeECDHCerts(t *testing.T, p *testpeers.PKI) *ecdhCertFiles {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gossl test ECDSA CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, p.CA, caKey.Public(), p.CAKey)
	if err != nil {
		t.Fatal(err)
	}
	ecCA, _ := x509.ParseCertificate(caDER)
	f := &ecdhCertFiles{cert: map[string]string{}, key: map[string]string{}}
	for i, spec := range []struct {
		name     string
		curve    elliptic.Curve
		parent   *x509.Certificate
		parentK  crypto.Signer
		keyUsage x509.KeyUsage
	}{
		{"ecdsa-signed", elliptic.P256(), ecCA, caKey, x509.KeyUsageKeyAgreement | x509.KeyUsageDigitalSignature},
		{"rsa-signed", elliptic.P384(), p.CA, p.CAKey, x509.KeyUsageKeyAgreement},
		{"no-keyagreement", elliptic.P256(), ecCA, caKey, x509.KeyUsageDigitalSignature},
	} {
		key, err := ecdsa.GenerateKey(spec.curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(10 + i)), Subject: pkix.Name{CommonName: spec.name},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: spec.keyUsage,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, DNSNames: []string{"localhost"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, spec.parent, key.Public(), spec.parentK)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		chain := [][]byte{der}
		if spec.parent == ecCA {
			chain = append(chain, caDER)
		}
		f.cert[spec.name] = filepath.Join(dir, spec.name+".pem")
		f.key[spec.name] = filepath.Join(dir, spec.name+".key")
		writePEMFile(t, f.cert[spec.name], "CERTIFICATE", chain...)
		writePEMFile(t, f.key[spec.name], "PRIVATE KEY", keyDER)
	}
	return f
}

func writePEMFile(t *testing.T, path, typ string, ders ...[]byte) {
	t.Helper()
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: d})...)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

// serverOpts serves static ECDH suites with the named certificate.
func (f *ecdhCertFiles) serverOpts(name string, suites ...string) *Options {
	return &Options{CertFile: f.cert[name], KeyFile: f.key[name], IP: net.IPv4(127, 0, 0, 1),
		Versions: []Version{TLSv1_2, TLSv1_1, TLSv1}, Ciphers: suites}
}

// ecdhClientOpts verifies the server against the test root; full
// handshakes only.
func ecdhClientOpts(p *testpeers.PKI, suites ...string) *Options {
	co := clientOpts(p)
	co.Versions, co.Ciphers, co.ReuseSessions = []Version{TLSv1_2, TLSv1_1, TLSv1}, suites, Bool(false)
	return co
}

// staticECDHCases are suites with the certificate each needs, at a
// version each works at.
var staticECDHCases = []struct {
	suite, cert string
	version     Version
	group       string
}{
	{"TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "ecdsa-signed", TLSv1_2, "secp256r1"},
	{"TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", "ecdsa-signed", TLSv1_2, "secp256r1"},
	{"TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", "ecdsa-signed", TLSv1, "secp256r1"},
	{"TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", "rsa-signed", TLSv1_2, "secp384r1"},
	{"TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", "rsa-signed", TLSv1_2, "secp384r1"},
	{"TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", "rsa-signed", TLSv1_1, "secp384r1"},
}

// TestStaticECDH: gossl on both sides, each suite family with its
// certificate, the client verifying the server; the group is the
// certificate's curve.
func TestStaticECDH(t *testing.T) {
	p := testpeers.NewPKI(t)
	f := makeECDHCerts(t, p)
	for _, tc := range staticECDHCases {
		t.Run(tc.suite, func(t *testing.T) {
			so := f.serverOpts(tc.cert, tc.suite)
			port, done := startEcho(t, so)
			co := ecdhClientOpts(p, tc.suite)
			co.Versions = []Version{tc.version}
			s, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			echo(t, s)
			if v := infoValue(t, s, "cipher_suite"); v != tc.suite {
				t.Errorf("cipher_suite %v", v)
			}
			if v := infoValue(t, s, "protocol"); v != string(tc.version) {
				t.Errorf("protocol %v", v)
			}
			if v := infoValue(t, s, "selected_group"); v != tc.group {
				t.Errorf("selected_group %v, want %s", v, tc.group)
			}
			s.Close()
			if err := <-done; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

// TestStaticECDHRefused: never by default; a server whose certificate
// was signed by the other algorithm, or is on a curve the client did
// not offer, does not choose the suite (handshake_failure); a client
// refuses a certificate without keyUsage keyAgreement
// (unsupported_certificate).
func TestStaticECDHRefused(t *testing.T) {
	p := testpeers.NewPKI(t)
	f := makeECDHCerts(t, p)
	for _, s := range CipherSuites(SuitesDefault, "") {
		if s.KeyExchange == "ecdh_ecdsa" || s.KeyExchange == "ecdh_rsa" {
			t.Errorf("%s is a default suite", s.Name)
		}
	}
	for _, tc := range []struct {
		name, cert, suite string
		eccs              []string
		alert             string
	}{
		{"ECDH_RSA with an ECDSA-signed certificate", "ecdsa-signed", "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", nil, "handshake_failure"},
		{"ECDH_ECDSA with an RSA-signed certificate", "rsa-signed", "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", nil, "handshake_failure"},
		{"curve not offered", "rsa-signed", "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", []string{"secp256r1"}, "handshake_failure"},
		{"no keyAgreement", "no-keyagreement", "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", nil, "unsupported_certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, done := startEcho(t, f.serverOpts(tc.cert, tc.suite))
			co := ecdhClientOpts(p, tc.suite)
			co.Eccs = tc.eccs
			_, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if tc.alert == "unsupported_certificate" {
				wantSentAlert(t, err, tc.alert)
			} else {
				wantReceivedAlert(t, err, tc.alert)
			}
			<-done
		})
	}
}

// TestInteropStaticECDHErlang: every TLS 1.2 ECDH_ECDSA and ECDH_RSA
// suite against Erlang/OTP 25, the only peer here with static ECDH
// (OpenSSL removed it in 1.1.0, GnuTLS never had it), in both roles.
func TestInteropStaticECDHErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	f := makeECDHCerts(t, p)
	for _, fam := range []struct{ kx, cert string }{{"ecdh_ecdsa", "ecdsa-signed"}, {"ecdh_rsa", "rsa-signed"}} {
		t.Run(fam.kx, func(t *testing.T) {
			interopErlangSuites(t, p, suitesFor(TLSv1_2, fam.kx), func() *Options { return ecdhClientOpts(p) },
				func() *Options { return f.serverOpts(fam.cert) }, fmt.Sprintf(",{certfile,%q},{keyfile,%q}", f.cert[fam.cert], f.key[fam.cert]), "")
		})
	}
}
