package ec

import "errors"

// The binary curves y² + xy = x³ + ax² + b over GF(2^m) of SEC 2 v2, 3
// (sect163k1 ... sect571r1; RFC 4492, 5.1.1, which RFC 8422, 5.1.1
// deprecates). Their groups have order h·n with cofactor h = 2 or 4.
//
// Constant time: scalar multiplication by a secret (ECDH, a key's public
// point, the ECDSA nonce point) is the x-only Montgomery ladder of López
// and Dahab ("Fast multiplication on elliptic curves over GF(2^m) without
// precomputation", CHES 1999) over every bit of the fixed-length scalar,
// with a masked swap per bit and the same field operations for every bit
// value; the point at infinity needs no branch, since its (X : Z) = (1 : 0)
// goes through the formulas like any other point. The final conversion
// inverts by Fermat (binfield.go). Only public values take variable-time
// paths: decoding a point and ECDSA verification.

// binCurve is one binary curve's parameters.
type binCurve struct {
	f        binField
	a, b     gf
	gx, gy   gf
	cofactor int
}

// binPoint is an affine point; inf marks the point at infinity, which
// only the variable-time verification arithmetic uses.
type binPoint struct {
	x, y gf
	inf  bool
}

// ErrPointSmallOrder: a binary curve's point whose order divides the
// cofactor. ECDH with it would give a secret an attacker can guess; a TLS
// peer that sends one gets illegal_parameter (RFC 8422, 5.4; RFC 4492,
// 5.4).
var ErrPointSmallOrder = errors.New("ec: point of small order")

func newBinCurve(h curveHex) *binCurve {
	c := &binCurve{f: newBinField(h.poly), cofactor: h.cofactor}
	for _, v := range []struct {
		dst *gf
		hex string
	}{{&c.a, h.a}, {&c.b, h.b}, {&c.gx, h.gx}, {&c.gy, h.gy}} {
		b := mustHex(v.hex)
		for len(b) < c.f.byteLen() {
			b = append([]byte{0}, b...)
		}
		if !c.f.setBytes(v.dst, b) {
			panic("ec: bad field element for " + h.name)
		}
	}
	return c
}

// onCurve reports whether (x, y) satisfies y² + xy = x³ + ax² + b.
func (c *binCurve) onCurve(x, y *gf) bool {
	f := &c.f
	var lhs, t, rhs gf
	f.sqr(&lhs, y)
	f.mul(&t, x, y)
	gfAdd(&lhs, &lhs, &t)
	f.sqr(&t, x)       // x²
	f.mul(&rhs, &t, x) // x³
	f.mul(&t, &t, &c.a)
	gfAdd(&rhs, &rhs, &t)
	gfAdd(&rhs, &rhs, &c.b)
	return gfEqual(&lhs, &rhs) == 1
}

// smallOrder reports whether a point of the curve with x-coordinate x has
// an order dividing the cofactor. The only point of order 2 is (0, √b);
// a point of order 4 doubles to it, and x(2P) = x² + b/x² = 0 gives
// x⁴ = b. Public values only.
func (c *binCurve) smallOrder(x *gf) bool {
	if gfIsZero(x) == 1 {
		return true
	}
	if c.cofactor < 4 {
		return false
	}
	var x4 gf
	c.f.sqrN(&x4, x, 2)
	return gfEqual(&x4, &c.b) == 1
}

// decode decodes and checks a point 04 ‖ X ‖ Y, or with compressedOK
// 02 ‖ X or 03 ‖ X (SEC 1 v2, 2.3.4; the bit is that of y/x's lowest
// coefficient): coordinates of degree below m, on the curve, not of small
// order. Public values only.
func (c *binCurve) decode(b []byte, compressedOK bool) (binPoint, error) {
	n := c.f.byteLen()
	var p binPoint
	compressed, err := pointForm(b, n, compressedOK)
	switch {
	case err != nil:
		return p, err
	case compressed:
		if !c.f.setBytes(&p.x, b[1:]) {
			return p, ErrPointEncoding
		}
		if !c.decompress(&p, uint64(b[0]&1)) {
			return p, ErrPointNotOnCurve
		}
	default:
		if !c.f.setBytes(&p.x, b[1:1+n]) || !c.f.setBytes(&p.y, b[1+n:]) {
			return p, ErrPointEncoding
		}
	}
	if !c.onCurve(&p.x, &p.y) {
		return p, ErrPointNotOnCurve
	}
	if c.smallOrder(&p.x) {
		return p, ErrPointSmallOrder
	}
	return p, nil
}

// decompress finds y from x and the bit ybit (SEC 1 v2, 2.3.4): with
// y = xz the equation becomes z² + z = x + a + b/x², solved by the half
// trace (m is odd for every SEC 2 field); y = xz for the z whose lowest
// bit is ybit. x = 0 gives (0, √b), of order 2, which decode refuses.
func (c *binCurve) decompress(p *binPoint, ybit uint64) bool {
	f := &c.f
	if gfIsZero(&p.x) == 1 {
		f.sqrN(&p.y, &c.b, f.m-1) // √b = b^(2^(m−1))
		return true
	}
	var beta, t, z gf
	f.sqr(&t, &p.x)
	f.inv(&t, &t)
	f.mul(&beta, &t, &c.b)
	gfAdd(&beta, &beta, &p.x)
	gfAdd(&beta, &beta, &c.a)
	if f.trace(&beta) != 0 {
		return false
	}
	f.halfTrace(&z, &beta)
	if z[0]&1 != ybit {
		z[0] ^= 1
	}
	f.mul(&p.y, &p.x, &z)
	return true
}

// encode returns 04 ‖ X ‖ Y.
func (c *binCurve) encode(p *binPoint) []byte {
	return append(append([]byte{4}, c.f.bytes(&p.x)...), c.f.bytes(&p.y)...)
}

// ladder returns kP and (k+1)P in López–Dahab projective x-coordinates,
// (X1 : Z1) and (X2 : Z2) with x = X/Z, for P of affine x-coordinate px
// and a big-endian scalar k, in constant time: every bit of k, leading
// zeros included, is one masked swap, one addition and one doubling.
func (c *binCurve) ladder(px *gf, k []byte) (x1, z1, x2, z2 gf) {
	f := &c.f
	x1[0] = 1 // R0 = O = (1 : 0)
	x2 = *px  // R1 = P = (x : 1)
	z2[0] = 1
	var swap uint64
	var t1, t2 gf
	for _, byt := range k {
		for i := 7; i >= 0; i-- {
			bit := uint64(byt>>i) & 1
			swap ^= bit
			gfSwap(&x1, &x2, swap)
			gfSwap(&z1, &z2, swap)
			swap = bit
			// R1 = R0 + R1, whose difference R1 − R0 is always ±P:
			// Z = (X1·Z2 + X2·Z1)², X = x·Z + (X1·Z2)(X2·Z1).
			f.mul(&t1, &x1, &z2)
			f.mul(&t2, &x2, &z1)
			gfAdd(&z2, &t1, &t2)
			f.sqr(&z2, &z2)
			f.mul(&t1, &t1, &t2)
			f.mul(&x2, px, &z2)
			gfAdd(&x2, &x2, &t1)
			// R0 = 2·R0: X = X⁴ + b·Z⁴, Z = X²·Z².
			f.sqr(&t1, &x1)
			f.sqr(&t2, &z1)
			f.mul(&z1, &t1, &t2)
			f.sqr(&t1, &t1)
			f.sqr(&t2, &t2)
			f.mul(&t2, &t2, &c.b)
			gfAdd(&x1, &t1, &t2)
		}
	}
	gfSwap(&x1, &x2, swap)
	gfSwap(&z1, &z2, swap)
	return
}

// mulX returns the x-coordinate of k·P in constant time, and 1 when k·P
// is the point at infinity (0 otherwise).
func (c *binCurve) mulX(px *gf, k []byte) (x gf, inf uint64) {
	x1, z1, _, _ := c.ladder(px, k)
	inf = gfIsZero(&z1)
	c.f.inv(&z1, &z1)
	c.f.mul(&x, &x1, &z1)
	return x, inf
}

// mulXY returns k·P with its y-coordinate recovered (López and Dahab's
// Mxy): with (X1 : Z1) = kP, (X2 : Z2) = (k+1)P and P = (x, y),
//
//	x_k = X1/Z1,
//	y_k = (x + x_k)·[(X1 + x·Z1)(X2 + x·Z2) + (x² + y)·Z1·Z2] / (x·Z1·Z2) + y.
//
// It runs in constant time for a P not of small order (x ≠ 0) and k·P not
// the point at infinity; (k+1)P = O, that is kP = −P = (x, x + y), is
// chosen by mask. inf is 1 when k·P is the point at infinity.
func (c *binCurve) mulXY(p *binPoint, k []byte) (q binPoint, inf uint64) {
	f := &c.f
	x, y := &p.x, &p.y
	x1, z1, x2, z2 := c.ladder(x, k)
	inf = gfIsZero(&z1)
	var d, dinv, t1, t2, t3 gf
	f.mul(&d, &z1, &z2)
	f.mul(&d, &d, x) // x·Z1·Z2
	f.inv(&dinv, &d)
	f.mul(&t1, &x1, &z2)
	f.mul(&t1, &t1, x)
	f.mul(&q.x, &t1, &dinv) // X1/Z1
	f.mul(&t1, x, &z1)
	gfAdd(&t1, &t1, &x1) // X1 + x·Z1
	f.mul(&t2, x, &z2)
	gfAdd(&t2, &t2, &x2) // X2 + x·Z2
	f.mul(&t1, &t1, &t2)
	f.sqr(&t2, x)
	gfAdd(&t2, &t2, y) // x² + y
	f.mul(&t3, &z1, &z2)
	f.mul(&t2, &t2, &t3)
	gfAdd(&t1, &t1, &t2)
	f.mul(&t1, &t1, &dinv)
	gfAdd(&t2, x, &q.x)
	f.mul(&t1, &t1, &t2)
	gfAdd(&q.y, &t1, y)
	// kP = −P when (k+1)P = O.
	neg := gfIsZero(&z2)
	gfAdd(&t1, x, y)
	gfSelect(&q.x, x, neg)
	gfSelect(&q.y, &t1, neg)
	return q, inf
}

// The affine group law (variable time, for public points only: ECDSA
// verification). Doubling and adding in characteristic 2 (SEC 1 v2, 2.2.2).

func (c *binCurve) double(p binPoint) binPoint {
	f := &c.f
	if p.inf || gfIsZero(&p.x) == 1 {
		return binPoint{inf: true}
	}
	var l, t, r binPoint
	// λ = x + y/x; x3 = λ² + λ + a; y3 = x² + (λ + 1)·x3.
	f.inv(&t.x, &p.x)
	f.mul(&l.x, &t.x, &p.y)
	gfAdd(&l.x, &l.x, &p.x)
	f.sqr(&r.x, &l.x)
	gfAdd(&r.x, &r.x, &l.x)
	gfAdd(&r.x, &r.x, &c.a)
	l.x[0] ^= 1
	f.mul(&r.y, &l.x, &r.x)
	f.sqr(&t.y, &p.x)
	gfAdd(&r.y, &r.y, &t.y)
	return r
}

func (c *binCurve) add(p, q binPoint) binPoint {
	f := &c.f
	switch {
	case p.inf:
		return q
	case q.inf:
		return p
	case gfEqual(&p.x, &q.x) == 1:
		if gfEqual(&p.y, &q.y) == 1 {
			return c.double(p)
		}
		return binPoint{inf: true} // q = −p = (x, x + y)
	}
	// λ = (y1 + y2)/(x1 + x2); x3 = λ² + λ + x1 + x2 + a;
	// y3 = λ·(x1 + x3) + x3 + y1.
	var l, dx, dy, r binPoint
	gfAdd(&dx.x, &p.x, &q.x)
	gfAdd(&dy.x, &p.y, &q.y)
	f.inv(&dx.y, &dx.x)
	f.mul(&l.x, &dy.x, &dx.y)
	f.sqr(&r.x, &l.x)
	gfAdd(&r.x, &r.x, &l.x)
	gfAdd(&r.x, &r.x, &dx.x)
	gfAdd(&r.x, &r.x, &c.a)
	gfAdd(&r.y, &p.x, &r.x)
	f.mul(&r.y, &r.y, &l.x)
	gfAdd(&r.y, &r.y, &r.x)
	gfAdd(&r.y, &r.y, &p.y)
	return r
}

// mulPublic returns k·P for a public k and P (ECDSA verification): the
// ladder with y recovery, and the two cases where recovery has no answer
// (kP = O, and (k+1)P = O) handled by branches.
func (c *binCurve) mulPublic(p binPoint, k []byte) binPoint {
	if p.inf {
		return p
	}
	q, inf := c.mulXY(&p, k)
	if inf == 1 {
		return binPoint{inf: true}
	}
	return q
}
