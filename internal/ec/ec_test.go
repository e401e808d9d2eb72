package ec

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"testing"
)

type vector struct {
	Curve, D1, Q1, D2, Q2, Shared, Msg string
	SigSHA256                          string `json:"sig_sha256"`
}

// loadVectors reads the vectors of the prime curves (vectors.json) and of
// the binary ones (binvectors.json, genvectors.py binary).
func loadVectors(t testing.TB) []vector {
	t.Helper()
	var vs []vector
	for _, name := range []string{"testdata/vectors.json", "testdata/binvectors.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var part []vector
		if err := json.Unmarshal(b, &part); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, part...)
	}
	if len(vs) != len(Curves()) {
		t.Fatalf("%d vectors for %d curves", len(vs), len(Curves()))
	}
	return vs
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scalarBytes reads OpenSSL's printing of a private key (which may carry
// a leading zero byte) as ScalarLen bytes.
func scalarBytes(t testing.TB, c *Curve, s string) []byte {
	return new(big.Int).SetBytes(unhex(t, s)).FillBytes(make([]byte, c.ScalarLen()))
}

// TestKnownAnswers checks scalar multiplication (d·G against OpenSSL's
// public key), ECDH (against openssl pkeyutl -derive), point decoding and
// ECDSA verification of OpenSSL's signature, for every curve, with the
// vectors of testdata/vectors.json (testdata/genvectors.py).
func TestKnownAnswers(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Curve, func(t *testing.T) {
			c := ByName(v.Curve)
			if c == nil {
				t.Fatal("no curve")
			}
			k1, err := c.NewPrivateKey(scalarBytes(t, c, v.D1))
			if err != nil {
				t.Fatal(err)
			}
			if got := k1.PublicKey().Bytes(); !bytes.Equal(got, unhex(t, v.Q1)) {
				t.Fatalf("d1·G = %x, want %s", got, v.Q1)
			}
			k2, err := c.NewPrivateKey(scalarBytes(t, c, v.D2))
			if err != nil {
				t.Fatal(err)
			}
			if got := k2.PublicKey().Bytes(); !bytes.Equal(got, unhex(t, v.Q2)) {
				t.Fatalf("d2·G = %x, want %s", got, v.Q2)
			}
			q2, err := c.NewPublicKey(unhex(t, v.Q2))
			if err != nil {
				t.Fatal(err)
			}
			q1, err := c.NewPublicKey(unhex(t, v.Q1))
			if err != nil {
				t.Fatal(err)
			}
			s1, err := k1.ECDH(q2)
			if err != nil {
				t.Fatal(err)
			}
			s2, err := k2.ECDH(q1)
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, v.Shared); !bytes.Equal(s1, want) || !bytes.Equal(s2, want) {
				t.Fatalf("shared %x / %x, want %x", s1, s2, want)
			}
			digest := sha256.Sum256([]byte(v.Msg))
			if !Verify(q1, digest[:], unhex(t, v.SigSHA256)) {
				t.Fatal("OpenSSL's signature does not verify")
			}
			digest[0] ^= 1
			if Verify(q1, digest[:], unhex(t, v.SigSHA256)) {
				t.Fatal("signature verifies over another digest")
			}
		})
	}
}

// TestSignVerify signs with every curve and checks the signature with
// Verify, and that it fails for another key or a changed signature.
func TestSignVerify(t *testing.T) {
	for _, c := range Curves() {
		t.Run(c.Name(), func(t *testing.T) {
			k, err := c.GenerateKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			other, _ := c.GenerateKey(rand.Reader)
			digest := sha256.Sum256([]byte("message"))
			sig, err := k.Sign(rand.Reader, digest[:], nil)
			if err != nil {
				t.Fatal(err)
			}
			if !Verify(k.PublicKey(), digest[:], sig) {
				t.Fatal("own signature does not verify")
			}
			if Verify(other.PublicKey(), digest[:], sig) {
				t.Fatal("signature verifies under another key")
			}
			bad := append([]byte(nil), sig...)
			bad[len(bad)-1] ^= 1
			if Verify(k.PublicKey(), digest[:], bad) {
				t.Fatal("changed signature verifies")
			}
			// Hedged nonces: two signatures of the same digest differ.
			sig2, _ := k.Sign(rand.Reader, digest[:], nil)
			if bytes.Equal(sig, sig2) {
				t.Fatal("same nonce twice")
			}
		})
	}
}

// TestPointDecoding checks that decoding refuses the point at infinity,
// compressed points where not allowed, coordinates >= p, points off the
// curve and wrong lengths, and that compressed points decode where
// allowed.
func TestPointDecoding(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Curve, func(t *testing.T) {
			c := ByName(v.Curve)
			q := unhex(t, v.Q1)
			n := c.FieldLen()
			comp := append([]byte{2 | compressedBit(t, c, q)}, q[1:1+n]...)
			offCurve := append([]byte(nil), q...)
			offCurve[len(offCurve)-1] ^= 1
			bigX := append([]byte(nil), q...)
			if c.bin != nil {
				bigX[1] |= 0x80 // x of degree m or more
			} else {
				copy(bigX[1:1+n], c.pBig.Bytes())
			}
			for name, tc := range map[string]struct {
				in   []byte
				want error
			}{
				"infinity":    {[]byte{0}, ErrPointInfinity},
				"empty":       {nil, ErrPointEncoding},
				"compressed":  {comp, ErrPointCompressed},
				"off curve":   {offCurve, ErrPointNotOnCurve},
				"x = p":       {bigX, ErrPointEncoding},
				"short":       {q[:len(q)-1], ErrPointEncoding},
				"long":        {append(append([]byte(nil), q...), 0), ErrPointEncoding},
				"bad prefix":  {append([]byte{5}, q[1:]...), ErrPointEncoding},
				"hybrid form": {append([]byte{6}, q[1:]...), ErrPointEncoding},
				"zero point":  {make([]byte, 1+2*n), ErrPointEncoding},
				"zero coords": {append([]byte{4}, make([]byte, 2*n)...), ErrPointNotOnCurve},
			} {
				if _, err := c.NewPublicKey(tc.in); !errors.Is(err, tc.want) {
					t.Errorf("%s: got %v, want %v", name, err, tc.want)
				}
			}
			k, err := c.NewPublicKeyAnyForm(comp)
			if err != nil || !bytes.Equal(k.Bytes(), q) {
				t.Fatalf("compressed form: %v", err)
			}
			comp[0] ^= 1 // the other y
			if k, err := c.NewPublicKeyAnyForm(comp); err != nil || bytes.Equal(k.Bytes(), q) {
				t.Fatalf("compressed form with the other parity: %v", err)
			}
		})
	}
}

// TestCompleteFormulas checks the cases where incomplete formulas fail:
// P + P, P + (−P) = O, O + P, O + O, against scalar multiplication.
func TestCompleteFormulas(t *testing.T) {
	for _, c := range Curves() {
		c.init()
		if c.bin != nil {
			continue // TestBinaryDomainParameters
		}
		g := c.g
		two := c.newPoint()
		c.addPoints(two, g, g, c.newScratch())
		want := c.scalarMult(g, []byte{2})
		if !samePoint(c, two, want) {
			t.Fatalf("%s: G+G != 2·G", c.Name())
		}
		neg := point{x: c.copyFE(g.x), y: c.fe(), z: c.feOne()}
		c.sub(neg.y, neg.y, g.y)
		sum := c.newPoint()
		c.addPoints(sum, g, neg, c.newScratch())
		if sum.z.IsZero() != 1 {
			t.Fatalf("%s: G + (−G) is not the point at infinity", c.Name())
		}
		c.addPoints(sum, c.identity(), g, c.newScratch())
		if !samePoint(c, sum, g) {
			t.Fatalf("%s: O + G != G", c.Name())
		}
		c.addPoints(sum, c.identity(), c.identity(), c.newScratch())
		if sum.z.IsZero() != 1 {
			t.Fatalf("%s: O + O != O", c.Name())
		}
		// n·G = O and (n−1)·G = −G.
		if nG := c.scalarMult(g, c.nBig.Bytes()); nG.z.IsZero() != 1 {
			t.Fatalf("%s: n·G is not the point at infinity", c.Name())
		}
		nm1 := new(big.Int).Sub(c.nBig, big.NewInt(1)).Bytes()
		if !samePoint(c, c.scalarMult(g, nm1), neg) {
			t.Fatalf("%s: (n−1)·G != −G", c.Name())
		}
	}
}

func samePoint(c *Curve, p1, p2 point) bool {
	x1, y1, err1 := c.affine(p1)
	x2, y2, err2 := c.affine(p2)
	return err1 == nil && err2 == nil && bytes.Equal(x1, x2) && bytes.Equal(y1, y2)
}

// TestPrivateKeyRange refuses 0, n and a scalar of the wrong length.
func TestPrivateKeyRange(t *testing.T) {
	for _, c := range Curves() {
		if _, err := c.NewPrivateKey(make([]byte, c.ScalarLen())); err == nil {
			t.Errorf("%s: zero scalar accepted", c.Name())
		}
		if _, err := c.NewPrivateKey(c.nBig.FillBytes(make([]byte, c.ScalarLen()))); err == nil {
			t.Errorf("%s: scalar n accepted", c.Name())
		}
		if _, err := c.NewPrivateKey([]byte{1}); err == nil && c.ScalarLen() != 1 {
			t.Errorf("%s: short scalar accepted", c.Name())
		}
	}
}

// TestCurveLookup checks the three ways to find a curve.
func TestCurveLookup(t *testing.T) {
	for _, c := range Curves() {
		if ByName(c.Name()) != c || ByTLSGroup(c.TLSGroup()) != c || ByOID(c.OID()) != c {
			t.Errorf("%s: lookup mismatch", c.Name())
		}
	}
}

// BenchmarkECDH is one ECDHE side per curve: a fresh key and an agreement
// (the work of one TLS handshake side); kx's benchmarks put P-256 next to
// it.
func BenchmarkECDH(b *testing.B) {
	for _, c := range Curves() {
		b.Run(c.Name(), func(b *testing.B) {
			peer, _ := c.GenerateKey(rand.Reader)
			for b.Loop() {
				k, err := c.GenerateKey(rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := k.ECDH(peer.PublicKey()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
