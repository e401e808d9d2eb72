package pki

import (
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // only the key types: see dsa.go
	"crypto/rand"
	"errors"
	"io"
	"math/big"

	"filippo.io/bigmod"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// DSA signing and verification (FIPS 186-4, 4.6 and 4.7).
//
// Signing handles two secrets, the key x and the per-signature nonce k;
// both go only through filippo.io/bigmod, whose modular arithmetic runs in
// time independent of the values (math/big's Exp and ModInverse do not,
// and crypto/dsa.Sign uses them). k is drawn from the caller's random
// source by rejection sampling, so it is uniform in [1, q-1]; its inverse
// is k^(q-2) mod q (Fermat; q is prime), again a constant-time
// exponentiation. Verification uses only public values and math/big.

// Errors of VerifyDSA.
var (
	// ErrDSASignatureEncoding: the signature is not a DER Dss-Sig-Value,
	// SEQUENCE { r INTEGER, s INTEGER } (RFC 3279, 2.2.2).
	ErrDSASignatureEncoding = errors.New("pki: DSA signature is not a DER SEQUENCE of two INTEGERs")
	// ErrDSASignatureRange: r or s is not in [1, q-1] (FIPS 186-4, 4.7).
	ErrDSASignatureRange = errors.New("pki: DSA signature value r or s is not in [1, q-1]")
	// ErrDSAKeySize: p or q has a size outside FIPS 186-4 (p of 1024 to
	// 3072 bits, q of 160 to 256 bits).
	ErrDSAKeySize = errors.New("pki: DSA key of unsupported size (p must have 1024 to 3072 bits, q 160 to 256)")
	// ErrDSADomain: the domain parameters are inconsistent (p or q even,
	// q not dividing p-1, g not of order q).
	ErrDSADomain = errors.New("pki: malformed DSA domain parameters")
	// ErrDSABadSignature: the signature does not verify.
	ErrDSABadSignature = errors.New("pki: DSA signature does not verify")
)

// dsaSecret is a DSA private key in bigmod form.
type dsaSecret struct {
	p, q    *bigmod.Modulus
	g       *bigmod.Nat // reduced mod p
	x       *bigmod.Nat // reduced mod q
	qMinus2 []byte      // the public exponent that inverts mod q
	n       int         // bit length of q
}

func newDSASecret(p, q, g, x *big.Int) (*dsaSecret, error) {
	pm, err := bigmod.NewModulus(p.Bytes())
	if err != nil || p.Bit(0) == 0 {
		return nil, ErrDSADomain
	}
	qm, err := bigmod.NewModulus(q.Bytes())
	if err != nil || q.Bit(0) == 0 {
		return nil, ErrDSADomain
	}
	gn, err := bigmod.NewNat().SetBytes(g.Bytes(), pm)
	if err != nil {
		return nil, ErrDSADomain
	}
	xb := x.FillBytes(make([]byte, qm.Size()))
	xn, err := bigmod.NewNat().SetBytes(xb, qm)
	clear(xb)
	if err != nil {
		return nil, errors.New("pki: malformed DSA private key (x >= q)")
	}
	return &dsaSecret{p: pm, q: qm, g: gn, x: xn, qMinus2: new(big.Int).Sub(q, big.NewInt(2)).Bytes(), n: q.BitLen()}, nil
}

// publicValue returns y = g^x mod p (big-endian, the size of p).
func (d *dsaSecret) publicValue() []byte {
	xb := d.x.Bytes(d.q)
	defer clear(xb)
	return bigmod.NewNat().Exp(d.g, xb, d.p).Bytes(d.p)
}

// dsaDigest returns the leftmost n bits of digest (FIPS 186-4, 4.6: z is
// the leftmost min(N, outlen) bits of the hash), big-endian.
func dsaDigest(digest []byte, n int) []byte {
	nb := (n + 7) / 8
	if len(digest) <= nb {
		if len(digest) < nb || n%8 == 0 {
			return digest
		}
	}
	z := new(big.Int).SetBytes(digest[:nb])
	if extra := nb*8 - n; extra > 0 {
		z.Rsh(z, uint(extra))
	}
	return z.FillBytes(make([]byte, nb))
}

// maxNonceTries bounds the rejection sampling of k and the retries for
// r = 0 or s = 0. A candidate is rejected with probability below 1/2 (q's
// top bit is set), so 64 tries fail only with a broken random source.
const maxNonceTries = 64

// sign returns the DER Dss-Sig-Value of digest.
func (d *dsaSecret) sign(random io.Reader, digest []byte) ([]byte, error) {
	if random == nil {
		random = rand.Reader
	}
	z, err := bigmod.NewNat().SetOverflowingBytes(dsaDigest(digest, d.n), d.q)
	if err != nil {
		return nil, errors.New("pki: DSA digest too long")
	}
	size := d.q.Size()
	buf := make([]byte, size)
	defer clear(buf)
	for range maxNonceTries {
		if _, err := io.ReadFull(random, buf); err != nil {
			return nil, errors.New("pki: DSA signing: reading randomness: " + err.Error())
		}
		// Keep n bits, then reject values not in [1, q-1]; what is
		// learned from a rejection is about a discarded value.
		buf[0] &= 0xff >> (8*size - d.n)
		k, err := bigmod.NewNat().SetBytes(buf, d.q)
		if err != nil || k.IsZero() == 1 {
			continue
		}
		kb := k.Bytes(d.q) // the size of q whatever k's value
		// r = (g^k mod p) mod q.
		r := bigmod.NewNat().Mod(bigmod.NewNat().Exp(d.g, kb, d.p), d.q)
		clear(kb)
		if r.IsZero() == 1 {
			continue
		}
		rb := r.Bytes(d.q)
		// s = k^-1 (z + x r) mod q.
		kinv := bigmod.NewNat().Exp(k, d.qMinus2, d.q)
		s := r.Mul(d.x, d.q).Add(z, d.q).Mul(kinv, d.q)
		if s.IsZero() == 1 {
			continue
		}
		return marshalDSASignature(rb, s.Bytes(d.q)), nil
	}
	return nil, errors.New("pki: DSA signing: no usable nonce (bad random source)")
}

// marshalDSASignature encodes SEQUENCE { r INTEGER, s INTEGER } (RFC
// 3279, 2.2.2) from big-endian unsigned r and s.
func marshalDSASignature(r, s []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(new(big.Int).SetBytes(r))
		b.AddASN1BigInt(new(big.Int).SetBytes(s))
	})
	return b.BytesOrPanic()
}

// VerifyDSA checks a DER Dss-Sig-Value over digest (any hash output: it is
// cut to the size of q) with pub (FIPS 186-4, 4.7). It returns
// ErrDSASignatureEncoding, ErrDSASignatureRange, ErrDSAKeySize,
// ErrDSADomain or ErrDSABadSignature; nil when the signature is good.
func VerifyDSA(pub *dsa.PublicKey, digest, sig []byte) error {
	if pub == nil || pub.P == nil || pub.Q == nil || pub.G == nil || pub.Y == nil {
		return ErrDSADomain
	}
	var r, s big.Int
	in := cryptobyte.String(sig)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, cbasn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&s) || !seq.Empty() {
		return ErrDSASignatureEncoding
	}
	if err := checkDSADomain(pub.P, pub.Q, pub.G); err != nil {
		return err
	}
	one := big.NewInt(1)
	if pub.Y.Cmp(one) <= 0 || pub.Y.Cmp(pub.P) >= 0 {
		return ErrDSADomain
	}
	q := pub.Q
	if r.Sign() <= 0 || r.Cmp(q) >= 0 || s.Sign() <= 0 || s.Cmp(q) >= 0 {
		return ErrDSASignatureRange
	}
	w := new(big.Int).ModInverse(&s, q)
	if w == nil {
		return ErrDSABadSignature // q is not prime
	}
	z := new(big.Int).SetBytes(dsaDigest(digest, q.BitLen()))
	u1 := z.Mul(z, w)
	u1.Mod(u1, q)
	u2 := w.Mul(&r, w)
	u2.Mod(u2, q)
	v := new(big.Int).Exp(pub.G, u1, pub.P)
	v.Mul(v, new(big.Int).Exp(pub.Y, u2, pub.P))
	v.Mod(v, pub.P)
	v.Mod(v, q)
	if v.Cmp(&r) != 0 {
		return ErrDSABadSignature
	}
	return nil
}
