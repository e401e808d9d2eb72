package handshake

import (
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// Anonymous DH_anon and ECDH_anon (RFC 5246, 7.4.3 and Appendix F.1.1.1;
// RFC 8422, 2.3): the server sends no Certificate, its ServerKeyExchange
// carries the (EC)DH parameters unsigned, and it may not ask for a client
// certificate (RFC 5246, 7.4.4). The group choice is DHE's and ECDHE's
// own. These suites are offered only when named in ciphers, and a client
// takes one only if it offered it (handleServerHello checks every suite).

// startAnon makes the server's anonymous exchange and adds its unsigned
// ServerKeyExchange to f.
func (s *Server) startAnon(f *flight, suite *suites.Suite, group uint16) error {
	x, err := s.ephemeralKX(suite, group)
	if err != nil {
		return err
	}
	s.kx = x
	s.info.Group = group
	params, err := x.ServerParams()
	if err != nil {
		return err
	}
	return s.sendRecorded(f, &wire.ServerKeyExchange{Key: params})
}

// startAnon makes the client's anonymous exchange once the ServerHello has
// chosen suite; it reports whether suite is anonymous.
func (c *Client) startAnon(suite *suites.Suite) bool {
	switch suite.KX {
	case suites.KXDHAnon:
		c.kx = kx.NewDHEClient(c.dhMinBits(), c.cfg.Rand)
	case suites.KXECDHAnon:
		c.kx = kx.NewECDHEClient(c.cfg.Groups, c.cfg.Rand)
	default:
		return false
	}
	return true
}
