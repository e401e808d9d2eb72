package record

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"

	"golang.org/x/crypto/chacha20"
	"golang.org/x/crypto/poly1305"
)

// chacha20Poly1305 is the AEAD of RFC 8439, Section 2.8, assembled from
// the ChaCha20 and Poly1305 primitives of golang.org/x/crypto.
//
// It exists because golang.org/x/crypto/chacha20poly1305 needs
// golang.org/x/sys, which this module does not require yet; once it does,
// newChaCha20Poly1305 can return chacha20poly1305.New(key) and this file
// can go. Tests check it against the RFC 8439 vector either way.
type chacha20Poly1305 struct {
	key [chacha20.KeySize]byte
}

func newChaCha20Poly1305(key []byte) (cipher.AEAD, error) {
	if len(key) != chacha20.KeySize {
		return nil, errors.New("record: ChaCha20-Poly1305 key must be 32 bytes")
	}
	c := new(chacha20Poly1305)
	copy(c.key[:], key)
	return c, nil
}

func (*chacha20Poly1305) NonceSize() int { return chacha20.NonceSize }
func (*chacha20Poly1305) Overhead() int  { return poly1305.TagSize }

// oneTimeKey derives the Poly1305 key from block 0 of the key stream and
// leaves the stream at block 1 for the message (RFC 8439, Sections 2.6
// and 2.8). The cipher is the caller's local, so it stays on the stack.
func oneTimeKey(s *chacha20.Cipher) (polyKey [32]byte) {
	s.XORKeyStream(polyKey[:], polyKey[:])
	s.SetCounter(1)
	return polyKey
}

// authenticate computes the Poly1305 tag over aad ‖ pad16 ‖ ct ‖ pad16 ‖
// len(aad) ‖ len(ct), the layout of RFC 8439, Section 2.8.
func authenticate(tag *[16]byte, key *[32]byte, aad, ct []byte) {
	var zeros [16]byte
	m := poly1305.New(key)
	m.Write(aad)
	if r := len(aad) % 16; r != 0 {
		m.Write(zeros[:16-r])
	}
	m.Write(ct)
	if r := len(ct) % 16; r != 0 {
		m.Write(zeros[:16-r])
	}
	var lens [16]byte
	binary.LittleEndian.PutUint64(lens[:8], uint64(len(aad)))
	binary.LittleEndian.PutUint64(lens[8:], uint64(len(ct)))
	m.Write(lens[:])
	m.Sum(tag[:0])
}

func (c *chacha20Poly1305) Seal(dst, nonce, plaintext, aad []byte) []byte {
	n := len(plaintext)
	ret, out := sliceForAppend(dst, n+poly1305.TagSize)
	s, err := chacha20.NewUnauthenticatedCipher(c.key[:], nonce)
	if err != nil {
		panic("record: bad ChaCha20 nonce length")
	}
	polyKey := oneTimeKey(s)
	s.XORKeyStream(out[:n], plaintext)
	var tag [16]byte
	authenticate(&tag, &polyKey, aad, out[:n])
	copy(out[n:], tag[:])
	return ret
}

func (c *chacha20Poly1305) Open(dst, nonce, ciphertext, aad []byte) ([]byte, error) {
	if len(ciphertext) < poly1305.TagSize {
		return nil, errOpen
	}
	n := len(ciphertext) - poly1305.TagSize
	s, err := chacha20.NewUnauthenticatedCipher(c.key[:], nonce)
	if err != nil {
		return nil, errOpen
	}
	polyKey := oneTimeKey(s)
	var tag [16]byte
	authenticate(&tag, &polyKey, aad, ciphertext[:n])
	if subtle.ConstantTimeCompare(tag[:], ciphertext[n:]) != 1 {
		return nil, errOpen
	}
	ret, out := sliceForAppend(dst, n)
	s.XORKeyStream(out, ciphertext[:n])
	return ret, nil
}

var errOpen = errors.New("record: message authentication failed")

// sliceForAppend extends in by n bytes, reusing its capacity when it can,
// and returns the whole slice and the new tail.
func sliceForAppend(in []byte, n int) (whole, tail []byte) {
	if total := len(in) + n; cap(in) >= total {
		whole = in[:total]
	} else {
		whole = make([]byte, total)
		copy(whole, in)
	}
	return whole, whole[len(in):]
}
