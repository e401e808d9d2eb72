package ec

import (
	"crypto"
	"crypto/subtle"
	"errors"
	"io"
	"math/big"

	"filippo.io/bigmod"
)

// PublicKey is a point of the curve other than the point at infinity.
type PublicKey struct {
	curve *Curve
	p     point    // prime curves
	bp    binPoint // binary curves
	raw   []byte   // 04 ‖ X ‖ Y
}

// PrivateKey is a scalar d in [1, n−1] and its public point d·G.
type PrivateKey struct {
	curve *Curve
	d     []byte // big-endian, ScalarLen bytes
	pub   *PublicKey
}

// Errors of point decoding. A TLS peer's point that gives any of them is
// refused with illegal_parameter (RFC 8422, 5.4 and 5.7).
var (
	ErrPointEncoding   = errors.New("ec: malformed point encoding")
	ErrPointInfinity   = errors.New("ec: the point at infinity is not a public key")
	ErrPointCompressed = errors.New("ec: compressed point where only the uncompressed form is allowed")
	ErrPointNotOnCurve = errors.New("ec: point is not on the curve")
)

// NewPublicKey decodes and checks a point in the uncompressed form
// 04 ‖ X ‖ Y (SEC 1 v2, 2.3.4), the only form TLS 1.2 and 1.3 use by
// default (RFC 8422, 5.1.2; RFC 8446, 4.2.8.2). X and Y must be below p
// and the point must be on the curve; the encoding of the point at
// infinity (a single 00) and the compressed forms are refused.
func (c *Curve) NewPublicKey(b []byte) (*PublicKey, error) {
	return c.decodePoint(b, false)
}

// NewPublicKeyAnyForm is NewPublicKey that also takes the compressed forms
// 02 ‖ X and 03 ‖ X, which certificates may use (RFC 5480, 2.2).
func (c *Curve) NewPublicKeyAnyForm(b []byte) (*PublicKey, error) {
	return c.decodePoint(b, true)
}

func (c *Curve) decodePoint(b []byte, compressedOK bool) (*PublicKey, error) {
	c.init()
	if c.bin != nil {
		p, err := c.bin.decode(b, compressedOK)
		if err != nil {
			return nil, err
		}
		return &PublicKey{curve: c, bp: p, raw: c.bin.encode(&p)}, nil
	}
	n := c.fieldLen
	compressed, err := pointForm(b, n, compressedOK)
	if err != nil {
		return nil, err
	}
	if compressed {
		return c.decompress(b)
	}
	x, err := bigmod.NewNat().SetBytes(b[1:1+n], c.p)
	if err != nil {
		return nil, ErrPointEncoding
	}
	y, err := bigmod.NewNat().SetBytes(b[1+n:], c.p)
	if err != nil {
		return nil, ErrPointEncoding
	}
	if !c.onCurve(x, y) {
		return nil, ErrPointNotOnCurve
	}
	return &PublicKey{curve: c, p: point{x: x, y: y, z: c.feOne()}, raw: append([]byte(nil), b...)}, nil
}

// pointForm checks the form of an encoded point with n-byte coordinates
// (SEC 1 v2, 2.3.4): 04 ‖ X ‖ Y, or 02 ‖ X and 03 ‖ X when compressedOK
// (compressed is then true). The point at infinity (00), the compressed
// forms where not allowed, and any other prefix or length are errors.
func pointForm(b []byte, n int, compressedOK bool) (compressed bool, err error) {
	switch {
	case len(b) == 0:
		return false, ErrPointEncoding
	case len(b) == 1 && b[0] == 0:
		return false, ErrPointInfinity
	case (b[0] == 2 || b[0] == 3) && len(b) == 1+n:
		if !compressedOK {
			return false, ErrPointCompressed
		}
		return true, nil
	case b[0] != 4 || len(b) != 1+2*n:
		return false, ErrPointEncoding
	}
	return false, nil
}

// decompress recovers Y from X and its parity (SEC 1 v2, 2.3.4), on public
// values only, with math/big.
func (c *Curve) decompress(b []byte) (*PublicKey, error) {
	x := new(big.Int).SetBytes(b[1:])
	if x.Cmp(c.pBig) >= 0 {
		return nil, ErrPointEncoding
	}
	a := new(big.Int).SetBytes(c.a.Bytes(c.p))
	bb := new(big.Int).SetBytes(c.b.Bytes(c.p))
	rhs := new(big.Int).Mul(x, x)
	rhs.Add(rhs, a)
	rhs.Mul(rhs, x)
	rhs.Add(rhs, bb)
	rhs.Mod(rhs, c.pBig)
	y := new(big.Int).ModSqrt(rhs, c.pBig)
	if y == nil {
		return nil, ErrPointNotOnCurve
	}
	if y.Bit(0) != uint(b[0]&1) {
		y.Sub(c.pBig, y)
	}
	raw := make([]byte, 1+2*c.fieldLen)
	raw[0] = 4
	x.FillBytes(raw[1 : 1+c.fieldLen])
	y.FillBytes(raw[1+c.fieldLen:])
	return c.decodePoint(raw, false)
}

// Curve returns the key's curve.
func (k *PublicKey) Curve() *Curve { return k.curve }

// Bytes returns the uncompressed encoding 04 ‖ X ‖ Y.
func (k *PublicKey) Bytes() []byte { return append([]byte(nil), k.raw...) }

// Equal reports whether x is the same public key.
func (k *PublicKey) Equal(x crypto.PublicKey) bool {
	o, ok := x.(*PublicKey)
	return ok && o.curve == k.curve && subtle.ConstantTimeCompare(o.raw, k.raw) == 1
}

// GenerateKey makes a private key with a scalar drawn uniformly from
// [1, n−1] by rejection sampling from rand.
func (c *Curve) GenerateKey(rand io.Reader) (*PrivateKey, error) {
	c.init()
	buf := make([]byte, c.scalarLen)
	for range 100 {
		if _, err := io.ReadFull(rand, buf); err != nil {
			return nil, err
		}
		// Keep as many bits as n has, so that more than half the draws
		// fall below n.
		if extra := 8*c.scalarLen - c.nBits; extra > 0 {
			buf[0] &= 0xff >> extra
		}
		k, err := c.NewPrivateKey(buf)
		if err == nil {
			return k, nil
		}
	}
	return nil, errors.New("ec: randomness source gave no usable scalar")
}

// NewPrivateKey takes a big-endian scalar of ScalarLen bytes in [1, n−1].
func (c *Curve) NewPrivateKey(d []byte) (*PrivateKey, error) {
	c.init()
	if len(d) != c.scalarLen {
		return nil, errors.New("ec: private key of the wrong length")
	}
	s, err := bigmod.NewNat().SetBytes(d, c.n)
	if err != nil || s.IsZero() == 1 {
		return nil, errors.New("ec: private key out of range")
	}
	raw, err := c.basePointMul(d)
	if err != nil {
		return nil, err
	}
	pub, err := c.NewPublicKey(raw)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{curve: c, d: append([]byte(nil), d...), pub: pub}, nil
}

// Curve returns the key's curve.
func (k *PrivateKey) Curve() *Curve { return k.curve }

// PublicKey returns the public key d·G.
func (k *PrivateKey) PublicKey() *PublicKey { return k.pub }

// Bytes returns the scalar, ScalarLen bytes big-endian.
func (k *PrivateKey) Bytes() []byte { return append([]byte(nil), k.d...) }

// basePointMul returns d·G encoded 04 ‖ X ‖ Y, in constant time.
func (c *Curve) basePointMul(d []byte) ([]byte, error) {
	if c.bin != nil {
		q, inf := c.bin.mulXY(&binPoint{x: c.bin.gx, y: c.bin.gy}, d)
		if inf == 1 {
			return nil, errInfinity
		}
		return c.bin.encode(&q), nil
	}
	x, y, err := c.affine(c.scalarMult(c.g, d))
	if err != nil {
		return nil, err
	}
	return append(append([]byte{4}, x...), y...), nil
}

// basePointX returns the x-coordinate of k·G, FieldLen bytes, in
// constant time (the ECDSA nonce point).
func (c *Curve) basePointX(k []byte) ([]byte, error) {
	if c.bin != nil {
		x, inf := c.bin.mulX(&c.bin.gx, k)
		if inf == 1 {
			return nil, errInfinity
		}
		return c.bin.f.bytes(&x), nil
	}
	x, _, err := c.affine(c.scalarMult(c.g, k))
	return x, err
}

// ErrSharedInfinity: ECDH gave the point at infinity, which a binary
// curve's peer point outside the group of order n can cause (its order
// times a cofactor part). A TLS peer behind it gets illegal_parameter.
var ErrSharedInfinity = errors.New("ec: ECDH gave the point at infinity")

// ECDH returns the x-coordinate of d·Q, FieldLen bytes (RFC 8422, 5.10;
// SEC 1 v2, 3.3.1). peer must be a key of the same curve; NewPublicKey has
// checked that it is on the curve. On a prime curve n is prime and d in
// [1, n−1], so the product is never the point at infinity; on a binary
// curve, whose group has a cofactor, a result at infinity is refused
// (ErrSharedInfinity), as NewPublicKey refused the points of small order.
func (k *PrivateKey) ECDH(peer *PublicKey) ([]byte, error) {
	if peer == nil || peer.curve != k.curve {
		return nil, errors.New("ec: ECDH with a key of another curve")
	}
	if c := k.curve; c.bin != nil {
		x, inf := c.bin.mulX(&peer.bp.x, k.d)
		if inf == 1 {
			return nil, ErrSharedInfinity
		}
		return c.bin.f.bytes(&x), nil
	}
	x, _, err := k.curve.affine(k.curve.scalarMult(peer.p, k.d))
	if err != nil {
		return nil, err
	}
	return x, nil
}
