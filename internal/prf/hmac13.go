package prf

import (
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
)

// hmacInto computes HMAC (RFC 2104) with SHA-256 or SHA-384 over the
// concatenation of parts and appends it to out. TLS 1.3 computes a few
// dozen HMACs per handshake (every HKDF-Expand-Label of the key schedule
// and the Finished MACs), almost all over a key of one hash length and a
// message of a few dozen bytes; hmac.New and hkdf.Expand allocate two
// digests and their pads for each, so this works on stack buffers with
// the one-shot sha256.Sum256 / sha512.Sum384 instead. It is the same
// function as crypto/hmac: the key is hashed first when longer than a
// block, then padded with zeros to one block, and
//
//	HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m))
//
// SHA-2 runs in time independent of the data, and so does this.
// ok is false (and nothing is appended) for another hash or a message
// too long for the stack buffer; the caller then uses crypto/hmac.
func hmacInto(out []byte, h crypto.Hash, key []byte, parts ...[]byte) (_ []byte, ok bool) {
	// Every HKDF-Expand-Label info of the key schedule (a label and a
	// transcript hash as context), HKDF-Extract input and Finished hash
	// fits; longer messages go to crypto/hmac. Kept small because the
	// buffer is on the stack of the handshake's goroutine.
	const maxMsg = 192
	var blockSize int
	switch h {
	case crypto.SHA256:
		blockSize = sha256.BlockSize
	case crypto.SHA384:
		blockSize = sha512.BlockSize
	default:
		return out, false
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n > maxMsg {
		return out, false
	}
	var kb [sha512.BlockSize]byte
	if len(key) > blockSize {
		switch h {
		case crypto.SHA256:
			s := sha256.Sum256(key)
			copy(kb[:], s[:])
		default:
			s := sha512.Sum384(key)
			copy(kb[:], s[:])
		}
	} else {
		copy(kb[:], key)
	}
	var buf [sha512.BlockSize + maxMsg]byte
	for i := 0; i < blockSize; i++ {
		buf[i] = kb[i] ^ 0x36
	}
	m := blockSize
	for _, p := range parts {
		m += copy(buf[m:], p)
	}
	var inner [sha512.Size384]byte
	var innerLen int
	switch h {
	case crypto.SHA256:
		s := sha256.Sum256(buf[:m])
		innerLen = copy(inner[:], s[:])
	default:
		s := sha512.Sum384(buf[:m])
		innerLen = copy(inner[:], s[:])
	}
	for i := 0; i < blockSize; i++ {
		buf[i] = kb[i] ^ 0x5c
	}
	m = blockSize + copy(buf[blockSize:], inner[:innerLen])
	switch h {
	case crypto.SHA256:
		s := sha256.Sum256(buf[:m])
		out = append(out, s[:]...)
	default:
		s := sha512.Sum384(buf[:m])
		out = append(out, s[:]...)
	}
	clear(kb[:])
	clear(buf[:])
	clear(inner[:])
	return out, true
}
