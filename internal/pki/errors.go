package pki

import (
	"crypto/x509"
	"errors"

	"github.com/gossl/ssl/internal/alert"
)

// Reasons of a {bad_cert, Reason} path-validation failure, spelled as the
// atoms Erlang/OTP's public_key and ssl applications use.
const (
	ReasonUnknownCA                = "unknown_ca"
	ReasonSelfSignedPeer           = "selfsigned_peer"
	ReasonCertExpired              = "cert_expired"
	ReasonRootCertExpired          = "root_cert_expired"
	ReasonInvalidIssuer            = "invalid_issuer"
	ReasonInvalidSignature         = "invalid_signature"
	ReasonUnsupportedSignature     = "unsupported_signature"
	ReasonMissingBasicConstraint   = "missing_basic_constraint"
	ReasonInvalidKeyUsage          = "invalid_key_usage"
	ReasonInvalidExtKeyUsage       = "invalid_ext_keyusage"    // the peer's extKeyUsage lacks the purpose
	ReasonCAInvalidExtKeyUsage     = "ca_invalid_ext_keyusage" // a CA's extKeyUsage lacks the purpose
	ReasonMaxPathLengthReached     = "max_path_length_reached"
	ReasonNameNotPermitted         = "name_not_permitted"
	ReasonUnknownCriticalExtension = "unknown_critical_extension"
	ReasonHostnameCheckFailed      = "hostname_check_failed"
	ReasonRevoked                  = "revoked" // {revoked, Revocation}
	ReasonRevocationUndetermined   = "revocation_status_undetermined"
	ReasonDecodeError              = "decode_error" // a certificate that does not parse
	// A stapled OCSP response (RFC 6066, Section 8) that fails its checks
	// (ocsp.go), and a staple that was asked for and did not come (OTP's
	// missing_ocsp_staple).
	ReasonInvalidOCSPResponse = "invalid_ocsp_response"
	ReasonMissingOCSPStaple   = "missing_ocsp_staple"
)

// BadCertError is a {bad_cert, Reason} path-validation failure.
type BadCertError struct {
	Reason string            // one of the Reason* atoms
	Cert   *x509.Certificate // the certificate the failure is about (nil if none parsed)
	Detail string            // a sentence for people, may be empty
	// Revocation is the CRL reason of a revoked certificate (Erlang's
	// {revoked, Reason}: keyCompromise, cACompromise, ..., unspecified).
	Revocation string
}

// ReasonTerm is the reason as Erlang prints it: the atom, or
// {revoked,keyCompromise} for a revoked certificate.
func (e *BadCertError) ReasonTerm() string {
	if e.Reason == ReasonRevoked && e.Revocation != "" {
		return "{revoked," + e.Revocation + "}"
	}
	return e.Reason
}

func (e *BadCertError) Error() string {
	s := "bad_cert: " + e.ReasonTerm()
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Alert returns the alert a TLS endpoint sends for this failure; the mapping
// is Erlang/OTP's (ssl_handshake's path-validation alert): a few reasons have
// their own alert, a handful are bad_certificate and everything else —
// hostname_check_failed, missing_basic_constraint, max_path_length_reached,
// the key-usage reasons — is handshake_failure.
func (e *BadCertError) Alert() alert.Description {
	switch e.Reason {
	case ReasonCertExpired:
		return alert.CertificateExpired
	case ReasonUnknownCA:
		return alert.UnknownCA
	case ReasonRevoked:
		return alert.CertificateRevoked
	case ReasonUnknownCriticalExtension:
		return alert.UnsupportedCertificate
	case ReasonInvalidOCSPResponse, ReasonMissingOCSPStaple:
		// RFC 6066, Section 8: a client aborts on an unsatisfactory
		// response with bad_certificate_status_response.
		return alert.BadCertificateStatusResponse
	case ReasonInvalidIssuer, ReasonInvalidSignature, ReasonNameNotPermitted,
		ReasonSelfSignedPeer, ReasonDecodeError, ReasonRevocationUndetermined:
		return alert.BadCertificate
	}
	return alert.HandshakeFailure
}

// AlertError returns the *alert.Error the connection layer sends for e.
func (e *BadCertError) AlertError() *alert.Error {
	return alert.New(e.Alert(), e.Error())
}

// ErrNoCertificate is returned by VerifyChain for an empty chain.
var ErrNoCertificate = errors.New("pki: no certificate to verify")

func badCert(reason string, cert *x509.Certificate, detail string) *BadCertError {
	return &BadCertError{Reason: reason, Cert: cert, Detail: detail}
}
