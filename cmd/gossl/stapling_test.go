package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// stapleFiles writes a CA, a localhost certificate it issued (chain file
// and key) and an OCSP response about it with the given status, made with
// golang.org/x/crypto/ocsp from keys generated here.
func stapleFiles(t *testing.T, status int) (caFile, chainFile, keyFile, respFile string) {
	t.Helper()
	dir := t.TempDir()
	newKey := func() crypto.Signer {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey, leafKey := newKey(), newKey()
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stapling CA"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, leafKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ocsp.CreateResponse(ca, ca, ocsp.Response{Status: status, SerialNumber: leafTmpl.SerialNumber,
		ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour), RevokedAt: now.Add(-time.Minute)}, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pemOf := func(typ string, ders ...[]byte) []byte {
		var out []byte
		for _, d := range ders {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: d})...)
		}
		return out
	}
	return write("ca.pem", pemOf("CERTIFICATE", caDER)), write("chain.pem", pemOf("CERTIFICATE", leafDER, caDER)),
		write("key.pem", pemOf("PRIVATE KEY", keyDER)), write("resp.der", resp)
}

// TestServeConnectStapling: serve --ocsp-response staples the file,
// connect --stapling checks it and prints ocsp_status; a revoked staple
// fails the connection unless verify_none, which prints it; without a
// staple, verify_none prints none.
func TestServeConnectStapling(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		staple bool
		verify string
		want   string // the ocsp_status line, or "" for a refused connection
	}{
		{"good", ocsp.Good, true, "verify_peer", "ocsp_status: good\n"},
		{"revoked", ocsp.Revoked, true, "verify_peer", ""},
		{"revoked-verify-none", ocsp.Revoked, true, "verify_none", "ocsp_status: revoked\n"},
		{"none", ocsp.Good, false, "verify_none", "ocsp_status: none\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			caFile, chainFile, keyFile, respFile := stapleFiles(t, c.status)
			args := []string{"--once", "--certfile", chainFile, "--keyfile", keyFile}
			if c.staple {
				args = append(args, "--ocsp-response", respFile)
			}
			srv := startServe(t, args...)
			r := gossl(t, "hello\n", "connect", srv.addr, "--cacertfile", caFile, "--stapling", "--verify", c.verify,
				"--server-name-indication", "localhost", "--wait", "2s")
			if c.want == "" {
				if r.code == 0 || !strings.Contains(r.stderr, "Certificate Revoked") {
					t.Fatalf("connect: exit %d\nstderr:\n%s", r.code, r.stderr)
				}
				return
			}
			if r.code != 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("connect: exit %d, want %q in\nstderr:\n%s", r.code, c.want, r.stderr)
			}
		})
	}
}
