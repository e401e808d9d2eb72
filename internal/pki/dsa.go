package pki

import (
	"crypto"
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // DSA is deprecated, but peers still present DSA certificates and keys.
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
)

// DSA support: DSA private keys are read (Erlang's 'DSAPrivateKey', PEM
// "DSA PRIVATE KEY", and PKCS#8), sign (DHE_DSS ServerKeyExchange, DSA
// client authentication; dsasign.go), and DSA signatures on certificates,
// CRLs and handshake messages are verified (crypto/x509 no longer verifies
// DSA signatures).
//
// Go's crypto/dsa is deprecated and not constant-time: its Sign runs the
// secret nonce and exponent through math/big. gossl uses only its key types
// (crypto/x509 parses DSA public keys into *dsa.PublicKey); signing does
// its arithmetic with filippo.io/bigmod, and verification, which handles
// only public values, with math/big.

// DSAKey is a DSA private key, a crypto.Signer whose Sign takes a digest
// and returns the DER Dss-Sig-Value (RFC 3279, 2.2.2) that TLS sends (RFC
// 5246, 4.7).
type DSAKey struct {
	dsa.PrivateKey
	ct *dsaSecret
}

// Public returns the *dsa.PublicKey.
func (k *DSAKey) Public() crypto.PublicKey { return &k.PublicKey }

// Sign signs digest, the output of the hash opts names (any hash: the
// digest is cut to the size of q, FIPS 186-4, 4.6), with a nonce drawn from
// rand (crypto/rand when nil).
func (k *DSAKey) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts != nil && opts.HashFunc() != 0 && len(digest) != opts.HashFunc().Size() {
		return nil, errors.New("pki: DSA digest length does not match its hash")
	}
	ct := k.ct
	if ct == nil {
		var err error
		if ct, err = newDSASecret(k.P, k.Q, k.G, k.X); err != nil {
			return nil, err
		}
	}
	return ct.sign(rand, digest)
}

var oidDSA = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}

// parseDSAPrivateKey reads OpenSSL's "DSA PRIVATE KEY" structure:
// SEQUENCE { version 0, p, q, g, y, x }.
func parseDSAPrivateKey(der []byte) (*DSAKey, error) {
	var k struct {
		Version       int
		P, Q, G, Y, X *big.Int
	}
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil || len(rest) != 0 || k.Version != 0 {
		return nil, errors.New("pki: malformed DSA private key")
	}
	return newDSAKey(k.P, k.Q, k.G, k.Y, k.X)
}

// parsePKCS8DSA reads a PKCS#8 PrivateKeyInfo holding a DSA key; ok is
// false when der is not a DSA PrivateKeyInfo.
func parsePKCS8DSA(der []byte) (key *DSAKey, ok bool, err error) {
	var info struct {
		Version int
		Algo    struct {
			Algorithm  asn1.ObjectIdentifier
			Parameters asn1.RawValue
		}
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil || !info.Algo.Algorithm.Equal(oidDSA) {
		return nil, false, nil
	}
	var params struct{ P, Q, G *big.Int }
	if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &params); err != nil {
		return nil, true, errors.New("pki: malformed DSA parameters")
	}
	x := new(big.Int)
	if _, err := asn1.Unmarshal(info.PrivateKey, &x); err != nil {
		return nil, true, errors.New("pki: malformed DSA private key")
	}
	// y is not stored: newDSAKey computes it (constant-time) from x.
	k, err := newDSAKey(params.P, params.Q, params.G, nil, x)
	return k, true, err
}

// newDSAKey checks the domain parameters and that y = g^x mod p (when y is
// nil it is computed), and prepares the key for constant-time signing.
func newDSAKey(p, q, g, y, x *big.Int) (*DSAKey, error) {
	for _, v := range []*big.Int{p, q, g, x} {
		if v == nil || v.Sign() <= 0 {
			return nil, errors.New("pki: malformed DSA private key")
		}
	}
	if err := checkDSADomain(p, q, g); err != nil {
		return nil, err
	}
	if x.Cmp(q) >= 0 {
		return nil, errors.New("pki: malformed DSA private key (x >= q)")
	}
	// q must be prime for the nonce inverse (k^(q-2) mod q) to be right;
	// checking it costs little at load time (q is at most 256 bits).
	if !q.ProbablyPrime(20) {
		return nil, errors.New("pki: DSA parameter q is not prime")
	}
	ct, err := newDSASecret(p, q, g, x)
	if err != nil {
		return nil, err
	}
	computed := new(big.Int).SetBytes(ct.publicValue())
	if y == nil {
		y = computed
	} else if computed.Cmp(y) != 0 {
		return nil, errors.New("pki: DSA private key is inconsistent (y != g^x mod p)")
	}
	k := &DSAKey{ct: ct}
	k.P, k.Q, k.G, k.Y, k.X = p, q, g, y, x
	return k, nil
}

// checkDSADomain checks DSA domain parameters, which are public: sizes of
// FIPS 186-4, 4.2 (L from 1024 to 3072 bits, N from 160 to 256; gossl
// bounds a peer's key the same way so that checking its signature costs a
// bounded time), odd p and q, q dividing p-1, and g of order q in [2, p-1].
func checkDSADomain(p, q, g *big.Int) error {
	if p.BitLen() < 1024 || p.BitLen() > 3072 || q.BitLen() < 160 || q.BitLen() > 256 {
		return ErrDSAKeySize
	}
	one := big.NewInt(1)
	pm1 := new(big.Int).Sub(p, one)
	if p.Bit(0) == 0 || q.Bit(0) == 0 || new(big.Int).Mod(pm1, q).Sign() != 0 ||
		g.Cmp(one) <= 0 || g.Cmp(pm1) >= 0 || new(big.Int).Exp(g, q, p).Cmp(one) != 0 {
		return ErrDSADomain
	}
	return nil
}

// dsaPublicEqual compares a DSA key with a certificate's public key.
func dsaPublicEqual(k *DSAKey, pub crypto.PublicKey) bool {
	p, ok := pub.(*dsa.PublicKey)
	return ok && p.Y.Cmp(k.Y) == 0 && p.P.Cmp(k.P) == 0 && p.Q.Cmp(k.Q) == 0 && p.G.Cmp(k.G) == 0
}

// checkDSASignature verifies a DSA signature over signed made with the key
// of issuer; it reports false for any other kind of key or algorithm.
func checkDSASignature(issuer *x509.Certificate, alg x509.SignatureAlgorithm, signed, sig []byte) bool {
	pub, ok := issuer.PublicKey.(*dsa.PublicKey)
	if !ok {
		return false
	}
	var digest []byte
	switch alg {
	case x509.DSAWithSHA1:
		h := sha1.Sum(signed)
		digest = h[:]
	case x509.DSAWithSHA256:
		h := sha256.Sum256(signed)
		digest = h[:]
	default:
		return false
	}
	return VerifyDSA(pub, digest, sig) == nil
}
