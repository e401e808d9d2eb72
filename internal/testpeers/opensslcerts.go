package testpeers

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// CurveChain is a CA and a leaf certificate made by OpenSSL on keys that
// Go's crypto/x509 cannot make (brainpool, secp256k1, Ed448, ...).
type CurveChain struct {
	CAFile   string // the self-signed CA, PEM
	CertFile string // the leaf, for localhost and 127.0.0.1, PEM
	KeyFile  string // the leaf's key, PKCS#8 PEM ("PRIVATE KEY")
	SEC1File string // the same key as "EC PRIVATE KEY" (EC keys only)
}

// opensslKeyArgs are openssl req's -newkey arguments for key kind: a curve
// name ("brainpoolP256r1") or "ed448"/"ed25519".
func opensslKeyArgs(kind string) []string {
	switch kind {
	case "ed448", "ed25519":
		return []string{"-newkey", kind}
	}
	return []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + kind}
}

// OpenSSLCurveChain makes, with `openssl req` and `openssl x509`, a CA
// whose key is of kind caKind that issues a leaf whose key is of kind
// leafKind (each a curve name or "ed448"), in a temporary directory.
func OpenSSLCurveChain(t testing.TB, caKind, leafKind string) *CurveChain {
	t.Helper()
	Require(t, "openssl")
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	run := func(args ...string) {
		t.Helper()
		out, err := exec.Command("openssl", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	caArgs := append([]string{"req", "-x509"}, opensslKeyArgs(caKind)...)
	run(append(caArgs, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-nodes", "-days", "2",
		"-subj", "/O=gossl tests/CN=curve CA "+caKind,
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")...)
	leafArgs := append([]string{"req"}, opensslKeyArgs(leafKind)...)
	run(append(leafArgs, "-keyout", p("leaf.key"), "-out", p("leaf.csr"), "-nodes",
		"-subj", "/O=gossl tests/CN=localhost")...)
	ext := "subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n"
	if err := os.WriteFile(p("leaf.ext"), []byte(ext), 0o600); err != nil {
		t.Fatal(err)
	}
	run("x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial",
		"-out", p("leaf.pem"), "-days", "2", "-extfile", p("leaf.ext"))
	c := &CurveChain{CAFile: p("ca.pem"), CertFile: p("leaf.pem"), KeyFile: p("leaf.key")}
	if leafKind != "ed448" && leafKind != "ed25519" {
		run("ec", "-in", p("leaf.key"), "-out", p("leaf.sec1"))
		c.SEC1File = p("leaf.sec1")
	}
	return c
}
