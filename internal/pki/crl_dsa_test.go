package pki

import (
	"crypto"
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of a DSA certificate
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func needOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("GOSSL_REQUIRE_PEERS") == "1" {
			t.Fatal("openssl is required")
		}
		t.Skip("openssl not installed")
	}
}

func openssl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestNameHashMatchesOpenSSL compares NameHash with `openssl x509 -hash`
// for names whose canonical form differs from their encoding: case, runs
// of white space, leading and trailing blanks, several string types, a
// multi-valued RDN.
func TestNameHashMatchesOpenSSL(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	subjects := []string{
		"/CN=Example Root",
		"/C=DE/O=Gossl  Tests/OU=  Mixed CASE   unit /CN=  spaced   Name ",
		"/DC=org/DC=example/CN=Tab\tSeparated",
		"/O=Ünïcödé GmbH/CN=Straße",
		"/CN=a+OU=b",
		"/emailAddress=Admin@Example.COM/CN=x",
	}
	for i, subj := range subjects {
		key := filepath.Join(dir, fmt.Sprintf("k%d.pem", i))
		cert := filepath.Join(dir, fmt.Sprintf("c%d.pem", i))
		openssl(t, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", key, "-out", cert, "-subj", subj, "-multivalue-rdn", "-utf8", "-days", "1")
		want := strings.TrimSpace(openssl(t, "x509", "-hash", "-noout", "-in", cert))
		ders, err := LoadCertificatesFile(cert)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(ders[0])
		h, err := NameHash(c.RawSubject)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%08x", h); got != want {
			t.Errorf("%q: hash %s, openssl %s", subj, got, want)
		}
	}
}

// TestNameHashStringTypes: the canonical form of a PrintableString and
// a UTF8String with different case and spacing is the same.
func TestNameHashStringTypes(t *testing.T) {
	enc := func(tag int, v string) []byte {
		rdn := pkix.RDNSequence{{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: asn1.RawValue{Tag: tag, Bytes: []byte(v)}}}}
		der, err := asn1.Marshal(rdn)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	a, _ := NameHash(enc(asn1.TagPrintableString, "  Hello   World "))
	b, _ := NameHash(enc(asn1.TagUTF8String, "hello world"))
	if a != b {
		t.Fatalf("%08x != %08x", a, b)
	}
}

// TestDSAKeysAndCertificates: DSA keys made by OpenSSL load from "DSA
// PRIVATE KEY" and PKCS#8 (also encrypted), match their certificate, sign
// (signatures crypto/dsa and OpenSSL's "pkeyutl -verify" accept), and a
// DSA-signed certificate chain verifies.
func TestDSAKeysAndCertificates(t *testing.T) {
	needOpenSSL(t)
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	openssl(t, "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-out", p("params.pem"))
	openssl(t, "genpkey", "-paramfile", p("params.pem"), "-out", p("ca.p8"))
	openssl(t, "req", "-x509", "-key", p("ca.p8"), "-out", p("ca.pem"), "-subj", "/CN=DSA CA", "-sha256", "-days", "2",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign,cRLSign")
	openssl(t, "genpkey", "-paramfile", p("params.pem"), "-out", p("leaf.p8"))
	openssl(t, "pkey", "-in", p("leaf.p8"), "-traditional", "-out", p("leaf.pkcs1"))
	openssl(t, "pkcs8", "-topk8", "-in", p("leaf.p8"), "-v2", "aes-256-cbc", "-passout", "pass:secret", "-out", p("leaf.enc"))
	openssl(t, "req", "-new", "-key", p("leaf.p8"), "-out", p("leaf.csr"), "-subj", "/CN=localhost")
	openssl(t, "x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.p8"), "-CAcreateserial",
		"-out", p("leaf.pem"), "-days", "1", "-sha256")

	leafDER, err := LoadCertificatesFile(p("leaf.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ file, password string }{{"leaf.p8", ""}, {"leaf.pkcs1", ""}, {"leaf.enc", "secret"}} {
		k, err := LoadPrivateKeyFile(p(f.file), f.password)
		if err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		if _, ok := k.(*DSAKey); !ok {
			t.Fatalf("%s: %T", f.file, k)
		}
		if err := CheckKeyMatchesCertificate(k, leafDER[0]); err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		digest := sha256.Sum256([]byte(f.file))
		sig, err := k.Sign(nil, digest[:], crypto.SHA256)
		if err != nil {
			t.Fatalf("%s: Sign: %v", f.file, err)
		}
		if err := VerifyDSA(k.Public().(*dsa.PublicKey), digest[:], sig); err != nil {
			t.Fatalf("%s: %v", f.file, err)
		}
		// OpenSSL checks the same signature with the certificate's key.
		os.WriteFile(p("digest"), digest[:], 0o600)
		os.WriteFile(p("sig"), sig, 0o600)
		openssl(t, "pkeyutl", "-verify", "-certin", "-inkey", p("leaf.pem"), "-in", p("digest"), "-sigfile", p("sig"))
	}
	caDER, _ := LoadCertificatesFile(p("ca.pem"))
	ca, _ := x509.ParseCertificate(caDER[0])
	path, err := VerifyChain(leafDER, &VerifyOptions{Roots: []*x509.Certificate{ca}, Depth: 1, Hostname: "localhost", Now: time.Now()})
	if err != nil {
		t.Fatalf("DSA-signed chain: %v", err)
	}
	if len(path) != 2 {
		t.Fatalf("path of %d", len(path))
	}
	// A tampered signature fails.
	bad := append([]byte(nil), leafDER[0]...)
	bad[len(bad)-5] ^= 1
	if _, err := VerifyChain([][]byte{bad}, &VerifyOptions{Roots: []*x509.Certificate{ca}}); err == nil {
		t.Fatal("tampered DSA signature accepted")
	}
}
