package pki

import (
	"bytes"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestParseCertificatesPEM(t *testing.T) {
	c := newChain(t, algECDSA)
	data := append([]byte("junk before\n"), pemOf(pemCertificate, c.leaf.der, nil)...)
	data = append(data, pemOf("EC PARAMETERS", []byte{5, 0}, nil)...)
	data = append(data, pemOf(pemCertificate, c.inter.der, nil)...)
	got, err := ParseCertificatesPEM(data)
	if err != nil || len(got) != 2 || !bytes.Equal(got[0], c.leaf.der) || !bytes.Equal(got[1], c.inter.der) {
		t.Fatalf("%d certs, %v", len(got), err)
	}
	if _, err := ParseCertificatesPEM([]byte("no pem")); !errors.Is(err, ErrNoCertificates) {
		t.Fatal(err)
	}
}

func TestPEMCache(t *testing.T) {
	ClearPEMCache()
	dir := t.TempDir()
	path := filepath.Join(dir, "certs.pem")
	a, b := newChain(t, algECDSA), newChain(t, algECDSA)
	write := func(data []byte, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	write(pemOf(pemCertificate, a.leaf.der, nil), t0)

	reads := defaultCache.reads.Load()
	for i := 0; i < 5; i++ {
		got, err := LoadCertificatesFile(path)
		if err != nil || len(got) != 1 || !bytes.Equal(got[0], a.leaf.der) {
			t.Fatalf("%v %v", len(got), err)
		}
	}
	if n := defaultCache.reads.Load() - reads; n != 1 {
		t.Fatalf("file read %d times, want 1", n)
	}

	// Same size, new mtime: reloaded.
	write(pemOf(pemCertificate, b.leaf.der, nil), t0.Add(time.Minute))
	got, err := LoadCertificatesFile(path)
	if err != nil || !bytes.Equal(got[0], b.leaf.der) {
		t.Fatal("change of mtime not noticed")
	}
	// Same mtime, new size: reloaded.
	write(append(pemOf(pemCertificate, b.leaf.der, nil), pemOf(pemCertificate, b.inter.der, nil)...), t0.Add(time.Minute))
	if got, _ := LoadCertificatesFile(path); len(got) != 2 {
		t.Fatal("change of size not noticed")
	}
	// Replaced by another file (rename), same mtime and size.
	other := filepath.Join(dir, "other.pem")
	data := append(pemOf(pemCertificate, a.leaf.der, nil), pemOf(pemCertificate, a.inter.der, nil)...)
	if err := os.WriteFile(other, data, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(other, t0.Add(time.Minute), t0.Add(time.Minute))
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if got, _ := LoadCertificatesFile(path); len(got) != 2 || !bytes.Equal(got[0], a.leaf.der) {
		t.Fatal("replaced file not noticed")
	}

	// ClearPEMCache forgets.
	reads = defaultCache.reads.Load()
	ClearPEMCache()
	LoadCertificatesFile(path)
	if defaultCache.reads.Load() == reads {
		t.Fatal("ClearPEMCache did not clear")
	}

	// Errors.
	if _, err := LoadCertificatesFile(filepath.Join(dir, "missing.pem")); err == nil {
		t.Fatal("missing file accepted")
	}
	write([]byte("nothing"), t0)
	if _, err := LoadCertificatesFile(path); !errors.Is(err, ErrNoCertificates) {
		t.Fatal(err)
	}
}

func TestLoadPrivateKeyFile(t *testing.T) {
	dir := t.TempDir()
	k := newKey(t, algECDSA)
	p8, _ := x509.MarshalPKCS8PrivateKey(k)
	path := filepath.Join(dir, "key.pem")
	os.WriteFile(path, pemOf(pemEncryptedPrivateKey, encryptPKCS8(t, p8, []byte("pw"), oidAES256CBC, oidHMACSHA256), nil), 0o600)
	got, err := LoadPrivateKeyFile(path, "pw")
	if err != nil {
		t.Fatal(err)
	}
	samePublic(t, got, k)
	if _, err := LoadPrivateKeyFile(path, ""); !errors.Is(err, ErrPasswordRequired) {
		t.Fatal(err)
	}
	if _, err := LoadPrivateKeyFile(filepath.Join(dir, "nope"), ""); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestPEMCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	c := newChain(t, algECDSA)
	var paths []string
	for i := 0; i < 4; i++ {
		p := filepath.Join(dir, string(rune('a'+i))+".pem")
		os.WriteFile(p, pemOf(pemCertificate, c.leaf.der, nil), 0o600)
		paths = append(paths, p)
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if g == 0 && i%50 == 0 {
					ClearPEMCache()
				}
				got, err := LoadCertificatesFile(paths[(g+i)%len(paths)])
				if err != nil || len(got) != 1 {
					t.Errorf("%v", err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

func BenchmarkLoadCertificatesFileCached(b *testing.B) {
	t := &testing.T{}
	c := newChain(t, algECDSA)
	path := filepath.Join(b.TempDir(), "c.pem")
	os.WriteFile(path, pemOf(pemCertificate, c.leaf.der, nil), 0o600)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := LoadCertificatesFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestLoadTrustStoreFile(t *testing.T) {
	dir := t.TempDir()
	c := newChain(t, algECDSA)
	path := filepath.Join(dir, "ca.pem")
	os.WriteFile(path, append(pemOf(pemCertificate, c.root.der, nil), pemOf(pemCertificate, c.inter.der, nil)...), 0o600)
	s1, err := LoadTrustStoreFile(path)
	if err != nil || s1.Len() != 2 {
		t.Fatal(err)
	}
	s2, _ := LoadTrustStoreFile(path)
	if s1 != s2 {
		t.Fatal("store rebuilt for an unchanged file")
	}
	if _, err := VerifyChain(ders(c.leaf, c.inter), &VerifyOptions{Store: s1, Depth: 10}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, []byte("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"), 0o600)
	if _, err := LoadTrustStoreFile(path); err == nil {
		t.Fatal("bad certificate accepted")
	}
}
