package pki

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Certificate revocation lists (RFC 5280, Sections 5 and 6.3), checked the
// way Erlang's public_key:pkix_crls_validate/3 is used by ssl: a CRL counts
// only when it is issued by the certificate's issuer (same name, signature
// by the issuer's key, cRLSign allowed), already in force (thisUpdate) and
// not stale (nextUpdate, when present, not in the past). A certificate
// listed on such a CRL is {bad_cert, {revoked, Reason}}; with no such CRL
// its status is {bad_cert, revocation_status_undetermined}. The scope of a
// CRL is checked too (crlscope.go): indirect CRLs are not used, delta
// CRLs only add revocations.

// ErrNoCRL is returned when data holds no CRL.
var ErrNoCRL = errors.New("pki: no CRL in data")

const pemCRL = "X509 CRL"

// ParseCRLs returns the CRLs of data: PEM ("X509 CRL" blocks) or one DER CRL.
// Their signatures are not checked here.
func ParseCRLs(data []byte) ([]*x509.RevocationList, error) {
	var out []*x509.RevocationList
	if bytes.Contains(data, []byte("-----BEGIN")) {
		for _, b := range decodeAllPEM(data) {
			if b.Type != pemCRL {
				continue
			}
			crl, err := x509.ParseRevocationList(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("pki: parsing CRL: %w", err)
			}
			out = append(out, crl)
		}
		if len(out) == 0 {
			return nil, ErrNoCRL
		}
		return out, nil
	}
	crl, err := x509.ParseRevocationList(data)
	if err != nil {
		return nil, fmt.Errorf("pki: parsing CRL: %w", err)
	}
	return []*x509.RevocationList{crl}, nil
}

// EncodeCRLPEM returns der as a PEM "X509 CRL" block.
func EncodeCRLPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: pemCRL, Bytes: der})
}

// CRLUsable reports why crl cannot be used to check certificates issued by
// issuer at now ("" when it can): the issuer name must match, the
// signature verify with the issuer's key, a keyUsage of the issuer allow
// cRLSign, thisUpdate be past and nextUpdate, when present, not be.
func CRLUsable(crl *x509.RevocationList, issuer *x509.Certificate, now time.Time) string {
	var nc nameCache
	if !nc.match(crl.RawIssuer, issuer.RawSubject) {
		return "the CRL is issued by another CA"
	}
	if issuer.KeyUsage != 0 && issuer.KeyUsage&x509.KeyUsageCRLSign == 0 {
		return "the issuer's keyUsage does not allow cRLSign"
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		if !checkDSASignature(issuer, crl.SignatureAlgorithm, crl.RawTBSRevocationList, crl.Signature) &&
			!checkOtherSignature(issuer, crl.SignatureAlgorithm, crl.Raw, crl.RawTBSRevocationList, crl.Signature) {
			return "the CRL signature does not verify with the issuer's key (another CA with the same name?)"
		}
	}
	if now.Before(crl.ThisUpdate) {
		return "the CRL is not in force yet (thisUpdate " + crl.ThisUpdate.UTC().Format(time.RFC3339) + ")"
	}
	if !crl.NextUpdate.IsZero() && now.After(crl.NextUpdate) {
		return "the CRL is out of date (nextUpdate " + crl.NextUpdate.UTC().Format(time.RFC3339) + ")"
	}
	return ""
}

// CRL reason codes (RFC 5280, Section 5.3.1) with Erlang's atom names.
var crlReasons = map[int]string{
	0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged",
	4: "superseded", 5: "cessationOfOperation", 6: "certificateHold",
	8: "removeFromCRL", 9: "privilegeWithdrawn", 10: "aACompromise",
}

// RevocationReasonName returns Erlang's atom for a CRL reason code.
func RevocationReasonName(code int) string {
	if n, ok := crlReasons[code]; ok {
		return n
	}
	return "unspecified"
}

// CheckRevocation checks cert, issued by issuer, against crls at now. It
// returns {bad_cert, {revoked, Reason}} when a usable CRL whose scope
// holds cert lists it, nil when usable complete CRLs whose scopes hold
// cert cover every revocation reason and do not list it, and {bad_cert,
// revocation_status_undetermined} otherwise (the detail says why the last
// CRL could not be used).
//
// RFC 5280, Sections 5.2 and 6.3.3: a CRL with an unrecognised critical
// extension (or entry extension) is not used; an issuingDistributionPoint
// limits the CRL to CA or end-entity certificates, to one distribution
// point (which must be one the certificate names) or to some reasons
// (partitions together count when their reasons cover all); an indirect
// CRL is not used; a delta CRL adds its revocations but never completes
// the status by itself.
func CheckRevocation(cert, issuer *x509.Certificate, crls []*x509.RevocationList, now time.Time) *BadCertError {
	why := "no CRL for the issuer " + issuer.Subject.String()
	var covered reasonMask
	for _, crl := range crls {
		if w := CRLUsable(crl, issuer, now); w != "" {
			why = w
			continue
		}
		scope, w := crlScopeOf(crl)
		if w == "" {
			_, w = scope.holds(cert)
		}
		if w != "" {
			why = w
			continue
		}
		if b := revokedOn(crl, cert); b != nil {
			return b
		}
		if scope.delta {
			why = "a delta CRL alone does not give a complete status"
			continue
		}
		covered |= scope.reasons
		if covered&allRevocationReasons != allRevocationReasons {
			why = "the CRLs cover only some revocation reasons"
		}
	}
	if covered&allRevocationReasons == allRevocationReasons {
		return nil
	}
	return badCert(ReasonRevocationUndetermined, cert, why)
}

// revokedOn returns {bad_cert, {revoked, Reason}} when crl lists cert.
func revokedOn(crl *x509.RevocationList, cert *x509.Certificate) *BadCertError {
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber != nil && e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			if e.ReasonCode == 8 { // removeFromCRL: only meaningful in delta CRLs
				continue
			}
			b := badCert(ReasonRevoked, cert, "revoked at "+e.RevocationTime.UTC().Format(time.RFC3339))
			b.Revocation = RevocationReasonName(e.ReasonCode)
			return b
		}
	}
	return nil
}

// NameHash is OpenSSL's X509_NAME_hash (X509_NAME_hash_ex since 3.0): the
// first four bytes, little-endian, of the SHA-1 of the name's canonical
// encoding. c_rehash and `openssl rehash` name CRL files <hash>.rN by the
// issuer's NameHash.
func NameHash(der []byte) (uint32, error) {
	canon, err := canonicalNameEncoding(der)
	if err != nil {
		return 0, err
	}
	sum := sha1.Sum(canon)
	return binary.LittleEndian.Uint32(sum[:4]), nil
}

// canonicalNameEncoding is OpenSSL's x509_name_canon: the DER of each RDN
// (SET OF AttributeTypeAndValue) concatenated without the outer SEQUENCE,
// every string value of a textual type converted to a UTF8String with
// leading and trailing white space removed, inner runs of white space
// collapsed to one space and ASCII letters lower-cased.
func canonicalNameEncoding(der []byte) ([]byte, error) {
	in := cryptobyte.String(der)
	var rdns cryptobyte.String
	if !in.ReadASN1(&rdns, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("pki: malformed Name")
	}
	var out []byte
	for !rdns.Empty() {
		var set cryptobyte.String
		if !rdns.ReadASN1(&set, cbasn1.SET) {
			return nil, errors.New("pki: malformed RelativeDistinguishedName")
		}
		var atvs [][]byte
		for !set.Empty() {
			var atv, oid, val cryptobyte.String
			var tag cbasn1.Tag
			if !set.ReadASN1(&atv, cbasn1.SEQUENCE) ||
				!atv.ReadASN1Element(&oid, cbasn1.OBJECT_IDENTIFIER) ||
				!atv.ReadAnyASN1(&val, &tag) || !atv.Empty() {
				return nil, errors.New("pki: malformed AttributeTypeAndValue")
			}
			var b cryptobyte.Builder
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(oid)
				if s, ok := canonString(tag, val); ok {
					b.AddASN1(cbasn1.UTF8String, func(b *cryptobyte.Builder) { b.AddBytes(s) })
				} else {
					b.AddASN1(tag, func(b *cryptobyte.Builder) { b.AddBytes(val) })
				}
			})
			enc, err := b.Bytes()
			if err != nil {
				return nil, err
			}
			atvs = append(atvs, enc)
		}
		// DER orders the elements of a SET OF by their encodings.
		sort.Slice(atvs, func(i, j int) bool { return bytes.Compare(atvs[i], atvs[j]) < 0 })
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, a := range atvs {
				b.AddBytes(a)
			}
		})
		enc, err := b.Bytes()
		if err != nil {
			return nil, err
		}
		out = append(out, enc...)
	}
	return out, nil
}

// canonString converts a string value to OpenSSL's canonical UTF-8 form;
// ok is false for types OpenSSL copies unchanged.
func canonString(tag cbasn1.Tag, val []byte) ([]byte, bool) {
	var u []byte
	switch tag {
	case cbasn1.UTF8String, cbasn1.PrintableString, cbasn1.IA5String, 26 /* VisibleString */ :
		u = append([]byte(nil), val...)
	case cbasn1.T61String: // read as Latin-1, as OpenSSL does
		for _, c := range val {
			u = utf8.AppendRune(u, rune(c))
		}
	case 30: // BMPString
		if len(val)%2 != 0 {
			return nil, false
		}
		units := make([]uint16, len(val)/2)
		for i := range units {
			units[i] = binary.BigEndian.Uint16(val[2*i:])
		}
		for _, r := range utf16.Decode(units) {
			u = utf8.AppendRune(u, r)
		}
	case 28: // UniversalString
		if len(val)%4 != 0 {
			return nil, false
		}
		for i := 0; i < len(val); i += 4 {
			u = utf8.AppendRune(u, rune(binary.BigEndian.Uint32(val[i:])))
		}
	default:
		return nil, false
	}
	isSpace := func(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
	for len(u) > 0 && isSpace(u[0]) {
		u = u[1:]
	}
	for len(u) > 0 && isSpace(u[len(u)-1]) {
		u = u[:len(u)-1]
	}
	out := make([]byte, 0, len(u))
	for i := 0; i < len(u); {
		c := u[i]
		switch {
		case c >= 0x80:
			out = append(out, c)
			i++
		case isSpace(c):
			out = append(out, ' ')
			for i < len(u) && isSpace(u[i]) {
				i++
			}
		default:
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			out = append(out, c)
			i++
		}
	}
	return out, true
}

// HashDirCRLs returns the CRLs of a hash directory for the issuer name
// issuerDER: the consecutive files <hash>.r0, <hash>.r1, ... (as c_rehash
// and `openssl rehash` make them). Files are read through the PEM cache, so
// a file is read again only when it changed. A missing .r0 is not an error.
func HashDirCRLs(dir string, issuerDER []byte) ([]*x509.RevocationList, error) {
	h, err := NameHash(issuerDER)
	if err != nil {
		return nil, err
	}
	base := fmt.Sprintf("%08x.r", h)
	var out []*x509.RevocationList
	for n := 0; n < 1000; n++ {
		path := filepath.Join(dir, base+strconv.Itoa(n))
		e, err := defaultCache.load(path)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				break
			}
			return out, err
		}
		e.crlOnce.Do(func() { e.crls, e.crlErr = ParseCRLs(e.data) })
		if e.crlErr != nil {
			return out, fmt.Errorf("%w (file %s)", e.crlErr, path)
		}
		out = append(out, e.crls...)
	}
	return out, nil
}
