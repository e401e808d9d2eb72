package kx

import (
	"crypto"
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of DSA certificates
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"errors"
	"io"
	"strings"

	"github.com/cloudflare/circl/sign/ed448"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/ec"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/wire"
)

// Sign makes the signature of a digitally-signed struct (RFC 5246, 4.7)
// over msg: the signed params of ServerKeyExchange (7.4.3), the handshake
// log of a TLS 1.2 CertificateVerify (7.4.8), or the TLS 1.3
// CertificateVerify content (RFC 8446, 4.4.3) — the caller builds msg.
//
// From TLS 1.2 on, scheme says how msg is hashed and signed, and must suit
// key. Before TLS 1.2 pass scheme 0: the key type decides, RSA signing the
// 36-byte MD5 ‖ SHA-1 of msg without a DigestInfo (RFC 2246, 4.7), DSA
// (RFC 4346, 7.4.3) and ECDSA (RFC 8422, 5.10) the SHA-1 of msg.
func Sign(key crypto.Signer, scheme uint16, version uint16, msg []byte, rand io.Reader) ([]byte, error) {
	pub := key.Public()
	if wire.TLSVersion(version) < wire.VersionTLS12 {
		if scheme != 0 {
			return nil, internalError("signature scheme given before TLS 1.2")
		}
		return signLegacy(key, md5SHA1(msg), rand)
	}

	info, err := schemeFor(pub, scheme, version)
	if err != nil {
		// Choosing a scheme the key cannot make is our own mistake.
		return nil, internalError(err.(*alert.Error).Reason)
	}
	var sig []byte
	switch info.kind {
	case sigEd25519, sigEd448:
		// Pure EdDSA over the whole message, no context (RFC 8422,
		// 5.10; RFC 8446, 4.2.3).
		sig, err = key.Sign(rand, msg, crypto.Hash(0))
	case sigRSAPSS:
		sig, err = key.Sign(rand, hashOf(info.hash, msg),
			&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: info.hash})
	default: // PKCS #1 v1.5, ECDSA and DSA
		sig, err = key.Sign(rand, hashOf(info.hash, msg), info.hash)
	}
	if err != nil {
		return nil, internalError("signing with " + info.name + " failed")
	}
	return sig, nil
}

// Verify checks sig over msg, made by the holder of pub's private key with
// scheme (0 before TLS 1.2; see Sign). A signature that does not verify
// gives *alert.Error{DecryptError} (RFC 5246, 7.2.2); a scheme the key
// cannot have made, or one not allowed at version, gives
// *alert.Error{IllegalParameter}.
//
// Verify does not check that scheme was offered: the handshake must
// compare it with the signature_algorithms it sent.
func Verify(pub crypto.PublicKey, scheme uint16, version uint16, msg, sig []byte) error {
	if wire.TLSVersion(version) < wire.VersionTLS12 {
		if scheme != 0 {
			return illegalParameter("signature scheme given before TLS 1.2")
		}
		return verifyLegacy(pub, md5SHA1(msg), sig)
	}

	info, err := schemeFor(pub, scheme, version)
	if err != nil {
		return err
	}
	ok := false
	switch k := pub.(type) {
	case *rsa.PublicKey:
		digest := hashOf(info.hash, msg)
		if info.kind == sigRSAPSS {
			// RFC 8446, 4.2.3: the salt is as long as the hash. Go's
			// EqualsHash makes verification insist on exactly that.
			ok = rsa.VerifyPSS(k, info.hash, digest, sig,
				&rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		} else {
			ok = rsa.VerifyPKCS1v15(k, info.hash, digest, sig) == nil
		}
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(k, hashOf(info.hash, msg), sig)
	case *ec.PublicKey:
		ok = ec.Verify(k, hashOf(info.hash, msg), sig)
	case ed25519.PublicKey:
		ok = len(k) == ed25519.PublicKeySize && ed25519.Verify(k, msg, sig)
	case ed448.PublicKey:
		ok = len(k) == ed448.PublicKeySize && ed448.Verify(k, msg, sig, "")
	case *dsa.PublicKey:
		return verifyDSA(k, hashOf(info.hash, msg), sig)
	}
	if !ok {
		return badSignature()
	}
	return nil
}

// schemeFor looks scheme up and checks that pub can use it at version.
func schemeFor(pub crypto.PublicKey, scheme, version uint16) (schemeInfo, error) {
	info, ok := schemes[scheme]
	if !ok || info.kind == sigUnsupported {
		return info, illegalParameter("unsupported signature scheme " + SchemeName(scheme))
	}
	tls13 := wire.TLSVersion(version) >= wire.VersionTLS13
	if tls13 && !info.tls13 {
		return info, illegalParameter(info.name + " is not allowed in TLS 1.3")
	}
	if !tls13 && info.ecCurve != "" {
		return info, illegalParameter(info.name + " is for TLS 1.3 only (RFC 8734)")
	}
	match := false
	switch k := pub.(type) {
	case *rsa.PublicKey:
		// A Go *rsa.PublicKey comes from an rsaEncryption key: it signs
		// with PKCS #1 v1.5 or rsa_pss_rsae_*, never rsa_pss_pss_*, which
		// are for id-RSASSA-PSS keys (RFC 8446, Section 4.2.3). gossl
		// parses no id-RSASSA-PSS key, so no key matches rsa_pss_pss_*
		// and one of those keys (no Go key) matches no scheme.
		match = info.kind == sigRSAPKCS1 || (info.kind == sigRSAPSS && !isPSSPSS(scheme))
	case *ecdsa.PublicKey:
		// In TLS 1.3 the scheme names the curve; in 1.2 only the hash.
		match = info.kind == sigECDSA && (!tls13 || (info.curve != nil && info.curve == k.Curve))
	case *ec.PublicKey:
		// At TLS 1.3 only the brainpool curves have schemes (RFC 8734).
		match = info.kind == sigECDSA && (!tls13 || info.ecCurve == k.Curve().Name())
	case ed25519.PublicKey:
		match = info.kind == sigEd25519
	case ed448.PublicKey:
		match = info.kind == sigEd448
	case *dsa.PublicKey:
		match = info.kind == sigDSA
	}
	if pub == nil {
		// What Go's x509 gives for a key algorithm it does not know,
		// id-RSASSA-PSS among them.
		return info, illegalParameter("signature scheme " + info.name + " from a key of an unsupported type (id-RSASSA-PSS keys are not supported)")
	}
	if !match {
		return info, illegalParameter("signature scheme " + info.name + " does not match the key")
	}
	return info, nil
}

// isPSSPSS reports whether scheme is one of the rsa_pss_pss_* schemes.
func isPSSPSS(scheme uint16) bool {
	switch scheme {
	case wire.SigRSAPSSPSSSHA256, wire.SigRSAPSSPSSSHA384, wire.SigRSAPSSPSSSHA512:
		return true
	}
	return false
}

// SignSSL3 signs the 36-byte MD5 ‖ SHA-1 value of an SSL 3.0
// CertificateVerify (RFC 6101, 5.6.8), which is not a hash of a message
// but a construction over the master secret (prf.SSL3CertificateVerifyHash):
// RSA signs all 36 bytes, DSA and ECDSA the SHA-1 part.
func SignSSL3(key crypto.Signer, digest []byte, rand io.Reader) ([]byte, error) {
	return signLegacy(key, digest, rand)
}

// VerifySSL3 checks an SSL 3.0 CertificateVerify signature over digest
// (see SignSSL3), with the alerts of Verify.
func VerifySSL3(pub crypto.PublicKey, digest, sig []byte) error {
	return verifyLegacy(pub, digest, sig)
}

// md5SHA1 is the 36-byte MD5 ‖ SHA-1 of msg (RFC 2246, 4.7).
func md5SHA1(msg []byte) []byte {
	m := md5.Sum(msg)
	s := sha1.Sum(msg)
	return append(m[:], s[:]...)
}

// signLegacy makes a signature before TLS 1.2 from the 36-byte MD5 ‖
// SHA-1 digest d (see legacyPart).
func signLegacy(key crypto.Signer, d []byte, rand io.Reader) ([]byte, error) {
	digest, h, err := legacyPart(key.Public(), d)
	if err != nil {
		return nil, internalError(err.Error())
	}
	sig, err := key.Sign(rand, digest, h)
	if err != nil {
		return nil, internalError("signing failed")
	}
	return sig, nil
}

// verifyLegacy checks a signature before TLS 1.2 over the 36-byte MD5 ‖
// SHA-1 digest d.
func verifyLegacy(pub crypto.PublicKey, d, sig []byte) error {
	digest, h, err := legacyPart(pub, d)
	if err != nil {
		return illegalParameter(err.Error())
	}
	ok := false
	switch k := pub.(type) {
	case *rsa.PublicKey:
		ok = rsa.VerifyPKCS1v15(k, h, digest, sig) == nil
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(k, digest, sig)
	case *ec.PublicKey:
		ok = ec.Verify(k, digest, sig)
	case *dsa.PublicKey:
		return verifyDSA(k, digest, sig)
	}
	if !ok {
		return badSignature()
	}
	return nil
}

// legacyPart is what the key type signs of a 36-byte MD5 ‖ SHA-1 digest
// before TLS 1.2 (SSL 3.0 and TLS 1.0/1.1): all of it for RSA, the SHA-1
// part for ECDSA and DSA.
func legacyPart(pub crypto.PublicKey, d []byte) ([]byte, crypto.Hash, error) {
	if len(d) != md5.Size+sha1.Size {
		return nil, 0, errLegacyDigestSize
	}
	switch pub.(type) {
	case *rsa.PublicKey:
		return d, crypto.MD5SHA1, nil
	case *ecdsa.PublicKey, *ec.PublicKey, *dsa.PublicKey:
		return d[md5.Size:], crypto.SHA1, nil
	}
	return nil, 0, errUnsupportedLegacyKey
}

func hashOf(h crypto.Hash, msg []byte) []byte {
	d := h.New()
	d.Write(msg)
	return d.Sum(nil)
}

type kxError string

func (e kxError) Error() string { return string(e) }

const (
	errUnsupportedLegacyKey kxError = "key type cannot sign before TLS 1.2"
	errLegacyDigestSize     kxError = "MD5 and SHA-1 digest of the wrong length"
)

func badSignature() error { return alert.New(alert.DecryptError, "signature verification failed") }

// verifyDSA checks a DSA signature (a DER Dss-Sig-Value, RFC 5246, 4.7)
// and names the alert for each failure: a signature that is not DER is
// decode_error, r or s outside [1, q-1] and a key with unusable domain
// parameters are illegal_parameter, a signature that does not verify is
// decrypt_error (RFC 5246, 7.2.2).
func verifyDSA(pub *dsa.PublicKey, digest, sig []byte) error {
	err := pki.VerifyDSA(pub, digest, sig)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pki.ErrDSASignatureEncoding):
		return decodeError("malformed DSA signature")
	case errors.Is(err, pki.ErrDSASignatureRange):
		return illegalParameter("DSA signature with r or s outside [1, q-1]")
	case errors.Is(err, pki.ErrDSAKeySize), errors.Is(err, pki.ErrDSADomain):
		return illegalParameter(strings.TrimPrefix(err.Error(), "pki: "))
	}
	return badSignature()
}
