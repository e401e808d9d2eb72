package ec

import (
	"crypto"
	"crypto/hmac"
	"crypto/sha512"
	"errors"
	"io"
	"math/big"

	"filippo.io/bigmod"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// ECDSA (FIPS 186-4, 6.4; SEC 1 v2, 4.1.3 and 4.1.4). Signatures are the
// DER Ecdsa-Sig-Value SEQUENCE { r INTEGER, s INTEGER } that TLS (RFC 8422,
// 5.4) and X.509 (RFC 5480, Appendix A) carry.

// Public returns the *PublicKey (crypto.Signer).
func (k *PrivateKey) Public() crypto.PublicKey { return k.pub }

// Sign signs digest, the hash of the message under opts (crypto.Signer),
// and returns the DER signature. The nonce is derived as in RFC 6979's
// spirit from the key, the digest and 32 fresh bytes of rand (a hedged
// nonce: still safe when rand is weak, still unpredictable when the key
// signs the same digest twice), expanded with HMAC-SHA-512 to 128 bits
// more than n so that its reduction mod n has no usable bias.
func (k *PrivateKey) Sign(rand io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	c := k.curve
	c.init()
	e := c.hashToScalar(digest)
	d, err := bigmod.NewNat().SetBytes(k.d, c.n)
	if err != nil {
		return nil, errors.New("ec: private key out of range")
	}
	entropy := make([]byte, 32)
	if rand != nil {
		if _, err := io.ReadFull(rand, entropy); err != nil {
			return nil, err
		}
	}
	nm2 := new(big.Int).Sub(c.nBig, big.NewInt(2)).Bytes()
	for counter := byte(0); counter < 64; counter++ {
		kb := c.nonce(k.d, digest, entropy, counter)
		kn := bigmod.NewNat().Mod(natFromBytes(kb), c.n)
		if kn.IsZero() == 1 {
			continue
		}
		kBytes := kn.Bytes(c.n)
		x, err := c.basePointX(kBytes)
		if err != nil {
			continue
		}
		// r = x mod n, x read as an integer (SEC 1 v2, 4.1.3, step 1).
		r := bigmod.NewNat().Mod(natFromBytes(x), c.n)
		if r.IsZero() == 1 {
			continue
		}
		// s = k⁻¹ (e + r·d) mod n, with k⁻¹ = k^(n−2) (n is prime).
		kinv := bigmod.NewNat().Exp(kn, nm2, c.n)
		s := bigmod.NewNat().ExpandFor(c.n)
		copy(s.Bits(), r.Bits())
		s.Mul(d, c.n)
		s.Add(e, c.n)
		s.Mul(kinv, c.n)
		if s.IsZero() == 1 {
			continue
		}
		return encodeSignature(r.Bytes(c.n), s.Bytes(c.n))
	}
	return nil, errors.New("ec: no usable nonce")
}

// nonce derives the candidate nonce for attempt counter.
func (c *Curve) nonce(d, digest, entropy []byte, counter byte) []byte {
	mac := hmac.New(sha512.New, append(append([]byte(nil), d...), entropy...))
	out := make([]byte, 0, c.scalarLen+16+sha512.Size)
	for block := byte(0); len(out) < c.scalarLen+16; block++ {
		mac.Reset()
		mac.Write([]byte{counter, block})
		mac.Write(digest)
		out = mac.Sum(out)
	}
	return out[:c.scalarLen+16]
}

// natFromBytes returns b as a Nat of its own size, for Mod.
func natFromBytes(b []byte) *bigmod.Nat {
	m := make([]byte, len(b)+1)
	m[0] = 1
	mod, _ := bigmod.NewModulus(m) // 2^(8·len(b)), just above any b
	x, _ := bigmod.NewNat().SetBytes(b, mod)
	return x
}

// hashToScalar is the integer e of FIPS 186-4, 6.4: the leftmost
// min(N, outlen) bits of the digest, reduced mod n.
func (c *Curve) hashToScalar(digest []byte) *bigmod.Nat {
	e := new(big.Int).SetBytes(digest)
	if excess := 8*len(digest) - c.nBits; excess > 0 {
		e.Rsh(e, uint(excess))
	}
	e.Mod(e, c.nBig)
	out, _ := bigmod.NewNat().SetBytes(e.FillBytes(make([]byte, c.scalarLen)), c.n)
	return out
}

// combination returns the x-coordinate of u1·G + u2·Q, or false when the
// sum is the point at infinity (public values only).
func (c *Curve) combination(u1, u2 []byte, pub *PublicKey) ([]byte, bool) {
	if c.bin != nil {
		g := binPoint{x: c.bin.gx, y: c.bin.gy}
		sum := c.bin.add(c.bin.mulPublic(g, u1), c.bin.mulPublic(pub.bp, u2))
		return c.bin.f.bytes(&sum.x), !sum.inf
	}
	p1 := c.scalarMult(c.g, u1)
	p2 := c.scalarMult(pub.p, u2)
	c.addPoints(p1, p1, p2, c.newScratch())
	x, _, err := c.affine(p1)
	return x, err == nil
}

func encodeSignature(r, s []byte) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(new(big.Int).SetBytes(r))
		b.AddASN1BigInt(new(big.Int).SetBytes(s))
	})
	return b.Bytes()
}

// Verify reports whether sig, a DER Ecdsa-Sig-Value, is a valid signature
// of digest by pub (FIPS 186-4, 6.4.2). Everything here is public.
func Verify(pub *PublicKey, digest, sig []byte) bool {
	c := pub.curve
	c.init()
	var r, s = new(big.Int), new(big.Int)
	in := cryptobyte.String(sig)
	var inner cryptobyte.String
	if !in.ReadASN1(&inner, cbasn1.SEQUENCE) || !in.Empty() ||
		!inner.ReadASN1Integer(r) || !inner.ReadASN1Integer(s) || !inner.Empty() {
		return false
	}
	if r.Sign() <= 0 || s.Sign() <= 0 || r.Cmp(c.nBig) >= 0 || s.Cmp(c.nBig) >= 0 {
		return false
	}
	e := new(big.Int).SetBytes(c.hashToScalar(digest).Bytes(c.n))
	w := new(big.Int).ModInverse(s, c.nBig)
	u1 := new(big.Int).Mul(e, w)
	u1.Mod(u1, c.nBig)
	u2 := new(big.Int).Mul(r, w)
	u2.Mod(u2, c.nBig)
	x, ok := c.combination(u1.FillBytes(make([]byte, c.scalarLen)), u2.FillBytes(make([]byte, c.scalarLen)), pub)
	if !ok {
		return false
	}
	v := new(big.Int).SetBytes(x)
	v.Mod(v, c.nBig)
	return v.Cmp(r) == 0
}
