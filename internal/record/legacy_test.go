package record

import (
	"bytes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hmac"
	"crypto/rc4"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// TestLegacyCiphersMatchRFC checks the legacy suites' records against
// RFC 5246, Section 6.2.3 built with the primitives directly: RC4
// (GenericStreamCipher: ENC(data ‖ HMAC)) with HMAC-MD5 and HMAC-SHA1,
// and 3DES and DES (GenericBlockCipher with 8-byte blocks): Seal gives
// the same bytes, Open takes them back, a flipped bit is bad_record_mac.
func TestLegacyCiphersMatchRFC(t *testing.T) {
	data := payload(45)
	for _, name := range []string{"RC4-MD5", "RC4-SHA", "DES-CBC3-SHA", "DES-CBC-SHA"} {
		s := suites.ByName(name)
		v := wire.VersionTLS12
		if s.Cipher == suites.CipherDESCBC {
			v = wire.VersionTLS11
		}
		key, macKey, _ := keyBlock(s, 1)
		var ad [13]byte
		additionalData(&ad, 9, wire.TypeApplicationData, v, len(data))
		m := hmac.New(s.MAC.New(), macKey)
		m.Write(ad[:])
		m.Write(data)
		plain := append(bytes.Clone(data), m.Sum(nil)...)
		var want []byte
		seal, open := protectorPair(t, s, v)
		buf := make([]byte, seal.ExplicitNonceLen()+len(data), seal.ExplicitNonceLen()+len(data)+seal.Overhead())
		copy(buf[seal.ExplicitNonceLen():], data)
		got, err := seal.Seal(buf, 9, wire.TypeApplicationData, v)
		if err != nil {
			t.Fatal(err)
		}
		if s.Cipher == suites.CipherRC4128 {
			c, _ := rc4.NewCipher(key)
			want = make([]byte, len(plain))
			c.XORKeyStream(want, plain)
		} else {
			var block cipher.Block
			if s.Cipher == suites.CipherDESCBC {
				block, _ = des.NewCipher(key)
			} else {
				block, _ = des.NewTripleDESCipher(key)
			}
			padLen := 8 - (len(plain)+1)%8
			if padLen == 8 {
				padLen = 0
			}
			for i := 0; i <= padLen; i++ {
				plain = append(plain, byte(padLen))
			}
			iv := got[:8] // the random explicit IV Seal chose
			want = append(bytes.Clone(iv), make([]byte, len(plain))...)
			cipher.NewCBCEncrypter(block, iv).CryptBlocks(want[8:], plain)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: Seal\n got %x\nwant %x", name, got, want)
		}
		opened, err := open.Open(bytes.Clone(want), 9, wire.TypeApplicationData, v)
		if err != nil || !bytes.Equal(opened, data) {
			t.Fatalf("%s: Open: %v", name, err)
		}
		_, open2 := protectorPair(t, s, v)
		bad := bytes.Clone(want)
		bad[len(bad)/2] ^= 1
		if _, err := open2.Open(bad, 9, wire.TypeApplicationData, v); err != ErrBadRecordMAC {
			t.Fatalf("%s: tampered record: %v", name, err)
		}
	}
}

// TestStreamRecordsInSequence: RC4's keystream runs on across records,
// so records open only in order, through a Writer and a Reader; a short
// record (less than a MAC) is bad_record_mac.
func TestStreamRecordsInSequence(t *testing.T) {
	s := suites.ByName("RC4-SHA")
	w, r, _ := pipe(t, s, wire.VersionTLS10)
	for i, n := range []int{0, 1, 100, wire.MaxPlaintext} {
		if err := w.WriteRecord(wire.TypeApplicationData, payload(n)); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		_, data, err := r.ReadRecord()
		if err != nil || !bytes.Equal(data, payload(n)) {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	_, o := protectorPair(t, s, wire.VersionTLS10)
	if _, err := o.Open(make([]byte, 19), 0, wire.TypeApplicationData, wire.VersionTLS10); err != ErrBadRecordMAC {
		t.Fatalf("short record: %v", err)
	}
}
