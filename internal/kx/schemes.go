package kx

import (
	"crypto"
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of DSA certificates
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	_ "crypto/sha1" // hashes the schemes name must be linked in
	_ "crypto/sha256"
	_ "crypto/sha512"

	"github.com/cloudflare/circl/sign/ed448"

	"github.com/gossl/ssl/internal/ec"
	"github.com/gossl/ssl/internal/wire"
)

// Signature schemes (RFC 8446, 4.2.3) and, in TLS 1.2, the
// SignatureAndHashAlgorithm pairs they coincide with (RFC 5246, 7.4.1.4.1:
// high byte hash, low byte signature).

// sigKind is the signature algorithm family of a scheme.
type sigKind uint8

const (
	sigRSAPKCS1 sigKind = iota + 1
	sigRSAPSS
	sigECDSA
	sigEd25519
	sigDSA         // TLS 1.2 only (RFC 5246, 7.4.1.4.1; RFC 8446, 4.2.3 drops it)
	sigEd448       // RFC 8422, 5.1.3; RFC 8446, 4.2.3 (circl's ed448)
	sigUnsupported // named, but gossl cannot make or check it
)

// The TLS 1.3 ECDSA schemes over the brainpool curves (RFC 8734, 2), which
// package wire does not name.
const (
	SigECDSABrainpoolP256SHA256 uint16 = 0x081a
	SigECDSABrainpoolP384SHA384 uint16 = 0x081b
	SigECDSABrainpoolP512SHA512 uint16 = 0x081c
)

type schemeInfo struct {
	name string
	kind sigKind
	hash crypto.Hash // 0 for EdDSA, which hashes internally
	// curve is the curve a TLS 1.3 ECDSA scheme is bound to (RFC 8446,
	// 4.2.3); in TLS 1.2 the same code point means only "ECDSA with this
	// hash" and any curve may be used.
	curve elliptic.Curve
	// ecCurve is the internal/ec curve a TLS 1.3 brainpool scheme is
	// bound to (RFC 8734, 2), by name.
	ecCurve string
	// tls13 marks schemes allowed in TLS 1.3 CertificateVerify: not
	// PKCS #1 v1.5, SHA-1 or SHA-224 (RFC 8446, 4.2.3).
	tls13 bool
}

// schemes names every code point with Erlang/OTP's atom for it; the TLS 1.2
// pairs OTP has no atom for are written as OTP prints the tuple.
var schemes = map[uint16]schemeInfo{
	wire.SigRSAPKCS1SHA1:        {"rsa_pkcs1_sha1", sigRSAPKCS1, crypto.SHA1, nil, "", false},
	wire.SigECDSASHA1:           {"ecdsa_sha1", sigECDSA, crypto.SHA1, nil, "", false},
	wire.SigDSASHA1:             {"{sha,dsa}", sigDSA, crypto.SHA1, nil, "", false},
	wire.SigDSASHA224:           {"{sha224,dsa}", sigDSA, crypto.SHA224, nil, "", false},
	wire.SigDSASHA256:           {"{sha256,dsa}", sigDSA, crypto.SHA256, nil, "", false},
	wire.SigDSASHA384:           {"{sha384,dsa}", sigDSA, crypto.SHA384, nil, "", false},
	wire.SigDSASHA512:           {"{sha512,dsa}", sigDSA, crypto.SHA512, nil, "", false},
	wire.SigRSAPKCS1SHA224:      {"{sha224,rsa}", sigRSAPKCS1, crypto.SHA224, nil, "", false},
	wire.SigECDSASHA224:         {"{sha224,ecdsa}", sigECDSA, crypto.SHA224, nil, "", false},
	wire.SigRSAPKCS1SHA256:      {"rsa_pkcs1_sha256", sigRSAPKCS1, crypto.SHA256, nil, "", false},
	wire.SigECDSAP256SHA256:     {"ecdsa_secp256r1_sha256", sigECDSA, crypto.SHA256, elliptic.P256(), "", true},
	wire.SigRSAPKCS1SHA384:      {"rsa_pkcs1_sha384", sigRSAPKCS1, crypto.SHA384, nil, "", false},
	wire.SigECDSAP384SHA384:     {"ecdsa_secp384r1_sha384", sigECDSA, crypto.SHA384, elliptic.P384(), "", true},
	wire.SigRSAPKCS1SHA512:      {"rsa_pkcs1_sha512", sigRSAPKCS1, crypto.SHA512, nil, "", false},
	wire.SigECDSAP521SHA512:     {"ecdsa_secp521r1_sha512", sigECDSA, crypto.SHA512, elliptic.P521(), "", true},
	wire.SigRSAPSSRSAESHA256:    {"rsa_pss_rsae_sha256", sigRSAPSS, crypto.SHA256, nil, "", true},
	wire.SigRSAPSSRSAESHA384:    {"rsa_pss_rsae_sha384", sigRSAPSS, crypto.SHA384, nil, "", true},
	wire.SigRSAPSSRSAESHA512:    {"rsa_pss_rsae_sha512", sigRSAPSS, crypto.SHA512, nil, "", true},
	wire.SigEd25519:             {"eddsa_ed25519", sigEd25519, 0, nil, "", true},
	wire.SigEd448:               {"eddsa_ed448", sigEd448, 0, nil, "", true},
	SigECDSABrainpoolP256SHA256: {"ecdsa_brainpoolP256r1tls13_sha256", sigECDSA, crypto.SHA256, nil, "brainpoolP256r1", true},
	SigECDSABrainpoolP384SHA384: {"ecdsa_brainpoolP384r1tls13_sha384", sigECDSA, crypto.SHA384, nil, "brainpoolP384r1", true},
	SigECDSABrainpoolP512SHA512: {"ecdsa_brainpoolP512r1tls13_sha512", sigECDSA, crypto.SHA512, nil, "brainpoolP512r1", true},
	wire.SigRSAPSSPSSSHA256:     {"rsa_pss_pss_sha256", sigRSAPSS, crypto.SHA256, nil, "", true},
	wire.SigRSAPSSPSSSHA384:     {"rsa_pss_pss_sha384", sigRSAPSS, crypto.SHA384, nil, "", true},
	wire.SigRSAPSSPSSSHA512:     {"rsa_pss_pss_sha512", sigRSAPSS, crypto.SHA512, nil, "", true},
}

// SchemeName returns Erlang's name for signature scheme s:
// "rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256", "rsa_pkcs1_sha256",
// "eddsa_ed25519", or "{sha224,rsa}" for TLS 1.2 pairs without an atom.
// Unknown schemes are "unknown".
func SchemeName(s uint16) string {
	if info, ok := schemes[s]; ok {
		return info.name
	}
	return "unknown"
}

// SchemeByName is SchemeName's inverse; it also takes "ed25519" and
// "ed448", the RFC's names, for OTP's "eddsa_" atoms, and "dsa_sha1" ...
// "dsa_sha512" for the DSA pairs OTP writes {sha,dsa} ... {sha512,dsa}.
func SchemeByName(name string) (uint16, bool) {
	switch name {
	case "ed25519":
		return wire.SigEd25519, true
	case "ed448":
		return wire.SigEd448, true
	case "dsa_sha1":
		return wire.SigDSASHA1, true
	case "dsa_sha224":
		return wire.SigDSASHA224, true
	case "dsa_sha256":
		return wire.SigDSASHA256, true
	case "dsa_sha384":
		return wire.SigDSASHA384, true
	case "dsa_sha512":
		return wire.SigDSASHA512, true
	}
	for s, info := range schemes {
		if info.name == name {
			return s, true
		}
	}
	return 0, false
}

// defaultSchemes is documented at DefaultSignatureSchemes.
var defaultSchemes = []uint16{
	wire.SigEd25519,
	wire.SigEd448,
	wire.SigECDSAP521SHA512,
	wire.SigECDSAP384SHA384,
	wire.SigECDSAP256SHA256,
	// Not the RFC 8734 brainpool schemes: OTP 25 crashes re-encoding a
	// ClientHello that lists them when it checks a PSK binder (its
	// ssl_cipher:hash_algorithm has no clause for them), so they are used
	// only when signature_algs names them.
	wire.SigRSAPSSPSSSHA512,
	wire.SigRSAPSSPSSSHA384,
	wire.SigRSAPSSPSSSHA256,
	wire.SigRSAPSSRSAESHA512,
	wire.SigRSAPSSRSAESHA384,
	wire.SigRSAPSSRSAESHA256,
	// The manual's TLS 1.2 pairs; {sha512,ecdsa}, {sha384,ecdsa} and
	// {sha256,ecdsa} are the ECDSA code points above.
	wire.SigRSAPKCS1SHA512,
	wire.SigRSAPKCS1SHA384,
	wire.SigRSAPKCS1SHA256,
	wire.SigECDSASHA224,
	wire.SigRSAPKCS1SHA224,
	// RFC 9155, Section 2: SHA-1 signatures are deprecated in TLS 1.2;
	// {sha,ecdsa} and {sha,rsa} stay available through signature_algs.
}

// DefaultSignatureSchemes returns the default signature_algs, most
// preferred first. It is OTP's default: first the schemes of current OTP
// that gossl implements (eddsa_ed25519, eddsa_ed448; ecdsa_secp521r1_sha512,
// ecdsa_secp384r1_sha384, ecdsa_secp256r1_sha256; rsa_pss_pss_sha512..256;
// rsa_pss_rsae_sha512..256), then the manual's TLS 1.2 pairs in its order
// ({sha512,rsa}, {sha384,rsa}, {sha256,rsa}, {sha224,ecdsa},
// {sha224,rsa}), leaving out the DSA pairs (legacy: see DSASchemes), the
// ECDSA pairs already listed, and the SHA-1 pairs {sha,ecdsa} and {sha,rsa}
// (RFC 9155: a TLS 1.2 peer that offers only SHA-1, or sends no
// signature_algorithms, is then refused unless signature_algs names
// them). The caller owns the
// returned slice; the handshake filters it by version (TLS 1.3 drops the
// PKCS #1, SHA-224 and SHA-1 entries).
func DefaultSignatureSchemes() []uint16 { return append([]uint16(nil), defaultSchemes...) }

// SignatureSchemesForKey returns the schemes a key can sign with at
// version, in preference order: stronger hashes first, PSS before
// PKCS #1 v1.5 (RFC 8446, 4.2.3 recommends PSS; TLS 1.3 allows only PSS),
// and for ECDSA the scheme matching the key's curve first (at TLS 1.3 it is
// the only one allowed). Schemes a too-small RSA key cannot make are
// omitted.
//
// Before TLS 1.2 there are no schemes (the algorithm is implied by the key
// and the hash fixed by the version), so the result is nil. An RSA key
// gives only rsa_pss_rsae_* PSS schemes: a Go *rsa.PublicKey cannot say
// whether its certificate restricts it to PSS (rsa_pss_pss_*), which is the
// certificate layer's business.
func SignatureSchemesForKey(pub crypto.PublicKey, version uint16) []uint16 {
	v := wire.TLSVersion(version)
	if v < wire.VersionTLS12 {
		return nil
	}
	tls13 := v >= wire.VersionTLS13
	var out []uint16
	switch k := pub.(type) {
	case *rsa.PublicKey:
		cands := []uint16{wire.SigRSAPSSRSAESHA512, wire.SigRSAPSSRSAESHA384, wire.SigRSAPSSRSAESHA256}
		if !tls13 {
			cands = append(cands, wire.SigRSAPKCS1SHA512, wire.SigRSAPKCS1SHA384,
				wire.SigRSAPKCS1SHA256, wire.SigRSAPKCS1SHA224, wire.SigRSAPKCS1SHA1)
		}
		for _, s := range cands {
			if rsaKeyFits(k, schemes[s]) {
				out = append(out, s)
			}
		}
	case *ecdsa.PublicKey:
		own := ecdsaSchemeForCurve(k.Curve)
		if own != 0 {
			out = append(out, own)
		}
		if !tls13 {
			for _, s := range []uint16{wire.SigECDSAP521SHA512, wire.SigECDSAP384SHA384,
				wire.SigECDSAP256SHA256, wire.SigECDSASHA224, wire.SigECDSASHA1} {
				if s != own {
					out = append(out, s)
				}
			}
		}
	case *ec.PublicKey:
		// The brainpool schemes are TLS 1.3's (RFC 8734); in TLS 1.2
		// the key signs under the ecdsa_* code points, as any curve.
		if own := brainpoolScheme(k.Curve().Name()); own != 0 && tls13 {
			out = append(out, own)
		}
		if !tls13 {
			out = append(out, wire.SigECDSAP521SHA512, wire.SigECDSAP384SHA384,
				wire.SigECDSAP256SHA256, wire.SigECDSASHA224, wire.SigECDSASHA1)
		}
	case ed25519.PublicKey:
		out = append(out, wire.SigEd25519)
	case ed448.PublicKey:
		out = append(out, wire.SigEd448)
	case *dsa.PublicKey:
		if !tls13 {
			out = append(out, dsaSchemes...)
			out = append(out, wire.SigDSASHA1)
		}
	}
	return out
}

// dsaSchemes are the DSA pairs without SHA-1, most preferred first. q has
// at most 256 bits and a longer hash is cut to q's size (FIPS 186-4, 4.6),
// so SHA-256 already carries all a DSA signature can hold.
var dsaSchemes = []uint16{wire.SigDSASHA256, wire.SigDSASHA384, wire.SigDSASHA512, wire.SigDSASHA224}

// DSASchemes returns the DSA pairs a configuration adds to the default
// signature_algs when DSA is in use (a DSA key, or DHE_DSS suites): DSA is
// legacy and out of the default list, as in current OTP, and SHA-1 stays
// out (RFC 9155), so {sha,dsa} is used only when signature_algs names it.
// The caller owns the returned slice.
func DSASchemes() []uint16 { return append([]uint16(nil), dsaSchemes...) }

// IsDSAScheme reports whether s is one of the DSA pairs.
func IsDSAScheme(s uint16) bool { return schemes[s].kind == sigDSA }

// ecdsaSchemeForCurve returns the TLS 1.3 scheme bound to curve, or 0.
func ecdsaSchemeForCurve(c elliptic.Curve) uint16 {
	switch c {
	case elliptic.P256():
		return wire.SigECDSAP256SHA256
	case elliptic.P384():
		return wire.SigECDSAP384SHA384
	case elliptic.P521():
		return wire.SigECDSAP521SHA512
	}
	return 0
}

// brainpoolScheme returns the TLS 1.3 scheme bound to an internal/ec
// curve (RFC 8734, 2), or 0: the other curves of internal/ec have no TLS
// 1.3 scheme, so their keys sign only in TLS 1.0-1.2.
func brainpoolScheme(curve string) uint16 {
	for s, info := range schemes {
		if info.ecCurve != "" && info.ecCurve == curve {
			return s
		}
	}
	return 0
}

// rsaKeyFits reports whether k is large enough for the scheme: PSS with a
// salt as long as the hash needs emLen >= 2·hLen + 2 (RFC 8017, 9.1.1),
// PKCS #1 v1.5 needs the DigestInfo plus 11 bytes (RFC 8017, 9.2).
func rsaKeyFits(k *rsa.PublicKey, info schemeInfo) bool {
	hLen := info.hash.Size()
	switch info.kind {
	case sigRSAPSS:
		emLen := (k.N.BitLen() - 1 + 7) / 8
		return emLen >= 2*hLen+2
	case sigRSAPKCS1:
		// DigestInfo's DER prefix is 15 bytes for SHA-1, 19 for SHA-2.
		prefix := 19
		if info.hash == crypto.SHA1 {
			prefix = 15
		}
		return k.Size() >= prefix+hLen+11
	}
	return false
}

// IsECDSAKey reports whether pub is an ECDSA public key: a crypto/ecdsa
// key on a NIST curve or an internal/ec key (brainpool, secp256k1, ...).
func IsECDSAKey(pub crypto.PublicKey) bool {
	switch pub.(type) {
	case *ecdsa.PublicKey, *ec.PublicKey:
		return true
	}
	return false
}

// ECDSAKeyGroup is the named group of an ECDSA key's curve, which a TLS
// 1.0-1.2 client lists in supported_groups when it can verify
// certificates on it (RFC 8422, 5.1; RFC 7027): a NIST curve's or an
// internal/ec curve's; 0 for any other key.
func ECDSAKeyGroup(pub crypto.PublicKey) uint16 {
	if k, ok := pub.(*ec.PublicKey); ok {
		return k.Curve().TLSGroup()
	}
	return CertCurveGroup(pub)
}

// IsEdDSAKey reports whether pub is an Ed25519 or Ed448 public key.
func IsEdDSAKey(pub crypto.PublicKey) bool {
	switch pub.(type) {
	case ed25519.PublicKey, ed448.PublicKey:
		return true
	}
	return false
}
