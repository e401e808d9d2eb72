package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha1"
	"encoding/hex"
	"hash"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// ssl3MACByHand is RFC 6101, 5.2.3.1 written out term by term:
// hash(secret + pad_2 + hash(secret + pad_1 + seq_num + type + length +
// content)), pads of 48 bytes for MD5 and 40 for SHA-1.
func ssl3MACByHand(newHash func() hash.Hash, secret []byte, seq uint64, typ uint8, content []byte) []byte {
	padLen := 40
	if newHash().Size() == 16 {
		padLen = 48
	}
	inner := newHash()
	inner.Write(secret)
	inner.Write(bytes.Repeat([]byte{0x36}, padLen))
	var hdr [11]byte
	for i := 0; i < 8; i++ {
		hdr[i] = byte(seq >> (56 - 8*i))
	}
	hdr[8], hdr[9], hdr[10] = typ, byte(len(content)>>8), byte(len(content))
	inner.Write(hdr[:])
	inner.Write(content)
	outer := newHash()
	outer.Write(secret)
	outer.Write(bytes.Repeat([]byte{0x5c}, padLen))
	outer.Write(inner.Sum(nil))
	return outer.Sum(nil)
}

// TestSSL3MACVectors checks the MAC against the construction written out
// and against values computed with tlslite-ng 0.8.2's MAC_SSL
// (mathtls.createMAC_SSL fed as its recordlayer.calculateMAC does for
// version (3, 0), with tlslite.utils.tlshashlib's hashes): secret 0x44 repeated, seq_num 1, type 23, "hello".
func TestSSL3MACVectors(t *testing.T) {
	for _, c := range []struct {
		name    string
		newHash func() hash.Hash
		size    int
		tlslite string
	}{
		{"sha1", sha1.New, 20, "b288987bde9f6359dd8d8c1f01d51e983eebb2b4"},
		{"md5", md5.New, 16, "4bca5cb43939e940e38aff4c1d2ca517"},
	} {
		secret := bytes.Repeat([]byte{0x44}, c.size)
		m, err := newSSL3MAC(c.newHash, secret)
		if err != nil {
			t.Fatal(err)
		}
		var ad [13]byte
		m.Write(macHeader(&ad, true, 1, wire.TypeApplicationData, wire.VersionSSL30, 5))
		m.Write([]byte("hello"))
		got := m.Sum(nil)
		if want := ssl3MACByHand(c.newHash, secret, 1, wire.TypeApplicationData, []byte("hello")); !bytes.Equal(got, want) {
			t.Errorf("%s: %x, by hand %x", c.name, got, want)
		}
		if hex.EncodeToString(got) != c.tlslite {
			t.Errorf("%s: %x, tlslite-ng %s", c.name, got, c.tlslite)
		}
		// Sum leaves the state alone; Reset starts over.
		if again := m.Sum(nil); !bytes.Equal(again, got) {
			t.Errorf("%s: second Sum differs", c.name)
		}
	}
	if _, err := newSSL3MAC(sha1.New, make([]byte, 16)); err == nil {
		t.Error("a 16-byte SHA-1 MAC secret was accepted")
	}
}

// TestSSL3RecordsMatchRFC seals SSL 3.0 records with RC4 and 3DES and
// compares them with RFC 6101, 5.2.3 built from the primitives: the
// stream ENC(content ‖ MAC), the block cipher with the key block IV
// chained across records and no version in the MAC. Open takes them back
// and a flipped bit is bad_record_mac.
func TestSSL3RecordsMatchRFC(t *testing.T) {
	for _, name := range []string{"RC4-MD5", "RC4-SHA", "DES-CBC3-SHA"} {
		s := suites.ByName(name)
		key, macKey, iv := keyBlock(s, 1)
		seal, open := protectorPair(t, s, wire.VersionSSL30)
		var rc *rc4.Cipher
		var enc cipher.BlockMode
		if s.Cipher == suites.CipherRC4128 {
			rc, _ = rc4.NewCipher(key)
		} else {
			block, _ := des.NewTripleDESCipher(key)
			enc = cipher.NewCBCEncrypter(block, iv)
		}
		for seq := uint64(0); seq < 3; seq++ {
			data := payload(13 + int(seq)*7)
			plain := append(bytes.Clone(data), ssl3MACByHand(s.MAC.New(), macKey, seq, wire.TypeApplicationData, data)...)
			want := make([]byte, len(plain))
			if rc != nil {
				rc.XORKeyStream(want, plain)
			} else {
				padLen := 8 - (len(plain)+1)%8
				if padLen == 8 {
					padLen = 0
				}
				plain = append(plain, bytes.Repeat([]byte{byte(padLen)}, padLen+1)...)
				want = make([]byte, len(plain))
				enc.CryptBlocks(want, plain)
			}
			buf := make([]byte, len(data), len(data)+seal.Overhead())
			copy(buf, data)
			got, err := seal.Seal(buf, seq, wire.TypeApplicationData, wire.VersionSSL30)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s seq %d: sealed %x, want %x", name, seq, got, want)
			}
			opened, err := open.Open(bytes.Clone(got), seq, wire.TypeApplicationData, wire.VersionSSL30)
			if err != nil || !bytes.Equal(opened, data) {
				t.Fatalf("%s seq %d: open: %v", name, seq, err)
			}
		}
		// A flipped bit in the next record: bad_record_mac.
		buf := append(make([]byte, 0, 64), payload(20)...)
		rec, _ := seal.Seal(buf, 3, wire.TypeApplicationData, wire.VersionSSL30)
		rec[len(rec)/2] ^= 1
		if _, err := open.Open(rec, 3, wire.TypeApplicationData, wire.VersionSSL30); err != ErrBadRecordMAC {
			t.Errorf("%s: flipped bit: %v, want bad_record_mac", name, err)
		}
	}
}

// TestSSL3PaddingRules: RFC 6101, 5.2.3.2 lets the padding bytes hold
// anything (TLS requires each to equal the length) and requires the
// padding to be shorter than a block. A record built by hand with
// random padding bytes opens; one with a whole block of padding does
// not, though TLS 1.0 would accept that length.
func TestSSL3PaddingRules(t *testing.T) {
	s := suites.ByName("AES128-SHA")
	key, macKey, iv := keyBlock(s, 1)
	data := payload(10) // 10 + 20 MAC = 30: 1 byte of padding + length
	build := func(padLen int) []byte {
		plain := append(bytes.Clone(data), ssl3MACByHand(sha1.New, macKey, 0, wire.TypeApplicationData, data)...)
		for i := 0; i < padLen; i++ {
			plain = append(plain, byte(0xa0+i)) // not the length
		}
		plain = append(plain, byte(padLen))
		out := make([]byte, len(plain))
		b, _ := aes.NewCipher(key)
		cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, plain)
		return out
	}
	for _, c := range []struct {
		padLen int
		ok     bool
	}{{1, true}, {1 + 16, false}} {
		p, err := NewProtector(s, wire.VersionSSL30, key, macKey, iv)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Open(build(c.padLen), 0, wire.TypeApplicationData, wire.VersionSSL30)
		if c.ok && (err != nil || !bytes.Equal(got, data)) {
			t.Errorf("padding %d with arbitrary bytes: %v", c.padLen, err)
		}
		if !c.ok && err != ErrBadRecordMAC {
			t.Errorf("padding %d (a block or more): %v, want bad_record_mac", c.padLen, err)
		}
	}
	if _, err := NewProtectorWith(s, wire.VersionSSL30, key, macKey, iv, Options{EncryptThenMAC: true}); err == nil {
		t.Error("encrypt-then-MAC accepted at SSL 3.0")
	}
}
