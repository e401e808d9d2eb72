package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// idp is an IssuingDistributionPoint to encode for a test CRL.
type idp struct {
	uri                        string // fullName with one URI
	relative                   bool   // nameRelativeToCRLIssuer instead
	onlyUser, onlyCA, onlyAttr bool
	indirect                   bool
	reasons                    []int // onlySomeReasons bits
}

func (d idp) marshal(t testing.TB) pkix.Extension {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		if d.uri != "" || d.relative {
			b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				if d.relative {
					b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{2, 5, 4, 3})
							b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes([]byte("part1")) })
						})
					})
					return
				}
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(d.uri)) })
				})
			})
		}
		flag := func(n int, on bool) {
			if on {
				b.AddASN1(cbasn1.Tag(n).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddUint8(0xff) })
			}
		}
		flag(1, d.onlyUser)
		flag(2, d.onlyCA)
		if d.reasons != nil {
			var bits [2]byte
			for _, r := range d.reasons {
				bits[r/8] |= 0x80 >> (r % 8)
			}
			b.AddASN1(cbasn1.Tag(3).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddUint8(0); b.AddBytes(bits[:]) })
		}
		flag(4, d.indirect)
		flag(5, d.onlyAttr)
	})
	der, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return pkix.Extension{Id: oidIssuingDistPoint, Critical: true, Value: der}
}

var deltaIndicator = pkix.Extension{Id: oidDeltaCRLIndicator, Critical: true, Value: []byte{2, 1, 1}} // BaseCRLNumber 1

// scopedCRL issues a CRL of issuer with extra extensions, listing revoked
// (reason keyCompromise) and entries with their own extensions.
func scopedCRL(t *testing.T, issuer *tcert, exts []pkix.Extension, entryExts []pkix.Extension, revoked ...*tcert) *x509.RevocationList {
	t.Helper()
	var entries []x509.RevocationListEntry
	for _, r := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: r.cert.SerialNumber, RevocationTime: time.Now().Add(-time.Minute), ReasonCode: 1})
	}
	if entryExts != nil {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: big.NewInt(999999), RevocationTime: time.Now().Add(-time.Minute), ExtraExtensions: entryExts})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(7), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(time.Hour),
		RevokedCertificateEntries: entries, ExtraExtensions: exts,
	}, issuer.cert, issuer.key)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

// TestCRLScope: a CRL decides a certificate's status only when its scope
// (RFC 5280, Sections 5.2 and 6.3.3) holds the certificate and the CRLs
// used cover every reason. Each limited-scope CRL alone gives
// revocation_status_undetermined; a matching scope counts.
func TestCRLScope(t *testing.T) {
	root := mk(t, caSpec("Scope Root", algECDSA), nil)
	inter := mk(t, caSpec("Scope Inter", algECDSA), root)
	ls := leafSpec("leaf.example.com", algECDSA)
	ls.crlDP = []string{"http://crl.example/a.crl"}
	leaf := mk(t, ls, inter)
	ls.crlDP = nil
	noDP := mk(t, ls, inter)
	subCA := mk(t, caSpec("Scope Sub CA", algECDSA), inter)

	crl := func(exts []pkix.Extension, revoked ...*tcert) *x509.RevocationList {
		return scopedCRL(t, inter, exts, nil, revoked...)
	}
	ext := func(d idp) []pkix.Extension { return []pkix.Extension{d.marshal(t)} }
	unknownCritical := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{5, 0}}
	unknownPlain := unknownCritical
	unknownPlain.Critical = false
	allButTwo := []int{3, 4, 5, 6, 7, 8}

	const ok, undetermined, revoked = "ok", ReasonRevocationUndetermined, ReasonRevoked
	cases := []struct {
		name string
		cert *tcert
		crls []*x509.RevocationList
		want string
	}{
		{"complete CRL", leaf, []*x509.RevocationList{crl(nil)}, ok},
		{"complete CRL lists it", leaf, []*x509.RevocationList{crl(nil, leaf)}, revoked},
		{"delta CRL alone", leaf, []*x509.RevocationList{crl([]pkix.Extension{deltaIndicator})}, undetermined},
		{"delta CRL lists it", leaf, []*x509.RevocationList{crl(nil), crl([]pkix.Extension{deltaIndicator}, leaf)}, revoked},
		{"complete and delta", leaf, []*x509.RevocationList{crl([]pkix.Extension{deltaIndicator}), crl(nil)}, ok},
		{"only CA certificates, for a leaf", leaf, []*x509.RevocationList{crl(ext(idp{onlyCA: true}))}, undetermined},
		{"only CA certificates, for a CA", subCA, []*x509.RevocationList{crl(ext(idp{onlyCA: true}))}, ok},
		{"only user certificates, for a leaf", leaf, []*x509.RevocationList{crl(ext(idp{onlyUser: true}))}, ok},
		{"only user certificates, for a CA", subCA, []*x509.RevocationList{crl(ext(idp{onlyUser: true}))}, undetermined},
		{"only attribute certificates", leaf, []*x509.RevocationList{crl(ext(idp{onlyAttr: true}))}, undetermined},
		{"some reasons", leaf, []*x509.RevocationList{crl(ext(idp{reasons: []int{1, 2}}))}, undetermined},
		{"some reasons lists it", leaf, []*x509.RevocationList{crl(ext(idp{reasons: []int{1, 2}}), leaf)}, revoked},
		{"reason partitions covering all", leaf, []*x509.RevocationList{crl(ext(idp{reasons: []int{1, 2}})), crl(ext(idp{reasons: allButTwo}))}, ok},
		{"reason partitions with a gap", leaf, []*x509.RevocationList{crl(ext(idp{reasons: []int{1, 2}})), crl(ext(idp{reasons: allButTwo[1:]}))}, undetermined},
		{"distribution point the certificate names", leaf, []*x509.RevocationList{crl(ext(idp{uri: "http://crl.example/a.crl"}))}, ok},
		{"another distribution point", leaf, []*x509.RevocationList{crl(ext(idp{uri: "http://crl.example/b.crl"}))}, undetermined},
		{"distribution point, certificate names none", noDP, []*x509.RevocationList{crl(ext(idp{uri: "http://crl.example/a.crl"}))}, undetermined},
		{"distribution point relative to the issuer", leaf, []*x509.RevocationList{crl(ext(idp{relative: true}))}, undetermined},
		{"indirect CRL", leaf, []*x509.RevocationList{crl(ext(idp{indirect: true}))}, undetermined},
		{"indirect CRL lists the serial", leaf, []*x509.RevocationList{crl(ext(idp{indirect: true}), leaf)}, undetermined},
		{"unrecognised critical extension", leaf, []*x509.RevocationList{crl([]pkix.Extension{unknownCritical})}, undetermined},
		{"unrecognised non-critical extension", leaf, []*x509.RevocationList{crl([]pkix.Extension{unknownPlain})}, ok},
		{"unrecognised critical entry extension", leaf, []*x509.RevocationList{scopedCRL(t, inter, nil, []pkix.Extension{unknownCritical})}, undetermined},
		{"unrecognised non-critical entry extension", leaf, []*x509.RevocationList{scopedCRL(t, inter, nil, []pkix.Extension{unknownPlain})}, ok},
		{"limited CRL, then a complete one", leaf, []*x509.RevocationList{crl(ext(idp{onlyCA: true})), crl(nil)}, ok},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := CheckRevocation(tc.cert.cert, inter.cert, tc.crls, time.Now())
			got := ok
			if b != nil {
				got = b.Reason
			}
			if got != tc.want {
				t.Fatalf("got %s (%v), want %s", got, b, tc.want)
			}
		})
	}
}
