package record

import "crypto/subtle"

// Encrypt-then-MAC for CBC suites (RFC 7366), negotiated with the
// encrypt_then_mac extension. The record is
//
//	IV ‖ ENC(content ‖ padding ‖ padding_length) ‖ MAC
//
// where the MAC covers seq_num ‖ type ‖ version ‖ length ‖ IV ‖
// ciphertext, length being that of IV and ciphertext (RFC 7366, Section
// 3). The receiver checks the MAC before it decrypts anything, so the
// padding oracles and Lucky 13, which need a decryption of forged
// ciphertext, have nothing to measure; padding is then checked in the
// clear. TLS 1.0 sends no IV (its chain continues from the previous
// record), so its MAC covers the ciphertext alone.

// sealEtM is Seal with encrypt-then-MAC: pad, encrypt, then MAC the
// explicit IV and the ciphertext.
func (p *cbcProtector) sealEtM(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	en := p.ExplicitNonceLen()
	n := len(frag) - en
	padLen := p.bs - n%p.bs // padding + length byte
	encEnd := en + n + padLen
	if cap(frag) < encEnd+p.macSize {
		return nil, errShortBuffer
	}
	frag = frag[:encEnd+p.macSize]
	if err := p.padEncrypt(frag[:encEnd], en, frag[en+n:encEnd]); err != nil {
		return nil, err
	}
	p.mac.Reset()
	p.mac.Write(recordAD(&p.x, &p.ad, seq, typ, vers, encEnd))
	p.mac.Write(frag[:encEnd])
	p.mac.Sum(frag[encEnd:encEnd])
	return frag, nil
}

// openEtM authenticates the IV and ciphertext, and only then decrypts
// and removes the padding. Every failure is ErrBadRecordMAC (RFC 7366,
// Section 3: a MAC failure is bad_record_mac, and so is bad padding,
// though only the MAC's owner could have produced it).
func (p *cbcProtector) openEtM(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	en := p.ExplicitNonceLen()
	encEnd := len(frag) - p.macSize
	// Public lengths only: at least one block of ciphertext, whole blocks.
	if encEnd < en+p.bs || (encEnd-en)%p.bs != 0 {
		return nil, ErrBadRecordMAC
	}
	p.mac.Reset()
	p.mac.Write(recordAD(&p.x, &p.ad, seq, typ, vers, encEnd))
	p.mac.Write(frag[:encEnd])
	sum := p.mac.Sum(p.sum[:0])
	if subtle.ConstantTimeCompare(sum, frag[encEnd:]) != 1 {
		return nil, ErrBadRecordMAC
	}
	if !p.chained {
		p.dec.(ivSetter).SetIV(frag[:en])
	}
	ct := frag[en:encEnd]
	p.dec.CryptBlocks(ct, ct)
	// The record is authentic, so checking its padding with branches
	// tells an observer nothing it could not compute: only the holder of
	// the MAC key can have written it.
	padLen := int(ct[len(ct)-1])
	if padLen+1 > len(ct) {
		return nil, ErrBadRecordMAC
	}
	for _, b := range ct[len(ct)-1-padLen:] {
		if int(b) != padLen && !p.noPaddingCheck {
			return nil, ErrBadRecordMAC
		}
	}
	return ct[:len(ct)-1-padLen], nil
}
