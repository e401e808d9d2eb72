package ec

import "math/bits"

// Arithmetic in the binary fields GF(2^m) of the SEC 2 curves sect163k1
// ... sect571r1 (SEC 2 v2, 3), in polynomial basis.
//
// Constant time: an element is a fixed array of words, and every
// operation runs the same instructions whatever the values, with loops
// bounded only by the field's public degree m and its reduction
// polynomial. The carry-less product of two words is built from integer
// multiplications of bit groups spaced four apart (below), never from a
// table indexed by a secret and never with a branch on a bit of one.

// gfWords is the number of 64-bit words of an element of the largest
// field, GF(2^571).
const gfWords = 9

// gf is an element of GF(2^m): bit i of the little-endian words is the
// coefficient of x^i. Bits m and above are always zero.
type gf [gfWords]uint64

// binField is GF(2)[x]/(f) for the irreducible trinomial or pentanomial
// f = x^m + x^k1 (+ x^k2 + x^k3) + 1 of SEC 2 v2, 3.
type binField struct {
	m     int
	words int   // ⌈m/64⌉
	terms []int // the exponents of f below m, 0 included
}

func newBinField(poly []int) binField {
	f := binField{m: poly[0], words: (poly[0] + 63) / 64, terms: poly[1:]}
	// reduce relies on m not being a multiple of 64 and on every term
	// other than x^m lying at least 64 below it, so that a word's
	// reduction only touches lower words; all SEC 2 polynomials qualify.
	if f.m%64 == 0 || f.words > gfWords || f.m-f.terms[0] < 64 {
		panic("ec: unsupported reduction polynomial")
	}
	return f
}

// bmul32 is the carry-less product of two 32-bit words. Each operand is
// split into four groups of bits four positions apart; an integer
// product of two groups has at most 8 ones to add in any position, which
// fit in the 4-bit gap, so no carry reaches the next coefficient of the
// group and the lowest bit of each gap is the XOR of the products.
func bmul32(x, y uint32) uint64 {
	const m0, m1, m2, m3 = 0x11111111, 0x22222222, 0x44444444, 0x88888888
	x0, x1, x2, x3 := uint64(x&m0), uint64(x&m1), uint64(x&m2), uint64(x&m3)
	y0, y1, y2, y3 := uint64(y&m0), uint64(y&m1), uint64(y&m2), uint64(y&m3)
	z0 := x0*y0 ^ x1*y3 ^ x2*y2 ^ x3*y1
	z1 := x0*y1 ^ x1*y0 ^ x2*y3 ^ x3*y2
	z2 := x0*y2 ^ x1*y1 ^ x2*y0 ^ x3*y3
	z3 := x0*y3 ^ x1*y2 ^ x2*y1 ^ x3*y0
	return z0&0x1111111111111111 | z1&0x2222222222222222 |
		z2&0x4444444444444444 | z3&0x8888888888888888
}

// clmul64 is the 128-bit carry-less product of two words, by Karatsuba
// over their 32-bit halves.
func clmul64(x, y uint64) (hi, lo uint64) {
	x0, x1 := uint32(x), uint32(x>>32)
	y0, y1 := uint32(y), uint32(y>>32)
	l := bmul32(x0, y0)
	h := bmul32(x1, y1)
	m := bmul32(x0^x1, y0^y1) ^ l ^ h
	return h ^ m>>32, l ^ m<<32
}

// spread32 interleaves the bits of x with zeros: the square of a
// polynomial over GF(2) is its bits moved to even positions.
func spread32(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000ffff0000ffff
	v = (v | v<<8) & 0x00ff00ff00ff00ff
	v = (v | v<<4) & 0x0f0f0f0f0f0f0f0f
	v = (v | v<<2) & 0x3333333333333333
	v = (v | v<<1) & 0x5555555555555555
	return v
}

// mul sets z = x·y; z may alias x or y. The word products use the
// n-term Karatsuba of Weimerskirch and Paar ("Generalizations of the
// Karatsuba algorithm for efficient implementations", 2006): with
// d_i = x_i·y_i, the cross terms of words i < j are
// (x_i + x_j)(y_i + y_j) + d_i + d_j, so n(n+1)/2 word products do the
// work of n².
func (f *binField) mul(z, x, y *gf) {
	var r [2 * gfWords]uint64
	var dh, dl [gfWords]uint64
	n := f.words
	for i := range n {
		dh[i], dl[i] = clmul64(x[i], y[i])
		r[2*i] ^= dl[i]
		r[2*i+1] ^= dh[i]
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			hi, lo := clmul64(x[i]^x[j], y[i]^y[j])
			r[i+j] ^= lo ^ dl[i] ^ dl[j]
			r[i+j+1] ^= hi ^ dh[i] ^ dh[j]
		}
	}
	f.reduce(z, &r)
}

// sqr sets z = x²; z may alias x.
func (f *binField) sqr(z, x *gf) {
	var r [2 * gfWords]uint64
	for i := range f.words {
		r[2*i] = spread32(uint32(x[i]))
		r[2*i+1] = spread32(uint32(x[i] >> 32))
	}
	f.reduce(z, &r)
}

// sqrN sets z = x^(2^n).
func (f *binField) sqrN(z, x *gf, n int) {
	*z = *x
	for range n {
		f.sqr(z, z)
	}
}

// reduce sets z = r mod f, for r of degree below 2m. Each word above the
// one holding x^m is folded down with x^m ≡ Σ x^k (the terms of f),
// highest first; since every k is at least 64 below m, a word folds only
// into lower words. The bits of that last word at m and above go last.
func (f *binField) reduce(z *gf, r *[2 * gfWords]uint64) {
	top := f.m / 64
	for i := 2*f.words - 1; i > top; i-- {
		w := r[i]
		r[i] = 0
		for _, k := range f.terms {
			p := 64*i - f.m + k
			r[p/64] ^= w << (p % 64)
			r[p/64+1] ^= w >> (64 - p%64) // a shift by 64 gives 0 in Go
		}
	}
	s := f.m % 64
	w := r[top] >> s
	r[top] &= 1<<s - 1
	for _, k := range f.terms {
		r[k/64] ^= w << (k % 64)
		r[k/64+1] ^= w >> (64 - k%64)
	}
	copy(z[:], r[:gfWords])
}

// inv sets z = x⁻¹ = x^(2^m − 2) (Fermat, with the Itoh–Tsujii chain:
// β_k = x^(2^k − 1), β_2k = β_k^(2^k)·β_k and β_(k+1) = β_k²·x, over the
// bits of m − 1, then z = β_(m−1)²). The chain depends only on m. The
// inverse of 0 comes out as 0.
func (f *binField) inv(z, x *gf) {
	e := f.m - 1
	b, t := *x, gf{}
	k := 1
	for bit := bits.Len(uint(e)) - 2; bit >= 0; bit-- {
		f.sqrN(&t, &b, k)
		f.mul(&b, &t, &b)
		k *= 2
		if e>>bit&1 == 1 {
			f.sqr(&t, &b)
			f.mul(&b, &t, x)
			k++
		}
	}
	f.sqr(z, &b)
}

// gfAdd sets z = x + y (XOR).
func gfAdd(z, x, y *gf) {
	for i := range z {
		z[i] = x[i] ^ y[i]
	}
}

// gfIsZero returns 1 if x is 0 and 0 otherwise, in constant time.
func gfIsZero(x *gf) uint64 {
	var acc uint64
	for _, w := range x {
		acc |= w
	}
	return 1 ^ (acc|-acc)>>63
}

// gfEqual returns 1 if x = y and 0 otherwise, in constant time.
func gfEqual(x, y *gf) uint64 {
	var d gf
	gfAdd(&d, x, y)
	return gfIsZero(&d)
}

// gfSwap exchanges x and y if bit is 1, in constant time.
func gfSwap(x, y *gf, bit uint64) {
	mask := -bit
	for i := range x {
		t := (x[i] ^ y[i]) & mask
		x[i] ^= t
		y[i] ^= t
	}
}

// gfSelect sets z = y if bit is 1 and leaves it otherwise, in constant time.
func gfSelect(z, y *gf, bit uint64) {
	mask := -bit
	for i := range z {
		z[i] ^= (z[i] ^ y[i]) & mask
	}
}

// byteLen is the length of an encoded element (FE2OSP, SEC 1 v2, 2.3.5).
func (f *binField) byteLen() int { return (f.m + 7) / 8 }

// setBytes reads the big-endian encoding of an element, byteLen bytes,
// and reports whether it is one: a polynomial of degree below m.
func (f *binField) setBytes(z *gf, b []byte) bool {
	if len(b) != f.byteLen() {
		return false
	}
	*z = gf{}
	for i, v := range b {
		pos := len(b) - 1 - i
		z[pos/8] |= uint64(v) << (8 * (pos % 8))
	}
	s := f.m % 64
	return z[f.m/64]>>s == 0
}

// bytes returns the big-endian encoding of x, byteLen bytes.
func (f *binField) bytes(x *gf) []byte {
	b := make([]byte, f.byteLen())
	for i := range b {
		pos := len(b) - 1 - i
		b[i] = byte(x[pos/8] >> (8 * (pos % 8)))
	}
	return b
}

// trace is Tr(x) = Σ x^(2^i), i < m, which is 0 or 1 (public values only).
func (f *binField) trace(x *gf) uint64 {
	t, acc := *x, *x
	for range f.m - 1 {
		f.sqr(&t, &t)
		gfAdd(&acc, &acc, &t)
	}
	return acc[0] & 1
}

// halfTrace sets z = Σ x^(2^2i), i ≤ (m−1)/2: for odd m and Tr(x) = 0 it
// is a solution of z² + z = x (public values only).
func (f *binField) halfTrace(z, x *gf) {
	t := *x
	*z = t
	for range (f.m - 1) / 2 {
		f.sqrN(&t, &t, 2)
		gfAdd(z, z, &t)
	}
}
