package pki

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"net"
	"time"
)

// validator runs RFC 5280, Section 6.1 over candidate paths for one
// VerifyChain call; it caches signature checks across candidates.
type validator struct {
	opts  *VerifyOptions
	now   time.Time
	sigs  map[[2]*x509.Certificate]error
	names nameCache
}

func newValidator(opts *VerifyOptions) *validator {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	return &validator{opts: opts, now: now, sigs: make(map[[2]*x509.Certificate]error, 4)}
}

// stores returns the trust stores the options name.
func (v *validator) stores() []*TrustStore {
	var out []*TrustStore
	if v.opts.Store != nil {
		out = append(out, v.opts.Store)
	}
	if s := storeForRoots(v.opts.Roots); s != nil {
		out = append(out, s)
	}
	if v.opts.UseSystemRoots {
		if s, err := systemTrustStore(); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// checkSig verifies child's signature with parent's public key (RFC 5280,
// Section 6.1.3 (a)(1)); the result is cached.
func (v *validator) checkSig(parent, child *x509.Certificate) error {
	k := [2]*x509.Certificate{parent, child}
	if err, ok := v.sigs[k]; ok {
		return err
	}
	var err error
	switch child.SignatureAlgorithm {
	case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
		if !v.opts.AllowSHA1 {
			err = x509.InsecureAlgorithmError(child.SignatureAlgorithm)
		}
	}
	if err == nil {
		err = checkSignatureMemo(parent, child)
	}
	v.sigs[k] = err
	return err
}

func (v *validator) sigOK(parent, child *x509.Certificate) bool {
	return v.checkSig(parent, child) == nil
}

func (v *validator) inTime(c *x509.Certificate) bool {
	return !v.now.Before(c.NotBefore) && !v.now.After(c.NotAfter)
}

// run carries one validation's state: the event sink and its verdicts.
type run struct {
	v   *validator
	fun VerifyFun
}

// bad reports {bad_cert, reason} for cert; a nil result means the VerifyFun
// accepted it and validation goes on.
func (r *run) bad(cert *x509.Certificate, reason, detail string) error {
	e := badCert(reason, cert, detail)
	verdict, err := r.fun(cert, Event{Kind: EventBadCert, BadCert: e})
	if verdict == VerdictFail {
		if err == nil {
			err = e
		}
		return err
	}
	return nil
}

// extension reports {extension, Ext}; unknown critical extensions become
// {bad_cert, unknown_critical_extension} (RFC 5280, Sections 6.1.4 (o) and
// 6.1.5 (f)).
func (r *run) extension(cert *x509.Certificate, i int) error {
	ext := cert.Extensions[i]
	verdict, err := r.fun(cert, Event{Kind: EventExtension, Extension: ext})
	switch verdict {
	case VerdictFail:
		if err == nil {
			err = badCert(ReasonUnknownCriticalExtension, cert, "extension "+ext.Id.String()+" rejected")
		}
		return err
	case VerdictUnknown:
		if ext.Critical {
			return r.bad(cert, ReasonUnknownCriticalExtension, "critical extension "+ext.Id.String())
		}
	}
	return nil
}

func (r *run) valid(cert, issuer *x509.Certificate, peer bool) error {
	kind := EventValid
	if peer {
		kind = EventValidPeer
	}
	verdict, err := r.fun(cert, Event{Kind: kind, Issuer: issuer})
	if verdict == VerdictFail {
		if err == nil {
			err = badCert("verify_fun_failed", cert, "rejected by verify_fun")
		}
		return err
	}
	return nil
}

// validate runs the checks of RFC 5280, Section 6.1 over c, from the
// certificate below the anchor down to the peer, reporting each finding to
// fun; it returns the first failure fun does not accept.
func (v *validator) validate(c *candidate, fun VerifyFun) error {
	r := &run{v: v, fun: fun}
	certs, anchor, peerIsAnchor := c.certs, c.anchor, c.peerIsAnchor

	if c.untrusted != "" {
		if err := r.bad(anchor, c.untrusted, untrustedDetail(c.untrusted)); err != nil {
			return err
		}
		// Accepted: the top certificate stands in for the anchor.
		certs = certs[:len(certs)-1]
		if len(certs) == 0 {
			certs, peerIsAnchor = c.certs, true
		}
	}

	if peerIsAnchor {
		// The peer is itself trusted (or accepted as such): no signature
		// to check, but it must be in time and fit for its use.
		return v.checkPeer(r, certs[0], nil)
	}

	// Section 6.1.2: initialisation. max_path_length starts at Erlang's
	// depth and is also bounded by the anchor's pathLenConstraint
	// (RFC 5937, Section 3.2).
	maxPath := v.opts.Depth
	if maxPath < 0 {
		maxPath = int(^uint(0) >> 1)
	}
	if anchor.BasicConstraintsValid && anchor.MaxPathLen >= 0 && anchor.MaxPathLen < maxPath {
		maxPath = anchor.MaxPathLen
	}
	var constraints []*x509.Certificate
	if hasNameConstraints(anchor) {
		constraints = append(constraints, anchor)
	}
	if c.untrusted == "" && !v.inTime(anchor) {
		if err := r.bad(anchor, ReasonRootCertExpired, timeDetail(anchor, v.now)); err != nil {
			return err
		}
	}

	working := anchor // working_public_key and working_issuer_name
	for i := len(certs) - 1; i >= 1; i-- {
		cert := certs[i]
		if err := v.checkCommon(r, working, cert, constraints, false); err != nil {
			return err
		}
		// Section 6.1.4: preparation for the next certificate.
		// (k) a CA certificate must say so.
		if !cert.BasicConstraintsValid || !cert.IsCA {
			if err := r.bad(cert, ReasonMissingBasicConstraint, "not a CA certificate"); err != nil {
				return err
			}
		}
		// (l) non-self-issued intermediates count against max_path_length.
		if !v.names.selfIssued(cert) {
			if maxPath <= 0 {
				if err := r.bad(cert, ReasonMaxPathLengthReached, "too many intermediate certificates"); err != nil {
					return err
				}
			} else {
				maxPath--
			}
		}
		// (m) pathLenConstraint.
		if cert.BasicConstraintsValid && cert.MaxPathLen >= 0 && cert.MaxPathLen < maxPath {
			maxPath = cert.MaxPathLen
		}
		// (n) keyUsage, when present, must allow keyCertSign.
		if cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0 {
			if err := r.bad(cert, ReasonInvalidKeyUsage, "keyUsage lacks keyCertSign"); err != nil {
				return err
			}
		}
		// Erlang's ssl: a CA's extKeyUsage must allow the purpose too.
		if !v.ekuAllows(cert, true) {
			if err := r.bad(cert, ReasonCAInvalidExtKeyUsage, "extKeyUsage does not allow "+v.purposeName()); err != nil {
				return err
			}
		}
		// (g) name constraints accumulate.
		if hasNameConstraints(cert) {
			constraints = append(constraints, cert)
		}
		if err := v.otherExtensions(r, cert); err != nil {
			return err
		}
		if err := r.valid(cert, working, false); err != nil {
			return err
		}
		working = cert
	}
	return v.checkPeer(r, certs[0], &peerContext{issuer: working, constraints: constraints})
}

type peerContext struct {
	issuer      *x509.Certificate
	constraints []*x509.Certificate
}

// checkPeer runs Section 6.1.3 on the peer (when it has an issuer) and
// Section 6.1.5 (wrap-up), then the purpose and host-name checks.
func (v *validator) checkPeer(r *run, peer *x509.Certificate, pc *peerContext) error {
	if pc != nil {
		if err := v.checkCommon(r, pc.issuer, peer, pc.constraints, true); err != nil {
			return err
		}
		if err := v.checkCNConstraints(r, peer, pc.constraints); err != nil {
			return err
		}
	} else if !v.inTime(peer) {
		if err := r.bad(peer, ReasonCertExpired, timeDetail(peer, v.now)); err != nil {
			return err
		}
	}
	if !v.ekuAllows(peer, false) {
		if err := r.bad(peer, ReasonInvalidExtKeyUsage, "extKeyUsage does not allow "+v.purposeName()); err != nil {
			return err
		}
	}
	if err := v.otherExtensions(r, peer); err != nil {
		return err
	}
	if v.opts.Hostname != "" && !matchHostnameWith(peer, v.opts.Hostname, v.opts.HostnameMatch) {
		if err := r.bad(peer, ReasonHostnameCheckFailed, "certificate is not valid for "+quoteHost(v.opts.Hostname)); err != nil {
			return err
		}
	} else if v.opts.Hostname == "" && v.opts.RequireHostname {
		if err := r.bad(peer, ReasonHostnameCheckFailed, "no reference name to check the certificate against (set server_name_indication)"); err != nil {
			return err
		}
	}
	var issuer *x509.Certificate
	if pc != nil {
		issuer = pc.issuer
	}
	return r.valid(peer, issuer, true)
}

// checkCNConstraints applies the dNSName constraints of the path to the
// peer's common name when the hostname check may fall back to it (no
// dNSName in the certificate, a DNS reference name: RFC 6125, Section
// 6.4.4). RFC 5280's name constraints cover subjectAltName only, so
// without this a CA constrained to example.com could issue a certificate
// with no SAN and CN evil.com that passes the check for evil.com.
func (v *validator) checkCNConstraints(r *run, peer *x509.Certificate, constraints []*x509.Certificate) error {
	cn := peer.Subject.CommonName
	if len(constraints) == 0 || v.opts.Hostname == "" || len(peer.DNSNames) > 0 || cn == "" ||
		net.ParseIP(cn) != nil || isIPReference(v.opts.Hostname) {
		return nil
	}
	for _, ca := range constraints {
		if !allowed(cn, ca.PermittedDNSDomains, ca.ExcludedDNSDomains, dnsInSubtree) {
			return r.bad(peer, ReasonNameNotPermitted, "common name "+quoteHost(cn)+
				", used as the host name, is outside the name constraints of "+ca.Subject.String())
		}
	}
	return nil
}

// checkCommon is Section 6.1.3 (a)-(c) for cert, issued by working.
func (v *validator) checkCommon(r *run, working, cert *x509.Certificate, constraints []*x509.Certificate, isPeer bool) error {
	// (a)(1) the signature.
	if err := v.checkSig(working, cert); err != nil {
		reason := ReasonInvalidSignature
		var insecure x509.InsecureAlgorithmError
		if errors.As(err, &insecure) || errors.Is(err, x509.ErrUnsupportedAlgorithm) {
			reason = ReasonUnsupportedSignature
		}
		if err := r.bad(cert, reason, err.Error()); err != nil {
			return err
		}
	}
	// (a)(2) the validity period; Erlang calls "not yet valid" expired too.
	if !v.inTime(cert) {
		if err := r.bad(cert, ReasonCertExpired, timeDetail(cert, v.now)); err != nil {
			return err
		}
	}
	// (a)(3) revocation: CRLs are checked by the caller through a VerifyFun.
	// (a)(4) the issuer name.
	if !v.names.match(cert.RawIssuer, working.RawSubject) {
		if err := r.bad(cert, ReasonInvalidIssuer, "issuer name does not match the issuer's subject"); err != nil {
			return err
		}
	}
	// (b), (c) name constraints; skipped for self-issued intermediates.
	if isPeer || !v.names.selfIssued(cert) {
		for _, ca := range constraints {
			if bad := checkNameConstraints(ca, cert); bad != "" {
				if err := r.bad(cert, ReasonNameNotPermitted, bad+" is outside the name constraints of "+ca.Subject.String()); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// Extensions the validator processes itself (RFC 5280, Section 4.2). Any
// other extension is an {extension, Ext} event. certificatePolicies is
// accepted without policy processing: gossl validates with
// initial-policy-set any-policy and no explicit-policy requirement, under
// which the policy tree never decides the outcome. policyConstraints,
// policyMappings and inhibitAnyPolicy, which could, are left to VerifyFun
// (critical ones fail by default).
var handledExtensions = []asn1.ObjectIdentifier{
	{2, 5, 29, 14}, // subjectKeyIdentifier
	{2, 5, 29, 15}, // keyUsage
	{2, 5, 29, 17}, // subjectAltName
	{2, 5, 29, 19}, // basicConstraints
	{2, 5, 29, 30}, // nameConstraints
	{2, 5, 29, 32}, // certificatePolicies
	{2, 5, 29, 35}, // authorityKeyIdentifier
	{2, 5, 29, 37}, // extKeyUsage
}

func (v *validator) otherExtensions(r *run, cert *x509.Certificate) error {
	for i, ext := range cert.Extensions {
		if isHandled(cert, ext.Id) {
			continue
		}
		if err := r.extension(cert, i); err != nil {
			return err
		}
	}
	return nil
}

func isHandled(cert *x509.Certificate, id asn1.ObjectIdentifier) bool {
	// A critical extension the parser could not fully read (say, name
	// constraints of a form it does not know) is not handled.
	for _, u := range cert.UnhandledCriticalExtensions {
		if u.Equal(id) {
			return false
		}
	}
	for _, h := range handledExtensions {
		if h.Equal(id) {
			return true
		}
	}
	return false
}

// ekuAllows applies RFC 5280, Section 4.2.1.12 for the configured purpose:
// no extKeyUsage allows everything; otherwise it must list the purpose, or
// anyExtendedKeyUsage (for a CA, only with AllowAnyCAPurpose, as Erlang).
func (v *validator) ekuAllows(c *x509.Certificate, ca bool) bool {
	if v.opts.Purpose == AnyPurpose || (len(c.ExtKeyUsage) == 0 && len(c.UnknownExtKeyUsage) == 0) {
		return true
	}
	want := x509.ExtKeyUsageServerAuth
	if v.opts.Purpose == ClientAuth {
		want = x509.ExtKeyUsageClientAuth
	}
	for _, u := range c.ExtKeyUsage {
		if u == want || (u == x509.ExtKeyUsageAny && (!ca || v.opts.AllowAnyCAPurpose)) {
			return true
		}
	}
	return false
}

func (v *validator) purposeName() string {
	if v.opts.Purpose == ClientAuth {
		return "clientAuth"
	}
	return "serverAuth"
}

func timeDetail(c *x509.Certificate, now time.Time) string {
	if now.Before(c.NotBefore) {
		return "not valid before " + c.NotBefore.UTC().Format(time.RFC3339)
	}
	return "expired at " + c.NotAfter.UTC().Format(time.RFC3339)
}

func untrustedDetail(reason string) string {
	if reason == ReasonSelfSignedPeer {
		return "the peer certificate is self-signed and not trusted"
	}
	return "no trusted CA issued the certificate chain"
}
