package record

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
)

// aeadProtector is record protection with an AEAD (RFC 5246, Section
// 6.2.3.3). The suite families differ only in how the per-record nonce
// is formed, which explicit is true for GCM and CCM (RFC 6655, Section
// 3: the same salt ‖ nonce_explicit as GCM) and false for
// ChaCha20-Poly1305, and in the AEAD and its tag (8 bytes for CCM_8).
//
// Like the TLS 1.3 protector, it keeps its key and builds the AEAD for the
// first record (release drops it again).
type aeadProtector struct {
	aead cipher.AEAD // nil until first used, and after release
	// explicit: RFC 5288, Section 3 sends 8 bytes of nonce with each GCM
	// record; RFC 7905, Section 2 sends none.
	explicit bool
	keyLen   uint8
	ccmTag   uint8 // CCM's tag length; 0: not CCM
	key      [32]byte
	// fixed is the key-block IV: the 4-byte GCM salt or the 12-byte
	// ChaCha20-Poly1305 IV.
	fixed [12]byte
	nonce [12]byte
	ad    [13]byte
	x     explicitAD // SealAD, OpenAD (explicit_ad.go)
}

func newGCM(key, salt []byte) (*aeadProtector, error) {
	if _, err := aes.NewCipher(key); err != nil {
		return nil, err
	}
	p := &aeadProtector{explicit: true, keyLen: uint8(len(key))}
	copy(p.key[:], key)
	copy(p.fixed[:], salt)
	return p, nil
}

// newCCM12 is AES-CCM in TLS 1.2 (RFC 6655, Section 3): GCM's record
// format, with a tagLen-byte tag (16, or 8 for CCM_8).
func newCCM12(key, salt []byte, tagLen int) (*aeadProtector, error) {
	p, err := newGCM(key, salt)
	if err != nil {
		return nil, err
	}
	p.ccmTag = uint8(tagLen)
	return p, nil
}

func newChaCha(key, iv []byte) (*aeadProtector, error) {
	if len(key) != 32 {
		return nil, errors.New("record: ChaCha20-Poly1305 needs a 32-byte key")
	}
	p := &aeadProtector{keyLen: 32}
	copy(p.key[:], key)
	copy(p.fixed[:], iv)
	return p, nil
}

// cipher returns the AEAD, building it from the key the first time.
func (p *aeadProtector) cipher() cipher.AEAD {
	if p.aead != nil {
		return p.aead
	}
	key := p.key[:p.keyLen]
	if p.explicit {
		// The key was checked by newGCM: neither call can fail, nor can
		// newCCM with a 12-byte nonce and a tag of 8 or 16.
		block, _ := aes.NewCipher(key)
		if p.ccmTag != 0 {
			p.aead, _ = newCCM(block, 12, int(p.ccmTag))
		} else {
			p.aead, _ = cipher.NewGCM(block)
		}
	} else {
		p.aead, _ = newChaCha20Poly1305(key)
	}
	return p.aead
}

// release drops the AEAD; the next record builds it again.
func (p *aeadProtector) release() { p.aead = nil }

// released reports whether the AEAD is dropped.
func (p *aeadProtector) released() bool { return p.aead == nil }

// aeadTagLen is the tag of GCM, ChaCha20-Poly1305 and CCM; CCM_8's is 8.
const aeadTagLen = 16

func (p *aeadProtector) tagLen() int {
	if p.ccmTag != 0 {
		return int(p.ccmTag)
	}
	return aeadTagLen
}

func (p *aeadProtector) ExplicitNonceLen() int {
	if p.explicit {
		return 8
	}
	return 0
}

func (p *aeadProtector) Overhead() int { return p.ExplicitNonceLen() + p.tagLen() }

// setNonce forms the per-record nonce. GCM (RFC 5288, Section 3) is
// salt ‖ nonce_explicit, and the explicit part is the sequence number: it
// is unique per key by construction, which a random value would only be
// with high probability, and it lets the receiver ignore nothing but read
// it back. ChaCha20-Poly1305 (RFC 7905, Section 2) XORs the padded
// sequence number into the IV, so nothing is sent at all.
func (p *aeadProtector) setNonce(seq uint64) {
	p.nonce = p.fixed
	if p.explicit {
		binary.BigEndian.PutUint64(p.nonce[4:], seq)
		return
	}
	binary.BigEndian.PutUint64(p.nonce[4:], seq^binary.BigEndian.Uint64(p.fixed[4:]))
}

func (p *aeadProtector) Seal(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	// In place: the plaintext already sits after the explicit nonce.
	return p.sealFrom(frag, frag[p.ExplicitNonceLen():], seq, typ, vers)
}

// sealFrom is Seal with the plaintext taken from plain, which is either
// exactly frag's plaintext part (sealing in place) or does not overlap
// frag: frag holds room for the explicit nonce and the plaintext.
func (p *aeadProtector) sealFrom(frag, plain []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	en := p.ExplicitNonceLen()
	if len(frag) != en+len(plain) || cap(frag)-len(frag) < p.tagLen() {
		return nil, errShortBuffer
	}
	p.setNonce(seq)
	if p.explicit {
		copy(frag[:8], p.nonce[4:])
	}
	ad := recordAD(&p.x, &p.ad, seq, typ, vers, len(plain))
	out := p.cipher().Seal(frag[en:en], p.nonce[:], plain, ad)
	return frag[:en+len(out)], nil
}

func (p *aeadProtector) Open(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	return p.openTo(nil, frag, seq, typ, vers)
}

// openTo is Open into dst when the plaintext fits there (dst must not
// overlap frag), in place otherwise.
func (p *aeadProtector) openTo(dst, frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	en := p.ExplicitNonceLen()
	tagLen := p.tagLen()
	if len(frag) < en+tagLen {
		return nil, ErrBadRecordMAC
	}
	if p.explicit {
		// The peer chooses the explicit nonce (RFC 5288, Section 3), so
		// it is taken as sent, not recomputed from seq.
		p.nonce = p.fixed
		copy(p.nonce[4:], frag[:8])
	} else {
		p.setNonce(seq)
	}
	ct := frag[en:]
	n := len(ct) - tagLen
	if dst == nil || len(dst) < n {
		dst = ct
	}
	ad := recordAD(&p.x, &p.ad, seq, typ, vers, n)
	out, err := p.cipher().Open(dst[:0], p.nonce[:], ct, ad)
	if err != nil {
		return nil, ErrBadRecordMAC
	}
	return out, nil
}
