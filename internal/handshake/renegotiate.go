package handshake

import (
	"bytes"
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
//
// secure_renegotiate true does not refuse the initial handshake with a
// peer that does not signal RFC 5746: like OTP, OpenSSL and GnuTLS, gossl
// connects and refuses only a renegotiation of such a connection (the
// driver answers no_renegotiation; a machine given one fails too).
type Renegotiation struct {
	Secure           bool
	ClientVerifyData []byte
	ServerVerifyData []byte
	// ExtendedMasterSecret says the connection used RFC 7627; a
	// renegotiation that drops it is refused (below).
	ExtendedMasterSecret bool
	// EncryptThenMAC says the connection used RFC 7366; a renegotiation
	// that drops it is refused (checkEncryptThenMAC).
	EncryptThenMAC bool
	// ServerCert is the server's leaf certificate (DER) of the connection,
	// for a client: a renegotiation must not change it (below).
	ServerCert []byte
	// HelloRequestSent says a DTLS server's HelloRequest took
	// message_seq 0 of this handshake, so its ServerHello is 1 (RFC
	// 6347, 4.2.2).
	HelloRequestSent bool
}

// allowed refuses a renegotiation of a connection without RFC 5746 when
// secure_renegotiate is true (OTP's handle_renegotiation_info gives
// no_renegotiation there). The driver refuses such a renegotiation before
// it makes a machine; this keeps the machine safe on its own.
func (r *Renegotiation) allowed(cfg *Config) error {
	if !r.Secure && cfg.SecureRenegotiate {
		return alert.New(alert.NoRenegotiation, "the connection did not negotiate secure renegotiation (RFC 5746) and secure_renegotiate is true")
	}
	return nil
}

// checkExtendedMasterSecret refuses a renegotiation hello without
// extended_master_secret on a connection that used it (RFC 7627, 5.3
// forbids falling back to the legacy master secret for a session that
// used the extension; OpenSSL refuses it as "inconsistent extms"). Without
// it, the new master secret would no longer be bound to the handshake
// transcript, which the triple-handshake attack exploits.
func (r *Renegotiation) checkExtendedMasterSecret(ems bool) error {
	if r != nil && r.ExtendedMasterSecret && !ems {
		return alert.New(alert.HandshakeFailure, "renegotiation without extended_master_secret on a connection that used it (RFC 7627)")
	}
	return nil
}

// checkEncryptThenMAC refuses a renegotiation that goes from
// encrypt-then-MAC back to MAC-then-encrypt: RFC 7366, Section 3.1 has
// the server answer handshake_failure, and a client refuses the same
// downgrade from the server, since the old record format is the one the
// padding-oracle attacks need. etm is what the new hello negotiates (a
// server: what the client offers and the chosen suite allows).
func (r *Renegotiation) checkEncryptThenMAC(etm bool) error {
	if r != nil && r.EncryptThenMAC && !etm {
		return alert.New(alert.HandshakeFailure, "renegotiation from encrypt-then-MAC back to MAC-then-encrypt (RFC 7366, 3.1)")
	}
	return nil
}

// checkServerCert refuses a server certificate that differs from the
// one of the connection being renegotiated. A client that accepted a
// new identity in a renegotiation could be led by a man in the middle to
// mix two servers' sessions (the triple-handshake attack, Bhargavan et
// al. 2014); OTP, NSS, BoringSSL and Go refuse it the same way.
func (r *Renegotiation) checkServerCert(leaf []byte) error {
	if r != nil && r.ServerCert != nil && !bytes.Equal(leaf, r.ServerCert) {
		return alert.New(alert.IllegalParameter, "the server certificate changed in a renegotiation")
	}
	return nil
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
		}
		return nil
	}
	if err := r.allowed(c.cfg); err != nil {
		return err
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
		return nil, ch.SecureRenegotiationValid || scsv, nil
	}
	if err := r.allowed(s.cfg); err != nil {
		return nil, false, err
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
