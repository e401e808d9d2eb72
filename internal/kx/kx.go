// Package kx holds the key exchanges of TLS 1.0–1.2 behind two small
// interfaces, the TLS 1.3 key shares (keyshare.go, keyshare_hybrid.go:
// X25519, the NIST curves and the X25519MLKEM768 hybrid), the named
// groups, and the digitally-signed structs that authenticate a
// ServerKeyExchange or a CertificateVerify (sign.go; TLS 1.3's signed
// content in sign13.go).
//
// Every key exchange (RSA, (EC)DHE, the PSK family, SRP, static ECDH,
// anonymous) reduces to the same two steps per side: the server may send
// parameters in ServerKeyExchange, the client answers in
// ClientKeyExchange, and both end with a premaster secret (RFC 5246,
// 7.4.3 and 7.4.7). The handshake drives those steps and does the
// signing; an exchange only parses, generates and agrees.
//
// Errors a peer can cause are *alert.Error values that name the alert to
// send. They never contain key material.
package kx

import "github.com/gossl/ssl/internal/alert"

// ServerKeyExchanger runs the server side of one key exchange.
type ServerKeyExchanger interface {
	// ServerParams returns the ServerKeyExchange params to be signed and
	// sent, or nil when the exchange sends none (RSA).
	ServerParams() ([]byte, error)
	// ProcessClientKeyExchange takes the ClientKeyExchange body and
	// returns the premaster secret.
	ProcessClientKeyExchange(body []byte) ([]byte, error)
}

// ClientKeyExchanger runs the client side of one key exchange.
type ClientKeyExchanger interface {
	// ProcessServerParams parses the params at the front of a
	// ServerKeyExchange body and returns how many bytes they took (the
	// signature, if any, follows them). It is never called for RSA, which
	// has no ServerKeyExchange.
	ProcessServerParams(body []byte) (n int, err error)
	// ClientKeyExchange returns the ClientKeyExchange body and the
	// premaster secret.
	ClientKeyExchange() (body, premaster []byte, err error)
}

// PreparedClientKeyExchanger is implemented by client exchanges that can
// make their ClientKeyExchange body before the premaster secret: agree
// computes the secret (the (EC)DH step) and may run on another goroutine
// while the handshake checks the ServerKeyExchange signature. Call agree
// once.
type PreparedClientKeyExchanger interface {
	PrepareClientKeyExchange() (body []byte, agree func() ([]byte, error), err error)
}

func decodeError(reason string) error { return alert.New(alert.DecodeError, reason) }

func illegalParameter(reason string) error { return alert.New(alert.IllegalParameter, reason) }

func internalError(reason string) error { return alert.New(alert.InternalError, reason) }

func alertUnexpected(reason string) error { return alert.New(alert.UnexpectedMessage, reason) }
