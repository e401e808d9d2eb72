package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"os"
	"os/exec"
	"testing"

	"github.com/cloudflare/circl/sign/ed448"

	"github.com/gossl/ssl/internal/ec"
	"github.com/gossl/ssl/internal/testpeers"
)

// TestOtherCurveChains validates OpenSSL-made chains whose keys crypto/x509
// cannot parse (brainpool, secp256k1 and the other internal/ec curves,
// the binary sect* curves among them, Ed448), mixed with keys it can: the certificates parse with their keys,
// the leaf key loads from PKCS#8 and SEC 1 and matches the certificate,
// signs and verifies, and the path validates against the CA; a leaf
// presented to another CA of the same name fails.
func TestOtherCurveChains(t *testing.T) {
	for _, c := range []struct{ ca, leaf string }{
		{"brainpoolP384r1", "brainpoolP256r1"},
		{"brainpoolP512r1", "brainpoolP512r1"},
		{"secp256k1", "secp256k1"},
		{"prime256v1", "secp224r1"},
		{"brainpoolP256r1", "prime256v1"},
		{"ed448", "ed448"},
		{"ed448", "brainpoolP384r1"},
		{"secp160r1", "secp192k1"},
		{"sect571r1", "sect283k1"},
		{"sect233k1", "sect163r2"},
		{"prime256v1", "sect409r1"},
	} {
		t.Run(c.ca+"/"+c.leaf, func(t *testing.T) {
			ch := testpeers.OpenSSLCurveChain(t, c.ca, c.leaf)
			leafDER := mustCertDER(t, ch.CertFile)
			caDER := mustCertDER(t, ch.CAFile)
			ca, err := ParseCertificate(caDER)
			if err != nil || ca.PublicKey == nil {
				t.Fatalf("CA: %v", err)
			}
			leaf, err := ParseCertificate(leafDER)
			if err != nil || leaf.PublicKey == nil {
				t.Fatalf("leaf: %v", err)
			}
			files := []string{ch.KeyFile}
			if ch.SEC1File != "" {
				files = append(files, ch.SEC1File)
			}
			for _, f := range files {
				data, _ := os.ReadFile(f)
				key, err := ParsePrivateKeyPEM(data, "")
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if err := CheckKeyMatchesCertificate(key, leafDER); err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				signAndCheck(t, key)
			}
			store := NewTrustStore([]*x509Cert{ca})
			path, err := VerifyChain([][]byte{leafDER}, &VerifyOptions{Store: store, Purpose: ServerAuth, Hostname: "localhost", Depth: -1})
			if err != nil || len(path) != 2 {
				t.Fatalf("VerifyChain: %v", err)
			}
			other := testpeers.OpenSSLCurveChain(t, c.ca, c.leaf)
			otherCA, _ := ParseCertificate(mustCertDER(t, other.CAFile))
			_, err = VerifyChain([][]byte{leafDER}, &VerifyOptions{Store: NewTrustStore([]*x509Cert{otherCA}), Purpose: ServerAuth, Depth: -1})
			var bc *BadCertError
			if !errors.As(err, &bc) {
				t.Fatalf("leaf under another CA of the same name: %v", err)
			}
		})
	}
}

func mustCertDER(t *testing.T, path string) []byte {
	t.Helper()
	ders, err := LoadCertificatesFile(path)
	if err != nil || len(ders) == 0 {
		t.Fatalf("%s: %v", path, err)
	}
	return ders[0]
}

// signAndCheck signs with key as TLS does and verifies the signature.
func signAndCheck(t *testing.T, key crypto.Signer) {
	t.Helper()
	msg := []byte("signed params")
	switch pub := key.Public().(type) {
	case *ec.PublicKey:
		d := sha256.Sum256(msg)
		sig, err := key.Sign(rand.Reader, d[:], crypto.SHA256)
		if err != nil || !ec.Verify(pub, d[:], sig) {
			t.Fatalf("ECDSA on %s: %v", pub.Curve().Name(), err)
		}
	case ed448.PublicKey:
		sig, err := key.Sign(rand.Reader, msg, crypto.Hash(0))
		if err != nil || !ed448.Verify(pub, msg, sig, "") {
			t.Fatalf("Ed448: %v", err)
		}
	}
}

// TestOtherKeyRefusals: a SEC 1 key on an unknown curve, an EC key whose
// public point does not match its scalar, and an Ed448 key of the wrong
// size are refused, not loaded.
func TestOtherKeyRefusals(t *testing.T) {
	if _, err := ParsePrivateKeyDER(KeyKindEC, []byte{0x30, 0x03, 0x02, 0x01, 0x01}); err == nil {
		t.Error("truncated EC key accepted")
	}
	c := ec.ByName("brainpoolP256r1")
	k1, _ := c.GenerateKey(rand.Reader)
	k2, _ := c.GenerateKey(rand.Reader)
	der := marshalSEC1(t, c, k1.Bytes(), k2.PublicKey().Bytes())
	if _, err := ParsePrivateKeyDER(KeyKindEC, der); err == nil {
		t.Error("EC key with another key's public point accepted")
	}
	if _, err := ParsePrivateKeyDER(KeyKindEC, marshalSEC1(t, c, k1.Bytes(), k1.PublicKey().Bytes())); err != nil {
		t.Errorf("consistent EC key refused: %v", err)
	}
	bad := []byte{0x30, 0x0e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x04, 0x02, 0x04, 0x00}
	if _, err := ParsePrivateKeyDER(KeyKindPKCS8, bad); err == nil {
		t.Error("Ed448 key with an empty seed accepted")
	}
}

type x509Cert = x509.Certificate

func marshalSEC1(t *testing.T, c *ec.Curve, d, pub []byte) []byte {
	t.Helper()
	der, err := asn1.Marshal(struct {
		Version    int
		PrivateKey []byte
		Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
		PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
	}{1, d, c.OID(), asn1.BitString{Bytes: pub, BitLength: 8 * len(pub)}})
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestUnknownKeyCertificateKeepsX509Answer: a certificate whose key
// crypto/x509 leaves nil and this package does not know (here an
// id-RSASSA-PSS key, made by OpenSSL) parses as x509 parses it, with a
// nil key, and is never a nil certificate.
func TestUnknownKeyCertificateKeepsX509Answer(t *testing.T) {
	testpeers.Require(t, "openssl")
	dir := t.TempDir()
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa-pss", "-pkeyopt", "rsa_keygen_bits:2048",
		"-keyout", dir+"/k.pem", "-out", dir+"/c.pem", "-nodes", "-days", "1", "-subj", "/CN=pss").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, out)
	}
	der := mustCertDER(t, dir+"/c.pem")
	c, err := ParseCertificateUncached(der)
	if err != nil || c == nil || c.PublicKey != nil {
		t.Fatalf("ParseCertificateUncached: %v, %v", c, err)
	}
	if c, err := ParseCertificate(der); err != nil || c == nil {
		t.Fatalf("ParseCertificate: %v, %v", c, err)
	}
}
