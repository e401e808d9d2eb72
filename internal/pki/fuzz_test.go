package pki

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
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

// FuzzCRLScope feeds an issuingDistributionPoint extension of a CRL and a
// cRLDistributionPoints extension of a certificate to the scope rules:
// whatever the bytes, no panic, and a scope that holds the certificate
// gives no reason.
func FuzzCRLScope(f *testing.F) {
	dp := func(uri string) []byte {
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(uri)) })
					})
				})
			})
		})
		return b.BytesOrPanic()
	}
	for _, d := range []idp{{uri: "http://crl.example/a.crl"}, {onlyCA: true}, {reasons: []int{1, 8}, indirect: true}, {relative: true, onlyUser: true}} {
		f.Add(d.marshal(f).Value, dp("http://crl.example/a.crl"))
	}
	f.Fuzz(func(t *testing.T, idpDER, dpDER []byte) {
		crl := &x509.RevocationList{Extensions: []pkix.Extension{{Id: oidIssuingDistPoint, Critical: true, Value: idpDER}}}
		cert := &x509.Certificate{Extensions: []pkix.Extension{{Id: oidCRLDistPoints, Value: dpDER}}}
		scope, why := crlScopeOf(crl)
		if why != "" {
			return
		}
		if ok, why := scope.holds(cert); ok != (why == "") {
			t.Fatalf("holds %v with reason %q", ok, why)
		}
	})
}
