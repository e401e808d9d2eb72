package record

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"hash"
)

// ivSetter is the method crypto/cipher's AES CBC modes have for restarting
// the chain at a new IV, which lets one mode value serve every record
// instead of a new one (and an allocation) per record.
type ivSetter interface{ SetIV([]byte) }

// cbcProtector is GenericBlockCipher protection: MAC-then-encrypt with
// HMAC and a CBC block cipher (RFC 5246, Section 6.2.3.2).
type cbcProtector struct {
	enc, dec cipher.BlockMode
	mac      hash.Hash
	macSize  int
	// chained is TLS 1.0: the IV of each record is the last ciphertext
	// block of the previous one (RFC 2246, Section 6.2.3.2) and no IV is
	// sent. A CBC mode keeps exactly that state between CryptBlocks
	// calls, so chaining is simply never calling SetIV.
	chained bool
	// etm is encrypt-then-MAC (RFC 7366): the MAC covers the IV and
	// the ciphertext and follows them, so a record is authenticated
	// before any of it is decrypted (etm.go).
	etm bool
	// bs is the cipher's block size: 16 for AES, 8 for DES and 3DES.
	bs int
	// noPaddingCheck is padding_check false, TLS 1.0 only: the padding
	// bytes are not checked, only the length byte is used.
	noPaddingCheck bool
	// ssl3 is SSL 3.0 (ssl3mac.go): its MAC, an 11-byte MAC header,
	// and padding bytes that are never checked.
	ssl3 bool
	// Constant-time MAC (Lucky 13, see openCBC): the hash block size as
	// a shift, the length of its length field, and how many bytes the
	// inner hash takes before the content beyond its first block (13
	// for HMAC, whose first block is the key).
	blockShift uint
	lenField   int
	hdrLen     int

	ad      [13]byte
	x       explicitAD // SealAD, OpenAD (explicit_ad.go)
	sum     [64]byte   // computed MAC
	got     [64]byte   // MAC taken from the record
	rotated [64]byte
}

// newCBC takes the MAC's hash constructor rather than the suite so that
// tests can count the hash's compression-function calls. block is AES,
// or DES / 3DES for the legacy suites (8-byte blocks).
func newCBC(block cipher.Block, newHash func() hash.Hash, macKey, iv []byte, chained bool) (*cbcProtector, error) {
	if iv == nil || !chained {
		// TLS 1.1+ sets a fresh IV on every record; this one is unused.
		iv = make([]byte, block.BlockSize())
	}
	p := &cbcProtector{
		enc:     cipher.NewCBCEncrypter(block, iv),
		dec:     cipher.NewCBCDecrypter(block, iv),
		mac:     hmac.New(newHash, macKey),
		chained: chained,
		bs:      block.BlockSize(),
		hdrLen:  13,
	}
	p.macSize = p.mac.Size()
	if !chained {
		_, ok1 := p.enc.(ivSetter)
		_, ok2 := p.dec.(ivSetter)
		if !ok1 || !ok2 {
			return nil, errors.New("record: CBC mode cannot restart its IV")
		}
	}
	switch p.mac.BlockSize() {
	case 64: // SHA-1, SHA-256: 64-byte blocks, 8-byte length
		p.blockShift, p.lenField = 6, 8
	case 128: // SHA-384: 128-byte blocks, 16-byte length
		p.blockShift, p.lenField = 7, 16
	default:
		return nil, errors.New("record: unexpected MAC hash block size")
	}
	return p, nil
}

func (p *cbcProtector) ExplicitNonceLen() int {
	if p.chained {
		return 0
	}
	return p.bs
}

// Overhead: explicit IV, MAC, and at most one block of padding (Seal pads
// minimally; the padding-length byte is part of that block).
func (p *cbcProtector) Overhead() int { return p.ExplicitNonceLen() + p.macSize + p.bs }

func (p *cbcProtector) Seal(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	if p.etm {
		return p.sealEtM(frag, seq, typ, vers)
	}
	en := p.ExplicitNonceLen()
	n := len(frag) - en
	padLen := p.bs - (n+p.macSize)%p.bs // padding + length byte
	total := en + n + p.macSize + padLen
	if cap(frag) < total {
		return nil, errShortBuffer
	}
	frag = frag[:total]

	// RFC 5246, Section 6.2.3.1: the MAC covers the compressed (here
	// unchanged) plaintext with the header and the sequence number, so
	// records cannot be reordered, dropped or retyped unnoticed.
	p.mac.Reset()
	p.mac.Write(p.macInput(seq, typ, vers, n))
	p.mac.Write(frag[en : en+n])
	p.mac.Sum(frag[en+n : en+n])

	if err := p.padEncrypt(frag, en, frag[en+n+p.macSize:]); err != nil {
		return nil, err
	}
	return frag, nil
}

// padEncrypt fills pad, the end of frag, with the padding, then encrypts
// frag after its en bytes of explicit IV, which it fills first.
func (p *cbcProtector) padEncrypt(frag []byte, en int, pad []byte) error {
	// Every padding byte, the length byte included, holds the padding
	// length (RFC 5246, Section 6.2.3.2).
	for i := range pad {
		pad[i] = byte(len(pad) - 1)
	}
	if !p.chained {
		// RFC 4346, Section 6.2.3.2: a random IV per record, sent in the
		// clear. It must be unpredictable to whoever chooses plaintext,
		// which is the flaw BEAST exploits in TLS 1.0's chained IV.
		if _, err := rand.Read(frag[:en]); err != nil {
			return err
		}
		p.enc.(ivSetter).SetIV(frag[:en])
	}
	p.enc.CryptBlocks(frag[en:], frag[en:])
	return nil
}

// Open decrypts and verifies a GenericBlockCipher fragment in place.
//
// Lucky 13 (AlFardan and Paterson, 2013) and the padding oracles before
// it (Vaudenay 2002; RFC 5246, Section 6.2.3.2's implementation note)
// recover plaintext from *how* a failure happens: which error, and how
// long the check took. So the padding is checked without data-dependent
// branches, the MAC is always computed (over the data as if the padding
// were valid, or with no padding when it is not), the MAC computation is
// padded to the same number of hash compression-function calls whatever
// the padding length, the MAC is read from the record without
// secret-dependent addresses, and every failure is the same error.
func (p *cbcProtector) Open(frag []byte, seq uint64, typ uint8, vers uint16) ([]byte, error) {
	if p.etm {
		return p.openEtM(frag, seq, typ, vers)
	}
	en := p.ExplicitNonceLen()
	// These depend only on the public length, so they may branch.
	if len(frag) < en {
		return nil, ErrBadRecordMAC
	}
	ct := frag[en:]
	if len(ct) == 0 || len(ct)%p.bs != 0 || len(ct) < p.macSize+1 {
		return nil, ErrBadRecordMAC
	}
	if !p.chained {
		p.dec.(ivSetter).SetIV(frag[:en])
	}
	p.dec.CryptBlocks(ct, ct)

	n := len(ct)
	padLen := int(ct[n-1])
	// good is 1 when the padding-length byte leaves room for the MAC.
	good := subtle.ConstantTimeLessOrEq(padLen+1+p.macSize, n)
	switch { // version and configuration, not secret: may branch
	case p.ssl3:
		// RFC 6101, 5.2.3.2: the padding is shorter than a block and
		// its bytes are arbitrary.
		good &= subtle.ConstantTimeLessOrEq(padLen+1, p.bs)
	case !p.noPaddingCheck:
		good &= checkPadding(ct, padLen)
	}
	// Bad padding: verify as though there were none, so the MAC is still
	// computed and the work matches a well-padded record's.
	padLen &= -good
	dataLen := n - p.macSize - padLen - 1

	p.mac.Reset()
	p.mac.Write(p.macInput(seq, typ, vers, dataLen))
	p.mac.Write(ct[:dataLen])
	sum := p.mac.Sum(p.sum[:0])
	// Lucky 13 countermeasure: finish with as many compression calls as
	// the longest possible data (no padding) would need.
	maxData := n - p.macSize - 1
	extra := p.compressions(maxData) - p.compressions(dataLen)
	p.mac.Write(zeroBlocks[:extra<<p.blockShift])

	got := p.extractMAC(ct, dataLen)
	good &= subtle.ConstantTimeCompare(sum, got)
	if good != 1 {
		return nil, ErrBadRecordMAC
	}
	return ct[:dataLen], nil
}

// compressions is how many compression-function calls the inner HMAC hash
// makes for n bytes of data after the header: ceil((header + n + 1 +
// length field) / block size), with the key block counted out since it is
// the same for every record (hdrLen replaces 13 for SSL 3.0's MAC, and
// a record with a connection ID has a longer header, whose length is
// public). It is arithmetic only (no branches, and a shift rather than a
// division whose timing can depend on the operand).
func (p *cbcProtector) compressions(n int) int {
	hl := p.hdrLen
	if p.x.prefix != nil {
		hl = p.x.adLen()
	}
	return (hl + n + p.lenField + (1 << p.blockShift)) >> p.blockShift
}

// zeroBlocks feeds the extra compression calls. Writing k whole blocks to
// a Merkle–Damgård hash makes exactly k calls wherever its buffer stands.
// The largest gap is 256 bytes of padding plus one block of rounding.
var zeroBlocks [256 + 2*128]byte

// checkPadding returns 1 when the last padLen+1 bytes of b all equal
// padLen, 0 otherwise. It reads the last 256 bytes (or all of b) whatever
// padLen is, so neither its time nor its memory accesses depend on it.
func checkPadding(b []byte, padLen int) int {
	n := len(b)
	toCheck := 256
	if toCheck > n {
		toCheck = n // public: depends on the record length only
	}
	var bad byte
	for i := 1; i <= toCheck; i++ {
		// inPad is 0xff when byte n-i belongs to the padding.
		inPad := byte(-subtle.ConstantTimeLessOrEq(i, padLen+1))
		bad |= inPad & (b[n-i] ^ byte(padLen))
	}
	// A padLen reaching past toCheck is caught by the caller's length
	// check, since toCheck < 256 only when the record is that short.
	return subtle.ConstantTimeByteEq(bad, 0)
}

// extractMAC copies the MAC that starts at the secret offset dataLen out
// of b without indexing memory by that offset: it scans every position
// the MAC could occupy into a buffer rotated by a public amount, then
// undoes the rotation with a full pass per byte.
func (p *cbcProtector) extractMAC(b []byte, dataLen int) []byte {
	ms := p.macSize
	end := len(b) - 1 // the padding-length byte is never part of the MAC
	start := end - ms - 255
	if start < 0 {
		start = 0
	}
	rot := p.rotated[:ms]
	clear(rot)
	rotAmount := 0
	j := 0
	for i := start; i < end; i++ {
		// j == (i - start) mod ms, kept by counting, not dividing.
		isStart := subtle.ConstantTimeEq(int32(i), int32(dataLen))
		rotAmount |= j & -isStart
		inMAC := subtle.ConstantTimeLessOrEq(dataLen, i) & (1 ^ subtle.ConstantTimeLessOrEq(dataLen+ms, i))
		rot[j] |= b[i] & byte(-inMAC)
		j++
		j &= -(1 ^ subtle.ConstantTimeEq(int32(j), int32(ms)))
	}
	out := p.got[:ms]
	clear(out)
	for i := 0; i < ms; i++ {
		// Byte i of the MAC sits at rot[(i + rotAmount) mod ms].
		k := i + rotAmount
		k -= ms & -subtle.ConstantTimeLessOrEq(ms, k)
		for m := 0; m < ms; m++ {
			out[i] |= rot[m] & byte(-subtle.ConstantTimeEq(int32(m), int32(k)))
		}
	}
	return out
}

var errShortBuffer = errors.New("record: seal buffer too small")
