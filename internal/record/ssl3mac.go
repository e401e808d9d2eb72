package record

import (
	"errors"
	"hash"
)

// SSL 3.0 record protection (RFC 6101, 5.2.3) differs from TLS 1.0's in
// three ways, all here:
//
//   - the MAC is not HMAC but the older pad1/pad2 construction
//     (RFC 6101, 5.2.3.1):
//     hash(MAC_write_secret + pad_2 +
//     hash(MAC_write_secret + pad_1 + seq_num + type + length + content))
//     with pad_1 = 0x36 and pad_2 = 0x5c repeated 48 times for MD5 and
//     40 times for SHA-1;
//   - the MAC does not cover the record's version (seq_num, type and
//     length only: 11 bytes, not TLS's 13);
//   - the CBC padding bytes may hold anything; only the padding length is
//     defined, and it must be less than the block size (RFC 6101,
//     5.2.3.2). That is why SSL 3.0 CBC cannot be protected against
//     POODLE (RFC 7568, Section 2): the padding is not authenticated and
//     cannot be checked, so gossl offers SSL 3.0 only when the versions
//     option names it.
//
// The IV chains from record to record as in TLS 1.0, and the key block
// is cut in the same order (internal/prf does the derivation).

// ssl3Pad1 and ssl3Pad2 hold the longest pad (MD5's 48 bytes).
var (
	ssl3Pad1 = repeatByte(0x36, 48)
	ssl3Pad2 = repeatByte(0x5c, 48)
)

func repeatByte(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// ssl3MAC is RFC 6101's MAC as a hash.Hash, so that the protectors use it
// where TLS uses HMAC: Reset starts the inner hash with the secret and
// pad_1, Write feeds it, Sum finishes with the outer hash. Like hmac's,
// Sum does not change the running state.
type ssl3MAC struct {
	inner, outer hash.Hash
	key          []byte
	padLen       int
	innerSum     [20]byte
}

// newSSL3MAC returns the MAC keyed with key, reset and ready to write.
// Only MD5 and SHA-1 exist in SSL 3.0.
func newSSL3MAC(newHash func() hash.Hash, key []byte) (*ssl3MAC, error) {
	m := &ssl3MAC{inner: newHash(), outer: newHash(), key: append([]byte(nil), key...)}
	switch m.inner.Size() {
	case 16:
		m.padLen = 48
	case 20:
		m.padLen = 40
	default:
		return nil, errors.New("record: SSL 3.0 has only MD5 and SHA-1 MACs")
	}
	if len(key) != m.inner.Size() {
		return nil, errors.New("record: wrong SSL 3.0 MAC key length")
	}
	m.Reset()
	return m, nil
}

func (m *ssl3MAC) Reset() {
	m.inner.Reset()
	m.inner.Write(m.key)
	m.inner.Write(ssl3Pad1[:m.padLen])
}

func (m *ssl3MAC) Write(p []byte) (int, error) { return m.inner.Write(p) }

func (m *ssl3MAC) Sum(b []byte) []byte {
	in := m.inner.Sum(m.innerSum[:0])
	m.outer.Reset()
	m.outer.Write(m.key)
	m.outer.Write(ssl3Pad2[:m.padLen])
	m.outer.Write(in)
	return m.outer.Sum(b)
}

func (m *ssl3MAC) Size() int      { return m.inner.Size() }
func (m *ssl3MAC) BlockSize() int { return m.inner.BlockSize() }

// macHeader fills dst with what the record MAC covers before the content
// and returns it: TLS's 13 bytes (additionalData), or SSL 3.0's 11,
// seq_num ‖ type ‖ length without the version (RFC 6101, 5.2.3.1).
func macHeader(dst *[13]byte, ssl3 bool, seq uint64, typ uint8, vers uint16, n int) []byte {
	additionalData(dst, seq, typ, vers, n)
	if !ssl3 {
		return dst[:]
	}
	dst[9], dst[10] = dst[11], dst[12]
	return dst[:11]
}

// useSSL3 switches a CBC protector to SSL 3.0: its MAC, its 11-byte MAC
// header, and its padding rule (Open).
func (p *cbcProtector) useSSL3(newHash func() hash.Hash, macKey []byte) error {
	m, err := newSSL3MAC(newHash, macKey)
	if err != nil {
		return err
	}
	p.mac, p.ssl3 = m, true
	// The Lucky 13 count (compressions) starts after the first whole
	// block of the inner hash, which in HMAC is the key block. Here the
	// secret and pad_1 come first: 64 bytes for MD5, 60 for SHA-1, so
	// the 11-byte header ends 11 or 7 bytes into the next block.
	p.hdrLen = len(m.key) + m.padLen + 11 - m.BlockSize()
	return nil
}

// useSSL3 switches an RC4 protector to SSL 3.0's MAC and MAC header.
func (p *streamProtector) useSSL3(newHash func() hash.Hash, macKey []byte) error {
	m, err := newSSL3MAC(newHash, macKey)
	if err != nil {
		return err
	}
	p.mac, p.ssl3 = m, true
	return nil
}
