package ssl

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"sync"
	"time"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/pki"
)

// VerifyFun is Erlang's {verify_fun, {Fun, InitialUserState}}: Fun takes
// part in the validation of the peer's certificate path. It is called
// during path validation, certificate by certificate from the one below
// the trust anchor down to the peer, when an error or an extension gossl
// does not process itself is found, and when a certificate is found valid
// (EventValid for a CA, EventValidPeer for the peer). State is the user
// state given to the first call; each call returns the state for the next
// one. Every validation (every handshake) starts again from State.
//
// The result decides, as in Erlang:
//
//   - VerifyFail(reason) stops the validation at once; the handshake fails
//     with {bad_cert, reason} and the alert that reason calls for
//     (unknown_ca, certificate_expired, bad_certificate,
//     certificate_revoked, ... and handshake_failure for others).
//   - VerifyValid (or VerifyValidPeer) goes on: for a bad_cert event, the
//     error is accepted; a fun that always returns VerifyValid accepts any
//     certificate.
//   - VerifyUnknown is the answer for an extension the fun does not know;
//     for a critical extension, validation then fails with
//     unknown_critical_extension. For a bad_cert event it accepts the
//     error, as public_key does.
//
// With crl_check, a certificate the fun found valid is then checked for
// revocation, and a failure is given to the fun as another bad_cert event
// ({revoked, Reason} or revocation_status_undetermined), which the fun may
// accept too (Erlang's ssl does the same).
//
// Fun is called from the goroutine running the handshake; a VerifyFun
// shared by a listener's connections is called concurrently, each call
// with its own connection's state. The certificates it is given are
// shared with other connections (parsed certificates are kept by their
// DER, as crypto/tls's client does) and must not be modified.
type VerifyFun struct {
	Fun   func(cert *x509.Certificate, event VerifyEvent, userState any) (VerifyResult, any)
	State any
}

// VerifyEventKind says what a VerifyEvent is about.
type VerifyEventKind int

const (
	// EventBadCert is {bad_cert, Reason}.
	EventBadCert VerifyEventKind = iota + 1
	// EventExtension is {extension, #'Extension'{}}.
	EventExtension
	// EventValid is valid: a CA certificate of the path passed.
	EventValid
	// EventValidPeer is valid_peer: the peer's certificate passed.
	EventValidPeer
)

// VerifyEvent is the second argument of Erlang's verify fun.
type VerifyEvent struct {
	Kind VerifyEventKind
	// Reason is the bad_cert reason, an OTP atom: unknown_ca,
	// selfsigned_peer, cert_expired, root_cert_expired, invalid_issuer,
	// invalid_signature, unsupported_signature, name_not_permitted,
	// missing_basic_constraint, invalid_key_usage, invalid_ext_keyusage,
	// ca_invalid_ext_keyusage, max_path_length_reached,
	// unknown_critical_extension, hostname_check_failed, revoked,
	// revocation_status_undetermined.
	Reason string
	// Revocation is the CRL reason of a revoked certificate
	// ({revoked, keyCompromise}): unspecified, keyCompromise,
	// cACompromise, affiliationChanged, superseded, cessationOfOperation,
	// certificateHold, privilegeWithdrawn, aACompromise.
	Revocation string
	// Extension is the extension of an EventExtension.
	Extension pkix.Extension
	// Err is the failure of an EventBadCert, with a sentence for people.
	Err error
}

// String prints the event as Erlang would: {bad_cert,unknown_ca},
// {bad_cert,{revoked,keyCompromise}}, {extension,2.5.29.31}, valid,
// valid_peer.
func (e VerifyEvent) String() string {
	switch e.Kind {
	case EventBadCert:
		if e.Reason == pki.ReasonRevoked && e.Revocation != "" {
			return "{bad_cert,{revoked," + e.Revocation + "}}"
		}
		return "{bad_cert," + e.Reason + "}"
	case EventExtension:
		return "{extension," + e.Extension.Id.String() + "}"
	case EventValid:
		return "valid"
	case EventValidPeer:
		return "valid_peer"
	}
	return "undefined"
}

type verifyResultKind uint8

const (
	resultValid verifyResultKind = iota
	resultValidPeer
	resultUnknown
	resultFail
)

// VerifyResult is a verify fun's answer: VerifyValid, VerifyValidPeer,
// VerifyUnknown or VerifyFail(Reason).
type VerifyResult struct {
	kind   verifyResultKind
	reason string
}

var (
	// VerifyValid is {valid, UserState}.
	VerifyValid = VerifyResult{kind: resultValid}
	// VerifyValidPeer is {valid_peer, UserState}.
	VerifyValidPeer = VerifyResult{kind: resultValidPeer}
	// VerifyUnknown is {unknown, UserState}.
	VerifyUnknown = VerifyResult{kind: resultUnknown}
)

// VerifyFail is {fail, Reason}: the validation fails with {bad_cert,
// Reason}. Give the event's own Reason to fail with that error (and its
// alert); another reason chooses the alert by its name (handshake_failure
// for names gossl does not know).
func VerifyFail(reason string) VerifyResult { return VerifyResult{kind: resultFail, reason: reason} }

// String prints the result as Erlang's tuple tag: valid, valid_peer,
// unknown or {fail,Reason}.
func (r VerifyResult) String() string {
	switch r.kind {
	case resultValidPeer:
		return "valid_peer"
	case resultUnknown:
		return "unknown"
	case resultFail:
		return "{fail," + r.reason + "}"
	}
	return "valid"
}

// DefaultVerifyPeerFun is the verify fun verify_peer uses when none is
// given, as the manual prints it:
//
//	{fun(_,{bad_cert, _} = Reason, _) -> {fail, Reason};
//	    (_,{extension, _}, UserState) -> {unknown, UserState};
//	    (_, valid, UserState) -> {valid, UserState};
//	    (_, valid_peer, UserState) -> {valid, UserState}
//	 end, []}
var DefaultVerifyPeerFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
	switch ev.Kind {
	case EventBadCert:
		return VerifyFail(ev.Reason), st
	case EventExtension:
		return VerifyUnknown, st
	}
	return VerifyValid, st
}}

// DefaultVerifyNoneFun is the verify fun of verify_none, as the manual
// prints it: every bad_cert and every critical extension is accepted.
//
//	{fun(_,{bad_cert, _}, UserState) -> {valid, UserState};
//	    (_,{extension, #'Extension'{critical = true}}, UserState) -> {valid, UserState};
//	    (_,{extension, _}, UserState) -> {unknown, UserState};
//	    (_, valid, UserState) -> {valid, UserState};
//	    (_, valid_peer, UserState) -> {valid, UserState}
//	 end, []}
var DefaultVerifyNoneFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
	if ev.Kind == EventExtension && !ev.Extension.Critical {
		return VerifyUnknown, st
	}
	return VerifyValid, st
}}

// HostnameMatch is the answer of a customize_hostname_check match fun.
type HostnameMatch int

const (
	// HostnameMatchDefault is OTP's default: the built-in rules decide
	// for this pair.
	HostnameMatchDefault HostnameMatch = iota
	// HostnameMatchYes (true): the pair matches.
	HostnameMatchYes
	// HostnameMatchNo (false): the pair does not match.
	HostnameMatchNo
)

// PresentedID is an identifier presented by the peer's certificate, as
// OTP's match_fun receives it: Kind is "dNSName", "iPAddress" or "cn" (the
// subject's common name, offered only when there is no dNSName); Value is
// lower-cased, an IP address in its usual text form.
type PresentedID struct {
	Kind  string
	Value string
}

// crlMode is the crl_check option.
type crlMode uint8

const (
	crlOff crlMode = iota
	crlAll
	crlPeer
	crlBestEffort
)

// verifier compiles verify_fun and crl_check for one Options.
type verifier struct {
	fun   *VerifyFun // nil: DefaultVerifyPeerFun
	crl   crlMode
	cache CRLCache
}

// newRun returns the event handler of one validation: its own user state.
// staple is what the server stapled, for a client that asked (nil
// otherwise).
func (v *verifier) newRun(now time.Time, staple *handshake.Staple) pki.VerifyFun {
	fun := v.fun
	if fun == nil {
		fun = DefaultVerifyPeerFun
	}
	r := &verifyRun{v: v, fun: fun, state: fun.State, now: now}
	if staple != nil && staple.Requested {
		r.staple = staple
	}
	return r.event
}

type verifyRun struct {
	v      *verifier
	fun    *VerifyFun
	mu     sync.Mutex // one validation is sequential; this only keeps the race detector honest
	state  any
	now    time.Time
	staple *handshake.Staple // stapling_verify.go
}

// call runs the user's fun on one event and turns its answer into pki's.
func (r *verifyRun) call(cert *x509.Certificate, ev VerifyEvent, bad *pki.BadCertError) (pki.Verdict, error) {
	r.mu.Lock()
	res, st := r.fun.Fun(cert, ev, r.state)
	r.state = st
	r.mu.Unlock()
	switch res.kind {
	case resultFail:
		if bad != nil && res.reason == bad.Reason {
			return pki.VerdictFail, bad
		}
		detail := "rejected by verify_fun"
		if ev.Kind != 0 {
			detail += " on " + ev.String()
		}
		return pki.VerdictFail, &pki.BadCertError{Reason: res.reason, Cert: cert, Detail: detail}
	case resultUnknown:
		return pki.VerdictUnknown, nil
	}
	return pki.VerdictValid, nil
}

func badEvent(b *pki.BadCertError) VerifyEvent {
	return VerifyEvent{Kind: EventBadCert, Reason: b.Reason, Revocation: b.Revocation, Err: b}
}

// event is the pki.VerifyFun of one validation.
func (r *verifyRun) event(cert *x509.Certificate, ev pki.Event) (pki.Verdict, error) {
	switch ev.Kind {
	case pki.EventBadCert:
		return r.call(cert, badEvent(ev.BadCert), ev.BadCert)
	case pki.EventExtension:
		return r.call(cert, VerifyEvent{Kind: EventExtension, Extension: ev.Extension}, nil)
	}
	kind := EventValid
	if ev.Kind == pki.EventValidPeer {
		kind = EventValidPeer
	}
	verdict, err := r.call(cert, VerifyEvent{Kind: kind}, nil)
	if verdict == pki.VerdictValid && kind == EventValidPeer && r.staple != nil {
		verdict, err = r.checkStaple(cert, ev.Issuer)
	}
	if verdict != pki.VerdictValid || ev.Issuer == nil {
		return verdict, err
	}
	// Erlang's ssl checks revocation once the fun found the certificate
	// valid, and gives a failure back to the fun as a bad_cert event.
	switch r.v.crl {
	case crlOff:
		return verdict, err
	case crlPeer:
		if kind != EventValidPeer {
			return verdict, err
		}
	}
	bad := r.v.checkRevocation(cert, ev.Issuer, r.now)
	if bad == nil || (r.v.crl == crlBestEffort && bad.Reason == pki.ReasonRevocationUndetermined) {
		return verdict, err
	}
	verdict, err = r.call(cert, badEvent(bad), bad)
	if verdict == pki.VerdictUnknown {
		verdict = pki.VerdictValid
	}
	return verdict, err
}

func (v *verifier) checkRevocation(cert, issuer *x509.Certificate, now time.Time) *pki.BadCertError {
	crls, err := v.cache.Lookup(cert, issuer, now)
	if len(crls) == 0 && err != nil {
		return &pki.BadCertError{Reason: pki.ReasonRevocationUndetermined, Cert: cert, Detail: err.Error()}
	}
	return pki.CheckRevocation(cert, issuer, crls, now)
}
