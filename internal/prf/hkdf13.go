package prf

import (
	"crypto"
	"crypto/hkdf"
)

// TLS 1.3 replaces the PRF with HKDF (RFC 5869) and two helpers of its own
// (RFC 8446, 7.1). Every function here takes the hash of the negotiated
// suite (SHA-256 or SHA-384); it must be linked into the binary, which
// crypto/sha256 and crypto/sha512 are (prf.go imports both).

// labelPrefix is prepended to every HKDF-Expand-Label label (RFC 8446, 7.1).
const labelPrefix = "tls13 "

// HKDFExpandLabel is HKDF-Expand-Label of RFC 8446, 7.1:
//
//	HKDF-Expand-Label(Secret, Label, Context, Length) =
//	    HKDF-Expand(Secret, HkdfLabel, Length)
//
//	struct {
//	    uint16 length = Length;
//	    opaque label<7..255> = "tls13 " + Label;
//	    opaque context<0..255> = Context;
//	} HkdfLabel;
//
// label is given without the "tls13 " prefix. The lengths are fixed by
// the caller, never by a peer, so a label longer than 249 bytes, a context
// longer than 255 bytes, or a length beyond 65535 or 255 × Hash.len is a
// programming error and panics (with no key material in the message).
func HKDFExpandLabel(h crypto.Hash, secret []byte, label string, context []byte, length int) []byte {
	if len(labelPrefix)+len(label) > 255 || len(context) > 255 || length < 0 || length > 0xffff {
		panic("prf: HKDF-Expand-Label argument out of range")
	}
	// Room on the stack for the key schedule's infos (a label and at
	// most a hash as context); append moves a longer one to the heap.
	var infoBuf [96]byte
	info := infoBuf[:0]
	info = append(info, byte(length>>8), byte(length))
	info = append(info, byte(len(labelPrefix)+len(label)))
	info = append(info, labelPrefix...)
	info = append(info, label...)
	info = append(info, byte(len(context)))
	info = append(info, context...)
	if length <= h.Size() {
		// One block: T(1) = HMAC(PRK, info || 0x01) (RFC 5869, 2.3),
		// which every TLS 1.3 secret, key and IV is.
		if t, ok := hmacInto(make([]byte, 0, h.Size()), h, secret, info, []byte{1}); ok {
			clear(t[length:])
			return t[:length:length]
		}
	}
	out, err := hkdf.Expand(h.New, secret, string(info), length)
	if err != nil {
		// Only a length beyond 255 × Hash.len gets here.
		panic("prf: HKDF-Expand-Label output too long")
	}
	return out
}

// DeriveSecret is Derive-Secret of RFC 8446, 7.1:
//
//	Derive-Secret(Secret, Label, Messages) =
//	    HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
//
// It takes the transcript hash itself (Transcript.Sum), not the messages.
// For the "derived" steps and the binder keys, Messages is empty and the
// hash is Hash("") (see EmptyHash).
func DeriveSecret(h crypto.Hash, secret []byte, label string, transcriptHash []byte) []byte {
	return HKDFExpandLabel(h, secret, label, transcriptHash, h.Size())
}

// EmptyHash returns Hash(""), the Transcript-Hash of no messages.
func EmptyHash(h crypto.Hash) []byte { return h.New().Sum(nil) }

// hkdfExtract is HKDF-Extract(salt, IKM) (RFC 5869, 2.2). A nil salt is
// Hash.len zero bytes, as RFC 8446, 7.1 writes "0"; HMAC pads a short key
// with zeros, so the two give the same result.
func hkdfExtract(h crypto.Hash, salt, ikm []byte) []byte {
	if out, ok := hmacInto(nil, h, salt, ikm); ok {
		return out
	}
	out, err := hkdf.Extract(h.New, ikm, salt)
	if err != nil {
		panic("prf: HKDF-Extract failed")
	}
	return out
}
