package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func etmPair(t testing.TB, s *suites.Suite, v uint16) (seal, open Protector) {
	t.Helper()
	return pairOf(t, s, v, NewEncryptThenMACProtector)
}

// etmRecord builds a TLS 1.1+ encrypt-then-MAC fragment from RFC 7366,
// Section 3 with the primitives directly: IV ‖ ENC(data ‖ padding) ‖
// MAC(seq ‖ type ‖ version ‖ len(IV ‖ ENC) ‖ IV ‖ ENC). corrupt may damage
// the padded plaintext before encryption (the MAC is then still valid).
func etmRecord(s *suites.Suite, seq uint64, iv, data []byte, padLen int, corrupt func(p []byte)) []byte {
	key, macKey, _ := keyBlock(s, 1)
	p := bytes.Clone(data)
	for i := 0; i <= padLen; i++ {
		p = append(p, byte(padLen))
	}
	if corrupt != nil {
		corrupt(p)
	}
	block, _ := aes.NewCipher(key)
	out := append(bytes.Clone(iv), make([]byte, len(p))...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[len(iv):], p)
	var ad [13]byte
	additionalData(&ad, seq, wire.TypeApplicationData, wire.VersionTLS12, len(out))
	m := hmac.New(s.MAC.New(), macKey)
	m.Write(ad[:])
	m.Write(out)
	return m.Sum(out)
}

// TestEncryptThenMACMatchesRFC7366 checks both directions against the
// construction built by hand: Open accepts it (with any valid padding
// length), and Seal produces it byte for byte given the same IV.
func TestEncryptThenMACMatchesRFC7366(t *testing.T) {
	for _, s := range cbcSuites {
		t.Run(s.Name, func(t *testing.T) {
			data := payload(37)
			iv := payload(16)
			for _, padLen := range []int{10, 26, 250} {
				frag := etmRecord(s, 7, iv, data, padLen, nil)
				_, o := etmPair(t, s, wire.VersionTLS12)
				got, err := o.Open(frag, 7, wire.TypeApplicationData, wire.VersionTLS12)
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("padLen %d: Open = %x, %v", padLen, got, err)
				}
			}
			seal, _ := etmPair(t, s, wire.VersionTLS12)
			buf := make([]byte, 16+len(data), 16+len(data)+seal.Overhead())
			copy(buf[16:], data)
			out, err := seal.Seal(buf, 7, wire.TypeApplicationData, wire.VersionTLS12)
			if err != nil {
				t.Fatal(err)
			}
			want := etmRecord(s, 7, out[:16], data, 10, nil)
			if !bytes.Equal(out, want) {
				t.Fatalf("Seal differs from RFC 7366's construction\n got %x\nwant %x", out, want)
			}
		})
	}
}

// TestEncryptThenMACRefusesTampering: a change anywhere (IV, ciphertext,
// MAC, header fields, sequence number), a short or misaligned record,
// and padding that is wrong under a valid MAC are all bad_record_mac.
func TestEncryptThenMACRefusesTampering(t *testing.T) {
	s := cbcSuites[2]
	data := payload(40)
	iv := payload(16)
	good := etmRecord(s, 3, iv, data, 7, nil)
	open := func(frag []byte, seq uint64, typ uint8) error {
		_, o := etmPair(t, s, wire.VersionTLS12)
		_, err := o.Open(bytes.Clone(frag), seq, typ, wire.VersionTLS12)
		return err
	}
	if err := open(good, 3, wire.TypeApplicationData); err != nil {
		t.Fatalf("good record: %v", err)
	}
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x01
		if err := open(bad, 3, wire.TypeApplicationData); err != ErrBadRecordMAC {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
	cases := map[string]error{
		"other seq":       open(good, 4, wire.TypeApplicationData),
		"other type":      open(good, 3, wire.TypeHandshake),
		"truncated MAC":   open(good[:len(good)-1], 3, wire.TypeApplicationData),
		"MAC only":        open(good[len(good)-s.MAC.Size():], 3, wire.TypeApplicationData),
		"IV and MAC only": open(append(bytes.Clone(iv), good[len(good)-s.MAC.Size():]...), 3, wire.TypeApplicationData),
		"empty":           open(nil, 3, wire.TypeApplicationData),
		"bad padding byte": open(etmRecord(s, 3, iv, data, 7, func(p []byte) {
			p[len(p)-3] ^= 1
		}), 3, wire.TypeApplicationData),
		"padding longer than record": open(etmRecord(s, 3, iv, data, 7, func(p []byte) {
			p[len(p)-1] = 200
		}), 3, wire.TypeApplicationData),
	}
	for name, err := range cases {
		if err != ErrBadRecordMAC {
			t.Errorf("%s: %v, want bad_record_mac", name, err)
		}
	}
}

// TestEncryptThenMACRoundTrip runs every CBC suite at every version
// through a Writer and a Reader, TLS 1.0's chained IV included, with
// record lengths around the block boundaries; and refuses the extension
// for an AEAD suite.
func TestEncryptThenMACRoundTrip(t *testing.T) {
	for _, s := range suites.All() {
		for _, v := range versions {
			if !s.SupportsVersion(v) {
				continue
			}
			key, macKey, iv := keyBlock(s, 1)
			if !s.Cipher.CBC() {
				if _, err := NewEncryptThenMACProtector(s, v, key, macKey, iv); err == nil {
					t.Fatalf("%s: encrypt-then-MAC accepted for a non-CBC suite", s.Name)
				}
				continue
			}
			var buf bytes.Buffer
			w, r := NewWriter(&buf), NewReader(&buf)
			w.SetVersion(v)
			r.SetVersion(v)
			ps, po := etmPair(t, s, v)
			w.SetProtector(ps)
			r.SetProtector(po)
			for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 1000, wire.MaxPlaintext} {
				msg := payload(n)
				if err := w.WriteRecord(wire.TypeApplicationData, msg); err != nil {
					t.Fatal(err)
				}
				if err := w.Flush(); err != nil {
					t.Fatal(err)
				}
				var got []byte
				for len(got) < n || (n == 0 && got == nil) {
					_, data, err := r.ReadRecord()
					if err != nil {
						t.Fatalf("%s %s n=%d: %v", s.Name, wire.VersionName(v), n, err)
					}
					got = append(append([]byte{}, got...), data...)
					if n == 0 {
						break
					}
				}
				if !bytes.Equal(got, msg) {
					t.Fatalf("%s %s n=%d: round trip differs", s.Name, wire.VersionName(v), n)
				}
			}
		}
	}
}

// TestMaxPlaintextLimit: once a limit is negotiated (max_fragment_length,
// record_size_limit), the Writer splits at it and the Reader refuses a
// longer protected record with record_overflow, in TLS 1.2 and TLS 1.3.
func TestMaxPlaintextLimit(t *testing.T) {
	s12 := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	for _, v := range []uint16{wire.VersionTLS12, wire.VersionTLS13} {
		var w *Writer
		var r *Reader
		if v == wire.VersionTLS13 {
			w, r, _ = pipe13(t, suites.ByID(0x1301))
		} else {
			w, r, _ = pipe(t, s12, v)
		}
		w.SetMaxFragment(512)
		r.SetMaxPlaintext(512)
		if err := w.WriteRecord(wire.TypeApplicationData, payload(1300)); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		for _, n := range []int{512, 512, 276} {
			_, data, err := r.ReadRecord()
			if err != nil || len(data) != n {
				t.Fatalf("%s: record of %d bytes, %v; want %d", wire.VersionName(v), len(data), err, n)
			}
		}
		w.SetMaxFragment(513)
		w.WriteRecord(wire.TypeApplicationData, payload(513))
		w.Flush()
		_, _, err := r.ReadRecord()
		wantAlert(t, err, alert.RecordOverflow)
	}
}

// tls10Record builds a TLS 1.0 GenericBlockCipher fragment (no explicit
// IV: the chain starts at the key block IV) with padLen bytes of pad
// (not necessarily the padding length, as SSL 3.0 era stacks could write
// them) and then the length byte lenByte.
func tls10Record(s *suites.Suite, data []byte, padLen int, pad, lenByte byte) []byte {
	key, macKey, iv := keyBlock(s, 1)
	var ad [13]byte
	additionalData(&ad, 0, wire.TypeApplicationData, wire.VersionTLS10, len(data))
	m := hmac.New(s.MAC.New(), macKey)
	m.Write(ad[:])
	m.Write(data)
	p := append(bytes.Clone(data), m.Sum(nil)...)
	for i := 0; i < padLen; i++ {
		p = append(p, pad)
	}
	p = append(p, lenByte)
	block, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(p, p)
	return p
}

// TestNoPaddingCheck: {padding_check, false} reads a TLS 1.0 record whose
// padding bytes are not the padding length, which the default refuses
// (bad_record_mac); it changes nothing at TLS 1.1+, and a padding length
// that leaves no room for the MAC is still refused.
func TestNoPaddingCheck(t *testing.T) {
	s := suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1)
	data := payload(30) // 30 + 20 + 1 + 13 = 64
	frag := tls10Record(s, data, 13, 0xaa, 13)
	open := func(v uint16, opts Options, frag []byte) ([]byte, error) {
		key, macKey, iv := keyBlock(s, 1)
		p, err := NewProtectorWith(s, v, key, macKey, iv, opts)
		if err != nil {
			t.Fatal(err)
		}
		return p.Open(bytes.Clone(frag), 0, wire.TypeApplicationData, v)
	}
	if _, err := open(wire.VersionTLS10, Options{}, frag); err != ErrBadRecordMAC {
		t.Fatalf("default: %v, want bad_record_mac", err)
	}
	got, err := open(wire.VersionTLS10, Options{NoPaddingCheck: true}, frag)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("padding_check false: %x, %v", got, err)
	}
	if _, err := open(wire.VersionTLS10, Options{NoPaddingCheck: true}, tls10Record(s, data, 13, 13, 13)); err != nil {
		t.Fatalf("padding_check false, regular padding: %v", err)
	}
	if _, err := open(wire.VersionTLS10, Options{NoPaddingCheck: true}, tls10Record(s, payload(2), 9, 0, 20)); err != ErrBadRecordMAC {
		t.Fatalf("padding over the MAC: %v", err)
	}
	bad12 := cbcRecord(s, 7, data, 13, func(p []byte, macAt int) { p[len(p)-3] ^= 0xff })
	key, macKey, iv := keyBlock(s, 1)
	p12, _ := NewProtectorWith(s, wire.VersionTLS12, key, macKey, iv, Options{NoPaddingCheck: true})
	if _, err := p12.Open(bad12, 7, wire.TypeApplicationData, wire.VersionTLS12); err != ErrBadRecordMAC {
		t.Fatalf("TLS 1.2 with padding_check false: %v, want bad_record_mac", err)
	}
}
