package pki

import (
	"bytes"
	"encoding/pem"
	"testing"
)

// Seeds live in testdata/fuzz/<Name>/: certificates are public test
// certificates; the key seeds are malformed shapes only, never a real key.

func FuzzParseCertificatesPEM(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ders, err := ParseCertificatesPEM(data)
		if err != nil {
			if ders != nil {
				t.Fatal("certificates returned with an error")
			}
			return
		}
		// Re-encoding gives the same list.
		var again []byte
		for _, d := range ders {
			again = append(again, pem.EncodeToMemory(&pem.Block{Type: pemCertificate, Bytes: d})...)
		}
		ders2, err := ParseCertificatesPEM(again)
		if err != nil || len(ders2) != len(ders) {
			t.Fatalf("round trip: %d vs %d, %v", len(ders2), len(ders), err)
		}
		for i := range ders {
			if !bytes.Equal(ders[i], ders2[i]) {
				t.Fatal("round trip changed a certificate")
			}
		}
		// Whatever the DER, path validation must not panic.
		_, _ = VerifyChain(ders, &VerifyOptions{Depth: 10, Hostname: "example.com"})
	})
}

func FuzzParsePrivateKeyPEM(f *testing.F) {
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, password string) {
		k, err := ParsePrivateKeyPEM(data, password)
		if err != nil {
			if k != nil {
				t.Fatal("key returned with an error")
			}
			return
		}
		if k.Public() == nil {
			t.Fatal("key without a public half")
		}
	})
}
