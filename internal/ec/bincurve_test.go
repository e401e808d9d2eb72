package ec

import (
	"bytes"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// binCurves returns the binary curves, initialised.
func binCurves() []*Curve {
	var out []*Curve
	for _, c := range Curves() {
		c.init()
		if c.bin != nil {
			out = append(out, c)
		}
	}
	return out
}

// compressedBit is the bit of a compressed point's prefix 02/03 for the
// uncompressed point q (SEC 1 v2, 2.3.3): y's parity on a prime curve,
// the lowest coefficient of y/x on a binary one.
func compressedBit(t testing.TB, c *Curve, q []byte) byte {
	c.init()
	if c.bin == nil {
		return q[len(q)-1] & 1
	}
	f := &c.bin.f
	n := f.byteLen()
	var x, y, z gf
	if !f.setBytes(&x, q[1:1+n]) || !f.setBytes(&y, q[1+n:]) {
		t.Fatal("bad point")
	}
	f.inv(&z, &x)
	f.mul(&z, &z, &y)
	return byte(z[0] & 1)
}

// polyMulMod is the reference: schoolbook product over GF(2)[x] with
// math/big, then reduction by the full polynomial.
func polyMulMod(a, b *big.Int, poly []int) *big.Int {
	r := new(big.Int)
	for i := 0; i < a.BitLen(); i++ {
		if a.Bit(i) == 1 {
			r.Xor(r, new(big.Int).Lsh(b, uint(i)))
		}
	}
	f := new(big.Int)
	for _, k := range poly {
		f.SetBit(f, k, 1)
	}
	for r.BitLen() > poly[0] {
		r.Xor(r, new(big.Int).Lsh(f, uint(r.BitLen()-1-poly[0])))
	}
	return r
}

func randomGF(t *testing.T, f *binField) (gf, *big.Int) {
	b := make([]byte, f.byteLen())
	rand.Read(b)
	b[0] &= byte(0xff >> (8*len(b) - f.m))
	var x gf
	if !f.setBytes(&x, b) {
		t.Fatal("setBytes refused an element")
	}
	return x, new(big.Int).SetBytes(b)
}

// TestBinaryFieldArithmetic checks multiplication, squaring and inversion
// in every field against a math/big reference, on random elements and on
// the all-ones element (the most carries and reduction steps).
func TestBinaryFieldArithmetic(t *testing.T) {
	for _, c := range binCurves() {
		f := &c.bin.f
		poly := c.hex.poly
		for i := range 50 {
			x, xb := randomGF(t, f)
			y, yb := randomGF(t, f)
			if i == 0 {
				ones := bytes.Repeat([]byte{0xff}, f.byteLen())
				ones[0] = byte(0xff >> (8*len(ones) - f.m))
				f.setBytes(&x, ones)
				f.setBytes(&y, ones)
				xb, yb = new(big.Int).SetBytes(ones), new(big.Int).SetBytes(ones)
			}
			var z gf
			f.mul(&z, &x, &y)
			if got, want := new(big.Int).SetBytes(f.bytes(&z)), polyMulMod(xb, yb, poly); got.Cmp(want) != 0 {
				t.Fatalf("%s: x·y = %x, want %x", c.Name(), got, want)
			}
			f.sqr(&z, &x)
			if got, want := new(big.Int).SetBytes(f.bytes(&z)), polyMulMod(xb, xb, poly); got.Cmp(want) != 0 {
				t.Fatalf("%s: x² = %x, want %x", c.Name(), got, want)
			}
			f.inv(&z, &x)
			f.mul(&z, &z, &x)
			if one := (gf{1}); gfEqual(&z, &one) != 1 {
				t.Fatalf("%s: x·x⁻¹ = %x", c.Name(), f.bytes(&z))
			}
		}
		var zero, z gf
		if f.inv(&z, &zero); gfIsZero(&z) != 1 {
			t.Fatalf("%s: 0⁻¹ is not 0", c.Name())
		}
	}
}

// TestBinaryDomainParameters checks, for every binary curve, that G is on
// the curve, that n·G is the point at infinity and (n−1)·G = −G (ladder),
// that G + G and G + (−G) agree with the ladder (affine law), and that the
// curve's published cofactor times n is within Hasse's bound of 2^m.
func TestBinaryDomainParameters(t *testing.T) {
	for _, c := range binCurves() {
		bc := c.bin
		g := binPoint{x: bc.gx, y: bc.gy}
		if !bc.onCurve(&g.x, &g.y) {
			t.Fatalf("%s: G is not on the curve", c.Name())
		}
		if _, inf := bc.mulX(&g.x, c.nBig.Bytes()); inf != 1 {
			t.Fatalf("%s: n·G is not the point at infinity", c.Name())
		}
		nm1 := new(big.Int).Sub(c.nBig, big.NewInt(1)).Bytes()
		neg, inf := bc.mulXY(&g, nm1)
		var want gf
		gfAdd(&want, &g.x, &g.y)
		if inf != 0 || gfEqual(&neg.x, &g.x) != 1 || gfEqual(&neg.y, &want) != 1 {
			t.Fatalf("%s: (n−1)·G != −G", c.Name())
		}
		if sum := bc.add(g, neg); !sum.inf {
			t.Fatalf("%s: G + (−G) is not the point at infinity", c.Name())
		}
		two, _ := bc.mulXY(&g, []byte{2})
		if d := bc.add(g, g); d.inf || gfEqual(&d.x, &two.x) != 1 || gfEqual(&d.y, &two.y) != 1 {
			t.Fatalf("%s: G+G != 2·G", c.Name())
		}
		three, _ := bc.mulXY(&g, []byte{3})
		if s := bc.add(two, g); gfEqual(&s.x, &three.x) != 1 || gfEqual(&s.y, &three.y) != 1 {
			t.Fatalf("%s: 2G+G != 3·G", c.Name())
		}
		order := new(big.Int).Mul(c.nBig, big.NewInt(int64(bc.cofactor)))
		q := new(big.Int).Lsh(big.NewInt(1), uint(bc.f.m))
		diff := new(big.Int).Sub(order, q)
		diff.Sub(diff, big.NewInt(1))
		bound := new(big.Int).Lsh(big.NewInt(1), uint(bc.f.m/2+2)) // 2·√(2^m) < 2^(m/2+2)
		if diff.Abs(diff).Cmp(bound) > 0 {
			t.Fatalf("%s: h·n is not within Hasse's bound", c.Name())
		}
	}
}

// smallOrderPoint returns the point of order 2, (0, √b).
func smallOrderPoint(c *Curve) []byte {
	f := &c.bin.f
	var y gf
	f.sqrN(&y, &c.bin.b, f.m-1)
	return c.bin.encode(&binPoint{y: y})
}

// TestBinarySmallOrder refuses the points whose order divides the
// cofactor, the point of order 2 and on the curves of cofactor 4 those of
// order 4, and refuses an ECDH whose result is the point at infinity.
func TestBinarySmallOrder(t *testing.T) {
	for _, c := range binCurves() {
		bc := c.bin
		t2 := smallOrderPoint(c)
		if _, err := c.NewPublicKey(t2); !errors.Is(err, ErrPointSmallOrder) {
			t.Errorf("%s: point of order 2: %v", c.Name(), err)
		}
		// The point of order 2 is on the curve: only the order check
		// refuses it.
		p, _ := bc.decode(t2, false)
		if !bc.onCurve(&p.x, &p.y) {
			t.Fatalf("%s: (0, √b) is not on the curve", c.Name())
		}
		if bc.cofactor == 4 {
			// x⁴ = b: x = b^(2^(m−2)); y from the compressed form.
			var x gf
			bc.f.sqrN(&x, &bc.b, bc.f.m-2)
			comp := append([]byte{2}, bc.f.bytes(&x)...)
			if _, err := c.NewPublicKeyAnyForm(comp); !errors.Is(err, ErrPointSmallOrder) {
				t.Errorf("%s: point of order 4: %v", c.Name(), err)
			}
			q := binPoint{x: x}
			if !bc.decompress(&q, 0) || !bc.onCurve(&q.x, &q.y) {
				t.Fatalf("%s: no point of order 4", c.Name())
			}
			if two := bc.double(q); gfIsZero(&two.x) != 1 || !bc.double(two).inf {
				t.Fatalf("%s: the point with x⁴ = b is not of order 4", c.Name())
			}
		}
		// An ECDH with a point forced past decoding, of order 2, and an
		// even scalar gives the point at infinity.
		k, err := c.NewPrivateKey(append(make([]byte, c.ScalarLen()-1), 2))
		if err != nil {
			t.Fatal(err)
		}
		pt, _ := bc.decode(t2, false)
		if _, err := k.ECDH(&PublicKey{curve: c, bp: pt}); !errors.Is(err, ErrSharedInfinity) {
			t.Errorf("%s: ECDH at infinity: %v", c.Name(), err)
		}
	}
}

// TestBinaryLadderEdges checks the ladder against the affine law for
// small scalars and a scalar with leading zero bytes, and the key's
// public point for d = 1 and d = n − 1.
func TestBinaryLadderEdges(t *testing.T) {
	for _, c := range binCurves() {
		bc := c.bin
		g := binPoint{x: bc.gx, y: bc.gy}
		acc := binPoint{inf: true}
		for k := 1; k <= 9; k++ {
			acc = bc.add(acc, g)
			sc := make([]byte, c.ScalarLen())
			sc[len(sc)-1] = byte(k)
			got, inf := bc.mulXY(&g, sc)
			if inf != 0 || gfEqual(&got.x, &acc.x) != 1 || gfEqual(&got.y, &acc.y) != 1 {
				t.Fatalf("%s: %d·G differs from repeated addition", c.Name(), k)
			}
		}
		one := append(make([]byte, c.ScalarLen()-1), 1)
		k1, err := c.NewPrivateKey(one)
		if err != nil || !bytes.Equal(k1.PublicKey().Bytes(), bc.encode(&g)) {
			t.Fatalf("%s: 1·G: %v", c.Name(), err)
		}
		nm1 := new(big.Int).Sub(c.nBig, big.NewInt(1)).FillBytes(make([]byte, c.ScalarLen()))
		kn, err := c.NewPrivateKey(nm1)
		if err != nil {
			t.Fatalf("%s: (n−1)·G: %v", c.Name(), err)
		}
		neg := binPoint{x: g.x}
		gfAdd(&neg.y, &g.x, &g.y)
		if !bytes.Equal(kn.PublicKey().Bytes(), bc.encode(&neg)) {
			t.Fatalf("%s: (n−1)·G is not −G", c.Name())
		}
	}
}

// BenchmarkBinaryFieldMul is one multiplication in each binary field.
func BenchmarkBinaryFieldMul(b *testing.B) {
	for _, c := range binCurves() {
		if !strings.HasSuffix(c.Name(), "k1") {
			continue
		}
		b.Run(c.Name(), func(b *testing.B) {
			f := &c.bin.f
			x, y := c.bin.gx, c.bin.gy
			for b.Loop() {
				f.mul(&x, &x, &y)
			}
		})
	}
}
