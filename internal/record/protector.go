package record

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"errors"
	"math"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// Protector protects the records of one direction for one epoch (one key
// set). It is not safe for concurrent use; a connection has one per
// direction.
//
// The sequence number is a parameter rather than state so that the caller
// owns it: a TLS connection counts from zero at each ChangeCipherSpec, and
// DTLS passes epoch<<48 | sequence_number, which is exactly the 64-bit
// value RFC 6347, Section 4.1.2.1 puts into the MAC and the AEAD
// additional data. Likewise the protector never sees the record header, so
// the 13-byte DTLS header needs no second implementation.
type Protector interface {
	// ExplicitNonceLen is how many bytes Seal writes at the start of the
	// fragment, before the protected plaintext: the GCM explicit nonce
	// (RFC 5288, Section 3) or the CBC explicit IV of TLS 1.1+ (RFC 4346,
	// Section 6.2.3.2); 0 for ChaCha20-Poly1305 and TLS 1.0 CBC.
	ExplicitNonceLen() int

	// Overhead is the largest number of bytes Seal adds to a plaintext,
	// explicit nonce included. A caller sizes its buffer with it.
	Overhead() int

	// Seal protects a record in place. frag holds ExplicitNonceLen() bytes
	// of room followed by the plaintext; cap(frag) must be at least
	// len(frag)+Overhead()-ExplicitNonceLen(). It returns the whole
	// protected fragment, which shares frag's memory.
	Seal(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error)

	// Open authenticates and decrypts a protected fragment in place and
	// returns the plaintext, a subslice of frag. Every failure is
	// ErrBadRecordMAC, whatever its cause.
	Open(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error)
}

// ErrBadRecordMAC is the one error record decryption returns. RFC 5246,
// Section 7.2.2 requires bad_record_mac for padding failures too, and
// Section 6.2.3.2 explains why: a distinguishable error (or a different
// moment of sending it) is a padding oracle. It is a single value so that
// no failure can be told from another even by comparing errors.
var ErrBadRecordMAC error = &alert.Error{Desc: alert.BadRecordMAC}

// ErrSequenceOverflow is returned instead of reusing a sequence number:
// RFC 5246, Section 6.1 forbids wrapping; the connection must renegotiate
// (or rekey) or close before 2^64-1 records.
var ErrSequenceOverflow error = &alert.Error{Desc: alert.InternalError, Reason: "record sequence number exhausted"}

// maxSeq is never used as a sequence number, so a counter that reaches it
// has not wrapped and the error can be reported before it would.
const maxSeq = math.MaxUint64

// NewProtector builds the protection for suite s at version v from the key
// block pieces of RFC 5246, Section 6.3: key is the encryption key, macKey
// the MAC key (nil for AEAD suites), iv the fixed IV (the 4-byte implicit
// GCM salt, the 12-byte ChaCha20-Poly1305 IV, or the CBC IV that only TLS
// 1.0 uses, as the first link of its IV chain).
func NewProtector(s *suites.Suite, v uint16, key, macKey, iv []byte) (Protector, error) {
	return NewProtectorWith(s, v, key, macKey, iv, Options{})
}

// Options are the negotiated or configured variations of TLS 1.0–1.2
// record protection.
type Options struct {
	// EncryptThenMAC is RFC 7366's record format (CBC suites only).
	EncryptThenMAC bool
	// NoPaddingCheck is OTP's {padding_check, false}: a TLS 1.0 CBC
	// record's padding bytes are not compared with the padding length,
	// only the length is used, as the SSL 3.0 stacks that wrote other
	// bytes there need. Ignored at other versions. It weakens TLS 1.0
	// against POODLE-style padding attacks, which is why it is off
	// unless asked for.
	NoPaddingCheck bool
}

// NewProtectorWith is NewProtector with opts.
func NewProtectorWith(s *suites.Suite, v uint16, key, macKey, iv []byte, opts Options) (Protector, error) {
	if opts.EncryptThenMAC && (s == nil || !s.Cipher.CBC()) {
		return nil, errors.New("record: encrypt-then-MAC applies only to CBC suites")
	}
	return newProtector(s, v, key, macKey, iv, opts)
}

// NewEncryptThenMACProtector is NewProtector for a connection that
// negotiated encrypt_then_mac (RFC 7366). The extension changes only
// CBC suites; for any other it is an error, since RFC 7366, Section 3
// forbids a server to accept it with a stream or AEAD suite.
func NewEncryptThenMACProtector(s *suites.Suite, v uint16, key, macKey, iv []byte) (Protector, error) {
	return NewProtectorWith(s, v, key, macKey, iv, Options{EncryptThenMAC: true})
}

func newProtector(s *suites.Suite, v uint16, key, macKey, iv []byte, opts Options) (Protector, error) {
	if s == nil {
		return nil, errors.New("record: nil cipher suite")
	}
	if v < wire.VersionSSL30 || v > wire.VersionTLS12 {
		return nil, errors.New("record: protection for version " + wire.VersionName(v) + " is not implemented")
	}
	// A suite outside its versions is a handshake bug; refusing it here
	// keeps, say, GCM without TLS 1.2's AEAD record format from existing.
	if !s.SupportsVersion(v) {
		return nil, errors.New("record: " + s.Name + " cannot be used at " + wire.VersionName(v))
	}
	info := s.Cipher.Info()
	if len(key) != info.KeyLen {
		return nil, errors.New("record: wrong key length for " + info.ErlangName)
	}
	switch s.Cipher {
	case suites.CipherAES128GCM, suites.CipherAES256GCM:
		if len(iv) != info.FixedIVLen {
			return nil, errors.New("record: GCM needs a 4-byte implicit nonce")
		}
		return newGCM(key, iv)
	case suites.CipherChaCha20Poly1305:
		if len(iv) != info.FixedIVLen {
			return nil, errors.New("record: ChaCha20-Poly1305 needs a 12-byte IV")
		}
		return newChaCha(key, iv)
	case suites.CipherAES128CCM, suites.CipherAES256CCM, suites.CipherAES128CCM8, suites.CipherAES256CCM8:
		if len(iv) != info.FixedIVLen {
			return nil, errors.New("record: CCM needs a 4-byte implicit nonce")
		}
		return newCCM12(key, iv, info.TagLen)
	case suites.CipherRC4128:
		if s.MAC.Size() == 0 || len(macKey) != s.MAC.Size() {
			return nil, errors.New("record: wrong MAC key length for " + s.MAC.ErlangName())
		}
		p, err := newStream(key, s.MAC.New(), macKey)
		if err == nil && v == wire.VersionSSL30 {
			err = p.useSSL3(s.MAC.New(), macKey)
		}
		return p, err
	case suites.CipherAES128CBC, suites.CipherAES256CBC, suites.Cipher3DESEDECBC, suites.CipherDESCBC:
		if s.MAC.Size() == 0 || len(macKey) != s.MAC.Size() {
			return nil, errors.New("record: wrong MAC key length for " + s.MAC.ErlangName())
		}
		block, err := blockCipher(s.Cipher, key)
		if err != nil {
			return nil, err
		}
		// SSL 3.0 and TLS 1.0 chain the IV from record to record (RFC
		// 6101, 5.2.3.2; RFC 2246, Section 6.2.3.2); later versions send
		// a fresh one per record.
		chained := v <= wire.VersionTLS10
		if chained && len(iv) != info.BlockSize {
			return nil, errors.New("record: TLS 1.0 CBC needs the key block IV")
		}
		p, err := newCBC(block, s.MAC.New(), macKey, iv, chained)
		if err != nil {
			return nil, err
		}
		if v == wire.VersionSSL30 {
			// RFC 7366 is a TLS extension: no SSL 3.0 record uses it.
			if opts.EncryptThenMAC {
				return nil, errors.New("record: encrypt-then-MAC does not exist in SSL 3.0")
			}
			if err := p.useSSL3(s.MAC.New(), macKey); err != nil {
				return nil, err
			}
		}
		p.etm = opts.EncryptThenMAC
		p.noPaddingCheck = opts.NoPaddingCheck && v == wire.VersionTLS10
		return p, nil
	}
	return nil, errors.New("record: unsupported cipher " + info.ErlangName)
}

// additionalData fills the 13 bytes RFC 5246 authenticates with every
// record: seq_num ‖ type ‖ version ‖ length (Section 6.2.3.1 for the MAC,
// Section 6.2.3.3 for AEAD additional_data). Seeing the header bytes the
// peer cannot change them without failing the check.
func additionalData(dst *[13]byte, seq uint64, typ uint8, vers uint16, n int) {
	dst[0] = byte(seq >> 56)
	dst[1] = byte(seq >> 48)
	dst[2] = byte(seq >> 40)
	dst[3] = byte(seq >> 32)
	dst[4] = byte(seq >> 24)
	dst[5] = byte(seq >> 16)
	dst[6] = byte(seq >> 8)
	dst[7] = byte(seq)
	dst[8] = typ
	dst[9] = byte(vers >> 8)
	dst[10] = byte(vers)
	dst[11] = byte(n >> 8)
	dst[12] = byte(n)
}

// blockCipher is the block cipher of a CBC suite: AES, or the legacy DES
// (RFC 5246, Appendix C; TLS 1.0–1.1 only, RFC 5469) and 3DES-EDE.
func blockCipher(c suites.Cipher, key []byte) (cipher.Block, error) {
	switch c {
	case suites.CipherDESCBC:
		return des.NewCipher(key)
	case suites.Cipher3DESEDECBC:
		return des.NewTripleDESCipher(key)
	}
	return aes.NewCipher(key)
}
