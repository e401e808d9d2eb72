package kx

import (
	"io"
	"math/big"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/alert"
)

// DHE (RFC 5246, Sections 7.4.3 and 7.4.7.2; RFC 7919). The server sends
//
//	struct {
//	    opaque dh_p<1..2^16-1>;
//	    opaque dh_g<1..2^16-1>;
//	    opaque dh_Ys<1..2^16-1>;
//	} ServerDHParams;
//
// in its ServerKeyExchange, the client answers with
// ClientDiffieHellmanPublic, opaque dh_Yc<1..2^16-1> (always explicit:
// gossl has no fixed-DH client certificates), and the premaster secret is
// Z with its leading zero bytes stripped (RFC 5246, 8.1.2). Values are
// sent without leading zeros, as the other stacks send them.

type dheServer struct {
	key *dhKey
}

// NewDHEServer starts the server side of DHE over params (one of the
// RFC 7919 groups, the configured dh/dhfile, or DefaultDHParams).
func NewDHEServer(params *DHParams, rand io.Reader) (ServerKeyExchanger, error) {
	key, err := generateDHKey(params, rand)
	if err != nil {
		return nil, err
	}
	return &dheServer{key: key}, nil
}

// Group returns the RFC 7919 group, or 0 for other parameters.
func (s *dheServer) Group() uint16 { return s.key.params.Group }

// ServerParams returns ServerDHParams.
func (s *dheServer) ServerParams() ([]byte, error) {
	p := s.key.params
	var b cryptobyte.Builder
	for _, v := range [][]byte{p.P.Bytes(), p.G.Bytes(), trimZeros(s.key.public)} {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
	}
	out, err := b.Bytes()
	if err != nil {
		return nil, internalError("ServerDHParams encoding failed")
	}
	return out, nil
}

// ProcessClientKeyExchange parses ClientDiffieHellmanPublic and returns
// the premaster secret. A value longer than the prime is a decode error
// before any arithmetic; one out of range is illegal_parameter.
func (s *dheServer) ProcessClientKeyExchange(body []byte) ([]byte, error) {
	yc, err := ParseClientDHPublic(body)
	if err != nil {
		return nil, err
	}
	if len(yc) > s.key.params.Size() {
		return nil, illegalParameter("DH public value longer than the prime")
	}
	z, err := s.key.shared(yc)
	s.key.erase()
	if err != nil {
		return nil, err
	}
	return stripPremaster(z), nil
}

// ParseClientDHPublic parses ClientDiffieHellmanPublic, dh_Yc<1..2^16-1>,
// and returns dh_Yc without leading zeros.
func ParseClientDHPublic(body []byte) ([]byte, error) {
	in := cryptobyte.String(body)
	var yc cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&yc) || !in.Empty() || len(yc) == 0 {
		return nil, decodeError("malformed DHE ClientKeyExchange")
	}
	return trimZeros(yc), nil
}

// stripPremaster drops Z's leading zero bytes (RFC 5246, 8.1.2). Z is
// secret, but the rule is the protocol's: both sides must agree on it.
func stripPremaster(z []byte) []byte {
	t := trimZeros(z)
	out := make([]byte, len(t))
	copy(out, t)
	clear(z)
	return out
}

// ServerDHParams are the parsed params of a DHE ServerKeyExchange.
type ServerDHParams struct {
	P, G, Ys []byte // big-endian, leading zeros removed
	Len      int    // bytes the params took in the message
}

// ParseServerDHParams parses ServerDHParams at the front of b. It only
// checks the encoding; CheckServerDHParams checks the values.
func ParseServerDHParams(b []byte) (*ServerDHParams, error) {
	in := cryptobyte.String(b)
	var p, g, ys cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&p) || !in.ReadUint16LengthPrefixed(&g) || !in.ReadUint16LengthPrefixed(&ys) ||
		len(p) == 0 || len(g) == 0 || len(ys) == 0 {
		return nil, decodeError("malformed ServerDHParams")
	}
	return &ServerDHParams{P: trimZeros(p), G: trimZeros(g), Ys: trimZeros(ys), Len: len(b) - len(in)}, nil
}

// CheckServerDHParams checks a server's group and public value as a
// client must before using them, cheapest check first and all before any
// exponentiation: a prime above MaxDHBits or an even one is
// illegal_parameter, one below minBits insufficient_security (RFC 7919,
// Section 4), and g and Ys must lie strictly between 1 and p − 1 (RFC
// 7919, Section 3, illegal_parameter here as for every other
// out-of-range value). It returns the group to compute in: the built-in
// one when p and g are one, so that its short exponents apply.
func CheckServerDHParams(sp *ServerDHParams, minBits int) (*DHParams, error) {
	if len(sp.P) > MaxDHBits/8 {
		return nil, illegalParameter("DH prime larger than 8192 bits")
	}
	p := new(big.Int).SetBytes(sp.P)
	if p.Bit(0) == 0 || p.BitLen() < 3 {
		return nil, illegalParameter("DH prime is even")
	}
	if p.BitLen() < minBits {
		return nil, alert.New(alert.InsufficientSecurity, "DH prime of "+itoa(p.BitLen())+" bits, below the minimum of "+itoa(minBits))
	}
	g := new(big.Int).SetBytes(sp.G)
	pMinus := new(big.Int).Sub(p, big.NewInt(1))
	if g.Cmp(big.NewInt(1)) <= 0 || g.Cmp(pMinus) >= 0 {
		return nil, illegalParameter("DH generator out of range (1 < g < p−1)")
	}
	params := knownGroup(p, g)
	if params == nil {
		var err error
		if params, err = newDHParams(p, g, false); err != nil {
			return nil, err
		}
	}
	if err := params.checkPublic(sp.Ys); err != nil {
		return nil, err
	}
	return params, nil
}

type dheClient struct {
	minBits int
	rand    io.Reader
	params  *DHParams
	ys      []byte
}

// NewDHEClient starts the client side of DHE; minBits is the smallest
// prime it accepts.
func NewDHEClient(minBits int, rand io.Reader) ClientKeyExchanger {
	return &dheClient{minBits: minBits, rand: rand}
}

// Group returns the server's RFC 7919 group, 0 for other parameters or
// before ProcessServerParams.
func (c *dheClient) Group() uint16 {
	if c.params == nil {
		return 0
	}
	return c.params.Group
}

// ProcessServerParams parses and checks ServerDHParams.
func (c *dheClient) ProcessServerParams(body []byte) (int, error) {
	if c.params != nil {
		return 0, internalError("DHE server params processed twice")
	}
	sp, err := ParseServerDHParams(body)
	if err != nil {
		return 0, err
	}
	params, err := CheckServerDHParams(sp, c.minBits)
	if err != nil {
		return 0, err
	}
	c.params, c.ys = params, sp.Ys
	return sp.Len, nil
}

// ClientKeyExchange returns ClientDiffieHellmanPublic and the premaster
// secret.
func (c *dheClient) ClientKeyExchange() ([]byte, []byte, error) {
	return clientKeyExchangeNow(c)
}

// PrepareClientKeyExchange makes the client's key pair now and leaves Z
// for agree (PreparedClientKeyExchanger).
func (c *dheClient) PrepareClientKeyExchange() ([]byte, func() ([]byte, error), error) {
	if c.params == nil {
		return nil, nil, internalError("DHE ClientKeyExchange before server params")
	}
	key, err := generateDHKey(c.params, c.rand)
	if err != nil {
		return nil, nil, err
	}
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(trimZeros(key.public)) })
	body, err := b.Bytes()
	if err != nil {
		return nil, nil, internalError("DHE ClientKeyExchange encoding failed")
	}
	ys := c.ys
	agree := func() ([]byte, error) {
		z, err := key.shared(ys)
		key.erase()
		if err != nil {
			return nil, err
		}
		return stripPremaster(z), nil
	}
	return body, agree, nil
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }
