package pki

import (
	"crypto"
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
// "DSA PRIVATE KEY", and PKCS#8) and DSA-signed certificates and CRLs are
// verified (crypto/x509 no longer verifies DSA signatures). DSA signing is
// not offered: it would need constant-time arithmetic on the secret
// exponent, and the TLS uses of a DSA key (DHE_DSS suites, DSA client
// authentication) are not implemented. A DSA key therefore loads as a
// *DSAKey whose Sign fails with ErrDSASigning, so that the ssl package can
// refuse it with a clear error.

// ErrDSASigning is returned by (*DSAKey).Sign.
var ErrDSASigning = errors.New("pki: DSA signing is not supported (no DHE_DSS key exchange or DSA client authentication)")

// DSAKey is a DSA private key held as a crypto.Signer that cannot sign.
type DSAKey struct{ dsa.PrivateKey }

// Public returns the *dsa.PublicKey.
func (k *DSAKey) Public() crypto.PublicKey { return &k.PublicKey }

// Sign always fails with ErrDSASigning.
func (k *DSAKey) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, ErrDSASigning
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
	if params.P == nil || params.G == nil || x.Sign() <= 0 {
		return nil, true, errors.New("pki: malformed DSA private key")
	}
	y := new(big.Int).Exp(params.G, x, params.P)
	k, err := newDSAKey(params.P, params.Q, params.G, y, x)
	return k, true, err
}

func newDSAKey(p, q, g, y, x *big.Int) (*DSAKey, error) {
	for _, v := range []*big.Int{p, q, g, y, x} {
		if v == nil || v.Sign() <= 0 {
			return nil, errors.New("pki: malformed DSA private key")
		}
	}
	if p.BitLen() < 1024 || p.BitLen() > 3072 || q.BitLen() > 256 {
		return nil, errors.New("pki: DSA key of unsupported size")
	}
	if new(big.Int).Exp(g, x, p).Cmp(y) != 0 {
		return nil, errors.New("pki: DSA private key is inconsistent (y != g^x mod p)")
	}
	k := &DSAKey{}
	k.P, k.Q, k.G, k.Y, k.X = p, q, g, y, x
	return k, nil
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
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(sig, &rs); err != nil || len(rest) != 0 || rs.R == nil || rs.S == nil {
		return false
	}
	// FIPS 186-4, Section 4.6: the digest is truncated to the size of q.
	if n := (pub.Q.BitLen() + 7) / 8; len(digest) > n {
		digest = digest[:n]
	}
	return dsa.Verify(pub, digest, rs.R, rs.S)
}
