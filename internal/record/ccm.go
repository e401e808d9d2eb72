package record

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"unsafe"
)

// ccm is AES-CCM, Counter with CBC-MAC (RFC 3610; NIST SP 800-38C), as a
// cipher.AEAD. Go's standard library has no CCM; TLS 1.3 and TLS 1.2
// use it with a 12-byte nonce (so L = 3 length bytes) and a 16- or
// 8-byte tag (RFC 8446, Appendix B.4; RFC 6655, Section 3, where the
// nonce is the 4-byte salt and the 8-byte explicit nonce, as for GCM). The nonce and tag sizes are
// parameters so that the RFC 3610 and SP 800-38C vectors, which use other
// sizes, can check the same code.
//
// Unlike crypto/cipher's GCM, a ccm is not safe for concurrent use: it
// keeps its block buffers in the value, because passing stack buffers to
// cipher.Block's interface methods would move them to the heap on every
// record. A record protector owns its AEAD alone, so nothing is shared.
type ccm struct {
	b         cipher.Block
	nonceSize int
	tagSize   int
	// l is the size of the length field and of the counter (RFC 3610,
	// Section 2: L = 15 - nonce size).
	l int

	x  [16]byte // CBC-MAC state
	a  [16]byte // counter block A_i
	ks [16]byte // key stream block S_i
	s0 [16]byte // S_0, which encrypts the tag
	// base is the last 8 bytes of A_i with the counter bits zero, so
	// that A_i's tail is base | i.
	base uint64
}

var errCCMOpen = errors.New("record: message authentication failed")

// newCCM returns CCM over the 16-byte block cipher b with nonceSize-byte
// nonces (7..13) and tagSize-byte tags (4, 6, ..., 16).
func newCCM(b cipher.Block, nonceSize, tagSize int) (*ccm, error) {
	if b.BlockSize() != 16 {
		return nil, errors.New("record: CCM needs a 128-bit block cipher")
	}
	if nonceSize < 7 || nonceSize > 13 {
		return nil, errors.New("record: CCM nonce must be 7 to 13 bytes")
	}
	if tagSize < 4 || tagSize > 16 || tagSize%2 != 0 {
		return nil, errors.New("record: CCM tag must be 4, 6, ..., 16 bytes")
	}
	return &ccm{b: b, nonceSize: nonceSize, tagSize: tagSize, l: 15 - nonceSize}, nil
}

func (c *ccm) NonceSize() int { return c.nonceSize }
func (c *ccm) Overhead() int  { return c.tagSize }

// maxLen is the longest message the L-byte length field can express.
func (c *ccm) maxLen() uint64 {
	if c.l >= 8 {
		return 1<<63 - 1 // more than any slice holds
	}
	return 1<<(8*uint(c.l)) - 1
}

// Seal encrypts and authenticates plaintext and appends the result to dst.
// dst may be plaintext[:0] (sealing in place) but must not overlap
// plaintext otherwise; with enough capacity in dst nothing is allocated.
func (c *ccm) Seal(dst, nonce, plaintext, additionalData []byte) []byte {
	if len(nonce) != c.nonceSize {
		panic("record: CCM nonce of the wrong length")
	}
	if uint64(len(plaintext)) > c.maxLen() {
		panic("record: CCM message too long")
	}
	ret, out := sliceForAppend(dst, len(plaintext)+c.tagSize)
	if inexactOverlap(out, plaintext) {
		panic("record: CCM output overlaps the input")
	}
	c.start(nonce, len(plaintext), additionalData)
	c.crypt(out[:len(plaintext)], plaintext, true)
	// RFC 3610, Section 2.3: U = T XOR first-M-bytes(S_0).
	subtle.XORBytes(out[len(plaintext):], c.x[:c.tagSize], c.s0[:c.tagSize])
	return ret
}

// Open authenticates and decrypts ciphertext and appends the plaintext to
// dst. dst may be ciphertext[:0]. On failure the output is zeroed, as
// nothing unauthenticated may be released (RFC 3610, Section 2.5).
func (c *ccm) Open(dst, nonce, ciphertext, additionalData []byte) ([]byte, error) {
	if len(nonce) != c.nonceSize {
		panic("record: CCM nonce of the wrong length")
	}
	if len(ciphertext) < c.tagSize || uint64(len(ciphertext)-c.tagSize) > c.maxLen() {
		return nil, errCCMOpen
	}
	n := len(ciphertext) - c.tagSize
	tag := ciphertext[n:]
	ret, out := sliceForAppend(dst, n)
	if inexactOverlap(out, ciphertext[:n]) {
		panic("record: CCM output overlaps the input")
	}
	// out ends where the received tag starts when opening in place, so
	// decrypting does not touch the tag.
	c.start(nonce, n, additionalData)
	c.crypt(out, ciphertext[:n], false)
	// T' = the computed MAC XOR S_0, compared without early exit.
	subtle.XORBytes(c.x[:c.tagSize], c.x[:c.tagSize], c.s0[:c.tagSize])
	if subtle.ConstantTimeCompare(c.x[:c.tagSize], tag) != 1 {
		clear(out)
		return nil, errCCMOpen
	}
	return ret, nil
}

// start runs the CBC-MAC of RFC 3610, Section 2.2 over B_0 and the encoded
// additional data, and prepares the counter blocks of Section 2.3: S_0 in
// c.s0, and A_i = Flags ‖ Nonce ‖ i with Flags = L-1.
func (c *ccm) start(nonce []byte, n int, ad []byte) {
	x := c.x[:]
	// B_0 = Flags ‖ Nonce ‖ l(m). Flags = 64·Adata + 8·M' + L', with M'
	// = (M-2)/2 and L' = L-1.
	flags := byte((c.tagSize-2)/2<<3 | (c.l - 1))
	if len(ad) > 0 {
		flags |= 0x40
	}
	x[0] = flags
	copy(x[1:], nonce)
	putCounter(x, c.l, uint64(n))
	c.b.Encrypt(x, x)

	if len(ad) > 0 {
		// Section 2.2: l(a) is encoded in 2 bytes below 2^16-2^8, else
		// 0xfffe and 4 bytes, else 0xffff and 8 bytes; the encoding and
		// the data are then cut into zero-padded blocks.
		var hdr [10]byte
		var h int
		switch m := uint64(len(ad)); {
		case m < 0xff00:
			hdr[0], hdr[1], h = byte(m>>8), byte(m), 2
		case m <= 0xffffffff:
			hdr[0], hdr[1], h = 0xff, 0xfe, 6
			putCounter(hdr[:6], 4, m)
		default:
			hdr[0], hdr[1], h = 0xff, 0xff, 10
			putCounter(hdr[:10], 8, m)
		}
		subtle.XORBytes(x, x, hdr[:h])
		k := subtle.XORBytes(x[h:], x[h:], ad)
		c.b.Encrypt(x, x)
		ad = ad[k:]
		for len(ad) >= 16 {
			xor16(&c.x, ad)
			c.b.Encrypt(x, x)
			ad = ad[16:]
		}
		if len(ad) > 0 {
			subtle.XORBytes(x, x, ad)
			c.b.Encrypt(x, x)
		}
	}

	c.a[0] = byte(c.l - 1)
	copy(c.a[1:], nonce)
	putCounter(c.a[:], c.l, 0)
	c.base = binary.BigEndian.Uint64(c.a[8:])
	c.b.Encrypt(c.s0[:], c.a[:])
}

// crypt encrypts (seal) or decrypts src into dst with the key stream S_1,
// S_2, ... and continues the CBC-MAC over the plaintext, each block of
// the message zero-padded (RFC 3610, Sections 2.2 and 2.3). Doing both in
// one pass lets the processor overlap the independent key stream
// encryptions with the MAC's chained ones.
func (c *ccm) crypt(dst, src []byte, seal bool) {
	x, a, ks := c.x[:], c.a[:], c.ks[:]
	// The counter never reaches 2^(8L): the message is shorter.
	ctr := uint64(1)
	for len(src) >= 16 {
		binary.BigEndian.PutUint64(a[8:], c.base|ctr)
		ctr++
		c.b.Encrypt(ks, a)
		if seal {
			xor16(&c.x, src)
			c.b.Encrypt(x, x)
			xor16to(dst, src, &c.ks)
		} else {
			xor16to(dst, src, &c.ks)
			xor16(&c.x, dst)
			c.b.Encrypt(x, x)
		}
		dst, src = dst[16:], src[16:]
	}
	if len(src) > 0 {
		binary.BigEndian.PutUint64(a[8:], c.base|ctr)
		c.b.Encrypt(ks, a)
		if seal {
			subtle.XORBytes(x, x, src)
			subtle.XORBytes(dst, src, ks)
		} else {
			subtle.XORBytes(dst, src, ks)
			subtle.XORBytes(x, x, dst[:len(src)])
		}
		c.b.Encrypt(x, x)
	}
}

// xor16 XORs the first 16 bytes of b into x.
func xor16(x *[16]byte, b []byte) {
	b = b[:16]
	binary.LittleEndian.PutUint64(x[:8], binary.LittleEndian.Uint64(x[:8])^binary.LittleEndian.Uint64(b[:8]))
	binary.LittleEndian.PutUint64(x[8:], binary.LittleEndian.Uint64(x[8:])^binary.LittleEndian.Uint64(b[8:]))
}

// xor16to sets the first 16 bytes of dst to those of src XOR k. dst may
// be src.
func xor16to(dst, src []byte, k *[16]byte) {
	dst, src = dst[:16], src[:16]
	binary.LittleEndian.PutUint64(dst[:8], binary.LittleEndian.Uint64(src[:8])^binary.LittleEndian.Uint64(k[:8]))
	binary.LittleEndian.PutUint64(dst[8:], binary.LittleEndian.Uint64(src[8:])^binary.LittleEndian.Uint64(k[8:]))
}

// putCounter writes v big-endian into the last l bytes of b.
func putCounter(b []byte, l int, v uint64) {
	for i := len(b) - 1; i >= len(b)-l; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// sliceForAppend extends in by n bytes, reusing its capacity when it can,
// and returns the whole slice and the n new bytes.
func sliceForAppend(in []byte, n int) (head, tail []byte) {
	if total := len(in) + n; cap(in) >= total {
		head = in[:total]
	} else {
		head = make([]byte, total)
		copy(head, in)
	}
	tail = head[len(in):]
	return
}

// inexactOverlap reports whether x and y share memory other than starting
// at the same address, the one overlap an in-place AEAD allows.
func inexactOverlap(x, y []byte) bool {
	if len(x) == 0 || len(y) == 0 || &x[0] == &y[0] {
		return false
	}
	xs, ys := uintptr(unsafe.Pointer(&x[0])), uintptr(unsafe.Pointer(&y[0]))
	return xs < ys+uintptr(len(y)) && ys < xs+uintptr(len(x))
}
