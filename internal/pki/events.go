package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
)

// EventKind tells what a path-validation event is about. The events are
// those Erlang's verify_fun receives, one or more per certificate, in path
// order from the certificate next to the trust anchor down to the peer.
type EventKind int

const (
	// EventBadCert is {bad_cert, Reason}: BadCert says what is wrong.
	EventBadCert EventKind = iota
	// EventExtension is {extension, Extension}: an extension the validator
	// does not process itself. Answering VerdictUnknown for a critical one
	// fails validation with unknown_critical_extension.
	EventExtension
	// EventValid is `valid`: a CA certificate passed every check.
	EventValid
	// EventValidPeer is `valid_peer`: the peer certificate passed every check.
	EventValidPeer
)

func (k EventKind) String() string {
	switch k {
	case EventBadCert:
		return "bad_cert"
	case EventExtension:
		return "extension"
	case EventValid:
		return "valid"
	case EventValidPeer:
		return "valid_peer"
	}
	return "event(?)"
}

// Event is one path-validation event.
type Event struct {
	Kind      EventKind
	BadCert   *BadCertError  // EventBadCert
	Extension pkix.Extension // EventExtension
	// Issuer is the certificate that signed the one the event is about,
	// for EventValid and EventValidPeer (nil when the certificate is
	// itself a trust anchor): what a revocation check needs.
	Issuer *x509.Certificate
}

// Verdict is a VerifyFun's answer: Erlang's {valid, S} (and {valid_peer, S},
// which means the same here), {fail, Reason} and {unknown, S}.
type Verdict int

const (
	VerdictValid Verdict = iota
	VerdictFail
	VerdictUnknown
)

// VerifyFun is Erlang's verify_fun: called for each event of the
// validation. User state lives in the closure. On VerdictFail the returned
// error is the failure reported by VerifyChain (nil means "the bad_cert of
// the event", or a generic failure for other events).
type VerifyFun func(cert *x509.Certificate, ev Event) (Verdict, error)

// DefaultVerifyFun is verify_peer's default verify_fun: any bad_cert fails,
// extensions are unknown, valid certificates are valid.
func DefaultVerifyFun(_ *x509.Certificate, ev Event) (Verdict, error) {
	switch ev.Kind {
	case EventBadCert:
		return VerdictFail, ev.BadCert
	case EventExtension:
		return VerdictUnknown, nil
	}
	return VerdictValid, nil
}

// VerifyNoneFun is verify_none's default verify_fun: every bad_cert and
// every critical extension is accepted.
func VerifyNoneFun(_ *x509.Certificate, ev Event) (Verdict, error) {
	if ev.Kind == EventExtension && !ev.Extension.Critical {
		return VerdictUnknown, nil
	}
	return VerdictValid, nil
}
