package record

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// maxCiphertext13 is the largest TLSCiphertext.encrypted_record TLS 1.3
// allows: 2^14 + 256 (RFC 8446, Section 5.2).
const maxCiphertext13 = wire.MaxPlaintext + 256

// maxInner13 is the largest TLSInnerPlaintext: content, the content-type
// byte and padding together may not exceed 2^14 + 1 (RFC 8446, Section
// 5.4).
const maxInner13 = wire.MaxPlaintext + 1

// legacyVersion13 is the legacy_record_version of every TLS 1.3 record
// after the first ClientHello (RFC 8446, Section 5.1).
const legacyVersion13 = wire.VersionTLS12

// tls13Protector is TLS 1.3 record protection (RFC 8446, Section 5.2): an
// AEAD whose nonce is the write IV XOR the sequence number (Section 5.3)
// and whose additional data is the record header (Section 5.2).
//
// It seals and opens whole TLSInnerPlaintext values (content ‖ type ‖
// zeros); adding and removing the inner content type and the padding is
// the Writer's and the Reader's work, so the protector stays a plain AEAD
// over what it is given.
//
// The AEAD is built from the key the first time a record is sealed or
// opened, and Release drops it again: an idle connection keeps 16 or 32
// bytes of key instead of the cipher's expanded state (about 750 bytes
// for AES-GCM).
type tls13Protector struct {
	aead   cipher.AEAD // nil until first used, and after Release
	cipher suites.Cipher
	tagLen uint8
	keyLen uint8
	key    [32]byte
	iv     [12]byte
	nonce  [12]byte
	ad     [headerLen]byte
}

// NewTLS13Protector builds TLS 1.3 record protection for one direction and
// one traffic secret from the key and IV the key schedule derives (RFC
// 8446, Section 7.3): key is HKDF-Expand-Label(secret, "key", "",
// Cipher.Info().KeyLen), iv is HKDF-Expand-Label(secret, "iv", "",
// Cipher.Info().IVLen13()), 12 bytes.
//
// Install it with SetProtector on a Reader or Writer whose version is
// wire.VersionTLS13; each new traffic secret (handshake, application,
// KeyUpdate) is a new protector, and its sequence numbers start at zero.
func NewTLS13Protector(s *suites.Suite, key, iv []byte) (Protector, error) {
	if s == nil {
		return nil, errors.New("record: nil cipher suite")
	}
	if !s.TLS13() {
		return nil, errors.New("record: " + s.Name + " is not a TLS 1.3 suite")
	}
	info := s.Cipher.Info()
	if len(key) != info.KeyLen {
		return nil, errors.New("record: wrong key length for " + info.ErlangName)
	}
	if len(iv) != info.IVLen13() {
		return nil, errors.New("record: TLS 1.3 needs a 12-byte IV")
	}
	if len(key) > 32 {
		return nil, errors.New("record: key too long")
	}
	switch s.Cipher {
	case suites.CipherAES128GCM, suites.CipherAES256GCM, suites.CipherChaCha20Poly1305,
		suites.CipherAES128CCM, suites.CipherAES128CCM8:
	default:
		return nil, errors.New("record: unsupported cipher " + info.ErlangName)
	}
	// The key length is checked above, so build cannot fail later.
	p := &tls13Protector{cipher: s.Cipher, tagLen: uint8(info.TagLen), keyLen: uint8(len(key))}
	copy(p.key[:], key)
	copy(p.iv[:], iv)
	return p, nil
}

// build makes the AEAD from the key.
func (p *tls13Protector) build() (cipher.AEAD, error) {
	key := p.key[:p.keyLen]
	var a cipher.AEAD
	var err error
	switch p.cipher {
	case suites.CipherAES128GCM, suites.CipherAES256GCM:
		var block cipher.Block
		if block, err = aes.NewCipher(key); err == nil {
			a, err = cipher.NewGCM(block)
		}
	case suites.CipherChaCha20Poly1305:
		a, err = newChaCha20Poly1305(key)
	case suites.CipherAES128CCM, suites.CipherAES128CCM8:
		var block cipher.Block
		if block, err = aes.NewCipher(key); err == nil {
			a, err = newCCM(block, 12, int(p.tagLen))
		}
	default:
		return nil, errors.New("record: unsupported cipher " + p.cipher.Info().ErlangName)
	}
	if err != nil {
		return nil, err
	}
	p.aead = a
	return a, nil
}

// release drops the AEAD; the next record builds it again.
func (p *tls13Protector) release() { p.aead = nil }

// released reports whether the AEAD is dropped.
func (p *tls13Protector) released() bool { return p.aead == nil }

// releaseProtector drops the cipher state of a protector that can build
// it again.
func releaseProtector(p Protector) {
	if r, ok := p.(interface{ release() }); ok {
		r.release()
	}
}

// protectorReleased reports whether p holds no cipher state now (false
// for a protector that cannot drop it).
func protectorReleased(p Protector) bool {
	r, ok := p.(interface{ released() bool })
	return ok && r.released()
}

func (p *tls13Protector) ExplicitNonceLen() int { return 0 }

// Overhead is the AEAD tag alone; the inner content type and any padding
// are part of the plaintext Seal is given.
func (p *tls13Protector) Overhead() int { return int(p.tagLen) }

// setNonce forms the per-record nonce of RFC 8446, Section 5.3: the
// 64-bit sequence number, big-endian and left-padded with zeros to the IV
// length, XORed with the write IV.
func (p *tls13Protector) setNonce(seq uint64) {
	p.nonce = p.iv
	binary.BigEndian.PutUint64(p.nonce[4:], seq^binary.BigEndian.Uint64(p.iv[4:]))
}

// setAD fills the additional data, which is the record header itself:
// opaque_type ‖ legacy_record_version ‖ length, the length being that of
// the encrypted_record, tag included (RFC 8446, Section 5.2).
func (p *tls13Protector) setAD(typ uint8, vers uint16, n int) {
	p.ad[0] = typ
	p.ad[1] = byte(vers >> 8)
	p.ad[2] = byte(vers)
	p.ad[3] = byte(n >> 8)
	p.ad[4] = byte(n)
}

// Seal encrypts a TLSInnerPlaintext in place; typ and vers are the outer
// header's (application_data, 0x0303).
func (p *tls13Protector) Seal(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	if cap(frag)-len(frag) < int(p.tagLen) {
		return nil, errShortBuffer
	}
	a := p.aead
	if a == nil {
		var err error
		if a, err = p.build(); err != nil {
			return nil, err
		}
	}
	p.setNonce(seq)
	p.setAD(typ, vers, len(frag)+int(p.tagLen))
	return a.Seal(frag[:0], p.nonce[:], frag, p.ad[:]), nil
}

// Open authenticates and decrypts an encrypted_record in place and returns
// the TLSInnerPlaintext; typ and vers are the header as received.
func (p *tls13Protector) Open(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	return p.openTo(frag, frag, seq, typ, vers)
}

// openTo is Open into dst when the plaintext fits there (dst must not
// overlap frag unless it is frag), in place otherwise.
func (p *tls13Protector) openTo(dst, frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	if len(frag) < int(p.tagLen) {
		return nil, ErrBadRecordMAC
	}
	if len(dst) < len(frag)-int(p.tagLen) {
		dst = frag
	}
	a := p.aead
	if a == nil {
		var err error
		if a, err = p.build(); err != nil {
			return nil, ErrBadRecordMAC
		}
	}
	p.setNonce(seq)
	p.setAD(typ, vers, len(frag))
	out, err := a.Open(dst[:0], p.nonce[:], frag, p.ad[:])
	if err != nil {
		return nil, ErrBadRecordMAC
	}
	return out, nil
}

var (
	errInnerOverflow = alert.New(alert.RecordOverflow, "TLS 1.3 inner plaintext longer than 2^14+1 bytes")
	errNoInnerType   = alert.New(alert.UnexpectedMessage, "TLS 1.3 record with no non-zero content type")
	errInnerType     = alert.New(alert.UnexpectedMessage, "TLS 1.3 record of a content type that cannot be protected")
	errPlain13       = alert.New(alert.UnexpectedMessage, "unprotected record after TLS 1.3 keys were installed")
	errCCS13         = alert.New(alert.UnexpectedMessage, "TLS 1.3 change_cipher_spec other than the single byte 1")
	errEmpty         = alert.New(alert.UnexpectedMessage, "empty non-application-data record")
	errMismatch13    = alert.New(alert.InternalError, "record protection and record version disagree about TLS 1.3")
)

// isTLS13 reports whether p is TLS 1.3 protection.
func isTLS13(p Protector) bool {
	_, ok := p.(*tls13Protector)
	return ok
}

// splitInner removes the padding and the content type from a decrypted
// TLSInnerPlaintext (RFC 8446, Section 5.4) and returns the real content
// type and the content.
func splitInner(inner []byte) (uint8, []byte, error) {
	if len(inner) > maxInner13 {
		return 0, nil, errInnerOverflow
	}
	// The padding is zeros after the type, which is never zero, so the
	// last non-zero byte is the type. The scan's time depends on the
	// padding length, which RFC 8446, Section 5.4 accepts: the padding
	// hides the content length from the network, not from this host.
	i := len(inner) - 1
	for i >= 0 && inner[i] == 0 {
		i--
	}
	if i < 0 {
		return 0, nil, errNoInnerType
	}
	typ := inner[i]
	switch typ {
	case wire.TypeHandshake, wire.TypeAlert, wire.TypeApplicationData:
	default:
		// A protected change_cipher_spec is refused too (RFC 8446,
		// Section 5): only the plaintext compatibility record exists.
		return 0, nil, errInnerType
	}
	return typ, inner[:i], nil
}

// checkHeader13 is checkHeader under TLS 1.3 (RFC 8446, Section 5.1-5.2),
// after the content type is known to be one of the four.
func (r *Reader) checkHeader13(typ uint8, vers uint16, n int) error {
	// legacy_record_version is 0x0303, or 0x0301 on a ClientHello
	// (Section 5.1); a plaintext record is let through with either, as
	// a client may keep 0x0301 on its second ClientHello or an alert.
	// Protected records (application data) take 0x0303 alone, as OpenSSL
	// and BoringSSL require. The compatibility change_cipher_spec, which
	// Section 5 says to drop unprocessed, passes with any 3.x version:
	// a client that sends it right after the ClientHello writes it with
	// the hello's record version (tlslite: 0x0300), and we read it only
	// once our keys are in (tlsfuzzer's test-tls13-multiple-ccs-messages).
	versionOK := vers == legacyVersion13 ||
		vers == wire.VersionTLS10 && (r.prot == nil || typ != wire.TypeApplicationData) ||
		typ == wire.TypeChangeCipherSpec && vers>>8 == 3
	if !versionOK {
		return alert.New(alert.ProtocolVersion, "TLS 1.3 record version is not 0x0303")
	}
	if r.prot == nil {
		if n > wire.MaxPlaintext {
			return alert.New(alert.RecordOverflow, "record too long")
		}
		return nil
	}
	switch typ {
	case wire.TypeApplicationData:
		// Section 5.2: 2^14 + 256 of encrypted_record at most.
		if n > maxCiphertext13 {
			return alert.New(alert.RecordOverflow, "TLS 1.3 record too long")
		}
	case wire.TypeChangeCipherSpec:
		// Section 5: a plaintext change_cipher_spec of one byte may
		// arrive for middlebox compatibility (Appendix D.4).
		if n != 1 {
			return errCCS13
		}
	case wire.TypeAlert:
		// A peer without our keys yet (see SetProtector).
		if !r.plainAlerts || n != 2 {
			return errPlain13
		}
	default:
		return errPlain13
	}
	return nil
}

// open13 finishes ReadRecord under TLS 1.3: it opens the record and
// returns the real content type and the content of its TLSInnerPlaintext
// (RFC 8446, Section 5.2-5.4).
func (r *Reader) open13(typ uint8, vers uint16, frag, dst []byte) (uint8, []byte, error) {
	if r.version != wire.VersionTLS13 || (r.prot != nil && !isTLS13(r.prot)) {
		return 0, nil, errMismatch13
	}
	if r.prot == nil {
		// Before the handshake keys: ServerHello, HelloRetryRequest,
		// a second ClientHello, alerts, change_cipher_spec.
		if len(frag) == 0 && typ != wire.TypeApplicationData {
			return 0, nil, errEmpty
		}
		return typ, frag, nil
	}
	if typ == wire.TypeChangeCipherSpec {
		// Not protected and not counted: it is outside the record
		// protection altogether (Section 5).
		if frag[0] != 1 {
			return 0, nil, errCCS13
		}
		return typ, frag, nil
	}
	if typ == wire.TypeAlert {
		// A plaintext alert checkHeader13 let through.
		return typ, frag, nil
	}
	if r.seq == maxSeq {
		return 0, nil, ErrSequenceOverflow
	}
	var inner []byte
	var err error
	if p, ok := r.prot.(*tls13Protector); ok && dst != nil {
		inner, err = p.openTo(dst, frag, r.seq, typ, vers)
	} else {
		inner, err = r.prot.Open(frag, r.seq, typ, vers)
	}
	r.markPlain(inner, dst)
	if err != nil {
		return 0, nil, err
	}
	r.seq++
	r.plainAlerts = false
	typ, data, err := splitInner(inner)
	if err != nil {
		return 0, nil, err
	}
	if len(data) > r.plainLimit() {
		return 0, nil, errOverLimit
	}
	// Section 5.4: zero-length handshake or alert content is
	// unexpected_message; empty application data is allowed.
	if len(data) == 0 && typ != wire.TypeApplicationData {
		return 0, nil, errEmpty
	}
	return typ, data, nil
}

// seal13 appends one TLS 1.3 record to the buffer (RFC 8446, Section
// 5.2): plaintext before keys are installed, otherwise content ‖ type ‖
// padding sealed in place into an application_data record.
func (w *Writer) seal13(typ uint8, chunk []byte) error {
	if w.version != wire.VersionTLS13 || (w.prot != nil && !isTLS13(w.prot)) {
		return errMismatch13
	}
	// Section 5: change_cipher_spec is never protected.
	if w.prot == nil || typ == wire.TypeChangeCipherSpec {
		if err := w.reserve(headerLen + len(chunk)); err != nil {
			return err
		}
		rec := w.buf[w.n : w.n+headerLen+len(chunk)]
		copy(rec[headerLen:], chunk)
		return w.finish(rec, typ, legacyVersion13, len(chunk))
	}
	if w.seq == maxSeq {
		return ErrSequenceOverflow
	}
	pad := 0
	if w.padding != nil {
		// The content, the type byte and the padding fit in maxFrag+1:
		// 2^14+1 (Section 5.4) or a smaller record_size_limit.
		pad = max(0, min(w.padding(len(chunk)), w.maxFrag-len(chunk)))
	}
	inner := len(chunk) + 1 + pad
	if err := w.reserve(headerLen + inner + w.prot.Overhead()); err != nil {
		return err
	}
	rec := w.buf[w.n : w.n+headerLen+inner]
	copy(rec[headerLen:], chunk)
	rec[headerLen+len(chunk)] = typ
	clear(rec[headerLen+len(chunk)+1:])
	// The fragment's capacity runs to the buffer's end, which reserve
	// keeps at least Overhead past the inner plaintext.
	frag, err := w.prot.Seal(rec[headerLen:], w.seq, wire.TypeApplicationData, legacyVersion13)
	if err != nil {
		return sealFailed(rec, err)
	}
	w.seq++
	return w.finish(rec, wire.TypeApplicationData, legacyVersion13, len(frag))
}
