package ssl

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/pki"
)

// Errors a program can test with errors.Is.
var (
	// ErrClosed is Erlang's {error, closed}: the connection is closed.
	ErrClosed = errors.New("closed")
	// ErrTimeout is Erlang's {error, timeout}. Like the errors of a
	// net.Conn whose deadline passed, it is a net.Error whose Timeout()
	// is true and satisfies errors.Is(err, os.ErrDeadlineExceeded); a
	// handshake ended by a context's deadline also satisfies
	// errors.Is(err, context.DeadlineExceeded).
	ErrTimeout error = &timeoutError{}
	// ErrNotSupported marks options and calls gossl does not implement yet.
	ErrNotSupported = errors.New("not supported yet")
	// ErrRenegotiationRejected is Erlang's {error, renegotiation_rejected}
	// from Renegotiate: the peer refused the renegotiation with a
	// no_renegotiation warning, and the connection goes on with the keys
	// it had.
	ErrRenegotiationRejected = errors.New("renegotiation_rejected")
	// ErrNoPeercert is Erlang's {error, no_peercert} from Peercert: the
	// peer sent no certificate.
	ErrNoPeercert = errors.New("no_peercert")
	// ErrProtocolNotNegotiated is Erlang's {error, protocol_not_negotiated}
	// from NegotiatedProtocol: ALPN agreed on no protocol.
	ErrProtocolNotNegotiated = errors.New("protocol_not_negotiated")
)

// Alert is a TLS alert, sent by us or received from the peer, carried as
// an error: Erlang's {tls_alert, {Description, Text}}.
type Alert struct {
	// Level is "fatal" or "warning".
	Level string
	// Description is Erlang's atom: "handshake_failure", "unknown_ca", ...
	Description string
	// Code is the alert's number on the wire (RFC 5246, Section 7.2).
	Code uint8
	// Received is true when the peer sent the alert, false when we did.
	Received bool
	// Role is "client" or "server": which side we are.
	Role string
	// State is the handshake state the alert arose in ("hello",
	// "certify", "cipher", "connection", ...).
	State string
	// Reason says why, for alerts we sent.
	Reason string
	// Err is the underlying cause (a certificate error, say).
	Err error
}

// NewAlert returns an alert value with the given description, for errors.Is:
// errors.Is(err, ssl.NewAlert("unknown_ca")).
func NewAlert(description string) *Alert {
	for c := 0; c < 256; c++ {
		if d := alert.Description(c); d.Known() && d.String() == description {
			return &Alert{Description: description, Code: uint8(c), Level: "fatal"}
		}
	}
	return &Alert{Description: description, Code: 255}
}

// Error describes the alert on one line, Go-style: who sent it, the
// description's atom, the handshake state and the cause, e.g. "ssl:
// client: sent fatal alert unknown_ca in state wait_cert_cr: certificate
// verification failed: ...". FormatError gives Erlang's sentence instead.
func (a *Alert) Error() string {
	var b strings.Builder
	b.WriteString("ssl: ")
	if a.Role != "" {
		b.WriteString(a.Role + ": ")
	}
	level := a.Level
	if level == "" {
		level = "fatal"
	}
	if a.Received {
		peer := "server"
		if a.Role == "server" {
			peer = "client"
		}
		fmt.Fprintf(&b, "received %s alert %s from the %s", level, a.Description, peer)
	} else {
		fmt.Fprintf(&b, "sent %s alert %s", level, a.Description)
	}
	if a.State != "" {
		b.WriteString(" in state " + a.State)
	}
	cause := a.Reason
	var ce *CertificateError
	if errors.As(a.Err, &ce) {
		cause = ce.Error()
	} else if cause == "" && a.Err != nil {
		cause = a.Err.Error()
	}
	if cause != "" {
		b.WriteString(": " + strings.TrimPrefix(cause, "ssl: "))
	}
	return oneLine(b.String())
}

// oneLine joins the lines of s with "; ", for Error strings that end up in
// one log line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
}

// Unwrap returns the cause.
func (a *Alert) Unwrap() error { return a.Err }

// Is reports whether target is an *Alert with the same description.
func (a *Alert) Is(target error) bool {
	t, ok := target.(*Alert)
	return ok && t.Code == a.Code
}

// sentence renders the alert the way Erlang's ssl prints it, e.g.
// "TLS client: In state certify generated CLIENT ALERT: Fatal - Unknown CA".
func (a *Alert) sentence() string {
	role := strings.ToUpper(a.Role)
	var b strings.Builder
	b.WriteString("TLS " + a.Role + ": In state " + a.State)
	if a.Received {
		peer := "SERVER"
		if a.Role == "server" {
			peer = "CLIENT"
		}
		b.WriteString(" received " + peer + " ALERT: ")
	} else {
		b.WriteString(" generated " + role + " ALERT: ")
	}
	b.WriteString(titleCase(a.Level) + " - " + humanAlert(a.Description))
	if a.Reason != "" {
		b.WriteString("\n - " + a.Reason)
	}
	return b.String()
}

// humanAlert turns "unknown_ca" into "Unknown CA", as ssl_alert does.
func humanAlert(desc string) string {
	words := strings.Split(desc, "_")
	for i, w := range words {
		switch w {
		case "ca", "mac":
			words[i] = strings.ToUpper(w)
		default:
			words[i] = titleCase(w)
		}
	}
	return strings.Join(words, " ")
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// OptionError is Erlang's {options, {Name, Value}}: an option with a value
// that is invalid, or that gossl does not implement yet.
type OptionError struct {
	// Name is the Erlang option name, e.g. "versions".
	Name string
	// Value is the offending value.
	Value any
	// Reason says what is wrong.
	Reason string
	// NotSupported is true for options not implemented yet.
	NotSupported bool
}

// Error names the option and its value on one line, e.g. "ssl: option
// versions: tlsv9: unknown protocol version". FormatError words it for
// people; OTPTerm gives Erlang's {options, {Name, Value}}.
func (e *OptionError) Error() string {
	s := fmt.Sprintf("ssl: option %s: %v", e.Name, e.Value)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return oneLine(s)
}

// OTPTerm returns the error as Erlang prints it: {options, {Name, Value}}.
func (e *OptionError) OTPTerm() string { return fmt.Sprintf("{options, {%s, %v}}", e.Name, e.Value) }

// Is makes errors.Is(err, ErrNotSupported) true for planned options.
func (e *OptionError) Is(target error) bool { return e.NotSupported && target == ErrNotSupported }

func notSupported(name string, value any) *OptionError {
	return &OptionError{Name: name, Value: value, Reason: "not supported yet", NotSupported: true}
}

// notSupportedBecause is notSupported with a reason more precise than
// "not supported yet".
func notSupportedBecause(name string, value any, reason string) *OptionError {
	return &OptionError{Name: name, Value: value, Reason: reason, NotSupported: true}
}

func badOption(name string, value any, reason string) *OptionError {
	return &OptionError{Name: name, Value: value, Reason: reason}
}

// FormatError returns the sentence a person reads for any error returned
// by this package, as Erlang's ssl:format_error/1 does.
func FormatError(err error) string {
	if err == nil {
		return "ok"
	}
	var a *Alert
	if errors.As(err, &a) {
		return a.sentence()
	}
	var oe *OptionError
	if errors.As(err, &oe) {
		if oe.NotSupported {
			return fmt.Sprintf("Option %s is not supported yet by gossl (value %v)", oe.Name, oe.Value)
		}
		return fmt.Sprintf("Invalid value for option %s: %v (%s)", oe.Name, oe.Value, oe.Reason)
	}
	var bad *pki.BadCertError
	if errors.As(err, &bad) {
		return "Certificate verification failed: " + bad.Error()
	}
	switch {
	case errors.Is(err, ErrClosed):
		return "The connection is closed"
	case errors.Is(err, ErrTimeout):
		return "Timeout"
	}
	return "Unexpected error: " + err.Error()
}

// timeoutError is ErrTimeout's type: a net.Error whose Timeout() is true,
// as the errors of a net.Conn whose deadline passed. ctx is
// context.DeadlineExceeded when a context's deadline ended the wait.
type timeoutError struct{ ctx error }

func (e *timeoutError) Error() string {
	if e.ctx != nil {
		return "timeout: " + e.ctx.Error()
	}
	return "timeout"
}

// Timeout implements net.Error.
func (e *timeoutError) Timeout() bool { return true }

// Temporary implements net.Error (deprecated there): a timeout is.
func (e *timeoutError) Temporary() bool { return true }

// Is makes every timeout match ErrTimeout and os.ErrDeadlineExceeded.
func (e *timeoutError) Is(target error) bool {
	return target == ErrTimeout || target == os.ErrDeadlineExceeded
}

// Unwrap returns context.DeadlineExceeded for a context's deadline.
func (e *timeoutError) Unwrap() error { return e.ctx }

// errCtxTimeout is ErrTimeout for a wait a context's deadline ended.
var errCtxTimeout error = &timeoutError{ctx: context.DeadlineExceeded}

// timeoutFor returns the error of a wait that timed out: errCtxTimeout
// when a context's deadline bounded it (ctxBound), ErrTimeout when a
// timeout did.
func timeoutFor(ctxBound bool) error {
	if ctxBound {
		return errCtxTimeout
	}
	return ErrTimeout
}

// closedError is ErrClosed for a socket or listener this side closed: it
// also matches net.ErrClosed, as a net.Conn's or net.Listener's errors do
// after Close (net/http's Serve, for one, tests for it).
type closedError struct{ what string }

func (e *closedError) Error() string { return "use of closed " + e.what }

// Is makes it match ErrClosed and net.ErrClosed.
func (e *closedError) Is(target error) bool { return target == ErrClosed || target == net.ErrClosed }

var (
	errListenerClosed error = &closedError{"listener"}
	errSocketClosed   error = &closedError{"socket"}
)

// CertificateError is a certificate that failed verification: Erlang's
// {bad_cert, Reason}. The alert a failed verification sends or receives
// carries it: errors.As(err, &certErr).
type CertificateError struct {
	// Reason is Erlang's atom: "unknown_ca", "selfsigned_peer",
	// "hostname_check_failed", "cert_expired", "revoked", ...
	Reason string
	// Revocation is the CRL reason of a revoked certificate
	// ("keyCompromise", ...).
	Revocation string
	// Cert is the certificate the failure is about (nil if none parsed).
	Cert *x509.Certificate
	// Names are the names Cert covers: its DNS and IP subject
	// alternative names, or its subject's common name when it has no
	// DNS name.
	Names []string
	// Detail says what is wrong, for people.
	Detail string

	bad *pki.BadCertError
}

// newCertificateError returns the public form of a path-validation
// failure.
func newCertificateError(b *pki.BadCertError) *CertificateError {
	e := &CertificateError{Reason: b.Reason, Revocation: b.Revocation, Cert: b.Cert, Detail: b.Detail, bad: b}
	if c := b.Cert; c != nil {
		e.Names = append(e.Names, c.DNSNames...)
		for _, ip := range c.IPAddresses {
			e.Names = append(e.Names, ip.String())
		}
		if len(c.DNSNames) == 0 && c.Subject.CommonName != "" {
			e.Names = append(e.Names, c.Subject.CommonName)
		}
	}
	return e
}

// publicCause returns err with a path-validation failure in it turned into
// a *CertificateError, for the Err of an Alert.
func publicCause(err error) error {
	var b *pki.BadCertError
	if errors.As(err, &b) {
		return newCertificateError(b)
	}
	return err
}

// Error says on one line what failed, which certificate, the names it
// covers and, where it helps, what to set.
func (e *CertificateError) Error() string {
	var b strings.Builder
	b.WriteString("ssl: certificate verification failed: " + e.bad.ReasonTerm())
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Cert != nil {
		b.WriteString("; certificate " + e.Cert.Subject.String())
		if len(e.Names) > 0 {
			b.WriteString(" covers " + strings.Join(e.Names, ", "))
		}
	}
	switch e.Reason {
	case pki.ReasonUnknownCA, pki.ReasonSelfSignedPeer:
		b.WriteString("; set CACertFile or CACerts to its issuer's certificate, or Verify to verify_none")
	case pki.ReasonHostnameCheckFailed:
		b.WriteString("; connect by one of its names or set ServerNameIndication")
	}
	return oneLine(b.String())
}

// Unwrap returns the internal path-validation error.
func (e *CertificateError) Unwrap() error { return e.bad }
