// Package alert holds the TLS alert protocol's levels and descriptions
// (RFC 5246, Section 7.2; RFC 8446, Section 6) with the names Erlang/OTP's
// ssl application uses for them, and the error type the internal packages
// return when a protocol rule is broken and a fatal alert must be sent.
package alert

import "strconv"

// Level is the alert level: warning (1) or fatal (2).
type Level uint8

const (
	Warning Level = 1
	Fatal   Level = 2
)

func (l Level) String() string {
	switch l {
	case Warning:
		return "warning"
	case Fatal:
		return "fatal"
	}
	return "level(" + strconv.Itoa(int(l)) + ")"
}

// Description is the alert description code.
type Description uint8

// RFC 5246, Section 7.2 and RFC 8446, Section 6, plus RFC 7507 and RFC 7301.
const (
	CloseNotify                  Description = 0
	UnexpectedMessage            Description = 10
	BadRecordMAC                 Description = 20
	DecryptionFailed             Description = 21
	RecordOverflow               Description = 22
	DecompressionFailure         Description = 30
	HandshakeFailure             Description = 40
	NoCertificate                Description = 41
	BadCertificate               Description = 42
	UnsupportedCertificate       Description = 43
	CertificateRevoked           Description = 44
	CertificateExpired           Description = 45
	CertificateUnknown           Description = 46
	IllegalParameter             Description = 47
	UnknownCA                    Description = 48
	AccessDenied                 Description = 49
	DecodeError                  Description = 50
	DecryptError                 Description = 51
	ExportRestriction            Description = 60
	ProtocolVersion              Description = 70
	InsufficientSecurity         Description = 71
	InternalError                Description = 80
	InappropriateFallback        Description = 86
	UserCanceled                 Description = 90
	NoRenegotiation              Description = 100
	MissingExtension             Description = 109
	UnsupportedExtension         Description = 110
	CertificateUnobtainable      Description = 111
	UnrecognizedName             Description = 112
	BadCertificateStatusResponse Description = 113
	BadCertificateHashValue      Description = 114
	UnknownPSKIdentity           Description = 115
	CertificateRequired          Description = 116
	NoApplicationProtocol        Description = 120
)

// names are the atoms Erlang/OTP's ssl uses (ssl_alert.erl), which are the
// RFC names in snake case.
var names = map[Description]string{
	CloseNotify:                  "close_notify",
	UnexpectedMessage:            "unexpected_message",
	BadRecordMAC:                 "bad_record_mac",
	DecryptionFailed:             "decryption_failed",
	RecordOverflow:               "record_overflow",
	DecompressionFailure:         "decompression_failure",
	HandshakeFailure:             "handshake_failure",
	NoCertificate:                "no_certificate",
	BadCertificate:               "bad_certificate",
	UnsupportedCertificate:       "unsupported_certificate",
	CertificateRevoked:           "certificate_revoked",
	CertificateExpired:           "certificate_expired",
	CertificateUnknown:           "certificate_unknown",
	IllegalParameter:             "illegal_parameter",
	UnknownCA:                    "unknown_ca",
	AccessDenied:                 "access_denied",
	DecodeError:                  "decode_error",
	DecryptError:                 "decrypt_error",
	ExportRestriction:            "export_restriction",
	ProtocolVersion:              "protocol_version",
	InsufficientSecurity:         "insufficient_security",
	InternalError:                "internal_error",
	InappropriateFallback:        "inappropriate_fallback",
	UserCanceled:                 "user_canceled",
	NoRenegotiation:              "no_renegotiation",
	MissingExtension:             "missing_extension",
	UnsupportedExtension:         "unsupported_extension",
	CertificateUnobtainable:      "certificate_unobtainable",
	UnrecognizedName:             "unrecognized_name",
	BadCertificateStatusResponse: "bad_certificate_status_response",
	BadCertificateHashValue:      "bad_certificate_hash_value",
	UnknownPSKIdentity:           "unknown_psk_identity",
	CertificateRequired:          "certificate_required",
	NoApplicationProtocol:        "no_application_protocol",
}

// String returns Erlang's atom for the description, e.g. "handshake_failure".
func (d Description) String() string {
	if n, ok := names[d]; ok {
		return n
	}
	return "alert(" + strconv.Itoa(int(d)) + ")"
}

// Known reports whether d is a description this package has a name for.
func (d Description) Known() bool { _, ok := names[d]; return ok }

// Error is a protocol failure detected locally: the connection must send a
// fatal alert with Desc and fail with Reason (a short explanation for people;
// never secret material).
type Error struct {
	Desc   Description
	Reason string
	// Err is the underlying cause when there is one (a certificate
	// validation error, say), for errors.As.
	Err error
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Reason == "" {
		return e.Desc.String()
	}
	return e.Desc.String() + ": " + e.Reason
}

// New returns an *Error with the given description and reason.
func New(d Description, reason string) *Error { return &Error{Desc: d, Reason: reason} }

// ForSSL30 is the alert to send for d on an SSL 3.0 connection, which
// knows only the alerts of RFC 6101, 5.4.2. A later alert becomes the
// SSL 3.0 one nearest in meaning: a record that cannot be read is
// bad_record_mac, an unknown CA bad_certificate, and the rest
// handshake_failure. inappropriate_fallback stays: RFC 7507, Section 3
// asks for it whatever version the client offered.
func ForSSL30(d Description) Description {
	switch d {
	case CloseNotify, UnexpectedMessage, BadRecordMAC, DecompressionFailure, HandshakeFailure, NoCertificate,
		BadCertificate, UnsupportedCertificate, CertificateRevoked, CertificateExpired, CertificateUnknown,
		IllegalParameter, InappropriateFallback:
		return d
	case DecryptionFailed, RecordOverflow:
		return BadRecordMAC
	case UnknownCA:
		return BadCertificate
	}
	return HandshakeFailure
}
