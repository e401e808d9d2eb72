package pki

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The scope of a CRL (RFC 5280, Sections 5.2 and 6.3.3): which
// certificates and which revocation reasons it speaks for. A CRL decides a
// certificate's status only when its scope holds the certificate, and the
// status is known only when the CRLs used together cover every reason.
// Delta CRLs add revocations but never make a status complete; indirect
// CRLs are not used (their entries may belong to other issuers).

var (
	oidAuthorityKeyID    = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidIssuerAltName     = asn1.ObjectIdentifier{2, 5, 29, 18}
	oidCRLNumber         = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidDeltaCRLIndicator = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidIssuingDistPoint  = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidFreshestCRL       = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidAuthorityInfo     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
	oidCRLDistPoints     = asn1.ObjectIdentifier{2, 5, 29, 31}
	oidReasonCode        = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidHoldInstruction   = asn1.ObjectIdentifier{2, 5, 29, 23}
	oidInvalidityDate    = asn1.ObjectIdentifier{2, 5, 29, 24}
	knownCRLExtensions   = []asn1.ObjectIdentifier{oidAuthorityKeyID, oidIssuerAltName, oidCRLNumber, oidDeltaCRLIndicator, oidIssuingDistPoint, oidFreshestCRL, oidAuthorityInfo}
	knownEntryExtensions = []asn1.ObjectIdentifier{oidReasonCode, oidHoldInstruction, oidInvalidityDate}
)

const (
	allRevocationReasons  reasonMask = 0x1fe // ReasonFlags bits 1 (keyCompromise) to 8 (aACompromise)
	errMalformedCRLScope             = "malformed issuingDistributionPoint"
	errMalformedCRLDPoint            = "malformed cRLDistributionPoints"
)

// reasonMask holds ReasonFlags (RFC 5280, Section 4.2.1.13): bit i is
// reason i (1 keyCompromise ... 8 aACompromise; bit 0 is unused).
type reasonMask uint16

// crlScope is what a CRL's extensions say about its coverage.
type crlScope struct {
	delta    bool
	indirect bool
	onlyUser bool
	onlyCA   bool
	onlyAttr bool
	reasons  reasonMask // onlySomeReasons; allRevocationReasons when absent
	// dpFull are the GeneralName elements (DER) of the IDP's fullName;
	// dpRelative is set for a nameRelativeToCRLIssuer, which is not
	// matched. No distribution point: both empty.
	dpFull     [][]byte
	dpRelative bool
}

// crlScopeOf reads crl's extensions. why is non-empty when the CRL must
// not be used at all: an unrecognised critical extension, in the CRL or
// in an entry (RFC 5280, Sections 5.2 and 5.3), or a malformed one.
func crlScopeOf(crl *x509.RevocationList) (s crlScope, why string) {
	s.reasons = allRevocationReasons
	for _, e := range crl.Extensions {
		switch {
		case e.Id.Equal(oidDeltaCRLIndicator):
			s.delta = true
		case e.Id.Equal(oidIssuingDistPoint):
			if !s.parseIDP(e.Value) {
				return s, errMalformedCRLScope
			}
		case e.Critical && !oidIn(e.Id, knownCRLExtensions):
			return s, "the CRL has an unrecognised critical extension " + e.Id.String()
		}
	}
	for _, rc := range crl.RevokedCertificateEntries {
		for _, e := range rc.Extensions {
			if e.Critical && !oidIn(e.Id, knownEntryExtensions) {
				return s, "a CRL entry has an unrecognised critical extension " + e.Id.String()
			}
		}
	}
	return s, ""
}

// parseIDP reads IssuingDistributionPoint (RFC 5280, Section 5.2.5).
func (s *crlScope) parseIDP(der []byte) bool {
	in := cryptobyte.String(der)
	var idp cryptobyte.String
	if !in.ReadASN1(&idp, cbasn1.SEQUENCE) || !in.Empty() {
		return false
	}
	var dp cryptobyte.String
	var hasDP bool
	if !idp.ReadOptionalASN1(&dp, &hasDP, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return false
	}
	if hasDP {
		full, relative, ok := readDistributionPointName(dp)
		if !ok {
			return false
		}
		s.dpFull, s.dpRelative = full, relative
	}
	flags := []*bool{&s.onlyUser, &s.onlyCA, nil, &s.indirect, &s.onlyAttr}
	for i, f := range flags {
		tag := cbasn1.Tag(i + 1).ContextSpecific()
		var v cryptobyte.String
		var present bool
		if !idp.ReadOptionalASN1(&v, &present, tag) {
			return false
		}
		if !present {
			continue
		}
		if f == nil { // [3] onlySomeReasons
			m, ok := readReasonFlags(v)
			if !ok {
				return false
			}
			s.reasons = m
			continue
		}
		if len(v) != 1 {
			return false
		}
		*f = v[0] != 0
	}
	return idp.Empty()
}

// readDistributionPointName reads the CHOICE inside an explicit [0]:
// fullName [0] GeneralNames, or nameRelativeToCRLIssuer [1].
func readDistributionPointName(dp cryptobyte.String) (full [][]byte, relative, ok bool) {
	var names cryptobyte.String
	switch {
	case dp.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()):
		if !dp.ReadASN1(&names, cbasn1.Tag(0).Constructed().ContextSpecific()) || !dp.Empty() {
			return nil, false, false
		}
		for !names.Empty() {
			var gn cryptobyte.String
			if !names.ReadAnyASN1Element(&gn, new(cbasn1.Tag)) {
				return nil, false, false
			}
			full = append(full, gn)
		}
		return full, false, len(full) > 0
	case dp.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()):
		return nil, true, true
	}
	return nil, false, false
}

// readReasonFlags decodes the content octets of a BIT STRING of
// ReasonFlags (the first octet counts the unused bits).
func readReasonFlags(v []byte) (reasonMask, bool) {
	if len(v) == 0 || v[0] > 7 || (len(v) == 1 && v[0] != 0) {
		return 0, false
	}
	var m reasonMask
	for i, b := range v[1:] {
		for j := 0; j < 8; j++ {
			if bit := i*8 + j; b&(0x80>>j) != 0 && bit < 16 {
				m |= 1 << bit
			}
		}
	}
	return m, true
}

// holds reports whether the scope covers cert (RFC 5280, Section 6.3.3
// (b)(2)); why says why not.
func (s *crlScope) holds(cert *x509.Certificate) (ok bool, why string) {
	isCA := cert.BasicConstraintsValid && cert.IsCA
	switch {
	case s.indirect:
		return false, "the CRL is indirect (not supported)"
	case s.onlyAttr:
		return false, "the CRL covers attribute certificates only"
	case s.onlyUser && isCA:
		return false, "the CRL covers end-entity certificates only"
	case s.onlyCA && !isCA:
		return false, "the CRL covers CA certificates only"
	case s.dpRelative:
		return false, "the CRL's distribution point is a name relative to its issuer (not supported)"
	case s.dpFull != nil:
		dps, ok := certDistributionPointNames(cert)
		if !ok {
			return false, errMalformedCRLDPoint + " in the certificate"
		}
		for _, a := range s.dpFull {
			for _, b := range dps {
				if bytes.Equal(a, b) {
					return true, ""
				}
			}
		}
		return false, "the CRL is a partition for a distribution point the certificate does not name"
	}
	return true, ""
}

// certDistributionPointNames returns the fullName GeneralNames (DER) of
// cert's cRLDistributionPoints (RFC 5280, Section 4.2.1.13).
func certDistributionPointNames(cert *x509.Certificate) ([][]byte, bool) {
	var out [][]byte
	for _, e := range cert.Extensions {
		if !e.Id.Equal(oidCRLDistPoints) {
			continue
		}
		in := cryptobyte.String(e.Value)
		var seq cryptobyte.String
		if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() {
			return nil, false
		}
		for !seq.Empty() {
			var dp, name cryptobyte.String
			var has bool
			if !seq.ReadASN1(&dp, cbasn1.SEQUENCE) ||
				!dp.ReadOptionalASN1(&name, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) {
				return nil, false
			}
			if !has {
				continue
			}
			full, _, ok := readDistributionPointName(name)
			if !ok {
				return nil, false
			}
			out = append(out, full...)
		}
	}
	return out, true
}

func oidIn(id asn1.ObjectIdentifier, list []asn1.ObjectIdentifier) bool {
	for _, o := range list {
		if o.Equal(id) {
			return true
		}
	}
	return false
}
