package kx

import (
	"encoding/pem"
	"io"
	"math/big"
	"sync"

	"filippo.io/bigmod"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/gossl/ssl/internal/wire"
)

// Finite-field Diffie-Hellman groups (RFC 7919; RFC 3526; PKCS #3).
//
// The secret exponents go through filippo.io/bigmod, whose modular
// exponentiation runs in time independent of the exponent's value (only
// its announced length shows), as crypto/rsa's private-key operations
// do. math/big's Exp is variable-time and is used here only on public
// values: the range checks of p, g and a peer's public value, and the
// primality test of parameters a server is configured with.

// Sizes a finite-field group may have: a peer's prime above MaxDHBits is
// refused before any arithmetic, so that a hostile server cannot make a
// client spend seconds on one exponentiation; a configured prime below
// MinConfigDHBits is refused as a mistake.
const (
	MaxDHBits       = 8192
	MinConfigDHBits = 1024
	// DefaultDHMinBits is the smallest prime a client accepts from a
	// server unless told otherwise: 1024-bit groups are within reach of
	// precomputation (the Logjam paper's estimate), NIST SP 800-131A has
	// not allowed them since 2014, and every RFC 7919 group, like the
	// group Erlang/OTP serves by default, has at least 2048 bits.
	DefaultDHMinBits = 2048
)

// RFC 7919 code points not in package wire.
const (
	groupFFDHE4096 uint16 = 258
	groupFFDHE6144 uint16 = 259
	groupFFDHE8192 uint16 = 260
)

// DHParams is a finite-field group: a prime P and a generator G, with
// what the arithmetic needs prepared once. Values are immutable and may
// be shared by any number of handshakes.
type DHParams struct {
	P, G *big.Int
	// Group is the RFC 7919 code point when P and G are an ffdhe group,
	// and 0 otherwise.
	Group uint16
	// Name is the group's name ("ffdhe2048", "modp2048"), or "" for
	// other parameters.
	Name string

	mod    *bigmod.Modulus
	pMinus *big.Int // P − 1
	g      []byte   // G, big-endian, len(p) bytes
	// expBits is the length of the secret exponents: short ones (RFC
	// 7919, Section 5.2) for a safe prime, whose only small subgroup is
	// {1, p − 1}, which the public-value check keeps out; P's length
	// minus one for a prime of unknown structure.
	expBits int
}

// ffdheExpBits are the exponent lengths RFC 7919, Appendix A suggests
// for each group size (twice its estimated strength, rounded up); other
// safe primes get the value of the next size up.
var ffdheExpBits = []struct{ bits, exp int }{
	{2048, 225}, {3072, 275}, {4096, 325}, {6144, 375}, {8192, 400},
}

func shortExpBits(pBits int) int {
	for _, e := range ffdheExpBits {
		if pBits <= e.bits {
			return e.exp
		}
	}
	return ffdheExpBits[len(ffdheExpBits)-1].exp
}

// named are the groups known by value, built once on first use.
var named = sync.OnceValue(func() []*DHParams {
	list := []struct {
		group uint16
		name  string
		hex   string
	}{
		{wire.GroupFFDHE2048, "ffdhe2048", primeFFDHE2048Hex},
		{wire.GroupFFDHE3072, "ffdhe3072", primeFFDHE3072Hex},
		{groupFFDHE4096, "ffdhe4096", primeFFDHE4096Hex},
		{groupFFDHE6144, "ffdhe6144", primeFFDHE6144Hex},
		{groupFFDHE8192, "ffdhe8192", primeFFDHE8192Hex},
		{0, "modp2048", primeMODP2048Hex},
	}
	out := make([]*DHParams, len(list))
	for i, n := range list {
		p, ok := new(big.Int).SetString(n.hex, 16)
		if !ok {
			panic("kx: bad built-in prime " + n.name)
		}
		d, err := newDHParams(p, big.NewInt(2), true)
		if err != nil {
			panic("kx: built-in group " + n.name + ": " + err.Error())
		}
		d.Group, d.Name = n.group, n.name
		out[i] = d
	}
	return out
})

// FFDHEGroups returns the RFC 7919 groups, smallest first. The caller
// owns the slice.
func FFDHEGroups() []uint16 {
	return []uint16{wire.GroupFFDHE2048, wire.GroupFFDHE3072, groupFFDHE4096, groupFFDHE6144, groupFFDHE8192}
}

// IsFFDHE reports whether g is one of the RFC 7919 groups.
func IsFFDHE(g uint16) bool { return g >= wire.GroupFFDHE2048 && g <= groupFFDHE8192 }

// FFDHEGroup returns the parameters of RFC 7919 group g, or nil.
func FFDHEGroup(g uint16) *DHParams {
	for _, d := range named() {
		if d.Group != 0 && d.Group == g {
			return d
		}
	}
	return nil
}

// FFDHEBits returns the prime size of RFC 7919 group g, or 0.
func FFDHEBits(g uint16) int {
	if d := FFDHEGroup(g); d != nil {
		return d.P.BitLen()
	}
	return 0
}

// DefaultDHParams are the parameters a server uses for DHE when given
// neither dh nor dhfile and the client names no RFC 7919 group: the
// 2048-bit MODP group of RFC 3526, Section 3, with generator 2, which is
// what Erlang/OTP 25's ssl sends in that case (seen on the wire).
func DefaultDHParams() *DHParams { return named()[len(named())-1] }

// knownGroup returns the built-in group equal to (p, g), or nil.
func knownGroup(p, g *big.Int) *DHParams {
	for _, d := range named() {
		if d.P.Cmp(p) == 0 && d.G.Cmp(g) == 0 {
			return d
		}
	}
	return nil
}

// newDHParams prepares (p, g), which the caller has checked: p odd and
// above 3, 1 < g < p − 1. safe says whether p is known to be a safe prime.
func newDHParams(p, g *big.Int, safe bool) (*DHParams, error) {
	mod, err := bigmod.NewModulus(p.Bytes())
	if err != nil {
		return nil, illegalParameter("unusable DH prime")
	}
	d := &DHParams{P: p, G: g, mod: mod, pMinus: new(big.Int).Sub(p, big.NewInt(1))}
	d.g = g.FillBytes(make([]byte, mod.Size()))
	d.expBits = p.BitLen() - 1
	if safe {
		d.expBits = shortExpBits(p.BitLen())
	}
	return d, nil
}

// ParseDHParams parses PKCS #3 DER parameters, the value of Erlang's dh
// option:
//
//	DHParameter ::= SEQUENCE {
//	    prime INTEGER, base INTEGER,
//	    privateValueLength INTEGER OPTIONAL }
//
// and checks them for a server to use: an odd prime of MinConfigDHBits
// to MaxDHBits bits and 1 < g < p − 1. Parameters equal to a built-in
// group give that group. For others the primality of p and of (p − 1)/2
// is tested once: a safe prime gets short exponents, any other prime
// full-length ones.
func ParseDHParams(der []byte) (*DHParams, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	p, g := new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(p) || !seq.ReadASN1Integer(g) {
		return nil, dhConfigError("not a PKCS #3 DHParameter")
	}
	if !seq.Empty() {
		var l int64
		if !seq.ReadASN1Integer(&l) || !seq.Empty() {
			return nil, dhConfigError("not a PKCS #3 DHParameter")
		}
	}
	if d := knownGroup(p, g); d != nil {
		return d, nil
	}
	switch {
	case p.Sign() <= 0 || p.Bit(0) == 0:
		return nil, dhConfigError("the prime is not an odd positive number")
	case p.BitLen() < MinConfigDHBits || p.BitLen() > MaxDHBits:
		return nil, dhConfigError("the prime must have 1024 to 8192 bits")
	case g.Cmp(big.NewInt(1)) <= 0 || g.Cmp(new(big.Int).Sub(p, big.NewInt(1))) >= 0:
		return nil, dhConfigError("the generator must be between 1 and p − 1")
	case !p.ProbablyPrime(0):
		return nil, dhConfigError("the modulus is not prime")
	}
	q := new(big.Int).Rsh(p, 1)
	return newDHParams(p, g, q.ProbablyPrime(0))
}

// ParseDHParamsPEM parses the first "DH PARAMETERS" block of data (the
// dhfile option; what openssl dhparam writes) with ParseDHParams.
func ParseDHParamsPEM(data []byte) (*DHParams, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, dhConfigError("no DH PARAMETERS PEM block")
		}
		if b.Type == "DH PARAMETERS" {
			return ParseDHParams(b.Bytes)
		}
	}
}

// DHConfigError is a problem with configured DH parameters.
type DHConfigError string

func (e DHConfigError) Error() string { return string(e) }

func dhConfigError(s string) error { return DHConfigError(s) }

// Bits returns the size of the prime.
func (d *DHParams) Bits() int { return d.P.BitLen() }

// Size returns the length of the prime in bytes.
func (d *DHParams) Size() int { return d.mod.Size() }

// dhKey is one ephemeral key pair: the secret exponent x and the public
// value g^x mod p, len(p) bytes.
type dhKey struct {
	params *DHParams
	x      []byte
	public []byte
}

// generateDHKey draws a secret exponent of params.expBits bits, its top
// bit set so that its length is the announced one, and computes the
// public value in constant time.
func generateDHKey(params *DHParams, rand io.Reader) (*dhKey, error) {
	n := (params.expBits + 7) / 8
	x := make([]byte, n)
	if _, err := io.ReadFull(rand, x); err != nil {
		return nil, internalError("DH key generation failed")
	}
	top := uint(params.expBits-1) % 8
	x[0] &= byte(1<<(top+1)) - 1
	x[0] |= 1 << top
	g, err := bigmod.NewNat().SetBytes(params.g, params.mod)
	if err != nil {
		return nil, internalError("DH generator does not fit the prime")
	}
	y := bigmod.NewNat().Exp(g, x, params.mod)
	return &dhKey{params: params, x: x, public: y.Bytes(params.mod)}, nil
}

// checkPublic checks a peer's public value, big-endian of any length:
// 1 < Y < p − 1 (RFC 7919, Sections 3 and 5.1; RFC 8446, 4.2.8.1). That
// keeps out 0, 1 and p − 1, the elements of the subgroups of order one
// and two, which would fix the shared secret. Y is public, so math/big is
// fine here.
func (d *DHParams) checkPublic(y []byte) error {
	v := new(big.Int).SetBytes(y)
	if v.Cmp(big.NewInt(1)) <= 0 || v.Cmp(d.pMinus) >= 0 {
		return illegalParameter("DH public value out of range (1 < Y < p−1)")
	}
	return nil
}

// shared computes Z = peer^x mod p in constant time, len(p) bytes,
// after checking peer. A Z of 1 (a peer value in a small subgroup of a
// prime that is not safe) is refused too.
func (k *dhKey) shared(peer []byte) ([]byte, error) {
	if err := k.params.checkPublic(peer); err != nil {
		return nil, err
	}
	padded := make([]byte, k.params.Size())
	copy(padded[len(padded)-len(trimZeros(peer)):], trimZeros(peer))
	y, err := bigmod.NewNat().SetBytes(padded, k.params.mod)
	if err != nil {
		return nil, illegalParameter("DH public value out of range (1 < Y < p−1)")
	}
	z := bigmod.NewNat().Exp(y, k.x, k.params.mod)
	if z.IsOne() == 1 {
		return nil, illegalParameter("DH public value in a small subgroup")
	}
	return z.Bytes(k.params.mod), nil
}

// erase clears the secret exponent.
func (k *dhKey) erase() { clear(k.x) }
