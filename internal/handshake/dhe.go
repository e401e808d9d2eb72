package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// Finite-field DHE in TLS 1.0–1.2 (RFC 5246, 7.4.3; RFC 7919). The
// group comes from the client's supported_groups when it names any
// ffdhe group, and otherwise from the server's configuration.

// dhMinBits is the smallest DHE prime the client accepts.
func (c *Client) dhMinBits() int {
	if c.cfg.DHMinBits > 0 {
		return c.cfg.DHMinBits
	}
	return kx.DefaultDHMinBits
}

// ffdheOffer returns the ffdhe groups a client lists in supported_groups
// with its DHE suites: the configured ones not below its minimum prime
// size, so that a server honouring RFC 7919 picks none it would refuse.
func (c *Client) ffdheOffer() []uint16 {
	var out []uint16
	for _, g := range c.cfg.FFDHEGroups {
		if kx.FFDHEBits(g) >= c.dhMinBits() {
			out = append(out, g)
		}
	}
	return out
}

// chooseFFDHE picks the group of a DHE suite (RFC 7919, Section 4). A
// client that lists no ffdhe group in supported_groups gets the
// server's own parameters (group 0). One that lists some gets a common
// one, by its order or, with honor_ecc_order, the server's; when none
// is common, ok is false and no DHE suite may be chosen.
func (s *Server) chooseFFDHE(ch *wire.ClientHello) (group uint16, ok bool) {
	var offered []uint16
	for _, g := range ch.SupportedGroups {
		if kx.IsFFDHE(g) {
			offered = append(offered, g)
		}
	}
	if len(offered) == 0 {
		return 0, true
	}
	first, second := offered, s.cfg.FFDHEGroups
	if s.cfg.HonorECCOrder {
		first, second = second, first
	}
	for _, g := range first {
		if containsU16(second, g) {
			return g, true
		}
	}
	return 0, false
}

// offersDHE reports whether the client offers one of the server's DHE
// suites.
func (s *Server) offersDHE(ch *wire.ClientHello) bool {
	for _, su := range s.cfg.Suites {
		if su.KX.FiniteField() && su.SupportsVersion(s.version) && containsU16(ch.CipherSuites, su.ID) {
			return true
		}
	}
	return false
}

// ephemeralKX starts the server side of an (EC)DHE suite over group: an
// ffdhe group or the configured parameters (group 0) for DHE, a curve
// for ECDHE.
func (s *Server) ephemeralKX(suite *suites.Suite, group uint16) (kx.ServerKeyExchanger, error) {
	var x kx.ServerKeyExchanger
	var err error
	switch {
	case suite.KX.FiniteField():
		params := s.cfg.DHParams
		if group != 0 {
			params = kx.FFDHEGroup(group)
		}
		if params == nil {
			params = kx.DefaultDHParams()
		}
		x, err = kx.NewDHEServer(params, s.cfg.Rand)
	default:
		x, err = kx.NewECDHEServer(group, s.cfg.Rand)
	}
	if err != nil {
		return nil, alert.New(alert.InternalError, suite.KX.ErlangName()+" key generation: "+err.Error())
	}
	return x, nil
}
