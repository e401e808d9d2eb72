package kx

import (
	"io"

	"golang.org/x/crypto/cryptobyte"
)

// The PSK key exchanges of TLS 1.0–1.2: PSK, DHE_PSK and RSA_PSK (RFC
// 4279) and ECDHE_PSK (RFC 5489). Each is an optional other exchange
// (none, DHE, RSA key transport, ECDHE) wrapped in the same three
// additions:
//
//   - the ServerKeyExchange starts with psk_identity_hint
//     <0..2^16-1> (RFC 4279, Sections 2, 3, 4; RFC 5489, Section 2),
//     and carries no signature except under RSA_PSK, whose server
//     certificate is authenticated by the RSA decryption itself;
//   - the ClientKeyExchange starts with psk_identity <0..2^16-1>;
//   - the premaster secret is
//
//     struct {
//     opaque other_secret<0..2^16-1>;
//     opaque psk<0..2^16-1>;
//     };
//
//     where other_secret is N zero bytes for plain PSK (N = the length of
//     the PSK, RFC 4279, Section 2), the (EC)DH result for DHE_PSK and
//     ECDHE_PSK (RFC 4279, Section 3; RFC 5489, Section 2) and the 48-byte
//     RSA premaster for RSA_PSK (RFC 4279, Section 4).
//
// Wrapping, rather than copying, the other exchanges keeps one ECDHE, one
// RSA and one DHE in the package.

// MaxPSKIdentity is the longest identity or hint the wire can carry: a
// 16-bit length (RFC 4279, Section 5.3 asks for at least 128 bytes).
const MaxPSKIdentity = 1<<16 - 1

// unknownPSKLen is the length of the random key that stands in for the
// PSK of an unknown identity.
const unknownPSKLen = 32

// ServerPSKLookup returns the PSK of a client's identity. A nil key with
// a nil error means the identity is unknown; an error is a local failure
// that ends the handshake with internal_error.
type ServerPSKLookup func(identity []byte) (key []byte, err error)

// ClientPSKLookup returns the identity to send and its PSK, given the
// server's psk_identity_hint (empty when the server sent none).
type ClientPSKLookup func(hint []byte) (identity, key []byte, err error)

// PSKPremaster builds the premaster secret of RFC 4279, Section 2 from
// other_secret and the PSK. A nil other means plain PSK: as many zero
// bytes as the PSK is long.
func PSKPremaster(other, psk []byte) []byte {
	if other == nil {
		other = make([]byte, len(psk))
	}
	out := make([]byte, 0, 4+len(other)+len(psk))
	out = append(out, byte(len(other)>>8), byte(len(other)))
	out = append(out, other...)
	out = append(out, byte(len(psk)>>8), byte(len(psk)))
	return append(out, psk...)
}

type pskServer struct {
	hint   []byte
	inner  ServerKeyExchanger // nil for plain PSK
	lookup ServerPSKLookup
	rand   io.Reader
	// alwaysSKE: DHE_PSK and ECDHE_PSK always send a
	// ServerKeyExchange; PSK and RSA_PSK only with a hint.
	alwaysSKE bool
	// identity and key: the client's identity and its key, when the
	// server knows it, once the ClientKeyExchange is read.
	identity, key []byte
}

// Credential implements Credentialed. The digest is made here, after
// the handshake, not while the ClientKeyExchange is read: a known and
// an unknown identity take the same path there.
func (s *pskServer) Credential() (identity, digest []byte) {
	if s.key == nil {
		return nil, nil
	}
	return s.identity, PSKDigest(s.key)
}

// NewPSKServer starts the server side of plain PSK (RFC 4279, Section 2).
// hint is the psk_identity_hint: with none, no ServerKeyExchange is sent.
func NewPSKServer(hint []byte, lookup ServerPSKLookup, rand io.Reader) ServerKeyExchanger {
	return &pskServer{hint: hint, lookup: lookup, rand: rand}
}

// NewPSKServerOver starts the server side of a PSK exchange over another
// one: an ECDHE server for ECDHE_PSK (RFC 5489), a DHE server for
// DHE_PSK (RFC 4279, Section 3), an RSA server for RSA_PSK (Section 4).
// inner's ServerParams follow the hint in the ServerKeyExchange; an
// inner without params (RSA) sends a ServerKeyExchange only for a hint.
func NewPSKServerOver(inner ServerKeyExchanger, hint []byte, lookup ServerPSKLookup, rand io.Reader) (ServerKeyExchanger, error) {
	params, err := inner.ServerParams()
	if err != nil {
		return nil, err
	}
	return &pskServer{hint: hint, inner: inner, lookup: lookup, rand: rand, alwaysSKE: params != nil}, nil
}

// Group reports the inner exchange's group, if it has one.
func (s *pskServer) Group() uint16 {
	if g, ok := s.inner.(Grouped); ok {
		return g.Group()
	}
	return 0
}

// ServerParams returns psk_identity_hint followed by the inner exchange's
// params, or nil when no ServerKeyExchange is to be sent.
func (s *pskServer) ServerParams() ([]byte, error) {
	if len(s.hint) > MaxPSKIdentity {
		return nil, internalError("PSK identity hint longer than 65535 bytes")
	}
	var params []byte
	if s.inner != nil {
		p, err := s.inner.ServerParams()
		if err != nil {
			return nil, err
		}
		params = p
	}
	if !s.alwaysSKE && len(s.hint) == 0 {
		return nil, nil
	}
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.hint) })
	b.AddBytes(params)
	return b.Bytes()
}

// ProcessClientKeyExchange reads psk_identity and the inner exchange's
// part, and returns the premaster secret.
//
// An unknown identity is not told to the client: the exchange goes on
// with a random PSK, so the handshake fails at the client's Finished
// exactly as it does for a known identity with a wrong key (RFC 4279,
// Section 2 allows this instead of unknown_psk_identity). A client thus
// cannot probe which identities exist.
func (s *pskServer) ProcessClientKeyExchange(body []byte) ([]byte, error) {
	in := cryptobyte.String(body)
	var identity cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&identity) {
		return nil, decodeError("malformed PSK ClientKeyExchange")
	}
	var other []byte
	if s.inner != nil {
		o, err := s.inner.ProcessClientKeyExchange(in)
		if err != nil {
			return nil, err
		}
		other = o
	} else if !in.Empty() {
		return nil, decodeError("trailing bytes in PSK ClientKeyExchange")
	}
	var key []byte
	if len(identity) > 0 {
		k, err := s.lookup(identity)
		if err != nil {
			return nil, internalError("PSK lookup failed: " + err.Error())
		}
		key = k
	}
	if len(key) > 0 && len(key) <= MaxPSKIdentity {
		s.identity, s.key = append([]byte(nil), identity...), key
	} else {
		key = make([]byte, unknownPSKLen)
		if _, err := io.ReadFull(s.rand, key); err != nil {
			return nil, internalError("random source failed")
		}
	}
	pm := PSKPremaster(other, key)
	clear(other)
	return pm, nil
}

type pskClient struct {
	inner ClientKeyExchanger // nil for plain PSK
	// innerParams: the inner exchange reads params from the
	// ServerKeyExchange (ECDHE, DHE), not RSA.
	innerParams bool
	lookup      ClientPSKLookup
	hint        []byte
}

// NewPSKClient starts the client side of plain PSK (RFC 4279, Section 2).
func NewPSKClient(lookup ClientPSKLookup) ClientKeyExchanger {
	return &pskClient{lookup: lookup}
}

// NewPSKClientOver starts the client side of a PSK exchange over inner
// (see NewPSKServerOver). innerParams says whether inner takes params
// from the ServerKeyExchange: true for ECDHE and DHE, false for RSA.
func NewPSKClientOver(inner ClientKeyExchanger, innerParams bool, lookup ClientPSKLookup) ClientKeyExchanger {
	return &pskClient{inner: inner, innerParams: innerParams, lookup: lookup}
}

// Group reports the inner exchange's group, if it has one.
func (c *pskClient) Group() uint16 {
	if g, ok := c.inner.(Grouped); ok {
		return g.Group()
	}
	return 0
}

// ProcessServerParams reads psk_identity_hint and the inner exchange's
// params (RFC 4279, Sections 2-4; RFC 5489, Section 2).
func (c *pskClient) ProcessServerParams(body []byte) (int, error) {
	in := cryptobyte.String(body)
	var hint cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&hint) {
		return 0, decodeError("malformed PSK ServerKeyExchange")
	}
	c.hint = append([]byte(nil), hint...)
	n := len(body) - len(in)
	if c.inner != nil && c.innerParams {
		m, err := c.inner.ProcessServerParams(in)
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}

// ClientKeyExchange asks for the identity and key that go with the
// server's hint and returns psk_identity, the inner exchange's part, and
// the premaster secret.
func (c *pskClient) ClientKeyExchange() ([]byte, []byte, error) {
	identity, key, err := c.lookup(c.hint)
	if err != nil {
		return nil, nil, err
	}
	if len(identity) == 0 || len(identity) > MaxPSKIdentity {
		return nil, nil, internalError("PSK identity must be 1 to 65535 bytes")
	}
	if len(key) == 0 || len(key) > MaxPSKIdentity {
		return nil, nil, internalError("PSK must be 1 to 65535 bytes")
	}
	var innerBody, other []byte
	if c.inner != nil {
		innerBody, other, err = c.inner.ClientKeyExchange()
		if err != nil {
			return nil, nil, err
		}
	}
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(identity) })
	b.AddBytes(innerBody)
	body, err := b.Bytes()
	if err != nil {
		return nil, nil, internalError("PSK ClientKeyExchange encoding failed")
	}
	pm := PSKPremaster(other, key)
	clear(other)
	return body, pm, nil
}
