package ssl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/pki"
)

// Errors a program can test with errors.Is.
var (
	// ErrClosed is Erlang's {error, closed}: the connection is closed.
	ErrClosed = errors.New("closed")
	// ErrTimeout is Erlang's {error, timeout}.
	ErrTimeout = errors.New("timeout")
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

func (a *Alert) Error() string { return a.sentence() }

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

func (e *OptionError) Error() string {
	s := fmt.Sprintf("{options, {%s, %v}}", e.Name, e.Value)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

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
