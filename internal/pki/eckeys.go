package pki

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/cloudflare/circl/sign/ed448"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/gossl/ssl/internal/ec"
)

// Keys crypto/x509 does not parse: ECDSA keys on the curves of
// internal/ec (secp256k1, brainpool, the smaller SEC 2 curves), as
// *ec.PublicKey and *ec.PrivateKey, and Ed448 keys (RFC 8410), as circl's
// ed448.PublicKey and ed448.PrivateKey. Certificates holding them are
// parsed by ParseCertificate, their signatures on certificates and CRLs
// checked by checkOtherSignature.

var (
	oidECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd448       = asn1.ObjectIdentifier{1, 3, 101, 113}
)

// ecPublicKeyOIDDER is the DER of id-ecPublicKey, which parseOtherKeyCert
// changes for crypto/x509's parse (see there).
var ecPublicKeyOIDDER = []byte{0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}

// parseOtherKeyCert parses a certificate whose public key crypto/x509
// refuses (an ECDSA key on a curve it does not know) or leaves nil (Ed448).
// crypto/x509 fails the whole certificate for an unknown named curve, so
// the SubjectPublicKeyInfo's algorithm is changed, in a copy, to an
// unknown OID of the same length; x509 then parses everything else and
// leaves the key to us, and the byte is put back, so every Raw field is
// the certificate as received (and its signature checks over it).
func parseOtherKeyCert(der []byte, x509Err error) (*x509.Certificate, error) {
	spki, off, ok := spkiOf(der)
	if !ok {
		return nil, errNotOtherKey
	}
	alg, key, ok := parseSPKI(spki)
	if !ok {
		return nil, errNotOtherKey
	}
	buf := bytes.Clone(der)
	var cert *x509.Certificate
	var err error
	switch {
	case alg.Algorithm.Equal(oidECPublicKey) && x509Err != nil:
		i := bytes.Index(spki, ecPublicKeyOIDDER)
		if i < 0 {
			return nil, errNotOtherKey
		}
		pos := off + i + len(ecPublicKeyOIDDER) - 1
		buf[pos] = 0x7f // 1.2.840.10045.2.127: no algorithm crypto/x509 knows
		cert, err = x509.ParseCertificate(buf)
		buf[pos] = der[pos]
	case alg.Algorithm.Equal(oidEd448) && x509Err == nil:
		cert, err = x509.ParseCertificate(buf)
	default:
		return nil, errNotOtherKey
	}
	if err != nil {
		return nil, err
	}
	pub, err := otherPublicKey(alg, key)
	if err != nil {
		return nil, err
	}
	cert.PublicKey = pub
	if _, isEC := pub.(*ec.PublicKey); isEC {
		cert.PublicKeyAlgorithm = x509.ECDSA
	}
	return cert, nil
}

// errNotOtherKey: the certificate's key is none of this file's.
var errNotOtherKey = errors.New("pki: not a key of eckeys.go")

// ParseCertificateUncached is x509.ParseCertificate that also takes the
// keys of this file, without the memo: the result belongs to the caller.
func ParseCertificateUncached(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil && c.PublicKey != nil {
		return c, nil
	}
	// Only a certificate this file could complete replaces x509's
	// answer: for any other key (id-RSASSA-PSS, say) x509's certificate
	// with a nil key, or its error, stands.
	if oc, oerr := parseOtherKeyCert(der, err); oerr == nil && oc != nil {
		return oc, nil
	}
	return c, err
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

// spkiOf returns the SubjectPublicKeyInfo of a certificate and its offset
// in der (RFC 5280, 4.1).
func spkiOf(der []byte) (spki []byte, off int, ok bool) {
	in := cryptobyte.String(der)
	var cert, tbs cryptobyte.String
	if !in.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, 0, false
	}
	if !tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.SkipASN1(cbasn1.INTEGER) || !tbs.SkipASN1(cbasn1.SEQUENCE) || // serial, signature
		!tbs.SkipASN1(cbasn1.SEQUENCE) || !tbs.SkipASN1(cbasn1.SEQUENCE) || // issuer, validity
		!tbs.SkipASN1(cbasn1.SEQUENCE) { // subject
		return nil, 0, false
	}
	var s cryptobyte.String
	if !tbs.ReadASN1Element(&s, cbasn1.SEQUENCE) {
		return nil, 0, false
	}
	// What follows the SubjectPublicKeyInfo is the rest of the TBS and of
	// the Certificate.
	return s, len(der) - len(tbs) - len(cert) - len(in) - len(s), true
}

func parseSPKI(spki []byte) (algorithmIdentifier, []byte, bool) {
	var info struct {
		Algorithm algorithmIdentifier
		PublicKey asn1.BitString
	}
	rest, err := asn1.Unmarshal(spki, &info)
	if err != nil || len(rest) != 0 || info.PublicKey.BitLength%8 != 0 {
		return info.Algorithm, nil, false
	}
	return info.Algorithm, info.PublicKey.Bytes, true
}

// otherPublicKey decodes an ECDSA key on an internal/ec curve (RFC 5480,
// 2.1.1 and 2.2: named curve only, the point uncompressed or compressed)
// or an Ed448 key (RFC 8410, 4: no parameters, 57 bytes).
func otherPublicKey(alg algorithmIdentifier, key []byte) (crypto.PublicKey, error) {
	switch {
	case alg.Algorithm.Equal(oidEd448):
		if len(alg.Parameters.FullBytes) != 0 || len(key) != ed448.PublicKeySize {
			return nil, errors.New("pki: malformed Ed448 public key")
		}
		return ed448.PublicKey(bytes.Clone(key)), nil
	case alg.Algorithm.Equal(oidECPublicKey):
		var curveOID asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &curveOID); err != nil {
			return nil, errors.New("pki: ECDSA key without a named curve")
		}
		c := ec.ByOID(curveOID)
		if c == nil {
			return nil, fmt.Errorf("pki: unsupported elliptic curve %v", curveOID)
		}
		pub, err := c.NewPublicKeyAnyForm(key)
		if err != nil {
			return nil, fmt.Errorf("pki: %s public key: %w", c.Name(), err)
		}
		return pub, nil
	}
	return nil, errors.New("pki: unsupported public key algorithm")
}

// parseOtherECPrivateKey reads a SEC 1 ECPrivateKey (RFC 5915, 3) on an
// internal/ec curve; curveOID is the PKCS#8 algorithm's parameter, when
// the key comes from there.
func parseOtherECPrivateKey(der []byte, curveOID asn1.ObjectIdentifier) (*ec.PrivateKey, error) {
	var k struct {
		Version    int
		PrivateKey []byte
		Curve      asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
		PublicKey  asn1.BitString        `asn1:"optional,explicit,tag:1"`
	}
	if rest, err := asn1.Unmarshal(der, &k); err != nil || len(rest) != 0 || k.Version != 1 {
		return nil, errors.New("pki: malformed EC private key")
	}
	if len(k.Curve) == 0 {
		k.Curve = curveOID
	}
	c := ec.ByOID(k.Curve)
	if c == nil {
		return nil, fmt.Errorf("pki: unsupported elliptic curve %v", k.Curve)
	}
	d := k.PrivateKey
	for len(d) > c.ScalarLen() && d[0] == 0 {
		d = d[1:]
	}
	if len(d) < c.ScalarLen() {
		d = append(make([]byte, c.ScalarLen()-len(d)), d...)
	}
	priv, err := c.NewPrivateKey(d)
	if err != nil {
		return nil, fmt.Errorf("pki: %s private key: %w", c.Name(), err)
	}
	if len(k.PublicKey.Bytes) > 0 {
		pub, err := c.NewPublicKeyAnyForm(k.PublicKey.Bytes)
		if err != nil || !pub.Equal(priv.PublicKey()) {
			return nil, errors.New("pki: EC private key is inconsistent with its public key")
		}
	}
	return priv, nil
}

// parsePKCS8Other reads a PKCS#8 PrivateKeyInfo holding an ECDSA key on an
// internal/ec curve or an Ed448 key (RFC 8410, 7: the seed in an OCTET
// STRING); ok is false for any other key.
func parsePKCS8Other(der []byte) (key crypto.Signer, ok bool, err error) {
	var info struct {
		Version    int
		Algo       algorithmIdentifier
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, false, nil
	}
	switch {
	case info.Algo.Algorithm.Equal(oidEd448):
		var seed []byte
		if rest, err := asn1.Unmarshal(info.PrivateKey, &seed); err != nil || len(rest) != 0 || len(seed) != ed448.SeedSize {
			return nil, true, errors.New("pki: malformed Ed448 private key")
		}
		return ed448.NewKeyFromSeed(seed), true, nil
	case info.Algo.Algorithm.Equal(oidECPublicKey):
		var curveOID asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &curveOID); err != nil || ec.ByOID(curveOID) == nil {
			return nil, false, nil // crypto/x509's business, or its error
		}
		k, err := parseOtherECPrivateKey(info.PrivateKey, curveOID)
		return k, true, err
	}
	return nil, false, nil
}

// checkOtherSignature verifies a signature made with an internal/ec ECDSA
// key or an Ed448 key of issuer over signed (a certificate's or CRL's
// to-be-signed part). whole is the signed object's DER, whose
// signatureAlgorithm names the algorithm (crypto/x509 has no value for
// Ed448).
func checkOtherSignature(issuer *x509.Certificate, alg x509.SignatureAlgorithm, whole, signed, sig []byte) bool {
	switch pub := issuer.PublicKey.(type) {
	case *ec.PublicKey:
		var digest []byte
		switch alg {
		case x509.ECDSAWithSHA1:
			h := sha1.Sum(signed)
			digest = h[:]
		case x509.ECDSAWithSHA256:
			h := sha256.Sum256(signed)
			digest = h[:]
		case x509.ECDSAWithSHA384:
			h := sha512.Sum384(signed)
			digest = h[:]
		case x509.ECDSAWithSHA512:
			h := sha512.Sum512(signed)
			digest = h[:]
		default:
			return false
		}
		return ec.Verify(pub, digest, sig)
	case ed448.PublicKey:
		oid, ok := signatureOIDOf(whole)
		return ok && oid.Equal(oidEd448) && ed448.Verify(pub, signed, sig, "")
	}
	return false
}

// signatureOIDOf returns the signatureAlgorithm of a signed X.509 object
// (Certificate or CertificateList: SEQUENCE { tbs, AlgorithmIdentifier,
// BIT STRING }).
func signatureOIDOf(der []byte) (asn1.ObjectIdentifier, bool) {
	in := cryptobyte.String(der)
	var outer, ai cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !in.ReadASN1(&outer, cbasn1.SEQUENCE) || !outer.SkipASN1(cbasn1.SEQUENCE) ||
		!outer.ReadASN1(&ai, cbasn1.SEQUENCE) || !ai.ReadASN1ObjectIdentifier(&oid) {
		return nil, false
	}
	return oid, true
}

// IsEd448Signed reports whether a signed X.509 object (a certificate's
// Raw) names Ed448 as its signatureAlgorithm.
func IsEd448Signed(der []byte) bool {
	oid, ok := signatureOIDOf(der)
	return ok && oid.Equal(oidEd448)
}
