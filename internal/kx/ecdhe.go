package kx

import (
	"io"
	"slices"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/wire"
)

// ECDHE (RFC 8422). The server sends
//
//	struct {
//	    ECParameters curve_params;   // curve_type named_curve(3), NamedCurve
//	    ECPoint      public;         // opaque point <1..2^8-1>
//	} ServerECDHParams;
//
// in ServerKeyExchange (5.4), the client answers with its own ECPoint in
// ClientKeyExchange (5.7), and the premaster secret is the x-coordinate of
// the shared point, or the X25519 output (5.10, 5.11). crypto/ecdh,
// internal/ec or circl's x448 (dhcurve.go) does the arithmetic and the
// point checks: points must be uncompressed
// (RFC 8422, 5.1.2 lets a TLS 1.2 peer use nothing else once the
// ec_point_formats extension is left at its default) and on the curve, and
// an all-zero X25519 result (a low-order peer point) is refused (RFC 8422,
// 5.11).

// Grouped is implemented by exchangers that run over a named group; the
// handshake uses it to report the group (connection_information's ecc).
type Grouped interface {
	Group() uint16
}

type ecdheServer struct {
	group uint16
	curve ecGroupArith
	key   ecKeyPair
}

// NewECDHEServer starts the server side of ECDHE over group, generating
// its ephemeral key with rand. group must be one of SupportedGroups: the
// handshake chooses it from what both sides support.
func NewECDHEServer(group uint16, rand io.Reader) (ServerKeyExchanger, error) {
	curve := ecArithFor(group)
	if curve == nil || !GroupFitsTLS12(group) {
		return nil, internalError("ECDHE group " + GroupName(group) + " not implemented")
	}
	key, err := curve.generate(rand)
	if err != nil {
		return nil, internalError("ECDHE key generation failed")
	}
	return &ecdheServer{group: group, curve: curve, key: key}, nil
}

func (s *ecdheServer) Group() uint16 { return s.group }

// ServerParams returns ServerECDHParams (RFC 8422, 5.4).
func (s *ecdheServer) ServerParams() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddUint8(wire.CurveTypeNamed)
	b.AddUint16(s.group)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddBytes(s.key.public())
	})
	return b.Bytes()
}

// ProcessClientKeyExchange parses ClientECDiffieHellmanPublic (RFC 8422,
// 5.7): an explicit ECPoint, since gossl never uses fixed ECDH client
// certificates (where the point would be implicit and the body empty).
func (s *ecdheServer) ProcessClientKeyExchange(body []byte) ([]byte, error) {
	in := cryptobyte.String(body)
	var point cryptobyte.String
	if !in.ReadUint8LengthPrefixed(&point) || !in.Empty() || len(point) == 0 {
		return nil, decodeError("malformed ECDHE ClientKeyExchange")
	}
	return agree(s.curve, s.key, point)
}

// agree validates the peer's point and computes the shared secret.
func agree(curve ecGroupArith, key ecKeyPair, point []byte) ([]byte, error) {
	peer, err := curve.peer(point)
	if err != nil {
		return nil, illegalParameter("invalid ECDHE public point")
	}
	secret, err := key.agree(peer)
	if err != nil {
		// X25519 or X448 low-order point: the output would be all zeros.
		return nil, illegalParameter("invalid ECDHE public point")
	}
	return secret, nil
}

type ecdheClient struct {
	allowed []uint16
	rand    io.Reader
	group   uint16
	curve   ecGroupArith
	peer    ecPeer
}

// NewECDHEClient starts the client side of ECDHE. allowedGroups are the
// groups the client offered in supported_groups: a server that picks any
// other is refused with illegal_parameter, as RFC 8422, 5.4 requires and
// as a client must never use what it did not offer.
func NewECDHEClient(allowedGroups []uint16, rand io.Reader) ClientKeyExchanger {
	return &ecdheClient{allowed: slices.Clone(allowedGroups), rand: rand}
}

// Group returns the server's chosen group, 0 before ProcessServerParams.
func (c *ecdheClient) Group() uint16 { return c.group }

// ProcessServerParams parses ServerECDHParams (RFC 8422, 5.4).
func (c *ecdheClient) ProcessServerParams(body []byte) (int, error) {
	if c.curve != nil {
		return 0, internalError("ECDHE server params processed twice")
	}
	in := cryptobyte.String(body)
	var curveType uint8
	if !in.ReadUint8(&curveType) {
		return 0, decodeError("malformed ServerECDHParams")
	}
	if curveType != wire.CurveTypeNamed {
		// explicit_prime and explicit_char2 are deprecated and
		// unsupported (RFC 8422, 5.4); we offered neither.
		return 0, illegalParameter("ECDHE curve type is not named_curve")
	}
	var group uint16
	var point cryptobyte.String
	if !in.ReadUint16(&group) || !in.ReadUint8LengthPrefixed(&point) || len(point) == 0 {
		return 0, decodeError("malformed ServerECDHParams")
	}
	if !slices.Contains(c.allowed, group) {
		return 0, illegalParameter("server chose ECDHE group " + GroupName(group) + " that was not offered")
	}
	curve := ecArithFor(group)
	if curve == nil || !GroupFitsTLS12(group) {
		return 0, illegalParameter("server chose unimplemented ECDHE group " + GroupName(group))
	}
	peer, err := curve.peer(point)
	if err != nil {
		return 0, illegalParameter("invalid ECDHE public point")
	}
	c.group, c.curve, c.peer = group, curve, peer
	return len(body) - len(in), nil
}

// ClientKeyExchange takes a fresh ephemeral key (pregen.go) and returns
// ClientECDiffieHellmanPublic (RFC 8422, 5.7) and the premaster secret.
func (c *ecdheClient) ClientKeyExchange() ([]byte, []byte, error) {
	return clientKeyExchangeNow(c)
}

// clientKeyExchangeNow is ClientKeyExchange for an exchange that can
// prepare it: the body, then the agreement on the spot.
func clientKeyExchangeNow(p PreparedClientKeyExchanger) ([]byte, []byte, error) {
	body, agree, err := p.PrepareClientKeyExchange()
	if err != nil {
		return nil, nil, err
	}
	premaster, err := agree()
	if err != nil {
		return nil, nil, err
	}
	return body, premaster, nil
}

// PrepareClientKeyExchange is ClientKeyExchange with the agreement left
// for later (PreparedClientKeyExchanger).
func (c *ecdheClient) PrepareClientKeyExchange() ([]byte, func() ([]byte, error), error) {
	if c.peer == nil {
		return nil, nil, internalError("ECDHE ClientKeyExchange before server params")
	}
	key, err := c.curve.generate(c.rand)
	if err != nil {
		return nil, nil, internalError("ECDHE key generation failed")
	}
	var b cryptobyte.Builder
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddBytes(key.public())
	})
	body, err := b.Bytes()
	if err != nil {
		return nil, nil, internalError("ECDHE ClientKeyExchange encoding failed")
	}
	peer := c.peer
	agree := func() ([]byte, error) {
		secret, err := key.agree(peer)
		if err != nil {
			return nil, illegalParameter("invalid ECDHE public point")
		}
		return secret, nil
	}
	return body, agree, nil
}
