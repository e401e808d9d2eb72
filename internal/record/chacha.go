package record

import (
	"crypto/cipher"

	"golang.org/x/crypto/chacha20poly1305"
)

// newChaCha20Poly1305 returns the AEAD of RFC 8439, Section 2.8, from
// golang.org/x/crypto, which has assembly for common CPUs. Tests check it
// against the RFC 8439 vectors and a TLS 1.2 record.
func newChaCha20Poly1305(key []byte) (cipher.AEAD, error) {
	return chacha20poly1305.New(key)
}
