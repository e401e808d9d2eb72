package ec

import (
	"crypto/subtle"
	"errors"
	"math/big"

	"filippo.io/bigmod"
)

// point is a point in homogeneous projective coordinates (X : Y : Z),
// (x, y) = (X/Z, Y/Z); the point at infinity is (0 : 1 : 0).
type point struct{ x, y, z *bigmod.Nat }

// Field operations modulo p. Every element has the announced size of p,
// so bigmod runs each in a time that depends only on p.

func (c *Curve) fe() *bigmod.Nat { return bigmod.NewNat().ExpandFor(c.p) }

func (c *Curve) feOne() *bigmod.Nat {
	x := c.fe()
	x.Bits()[0] = 1
	return x
}

// set copies src into dst (both of p's size).
func set(dst, src *bigmod.Nat) { copy(dst.Bits(), src.Bits()) }

func (c *Curve) copyFE(x *bigmod.Nat) *bigmod.Nat {
	y := c.fe()
	set(y, x)
	return y
}

// mul sets dst = x·y mod p; dst may be x or y.
func (c *Curve) mul(dst, x, y *bigmod.Nat) {
	switch {
	case dst == x:
		dst.Mul(y, c.p)
	case dst == y:
		dst.Mul(x, c.p)
	default:
		set(dst, x)
		dst.Mul(y, c.p)
	}
}

// add sets dst = x+y mod p; dst may be x or y.
func (c *Curve) add(dst, x, y *bigmod.Nat) {
	switch {
	case dst == x:
		dst.Add(y, c.p)
	case dst == y:
		dst.Add(x, c.p)
	default:
		set(dst, x)
		dst.Add(y, c.p)
	}
}

// sub sets dst = x−y mod p; dst may be x or y.
func (c *Curve) sub(dst, x, y *bigmod.Nat) {
	if dst == y && dst != x {
		t := c.copyFE(y)
		set(dst, x)
		dst.Sub(t, c.p)
		return
	}
	if dst != x {
		set(dst, x)
	}
	dst.Sub(y, c.p)
}

func (c *Curve) identity() point { return point{x: c.fe(), y: c.feOne(), z: c.fe()} }

func (c *Curve) newPoint() point { return point{x: c.fe(), y: c.fe(), z: c.fe()} }

func (c *Curve) copyPoint(dst, src point) {
	set(dst.x, src.x)
	set(dst.y, src.y)
	set(dst.z, src.z)
}

// scratch holds the temporaries of addPoints, so that a scalar
// multiplication allocates them once rather than per addition.
type scratch struct{ t0, t1, t2, t3, t4, t5, x3, y3, z3, tmp *bigmod.Nat }

func (c *Curve) newScratch() *scratch {
	return &scratch{c.fe(), c.fe(), c.fe(), c.fe(), c.fe(), c.fe(), c.fe(), c.fe(), c.fe(), c.fe()}
}

// addPoints sets out = p1 + p2 with Algorithm 1 of Renes, Costello and
// Batina (complete addition for y² = x³ + ax + b, any a, with b3 = 3b):
// one sequence of field operations for every input, doubling and the
// point at infinity included, which is what makes it safe to run on
// secret points. It is complete on curves of odd order, as all of this
// package's are. out may be p1 or p2; s holds the temporaries.
func (c *Curve) addPoints(out, p1, p2 point, s *scratch) {
	X1, Y1, Z1 := p1.x, p1.y, p1.z
	X2, Y2, Z2 := p2.x, p2.y, p2.z
	t0, t1, t2, t3, t4, t5 := s.t0, s.t1, s.t2, s.t3, s.t4, s.t5
	X3, Y3, Z3 := s.x3, s.y3, s.z3
	a, b3 := c.a, c.b3

	c.mul(t0, X1, X2) // 1
	c.mul(t1, Y1, Y2)
	c.mul(t2, Z1, Z2)
	c.add(t3, X1, Y1)
	c.add(t4, X2, Y2) // 5
	c.mul(t3, t3, t4)
	c.add(t4, t0, t1)
	c.sub(t3, t3, t4)
	c.add(t4, X1, Z1)
	c.add(t5, X2, Z2) // 10
	c.mul(t4, t4, t5)
	c.add(t5, t0, t2)
	c.sub(t4, t4, t5)
	c.add(t5, Y1, Z1)
	c.add(X3, Y2, Z2) // 15
	c.mul(t5, t5, X3)
	c.add(X3, t1, t2)
	c.sub(t5, t5, X3)
	c.mul(Z3, a, t4)
	c.mul(X3, b3, t2) // 20
	c.add(Z3, X3, Z3)
	c.sub(X3, t1, Z3)
	c.add(Z3, t1, Z3)
	c.mul(Y3, X3, Z3)
	c.add(t1, t0, t0) // 25
	c.add(t1, t1, t0)
	c.mul(t2, a, t2)
	c.mul(t4, b3, t4)
	c.add(t1, t1, t2)
	set(s.tmp, t0) // 30: t2 = t0 − t2, without aliasing the result
	s.tmp.Sub(t2, c.p)
	set(t2, s.tmp)
	c.mul(t2, a, t2)
	c.add(t4, t4, t2)
	c.mul(t2, t1, t4)
	c.add(Y3, Y3, t2)
	c.mul(t2, t5, t4) // 35
	c.mul(X3, X3, t3)
	c.sub(X3, X3, t2)
	c.mul(t2, t3, t1)
	c.mul(Z3, t5, Z3)
	c.add(Z3, Z3, t2) // 40

	set(out.x, X3)
	set(out.y, Y3)
	set(out.z, Z3)
}

// selectPoint sets out to table[idx] reading every entry, so that neither
// the memory accessed nor the time taken depends on idx.
func selectPoint(out point, table []point, idx int) {
	for _, v := range []*bigmod.Nat{out.x, out.y, out.z} {
		clear(v.Bits())
	}
	for i := range table {
		mask := -uint(subtle.ConstantTimeEq(int32(i), int32(idx)))
		for j, v := range []*bigmod.Nat{table[i].x, table[i].y, table[i].z} {
			dst := []*bigmod.Nat{out.x, out.y, out.z}[j].Bits()
			for k, limb := range v.Bits() {
				dst[k] |= limb & mask
			}
		}
	}
}

// scalarMult returns k·q for a big-endian scalar k of any length, with a
// fixed 4-bit window: for every nibble, four doublings and one addition of
// a table entry chosen in constant time (entry 0 is the point at infinity,
// which the complete formulas add like any other point).
func (c *Curve) scalarMult(q point, k []byte) point {
	s := c.newScratch()
	var table [16]point
	table[0] = c.identity()
	for i := 1; i < 16; i++ {
		table[i] = c.newPoint()
		c.addPoints(table[i], table[i-1], q, s)
	}
	acc := c.identity()
	sel := c.newPoint()
	for _, b := range k {
		for _, shift := range [2]uint{4, 0} {
			for range 4 {
				c.addPoints(acc, acc, acc, s)
			}
			selectPoint(sel, table[:], int(b>>shift)&0xf)
			c.addPoints(acc, acc, sel, s)
		}
	}
	return acc
}

var errInfinity = errors.New("ec: the point at infinity")

// affine returns the affine coordinates of q, or errInfinity. The inverse
// of Z is Z^(p−2) (Fermat), a fixed exponent, so this is constant-time
// but for the final check, whose answer is public (a failed agreement).
func (c *Curve) affine(q point) (x, y []byte, err error) {
	if q.z.IsZero() == 1 {
		return nil, nil, errInfinity
	}
	pm2 := new(big.Int).Sub(c.pBig, big.NewInt(2)).Bytes()
	zinv := c.fe().Exp(q.z, pm2, c.p)
	xa, ya := c.copyFE(q.x), c.copyFE(q.y)
	c.mul(xa, xa, zinv)
	c.mul(ya, ya, zinv)
	return xa.Bytes(c.p), ya.Bytes(c.p), nil
}

// onCurve reports whether the affine point (x, y) satisfies the curve
// equation y² = x³ + ax + b.
func (c *Curve) onCurve(x, y *bigmod.Nat) bool {
	lhs := c.copyFE(y)
	c.mul(lhs, lhs, y)
	rhs := c.copyFE(x)
	c.mul(rhs, rhs, x)
	c.add(rhs, rhs, c.a)
	c.mul(rhs, rhs, x)
	c.add(rhs, rhs, c.b)
	return lhs.Equal(rhs) == 1
}
