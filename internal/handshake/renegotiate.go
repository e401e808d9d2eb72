package handshake

import (
	"crypto/subtle"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// Renegotiation marks a machine as renegotiating an established TLS
// 1.0–1.2 connection (RFC 5746): the driver sets it on a new Client or
// Server, with the Finished verify_data of the handshake before. Secure
// says whether that connection negotiated renegotiation_info; without it
// (legacy renegotiation, only with secure_renegotiate false) no
// renegotiation_info may appear.
type Renegotiation struct {
	Secure           bool
	ClientVerifyData []byte
	ServerVerifyData []byte
}

// renegotiationInfo is what a ClientHello of a secure renegotiation
// carries (RFC 5746, 3.5).
func (r *Renegotiation) clientValue() []byte { return r.ClientVerifyData }

// serverValue is what a ServerHello carries (RFC 5746, 3.6).
func (r *Renegotiation) serverValue() []byte {
	v := append([]byte(nil), r.ClientVerifyData...)
	return append(v, r.ServerVerifyData...)
}

// clientRenegotiationInfo sets a ClientHello's renegotiation_info.
func (c *Client) clientRenegotiationInfo(ch *wire.ClientHello) {
	if c.Reneg == nil {
		return
	}
	ch.SecureRenegotiationValid = c.Reneg.Secure
	ch.SecureRenegotiation = nil
	if c.Reneg.Secure {
		ch.SecureRenegotiation = c.Reneg.clientValue()
	}
}

// checkServerRenegotiationInfo checks a ServerHello's renegotiation_info
// (RFC 5746, 3.4 for the initial handshake, 3.5 for a renegotiation).
func (c *Client) checkServerRenegotiationInfo(sh *wire.ServerHello) error {
	r := c.Reneg
	if r == nil {
		if sh.SecureRenegotiationValid {
			if len(sh.SecureRenegotiation) != 0 {
				return alert.New(alert.HandshakeFailure, "non-empty renegotiation_info in the initial handshake")
			}
			c.info.SecureRenegotiation = true
		} else if c.cfg.SecureRenegotiate {
			return alert.New(alert.HandshakeFailure, "server does not support secure renegotiation (RFC 5746) and secure_renegotiate is true")
		}
		return nil
	}
	if !r.Secure {
		if sh.SecureRenegotiationValid {
			return alert.New(alert.HandshakeFailure, "renegotiation_info in a renegotiation of an insecure connection")
		}
		return nil
	}
	if !sh.SecureRenegotiationValid || subtle.ConstantTimeCompare(sh.SecureRenegotiation, r.serverValue()) != 1 {
		return alert.New(alert.HandshakeFailure, "renegotiation_info does not carry the previous verify_data (RFC 5746, 3.5)")
	}
	c.info.SecureRenegotiation = true
	return nil
}

// checkClientRenegotiationInfo checks a ClientHello's renegotiation_info
// and SCSV (RFC 5746, 3.6 and 3.7) and returns what the ServerHello
// carries, and whether the connection is secure.
func (s *Server) checkClientRenegotiationInfo(ch *wire.ClientHello) (value []byte, secure bool, err error) {
	scsv := containsU16(ch.CipherSuites, wire.SCSVRenegotiation)
	r := s.Reneg
	if r == nil {
		// In an initial handshake renegotiation_info must be empty; the
		// SCSV means the same as the empty extension.
		if ch.SecureRenegotiationValid && len(ch.SecureRenegotiation) != 0 {
			return nil, false, alert.New(alert.HandshakeFailure, "non-empty renegotiation_info in the initial handshake")
		}
		secure = ch.SecureRenegotiationValid || scsv
		if !secure && s.cfg.SecureRenegotiate {
			return nil, false, alert.New(alert.HandshakeFailure, "client does not support secure renegotiation (RFC 5746) and secure_renegotiate is true")
		}
		return nil, secure, nil
	}
	if !r.Secure {
		if ch.SecureRenegotiationValid || scsv {
			return nil, false, alert.New(alert.HandshakeFailure, "renegotiation_info in a renegotiation of an insecure connection")
		}
		return nil, false, nil
	}
	if scsv {
		return nil, false, alert.New(alert.HandshakeFailure, "renegotiation SCSV in a renegotiation (RFC 5746, 3.7)")
	}
	if !ch.SecureRenegotiationValid || subtle.ConstantTimeCompare(ch.SecureRenegotiation, r.clientValue()) != 1 {
		return nil, false, alert.New(alert.HandshakeFailure, "renegotiation_info does not carry the previous client verify_data (RFC 5746, 3.7)")
	}
	return r.serverValue(), true, nil
}
