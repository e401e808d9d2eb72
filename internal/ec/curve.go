// Package ec implements the elliptic curves that the Go standard library
// lacks and TLS still names (RFC 8422, 5.1.1; RFC 4492, 5.1.1; RFC 7027;
// RFC 8734): the prime curves secp160k1/r1/r2, secp192k1/r1, secp224k1/r1,
// secp256k1 and brainpoolP256r1/P384r1/P512r1, and the binary curves
// sect163k1 ... sect571r1 (bincurve.go). It gives ECDH (RFC 8422, 5.10)
// and ECDSA (FIPS 186-4, 6; SEC 1 v2, 4.1).
//
// Constant time (prime curves; bincurve.go says how for the binary ones):
// field arithmetic is filippo.io/bigmod, whose operations
// take a time that depends only on the sizes of their operands; points are
// added with the complete formulas of Renes, Costello and Batina (one
// formula for every pair of points, the point at infinity and doubling
// included, so there is no branch on the points); scalar multiplication is
// a fixed 4-bit window over every nibble of a fixed-length scalar, and its
// table is read whole with masks, never indexed by a secret. The
// conversion to affine coordinates inverts with a fixed exponent (Fermat).
// What may take a variable time works only on public values: decoding and
// checking a peer's point, ECDSA verification, and rejection sampling of a
// fresh key (which leaks only the values it throws away).
package ec

import (
	"encoding/asn1"
	"encoding/hex"
	"math/big"
	"sync"

	"filippo.io/bigmod"
)

// curveHex is a curve's domain parameters as published (hex).
type curveHex struct {
	name               string
	tlsGroup           uint16
	oid                asn1.ObjectIdentifier
	p, a, b, gx, gy, n string
	// Binary curves only: the exponents of the reduction polynomial,
	// x^m first, and the cofactor.
	poly     []int
	cofactor int
}

// Curve is a short Weierstrass curve y² = x³ + ax + b over GF(p) whose
// points form a group of prime order n, or (bin set) a binary curve
// y² + xy = x³ + ax² + b over GF(2^m) whose base point has prime order n.
type Curve struct {
	hex curveHex
	bin *binCurve

	once      sync.Once
	p, n      *bigmod.Modulus
	a, b, b3  *bigmod.Nat // b3 = 3b, as the complete formulas use it
	g         point
	fieldLen  int // bytes of a field element (FE2OSP, SEC 1, 2.3.5)
	scalarLen int // bytes of a scalar (n's length)
	nBits     int
	pBig      *big.Int
	nBig      *big.Int
}

var (
	curves     []*Curve
	byName     = map[string]*Curve{}
	byTLSGroup = map[uint16]*Curve{}
)

func init() {
	for _, h := range append(append([]curveHex(nil), curveParams...), binCurveParams...) {
		c := &Curve{hex: h}
		curves = append(curves, c)
		byName[h.name] = c
		byTLSGroup[h.tlsGroup] = c
	}
}

// Curves returns every curve of the package: the prime curves smallest
// first, then the binary curves smallest first.
func Curves() []*Curve { return append([]*Curve(nil), curves...) }

// ByName returns the curve named name in TLS's and OTP's spelling
// ("secp256k1", "brainpoolP256r1"), or nil.
func ByName(name string) *Curve { return byName[name] }

// ByTLSGroup returns the curve of TLS NamedCurve g, or nil.
func ByTLSGroup(g uint16) *Curve { return byTLSGroup[g] }

// ByOID returns the curve whose SEC 2 / RFC 5639 object identifier is oid,
// or nil.
func ByOID(oid asn1.ObjectIdentifier) *Curve {
	for _, c := range curves {
		if c.hex.oid.Equal(oid) {
			return c
		}
	}
	return nil
}

// Name is the curve's name ("brainpoolP256r1").
func (c *Curve) Name() string { return c.hex.name }

// TLSGroup is the curve's NamedCurve code point (RFC 8422, 5.1.1).
func (c *Curve) TLSGroup() uint16 { return c.hex.tlsGroup }

// OID is the curve's object identifier, the namedCurve of ECParameters
// (RFC 5480, 2.1.1.1).
func (c *Curve) OID() asn1.ObjectIdentifier { return c.hex.oid }

// FieldLen is the length in bytes of a field element, and so of an ECDH
// shared secret and of each coordinate of an encoded point.
func (c *Curve) FieldLen() int { c.init(); return c.fieldLen }

// ScalarLen is the length in bytes of a scalar (a private key).
func (c *Curve) ScalarLen() int { c.init(); return c.scalarLen }

// BitSize is the bit length of the group order n.
func (c *Curve) BitSize() int { c.init(); return c.nBits }

func mustHex(s string) []byte {
	if len(s)%2 == 1 {
		s = "0" + s
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("ec: bad curve parameter " + s)
	}
	return b
}

// init parses the curve's parameters once.
func (c *Curve) init() {
	c.once.Do(func() {
		h := c.hex
		var err error
		nb := mustHex(h.n)
		if c.n, err = bigmod.NewModulus(nb); err != nil {
			panic("ec: bad order for " + h.name)
		}
		c.nBig = new(big.Int).SetBytes(nb)
		c.nBits = c.nBig.BitLen()
		c.scalarLen = (c.nBits + 7) / 8
		if h.poly != nil {
			c.bin = newBinCurve(h)
			c.fieldLen = c.bin.f.byteLen()
			return
		}
		pb := mustHex(h.p)
		if c.p, err = bigmod.NewModulus(pb); err != nil {
			panic("ec: bad modulus for " + h.name)
		}
		c.pBig = new(big.Int).SetBytes(pb)
		c.fieldLen = (c.pBig.BitLen() + 7) / 8
		c.a = c.feFromHex(h.a)
		c.b = c.feFromHex(h.b)
		c.b3 = c.fe()
		c.add(c.b3, c.b, c.b)
		c.add(c.b3, c.b3, c.b)
		c.g = point{x: c.feFromHex(h.gx), y: c.feFromHex(h.gy), z: c.feOne()}
	})
}

func (c *Curve) feFromHex(s string) *bigmod.Nat {
	b := mustHex(s)
	for len(b) < c.fieldLen {
		b = append([]byte{0}, b...)
	}
	x, err := bigmod.NewNat().SetBytes(b, c.p)
	if err != nil {
		panic("ec: bad field element for " + c.hex.name)
	}
	return x
}
