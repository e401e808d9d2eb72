package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	// The hashes a CertID may use (RFC 6960, Section 4.1.1; RFC 5019
	// profiles SHA-1, which only identifies and protects nothing).
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// OCSP responses (RFC 6960), parsed with cryptobyte: what a TLS client
// checks in a stapled response (RFC 6066, Section 8; RFC 8446, Section
// 4.4.2.1) and what a server fetches from its certificate's responder.

// OCSPStatus is a SingleResponse's certStatus (RFC 6960, Section 4.2.1).
type OCSPStatus uint8

const (
	OCSPGood OCSPStatus = iota
	OCSPRevoked
	OCSPUnknown
)

func (s OCSPStatus) String() string {
	switch s {
	case OCSPGood:
		return "good"
	case OCSPRevoked:
		return "revoked"
	}
	return "unknown"
}

// OCSPSingleResponse is one SingleResponse: the status of one certificate.
type OCSPSingleResponse struct {
	Hash           crypto.Hash // of the CertID; 0 when not one gossl knows
	IssuerNameHash []byte
	IssuerKeyHash  []byte
	Serial         *big.Int
	Status         OCSPStatus
	RevokedAt      time.Time
	// RevocationReason is the CRLReason code, -1 when absent.
	RevocationReason int
	ThisUpdate       time.Time
	NextUpdate       time.Time // zero when absent
	// CriticalExtension: a singleExtension marked critical, which gossl
	// does not know (RFC 6960, Section 4.4: none is critical).
	CriticalExtension bool
}

// OCSPResponse is a successful OCSPResponse of type id-pkix-ocsp-basic
// (RFC 6960, Section 4.2.1). Byte slices alias the parsed data.
type OCSPResponse struct {
	TBS                []byte // tbsResponseData, DER: what Signature covers
	SignatureAlgorithm x509.SignatureAlgorithm
	Signature          []byte
	// ResponderName (byName, a DER Name) or ResponderKeyHash (byKey, the
	// SHA-1 of the responder's subjectPublicKey bits) is the ResponderID.
	ResponderName    []byte
	ResponderKeyHash []byte
	ProducedAt       time.Time
	Responses        []OCSPSingleResponse
	// Certs are the certificates the responder sent to help verify its
	// signature (a delegated responder's certificate).
	Certs [][]byte
	// CriticalExtension: a responseExtension marked critical (the nonce
	// never is; RFC 8954, Section 2.1).
	CriticalExtension bool
}

var (
	oidOCSPBasic   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	oidSHA1        = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512      = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSASSAPSS   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	ocspResponseOK = 0 // OCSPResponseStatus successful
)

// ocspSigAlgs are the signature algorithms of responses gossl verifies
// (RSASSA-PSS is handled apart: its hash is in the parameters).
var ocspSigAlgs = []struct {
	oid asn1.ObjectIdentifier
	alg x509.SignatureAlgorithm
}{
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, x509.SHA1WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, x509.SHA256WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}, x509.SHA384WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}, x509.SHA512WithRSA},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}, x509.ECDSAWithSHA1},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}, x509.ECDSAWithSHA256},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}, x509.ECDSAWithSHA384},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}, x509.ECDSAWithSHA512},
	{asn1.ObjectIdentifier{1, 3, 101, 112}, x509.PureEd25519},
}

var ocspHashes = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{
	{oidSHA1, crypto.SHA1}, {oidSHA256, crypto.SHA256}, {oidSHA384, crypto.SHA384}, {oidSHA512, crypto.SHA512},
}

func hashByOID(oid asn1.ObjectIdentifier) crypto.Hash {
	for _, h := range ocspHashes {
		if h.oid.Equal(oid) {
			return h.hash
		}
	}
	return 0
}

// ErrOCSPMalformed is returned for an OCSPResponse that does not parse.
var ErrOCSPMalformed = errors.New("pki: malformed OCSP response")

// OCSPStatusError is an OCSPResponse whose responseStatus is not
// successful (malformedRequest, internalError, tryLater, sigRequired,
// unauthorized: RFC 6960, Section 4.2.1).
type OCSPStatusError int

func (e OCSPStatusError) Error() string {
	names := map[int]string{1: "malformedRequest", 2: "internalError", 3: "tryLater", 5: "sigRequired", 6: "unauthorized"}
	if n, ok := names[int(e)]; ok {
		return "pki: OCSP responder answered " + n
	}
	return "pki: OCSP responder answered an unknown status"
}

// ParseOCSPResponse parses a DER OCSPResponse. Only a successful
// response of type id-pkix-ocsp-basic is returned; signatures are not
// checked here (CheckOCSP does).
func ParseOCSPResponse(der []byte) (*OCSPResponse, error) {
	in := cryptobyte.String(der)
	var top, rb, basic cryptobyte.String
	var status int
	if !in.ReadASN1(&top, cbasn1.SEQUENCE) || !in.Empty() || !top.ReadASN1Enum(&status) {
		return nil, ErrOCSPMalformed
	}
	if status != ocspResponseOK {
		if top.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
			top.SkipASN1(cbasn1.Tag(0).Constructed().ContextSpecific())
		}
		if !top.Empty() {
			return nil, ErrOCSPMalformed
		}
		return nil, OCSPStatusError(status)
	}
	// responseBytes [0] EXPLICIT ResponseBytes: responseType, response.
	var typ asn1.ObjectIdentifier
	var inner cryptobyte.String
	if !top.ReadASN1(&rb, cbasn1.Tag(0).Constructed().ContextSpecific()) || !top.Empty() ||
		!rb.ReadASN1(&inner, cbasn1.SEQUENCE) || !rb.Empty() ||
		!inner.ReadASN1ObjectIdentifier(&typ) || !inner.ReadASN1(&basic, cbasn1.OCTET_STRING) || !inner.Empty() {
		return nil, ErrOCSPMalformed
	}
	if !typ.Equal(oidOCSPBasic) {
		return nil, errors.New("pki: OCSP response is not of type id-pkix-ocsp-basic")
	}
	r := &OCSPResponse{}
	if !r.parseBasic(basic) {
		return nil, ErrOCSPMalformed
	}
	return r, nil
}

// parseBasic reads BasicOCSPResponse: tbsResponseData, signatureAlgorithm,
// signature and the optional [0] EXPLICIT certs.
func (r *OCSPResponse) parseBasic(b cryptobyte.String) bool {
	var seq, tbsFull, algID, sig cryptobyte.String
	if !b.ReadASN1(&seq, cbasn1.SEQUENCE) || !b.Empty() ||
		!seq.ReadASN1Element(&tbsFull, cbasn1.SEQUENCE) || !seq.ReadASN1(&algID, cbasn1.SEQUENCE) {
		return false
	}
	var bits asn1.BitString
	if !seq.ReadASN1BitString(&bits) || bits.BitLength%8 != 0 {
		return false
	}
	sig = bits.Bytes
	r.TBS, r.Signature = tbsFull, sig
	r.SignatureAlgorithm = sigAlgFromID(algID)
	if seq.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var certsExp, certs cryptobyte.String
		if !seq.ReadASN1(&certsExp, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
			!certsExp.ReadASN1(&certs, cbasn1.SEQUENCE) || !certsExp.Empty() {
			return false
		}
		for !certs.Empty() {
			var c cryptobyte.String
			if !certs.ReadASN1Element(&c, cbasn1.SEQUENCE) {
				return false
			}
			r.Certs = append(r.Certs, c)
		}
	}
	if !seq.Empty() {
		return false
	}
	var tbs cryptobyte.String
	tbsCopy := cryptobyte.String(tbsFull)
	if !tbsCopy.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return false
	}
	return r.parseTBS(tbs)
}

// parseTBS reads ResponseData: version [0] (v1 only), responderID,
// producedAt, responses, responseExtensions [1].
func (r *OCSPResponse) parseTBS(tbs cryptobyte.String) bool {
	if tbs.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var v cryptobyte.String
		var version int
		if !tbs.ReadASN1(&v, cbasn1.Tag(0).Constructed().ContextSpecific()) || !v.ReadASN1Integer(&version) || !v.Empty() || version != 0 {
			return false
		}
	}
	// ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }, both
	// explicitly tagged (the module's default).
	var rid cryptobyte.String
	switch {
	case tbs.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()):
		var name cryptobyte.String
		if !tbs.ReadASN1(&rid, cbasn1.Tag(1).Constructed().ContextSpecific()) ||
			!rid.ReadASN1Element(&name, cbasn1.SEQUENCE) || !rid.Empty() {
			return false
		}
		r.ResponderName = name
	case tbs.PeekASN1Tag(cbasn1.Tag(2).Constructed().ContextSpecific()):
		var hash cryptobyte.String
		if !tbs.ReadASN1(&rid, cbasn1.Tag(2).Constructed().ContextSpecific()) ||
			!rid.ReadASN1(&hash, cbasn1.OCTET_STRING) || !rid.Empty() || len(hash) != 20 {
			return false
		}
		r.ResponderKeyHash = hash
	default:
		return false
	}
	var list cryptobyte.String
	if !tbs.ReadASN1GeneralizedTime(&r.ProducedAt) || !tbs.ReadASN1(&list, cbasn1.SEQUENCE) {
		return false
	}
	for !list.Empty() {
		var single cryptobyte.String
		var sr OCSPSingleResponse
		if !list.ReadASN1(&single, cbasn1.SEQUENCE) || !sr.parse(single) {
			return false
		}
		r.Responses = append(r.Responses, sr)
	}
	if len(r.Responses) == 0 {
		return false
	}
	crit, ok := readExtensions(&tbs, 1)
	r.CriticalExtension = crit
	return ok && tbs.Empty()
}

// parse reads SingleResponse: certID, certStatus, thisUpdate, nextUpdate
// [0], singleExtensions [1].
func (sr *OCSPSingleResponse) parse(s cryptobyte.String) bool {
	var id, alg cryptobyte.String
	var hashOID asn1.ObjectIdentifier
	var nameHash, keyHash cryptobyte.String
	sr.Serial = new(big.Int)
	if !s.ReadASN1(&id, cbasn1.SEQUENCE) || !id.ReadASN1(&alg, cbasn1.SEQUENCE) ||
		!alg.ReadASN1ObjectIdentifier(&hashOID) ||
		!id.ReadASN1(&nameHash, cbasn1.OCTET_STRING) || !id.ReadASN1(&keyHash, cbasn1.OCTET_STRING) ||
		!id.ReadASN1Integer(sr.Serial) || !id.Empty() {
		return false
	}
	// The parameters of the hash's AlgorithmIdentifier are NULL or absent.
	if !alg.Empty() && (!alg.SkipASN1(cbasn1.NULL) || !alg.Empty()) {
		return false
	}
	sr.Hash = hashByOID(hashOID)
	sr.IssuerNameHash, sr.IssuerKeyHash = nameHash, keyHash
	sr.RevocationReason = -1
	// CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1]
	// IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo (NULL) }.
	var st cryptobyte.String
	switch {
	case s.PeekASN1Tag(cbasn1.Tag(0).ContextSpecific()):
		if !s.ReadASN1(&st, cbasn1.Tag(0).ContextSpecific()) || !st.Empty() {
			return false
		}
		sr.Status = OCSPGood
	case s.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()):
		if !s.ReadASN1(&st, cbasn1.Tag(1).Constructed().ContextSpecific()) || !st.ReadASN1GeneralizedTime(&sr.RevokedAt) {
			return false
		}
		sr.Status = OCSPRevoked
		if st.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
			var reason cryptobyte.String
			var code int
			if !st.ReadASN1(&reason, cbasn1.Tag(0).Constructed().ContextSpecific()) || !reason.ReadASN1Enum(&code) || !reason.Empty() {
				return false
			}
			sr.RevocationReason = code
		}
		if !st.Empty() {
			return false
		}
	case s.PeekASN1Tag(cbasn1.Tag(2).ContextSpecific()):
		if !s.ReadASN1(&st, cbasn1.Tag(2).ContextSpecific()) || !st.Empty() {
			return false
		}
		sr.Status = OCSPUnknown
	default:
		return false
	}
	if !s.ReadASN1GeneralizedTime(&sr.ThisUpdate) {
		return false
	}
	if s.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var nu cryptobyte.String
		if !s.ReadASN1(&nu, cbasn1.Tag(0).Constructed().ContextSpecific()) || !nu.ReadASN1GeneralizedTime(&sr.NextUpdate) || !nu.Empty() {
			return false
		}
	}
	crit, ok := readExtensions(&s, 1)
	sr.CriticalExtension = crit
	return ok && s.Empty()
}

// readExtensions reads an optional [tag] EXPLICIT Extensions and reports
// whether one of them is critical.
func readExtensions(s *cryptobyte.String, tag uint8) (critical, ok bool) {
	if !s.PeekASN1Tag(cbasn1.Tag(tag).Constructed().ContextSpecific()) {
		return false, true
	}
	var exp, exts cryptobyte.String
	if !s.ReadASN1(&exp, cbasn1.Tag(tag).Constructed().ContextSpecific()) || !exp.ReadASN1(&exts, cbasn1.SEQUENCE) || !exp.Empty() {
		return false, false
	}
	for !exts.Empty() {
		var ext cryptobyte.String
		var id asn1.ObjectIdentifier
		var value cryptobyte.String
		crit := false
		if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&id) ||
			!ext.ReadOptionalASN1Boolean(&crit, cbasn1.BOOLEAN, false) ||
			!ext.ReadASN1(&value, cbasn1.OCTET_STRING) || !ext.Empty() {
			return false, false
		}
		critical = critical || crit
	}
	return critical, true
}

// sigAlgFromID maps a signature AlgorithmIdentifier to x509's constant;
// UnknownSignatureAlgorithm for those gossl does not verify.
func sigAlgFromID(algID cryptobyte.String) x509.SignatureAlgorithm {
	var oid asn1.ObjectIdentifier
	if !algID.ReadASN1ObjectIdentifier(&oid) {
		return x509.UnknownSignatureAlgorithm
	}
	for _, a := range ocspSigAlgs {
		if a.oid.Equal(oid) {
			return a.alg
		}
	}
	if !oid.Equal(oidRSASSAPSS) {
		return x509.UnknownSignatureAlgorithm
	}
	// RSASSA-PSS-params (RFC 4055, Section 3.1): the hash is
	// hashAlgorithm [0]; its default, SHA-1, is not accepted.
	var params, hashExp, hashAlg cryptobyte.String
	var hashOID asn1.ObjectIdentifier
	if !algID.ReadASN1(&params, cbasn1.SEQUENCE) ||
		!params.ReadASN1(&hashExp, cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!hashExp.ReadASN1(&hashAlg, cbasn1.SEQUENCE) || !hashAlg.ReadASN1ObjectIdentifier(&hashOID) {
		return x509.UnknownSignatureAlgorithm
	}
	switch hashByOID(hashOID) {
	case crypto.SHA256:
		return x509.SHA256WithRSAPSS
	case crypto.SHA384:
		return x509.SHA384WithRSAPSS
	case crypto.SHA512:
		return x509.SHA512WithRSAPSS
	}
	return x509.UnknownSignatureAlgorithm
}

// publicKeyBits returns the subjectPublicKey BIT STRING's bytes of cert:
// what CertID's issuerKeyHash and ResponderID's byKey hash.
func publicKeyBits(cert *x509.Certificate) ([]byte, bool) {
	spki := cryptobyte.String(cert.RawSubjectPublicKeyInfo)
	var seq cryptobyte.String
	var bits asn1.BitString
	if !spki.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.SkipASN1(cbasn1.SEQUENCE) || !seq.ReadASN1BitString(&bits) {
		return nil, false
	}
	return bits.Bytes, true
}

func hashOf(h crypto.Hash, data []byte) []byte {
	d := h.New()
	d.Write(data)
	return d.Sum(nil)
}

// matches reports whether sr is about cert, issued by issuer: CertID's
// serial number, and the hashes of the issuer's name and key (RFC 6960,
// Section 4.1.1).
func (sr *OCSPSingleResponse) matches(cert, issuer *x509.Certificate, issuerKey []byte) bool {
	return sr.Hash != 0 && sr.Serial.Cmp(cert.SerialNumber) == 0 &&
		bytes.Equal(sr.IssuerNameHash, hashOf(sr.Hash, issuer.RawSubject)) &&
		bytes.Equal(sr.IssuerKeyHash, hashOf(sr.Hash, issuerKey))
}

// identifies reports whether the ResponderID names c.
func (r *OCSPResponse) identifies(c *x509.Certificate) bool {
	if r.ResponderName != nil {
		return bytes.Equal(r.ResponderName, c.RawSubject)
	}
	bits, ok := publicKeyBits(c)
	return ok && bytes.Equal(r.ResponderKeyHash, hashOf(crypto.SHA1, bits))
}

// OCSPSkew is the clock skew CheckOCSP allows on thisUpdate and
// nextUpdate; OCSPMaxAge bounds the age of a response without nextUpdate
// (RFC 6960, Section 4.2.2.1: newer information is then always
// available, so an old response proves little).
const (
	OCSPSkew   = 5 * time.Minute
	OCSPMaxAge = 7 * 24 * time.Hour
)

// CheckOCSP checks a DER OCSPResponse about cert, issued by issuer, at
// now, as RFC 6960, Section 3.2 asks of a client:
//
//   - it is a successful basic response with a SingleResponse whose CertID
//     names cert (serial number, hashes of the issuer's name and key);
//   - it is signed by the issuer itself, or by a responder the issuer
//     authorised: a certificate among the response's certs, named by the
//     ResponderID, issued and signed by the issuer, with the
//     id-kp-OCSPSigning extended key usage, valid at now (Section 4.2.2.2);
//   - thisUpdate is not in the future and nextUpdate not in the past,
//     with OCSPSkew either way (without nextUpdate, thisUpdate is at most
//     OCSPMaxAge old);
//   - no unknown critical extension.
//
// It returns the certificate's status and, unless it is good, the
// {bad_cert, Reason} to report: {revoked, Reason} for a revoked
// certificate, revocation_status_undetermined for unknown, and
// invalid_ocsp_response for a response that fails any check above.
func CheckOCSP(der []byte, cert, issuer *x509.Certificate, now time.Time) (OCSPStatus, *BadCertError) {
	invalid := func(detail string) (OCSPStatus, *BadCertError) {
		return OCSPUnknown, badCert(ReasonInvalidOCSPResponse, cert, detail)
	}
	r, err := ParseOCSPResponse(der)
	if err != nil {
		return invalid(err.Error())
	}
	issuerKey, ok := publicKeyBits(issuer)
	if !ok {
		return invalid("the issuer's public key does not parse")
	}
	var sr *OCSPSingleResponse
	for i := range r.Responses {
		if r.Responses[i].matches(cert, issuer, issuerKey) {
			sr = &r.Responses[i]
			break
		}
	}
	if sr == nil {
		return invalid("the response is not about the certificate (no CertID names it and its issuer)")
	}
	signer, why := r.signer(issuer, now)
	if signer == nil {
		return invalid(why)
	}
	if r.SignatureAlgorithm == x509.UnknownSignatureAlgorithm {
		return invalid("the response is signed with an algorithm gossl does not verify")
	}
	if err := signer.CheckSignature(r.SignatureAlgorithm, r.TBS, r.Signature); err != nil {
		return invalid("bad signature: " + err.Error())
	}
	if r.CriticalExtension || sr.CriticalExtension {
		return invalid("the response has a critical extension gossl does not know")
	}
	if sr.ThisUpdate.After(now.Add(OCSPSkew)) {
		return invalid("thisUpdate " + sr.ThisUpdate.UTC().Format(time.RFC3339) + " is in the future")
	}
	if !sr.NextUpdate.IsZero() && now.After(sr.NextUpdate.Add(OCSPSkew)) {
		return invalid("stale: nextUpdate " + sr.NextUpdate.UTC().Format(time.RFC3339) + " has passed")
	}
	if sr.NextUpdate.IsZero() && now.After(sr.ThisUpdate.Add(OCSPMaxAge)) {
		return invalid("stale: no nextUpdate and thisUpdate " + sr.ThisUpdate.UTC().Format(time.RFC3339) + " is over a week old")
	}
	switch sr.Status {
	case OCSPGood:
		return OCSPGood, nil
	case OCSPRevoked:
		b := badCert(ReasonRevoked, cert, "OCSP: revoked at "+sr.RevokedAt.UTC().Format(time.RFC3339))
		b.Revocation = RevocationReasonName(max(sr.RevocationReason, 0))
		return OCSPRevoked, b
	}
	return OCSPUnknown, badCert(ReasonRevocationUndetermined, cert, "OCSP: the responder does not know the certificate")
}

// signer finds the certificate whose key signed r: the issuer, or a
// delegated responder (RFC 6960, Section 4.2.2.2). Without one, it says
// why.
func (r *OCSPResponse) signer(issuer *x509.Certificate, now time.Time) (*x509.Certificate, string) {
	if r.identifies(issuer) {
		return issuer, ""
	}
	why := "the responder is neither the issuer nor named among the response's certificates"
	for _, der := range r.Certs {
		c, err := ParseCertificate(der)
		if err != nil || !r.identifies(c) {
			continue
		}
		switch {
		case !bytes.Equal(c.RawIssuer, issuer.RawSubject) || c.CheckSignatureFrom(issuer) != nil:
			why = "the responder's certificate was not issued by the certificate's issuer"
		case !hasOCSPSigning(c):
			why = "the responder's certificate lacks the id-kp-OCSPSigning extended key usage"
		case now.Before(c.NotBefore) || now.After(c.NotAfter):
			why = "the responder's certificate is not valid now"
		default:
			return c, ""
		}
	}
	return nil, why
}

func hasOCSPSigning(c *x509.Certificate) bool {
	for _, u := range c.ExtKeyUsage {
		if u == x509.ExtKeyUsageOCSPSigning {
			return true
		}
	}
	return false
}

// OCSPRefresh is when a server holding r for cert should fetch a newer
// one: halfway between thisUpdate and nextUpdate (RFC 5019, Section 4
// leaves the schedule to the server; halfway keeps a fresh one stapled
// with time to retry). Zero when r has no nextUpdate.
func OCSPRefresh(sr *OCSPSingleResponse) time.Time {
	if sr.NextUpdate.IsZero() {
		return time.Time{}
	}
	return sr.ThisUpdate.Add(sr.NextUpdate.Sub(sr.ThisUpdate) / 2)
}

// FindOCSPSingle returns r's SingleResponse about cert, issued by
// issuer; nil when none names it.
func (r *OCSPResponse) FindOCSPSingle(cert, issuer *x509.Certificate) *OCSPSingleResponse {
	key, ok := publicKeyBits(issuer)
	if !ok {
		return nil
	}
	for i := range r.Responses {
		if r.Responses[i].matches(cert, issuer, key) {
			return &r.Responses[i]
		}
	}
	return nil
}

// MarshalOCSPRequest builds an unsigned OCSPRequest for cert, issued by
// issuer, with a SHA-1 CertID (RFC 6960, Section 4.1.1; RFC 5019,
// Section 2.1.1 asks responders for SHA-1 CertIDs).
func MarshalOCSPRequest(cert, issuer *x509.Certificate) ([]byte, error) {
	key, ok := publicKeyBits(issuer)
	if !ok {
		return nil, errors.New("pki: the issuer's public key does not parse")
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // OCSPRequest
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // TBSRequest
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // requestList
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // Request
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // CertID
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1ObjectIdentifier(oidSHA1)
							b.AddASN1NULL()
						})
						b.AddASN1OctetString(hashOf(crypto.SHA1, issuer.RawSubject))
						b.AddASN1OctetString(hashOf(crypto.SHA1, key))
						b.AddASN1BigInt(cert.SerialNumber)
					})
				})
			})
		})
	})
	return b.Bytes()
}
