package pki

import (
	"bytes"
	"crypto/x509"
	"errors"
	"sort"
	"time"
)

// Purpose is what the peer certificate is checked for (its extKeyUsage,
// RFC 5280, Section 4.2.1.12).
type Purpose int

const (
	ServerAuth Purpose = iota // a client verifying a server: id-kp-serverAuth
	ClientAuth                // a server verifying a client: id-kp-clientAuth
	AnyPurpose                // no extKeyUsage check
)

// VerifyOptions configures VerifyChain.
type VerifyOptions struct {
	// Roots are the trust anchors (Erlang's cacerts/cacertfile). The slice
	// is indexed on first use and remembered by identity: do not modify it
	// afterwards (or give a prebuilt Store).
	Roots []*x509.Certificate
	// Store is a prebuilt index of anchors, used in addition to Roots.
	Store *TrustStore
	// UseSystemRoots adds the system's roots (SystemRoots) to the anchors.
	UseSystemRoots bool
	// Depth is Erlang's depth: the maximum number of non-self-issued
	// intermediate certificates between the peer and the trust anchor
	// (0: the peer is signed by the anchor itself). Negative: no limit.
	Depth int
	// Purpose is the extKeyUsage the peer (and any CA with an extKeyUsage)
	// must allow.
	Purpose Purpose
	// AllowAnyCAPurpose is Erlang's allow_any_ca_purpose: a CA whose
	// extKeyUsage holds anyExtendedKeyUsage passes the purpose check.
	AllowAnyCAPurpose bool
	// Hostname is the reference identity checked against the peer after
	// its other checks (VerifyHostname); "" skips the check.
	Hostname string
	// RequireHostname makes an empty Hostname fail the hostname check
	// (hostname_check_failed, reported to the VerifyFun) instead of
	// skipping it: the client had no reference name to check.
	RequireHostname bool
	// Now is the validation time; zero means time.Now().
	Now time.Time
	// AllowSHA1 accepts SHA-1 certificate signatures (refused by default
	// with unsupported_signature). MD5 and MD2 are always refused.
	AllowSHA1 bool
	// VerifyFun, if set, receives every event of the validation and decides
	// (Erlang's verify_fun); nil is DefaultVerifyFun.
	VerifyFun VerifyFun
	// PartialChain is Erlang's partial_chain: called with the DER
	// certificates of the best path found (peer first) when no trust anchor
	// is found for it; returning one of them (ok=true) makes it the trust
	// anchor and validation proceeds with the certificates below it.
	PartialChain func(chain [][]byte) (anchor []byte, ok bool)
	// HostnameMatch is OTP's customize_hostname_check match_fun: see
	// MatchFun. nil applies the default rules only.
	HostnameMatch MatchFun
}

// Bounds on the work one VerifyChain call may do, whatever the peer sends.
const (
	maxPresented  = 32 // certificates considered from the peer's list
	maxCandidates = 8  // anchored paths tried
	maxExpansions = 64 // path-building steps
)

// candidate is a path to validate: certs from the peer up, without the trust
// anchor. peerIsAnchor: certs is [peer] and the peer itself is trusted.
// untrusted: no anchor was found; certs is the whole path found and its top
// certificate (also in anchor) stands in for the anchor once the VerifyFun
// accepted the bad_cert event with this reason (unknown_ca, selfsigned_peer).
type candidate struct {
	certs        []*x509.Certificate
	anchor       *x509.Certificate
	peerIsAnchor bool
	untrusted    string
}

// path returns the validated path, peer first, anchor last.
func (c *candidate) path() []*x509.Certificate {
	if c.untrusted != "" {
		return append([]*x509.Certificate(nil), c.certs...)
	}
	if c.peerIsAnchor {
		return []*x509.Certificate{c.certs[0]}
	}
	out := make([]*x509.Certificate, 0, len(c.certs)+1)
	out = append(out, c.certs...)
	return append(out, c.anchor)
}

// VerifyChain validates the peer's certificate list: chain[0] is the peer,
// the rest may be in any order, with duplicates and unrelated extras. It
// builds every path (within fixed bounds) from the peer through the
// presented certificates to a trust anchor, validates them (RFC 5280,
// Section 6.1) shortest first, and returns the first that passes, peer
// first and anchor last. If none passes, the error is that of the shortest
// path (a *BadCertError), or unknown_ca / selfsigned_peer when no anchor
// was found.
//
// The trust anchor's own signature and extensions are not checked (RFC 5280,
// Section 6.1.1 (d): anchors are input, not part of the path) but, as in
// Erlang/OTP, an expired anchor fails with root_cert_expired; another path
// to an unexpired anchor is tried first.
func VerifyChain(chain [][]byte, opts *VerifyOptions) ([]*x509.Certificate, error) {
	if len(chain) == 0 {
		return nil, ErrNoCertificate
	}
	if opts == nil {
		opts = &VerifyOptions{}
	}
	v := newValidator(opts)

	peer, err := ParseCertificate(chain[0])
	if err != nil {
		return nil, badCert(ReasonDecodeError, nil, "peer certificate: "+err.Error())
	}
	b := &builder{v: v, budget: maxExpansions}
	b.stores = v.stores()
	for i, der := range chain[1:] {
		if len(b.pool) >= maxPresented {
			break
		}
		if bytes.Equal(der, chain[0]) || b.seen(der) {
			continue
		}
		c, err := ParseCertificate(der)
		if err != nil {
			// Erlang decodes the whole list first and fails on any error.
			return nil, badCert(ReasonDecodeError, nil, "certificate "+itoa(i+1)+": "+err.Error())
		}
		b.pool = append(b.pool, c)
	}

	b.build(peer)
	sort.SliceStable(b.found, func(i, j int) bool { return len(b.found[i].certs) < len(b.found[j].certs) })

	// Try the anchored paths, shortest first, with the default events;
	// remember the first (shortest) failure.
	var chosen *candidate
	var chosenErr error
	for i := range b.found {
		c := &b.found[i]
		err := v.validate(c, DefaultVerifyFun)
		if err == nil {
			chosen, chosenErr = c, nil
			break
		}
		if chosen == nil {
			chosen, chosenErr = c, err
		}
	}
	if chosen == nil {
		// No anchored path: partial_chain may name an anchor, else the
		// path fails with unknown_ca or selfsigned_peer.
		chosen = b.untrustedCandidate(peer)
		if opts.PartialChain != nil {
			if pc := partialChain(chosen.certs, opts.PartialChain); pc != nil {
				chosen = pc
			}
		}
		chosenErr = errNotValidated
	}

	if opts.VerifyFun == nil {
		if chosenErr == errNotValidated {
			chosenErr = v.validate(chosen, DefaultVerifyFun)
		}
		if chosenErr != nil {
			return nil, chosenErr
		}
		return chosen.path(), nil
	}
	// A VerifyFun sees the events of one path only: the one that passes
	// by default, or else the shortest.
	if err := v.validate(chosen, opts.VerifyFun); err != nil {
		return nil, err
	}
	return chosen.path(), nil
}

var errNotValidated = errors.New("pki: path not validated yet")

// builder searches paths from the peer to the anchors, depth first.
type builder struct {
	v      *validator
	stores []*TrustStore
	pool   []*x509.Certificate
	budget int
	found  []candidate
	// longest path that ends without an anchor
	deadEnd []*x509.Certificate
}

func (b *builder) seen(der []byte) bool {
	for _, c := range b.pool {
		if bytes.Equal(c.Raw, der) {
			return true
		}
	}
	return false
}

func (b *builder) trusted(c *x509.Certificate) *x509.Certificate {
	for _, s := range b.stores {
		if r := s.trusted(c, &b.v.names); r != nil {
			return r
		}
	}
	return nil
}

func (b *builder) build(peer *x509.Certificate) {
	if r := b.trusted(peer); r != nil {
		b.found = append(b.found, candidate{certs: []*x509.Certificate{peer}, anchor: r, peerIsAnchor: true})
	}
	b.extend([]*x509.Certificate{peer})
}

func (b *builder) extend(path []*x509.Certificate) {
	if b.budget <= 0 || len(b.found) >= maxCandidates {
		return
	}
	b.budget--
	last := path[len(path)-1]
	path = path[:len(path):len(path)] // appends below must copy
	progressed := false

	// A self-signed certificate ends the search: only the trust store
	// could vouch for it, and trusted certificates were replaced by their
	// anchor before being added to the path.
	if b.v.names.selfIssued(last) && b.v.sigOK(last, last) {
		b.noteDeadEnd(path)
		return
	}
	for _, s := range b.stores {
		for _, r := range s.bySubject(last.RawIssuer, &b.v.names) {
			if keyIDsCompatible(last, r) {
				b.found = append(b.found, candidate{certs: path, anchor: r})
				progressed = true
			}
		}
	}
	// Issuers: the certificates the peer sent, then those of the trust
	// stores that are not anchors (an intermediate listed in cacerts).
	next := b.pool
	for _, s := range b.stores {
		for _, c := range s.issuersBySubject(last.RawIssuer, &b.v.names) {
			if !b.seen(c.Raw) {
				next = append(next[:len(next):len(next)], c)
			}
		}
	}
	for _, p := range next {
		if inPath(path, p) || !b.v.names.match(last.RawIssuer, p.RawSubject) || !keyIDsCompatible(last, p) {
			continue
		}
		progressed = true
		if r := b.trusted(p); r != nil {
			if !anchorListed(b.found, path, r) {
				b.found = append(b.found, candidate{certs: path, anchor: r})
			}
			continue
		}
		b.extend(append(path, p))
	}
	if !progressed {
		b.noteDeadEnd(path)
	}
}

func anchorListed(found []candidate, path []*x509.Certificate, r *x509.Certificate) bool {
	for _, f := range found {
		if f.anchor == r && len(f.certs) == len(path) && f.certs[len(path)-1] == path[len(path)-1] {
			return true
		}
	}
	return false
}

func (b *builder) noteDeadEnd(path []*x509.Certificate) {
	if len(path) > len(b.deadEnd) {
		b.deadEnd = path
	}
}

func inPath(path []*x509.Certificate, c *x509.Certificate) bool {
	for _, p := range path {
		if p == c || bytes.Equal(p.Raw, c.Raw) {
			return true
		}
	}
	return false
}

// untrustedCandidate is the path validated when no anchor was found: the
// longest chain from the peer, its top certificate standing in for the
// anchor.
func (b *builder) untrustedCandidate(peer *x509.Certificate) *candidate {
	path := b.deadEnd
	if len(path) == 0 {
		path = []*x509.Certificate{peer}
	}
	reason := ReasonUnknownCA
	if len(path) == 1 && b.v.names.selfIssued(peer) && b.v.sigOK(peer, peer) {
		reason = ReasonSelfSignedPeer
	}
	return &candidate{certs: path, anchor: path[len(path)-1], untrusted: reason}
}

// partialChain asks Erlang's partial_chain fun to pick an anchor among certs
// (peer first). The fun gets copies: the certificates are shared by every
// connection (parsed once per DER), and a fun that wrote to the bytes it
// is given must not change them under other handshakes.
func partialChain(certs []*x509.Certificate, fn func([][]byte) ([]byte, bool)) *candidate {
	ders := make([][]byte, len(certs))
	for i, c := range certs {
		ders[i] = bytes.Clone(c.Raw)
	}
	der, ok := fn(ders)
	if !ok {
		return nil
	}
	for i, c := range certs {
		if bytes.Equal(c.Raw, der) {
			if i == 0 {
				return &candidate{certs: certs[:1], anchor: c, peerIsAnchor: true}
			}
			return &candidate{certs: certs[:i], anchor: c}
		}
	}
	return nil
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
