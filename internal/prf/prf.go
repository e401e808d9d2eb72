// Package prf holds the pseudorandom functions of SSL 3.0 and TLS 1.0–1.2
// and what is built on them: the master secret (RFC 5246, 8.1), the
// extended master secret (RFC 7627), key expansion (RFC 5246, 6.3),
// Finished verify_data (RFC 5246, 7.4.9), keying-material exporters
// (RFC 5705), and the handshake transcript those need; and the TLS 1.3 key
// schedule (RFC 8446, 7): HKDF-Expand-Label and Derive-Secret
// (hkdf13.go), Schedule13 (schedule13.go), and traffic keys, Finished,
// KeyUpdate, resumption PSKs and the exporter (derive13.go).
package prf

import (
	"crypto"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// Func is a TLS PRF: PRF(secret, label, seed) (RFC 5246, 5), writing
// len(out) bytes of output into out.
type Func func(secret []byte, label string, seed []byte, out []byte)

// ForVersion returns the PRF of protocol version v with suite s:
//
//   - SSL 3.0: the MD5/SHA-1 construction of RFC 6101, 6.1/6.2.2, which has
//     no label; MasterSecret and Keys work with it unchanged, but Finished
//     and Export do not exist in that form (see SSL3FinishedVerifyData).
//   - TLS 1.0, 1.1 and DTLS 1.0: P_MD5(S1) XOR P_SHA-1(S2) (RFC 2246, 5).
//   - TLS 1.2 and DTLS 1.2: P_SHA256, or P_SHA384 when the suite says so
//     (RFC 5246, 5; RFC 5288, 3). A nil s means the SHA-256 default.
//
// TLS 1.3 has no PRF (it uses HKDF, RFC 8446, 7.1), so ForVersion returns
// nil for it and for unknown versions.
func ForVersion(v uint16, s *suites.Suite) Func {
	switch wire.TLSVersion(v) {
	case wire.VersionSSL30:
		return ssl30
	case wire.VersionTLS10, wire.VersionTLS11:
		return tls10
	case wire.VersionTLS12:
		if s != nil && s.PRF == suites.PRFSHA384 {
			return tls12SHA384
		}
		return tls12SHA256
	}
	return nil
}

// HashForVersion returns the hash of the handshake transcript that
// Finished and the extended master secret's session_hash use at v with s.
//
// Before TLS 1.2 that is the 36-byte concatenation MD5 ‖ SHA-1 (RFC 2246,
// 7.4.9), for which HashForVersion returns 0: pass it to Transcript.Sum,
// which treats 0 (and crypto.MD5SHA1) as that concatenation. In TLS 1.2 it
// is the PRF's hash (RFC 5246, 7.4.9); in TLS 1.3 the suite's hash.
func HashForVersion(v uint16, s *suites.Suite) crypto.Hash {
	switch wire.TLSVersion(v) {
	case wire.VersionTLS12, wire.VersionTLS13:
		if s != nil && s.PRF == suites.PRFSHA384 {
			return crypto.SHA384
		}
		return crypto.SHA256
	}
	return 0
}

// pHash is P_hash(secret, seed) of RFC 5246, 5:
//
//	P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) +
//	                       HMAC_hash(secret, A(2) + seed) + ...
//	A(0) = seed, A(i) = HMAC_hash(secret, A(i-1))
//
// It XORs its output into out, so that the TLS 1.0 PRF can combine two
// streams without a temporary; callers wanting plain output pass zeros.
func pHash(h func() hash.Hash, secret []byte, seeds [][]byte, out []byte) {
	mac := hmac.New(h, secret)
	for _, s := range seeds {
		mac.Write(s)
	}
	a := mac.Sum(nil) // A(1)
	var block []byte
	for len(out) > 0 {
		mac.Reset()
		mac.Write(a)
		for _, s := range seeds {
			mac.Write(s)
		}
		block = mac.Sum(block[:0])
		n := xorInto(out, block)
		out = out[n:]

		mac.Reset()
		mac.Write(a)
		a = mac.Sum(a[:0])
	}
}

// xorInto xors src into dst and returns how many bytes it handled.
func xorInto(dst, src []byte) int {
	n := min(len(dst), len(src))
	for i := 0; i < n; i++ {
		dst[i] ^= src[i]
	}
	return n
}

func tls12SHA256(secret []byte, label string, seed []byte, out []byte) {
	clear(out)
	pHash(sha256.New, secret, [][]byte{[]byte(label), seed}, out)
}

func tls12SHA384(secret []byte, label string, seed []byte, out []byte) {
	clear(out)
	pHash(sha512.New384, secret, [][]byte{[]byte(label), seed}, out)
}

// tls10 is the TLS 1.0/1.1 PRF (RFC 2246, 5): the secret is split into two
// halves S1 and S2 that overlap by one byte when its length is odd, and
//
//	PRF(secret, label, seed) = P_MD5(S1, label + seed) XOR
//	                           P_SHA-1(S2, label + seed)
func tls10(secret []byte, label string, seed []byte, out []byte) {
	half := (len(secret) + 1) / 2
	s1, s2 := secret[:half], secret[len(secret)-half:]
	seeds := [][]byte{[]byte(label), seed}
	clear(out)
	pHash(md5.New, s1, seeds, out)
	pHash(sha1.New, s2, seeds, out)
}

// ssl30 is the SSL 3.0 derivation (RFC 6101, 6.1 and 6.2.2):
//
//	MD5(secret + SHA(‘A’ + secret + seed)) +
//	MD5(secret + SHA(‘BB’ + secret + seed)) + ...
//
// It has no label: SSL 3.0 tells the master secret and the key block apart
// only by the order of the randoms in the seed, which MasterSecret and Keys
// already get right, so label is ignored.
func ssl30(secret []byte, _ string, seed []byte, out []byte) {
	md, sh := md5.New(), sha1.New()
	var prefix [26]byte
	var shaSum, block []byte
	for i := 0; len(out) > 0; i++ {
		if i >= len(prefix) {
			// 26 × 16 = 416 bytes; no SSL 3.0 suite needs more.
			panic("prf: SSL 3.0 output too long")
		}
		for j := 0; j <= i; j++ {
			prefix[j] = 'A' + byte(i)
		}
		sh.Reset()
		sh.Write(prefix[:i+1])
		sh.Write(secret)
		sh.Write(seed)
		shaSum = sh.Sum(shaSum[:0])
		md.Reset()
		md.Write(secret)
		md.Write(shaSum)
		block = md.Sum(block[:0])
		out = out[copy(out, block):]
	}
}
