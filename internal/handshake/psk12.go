package handshake

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// The PSK key exchanges of TLS 1.0–1.2 (RFC 4279, RFC 5489) in the
// handshake. PSK, DHE_PSK and ECDHE_PSK servers send no Certificate and
// ask for none (RFC 4279, Section 2: "The Certificate and
// CertificateRequest payloads are omitted"), so a PSK server needs no
// certificate at all; their ServerKeyExchange carries the
// psk_identity_hint and, for the (EC)DHE variants, the group parameters,
// and is not signed. RSA_PSK keeps the server certificate and its
// unsigned ServerKeyExchange carries only the hint (Section 4).

// pskUsable reports whether the server can choose a PSK suite: it needs
// a way to look up the client's key. Other suites are always usable here.
func (s *Server) pskUsable(suite *suites.Suite) bool {
	return !suite.KX.PSK() || s.cfg.ServerPSK != nil
}

// startPSK makes the server's PSK exchange for suite and adds its
// ServerKeyExchange to f when the exchange has one.
func (s *Server) startPSK(f *flight, suite *suites.Suite, group uint16) error {
	cfg := s.cfg
	var x kx.ServerKeyExchanger
	switch suite.KX {
	case suites.KXPSK:
		x = kx.NewPSKServer(cfg.PSKHint, cfg.ServerPSK, cfg.Rand)
	case suites.KXECDHEPSK, suites.KXDHEPSK:
		// The (EC)DHE part is DHE_RSA's or ECDHE's own, group choice
		// included (RFC 4279, Section 3; RFC 5489, Section 2).
		inner, err := s.ephemeralKX(suite, group)
		if err != nil {
			return err
		}
		if x, err = kx.NewPSKServerOver(inner, cfg.PSKHint, cfg.ServerPSK, cfg.Rand); err != nil {
			return err
		}
		s.info.Group = group
	case suites.KXRSAPSK:
		// RFC 4279, Section 4: the client encrypts a 48-byte premaster
		// to the certificate's RSA key, as in RSA key transport.
		dec, ok := s.cert.Key.(crypto.Decrypter)
		if !ok {
			return alert.New(alert.InternalError, "RSA key cannot decrypt")
		}
		var err error
		if x, err = kx.NewPSKServerOver(kx.NewRSAServer(dec, s.hello.Version, cfg.Rand), cfg.PSKHint, cfg.ServerPSK, cfg.Rand); err != nil {
			return err
		}
	default:
		return alert.New(alert.InternalError, "PSK key exchange "+suite.KX.ErlangName()+" not implemented")
	}
	s.kx = x
	params, err := x.ServerParams()
	if err != nil {
		return err
	}
	if params == nil {
		return nil // plain PSK without a hint (RFC 4279, Section 2)
	}
	return s.sendRecorded(f, &wire.ServerKeyExchange{Key: params})
}

// startPSK makes the client's PSK exchange once the ServerHello has
// chosen suite; it reports whether suite is of the PSK family.
func (c *Client) startPSK(suite *suites.Suite) bool {
	lookup := c.cfg.ClientPSK
	switch suite.KX {
	case suites.KXPSK:
		c.kx = kx.NewPSKClient(lookup)
	case suites.KXECDHEPSK:
		c.kx = kx.NewPSKClientOver(kx.NewECDHEClient(c.cfg.Groups, c.cfg.Rand), true, lookup)
	case suites.KXDHEPSK:
		c.kx = kx.NewPSKClientOver(kx.NewDHEClient(c.dhMinBits(), c.cfg.Rand), true, lookup)
	default:
		return false
	}
	return true
}

// startRSAPSK makes the client's RSA_PSK exchange with the server
// certificate's key (RFC 4279, Section 4).
func (c *Client) startRSAPSK(leaf *x509.Certificate) error {
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return alert.New(alert.UnsupportedCertificate, "RSA_PSK needs an RSA certificate")
	}
	c.kx = kx.NewPSKClientOver(kx.NewRSAClient(pub, c.hello.Version, c.cfg.Rand), false, c.cfg.ClientPSK)
	return nil
}

// pskNeedsServerKeyExchange reports whether the server must send a
// ServerKeyExchange: always with (EC)DHE_PSK, which carries the group
// there; only with a hint with PSK and RSA_PSK.
func pskNeedsServerKeyExchange(k suites.KeyExchange) bool {
	return k == suites.KXECDHEPSK || k == suites.KXDHEPSK
}

// handlePSKServerKeyExchange takes the message that follows the
// ServerHello (or the Certificate, for RSA_PSK) under a PSK suite: the
// optional, unsigned ServerKeyExchange, or what comes after it.
func (c *Client) handlePSKServerKeyExchange(msg []byte) ([]Action, error) {
	if msg[0] != wire.TypeServerKeyExchange {
		if pskNeedsServerKeyExchange(c.suite.KX) {
			return nil, unexpected(msg, c.State())
		}
		c.state = clientWaitDone
		return c.handle12(msg)
	}
	var ske wire.ServerKeyExchange
	if !ske.Unmarshal(msg) {
		return nil, alert.New(alert.DecodeError, "malformed ServerKeyExchange")
	}
	n, err := c.kx.ProcessServerParams(ske.Key)
	if err != nil {
		return nil, err
	}
	if n != len(ske.Key) {
		// No signature follows under the PSK family (RFC 4279, 2-3;
		// RFC 5489, 2).
		return nil, alert.New(alert.DecodeError, "trailing bytes in PSK ServerKeyExchange")
	}
	if g, ok := c.kx.(kx.Grouped); ok && g.Group() != 0 {
		c.info.Group = g.Group()
	}
	c.record(msg)
	c.state = clientWaitDone
	return nil, nil
}
