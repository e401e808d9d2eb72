package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func TestRoundTripEverySuite(t *testing.T) {
	sizes := []int{0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, 4095, wire.MaxPlaintext}
	eachSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		w, r, _ := pipe(t, s, v)
		w.SetBeastMitigation(Disabled) // one record per write, checked below
		for _, n := range sizes {
			typ := wire.TypeApplicationData
			if n > 0 && n%2 == 1 {
				typ = wire.TypeHandshake
			}
			if err := w.WriteRecord(typ, payload(n)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		for _, n := range sizes {
			typ, data, err := r.ReadRecord()
			if err != nil {
				t.Fatalf("size %d: %v", n, err)
			}
			wantTyp := wire.TypeApplicationData
			if n > 0 && n%2 == 1 {
				wantTyp = wire.TypeHandshake
			}
			if typ != wantTyp || !bytes.Equal(data, payload(n)) {
				t.Fatalf("size %d: got type %d, %d bytes", n, typ, len(data))
			}
		}
		if _, _, err := r.ReadRecord(); err == nil {
			t.Fatal("read past the end")
		}
	})
}

func TestProtectorRefusesWrongVersionOrKeys(t *testing.T) {
	gcm := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	key, _, iv := keyBlock(gcm, 0)
	for _, v := range []uint16{wire.VersionSSL30, wire.VersionTLS10, wire.VersionTLS11, wire.VersionTLS13} {
		if _, err := NewProtector(gcm, v, key, nil, iv); err == nil {
			t.Errorf("GCM accepted at %s", wire.VersionName(v))
		}
	}
	if _, err := NewProtector(gcm, wire.VersionTLS12, key[:5], nil, iv); err == nil {
		t.Error("short key accepted")
	}
	if _, err := NewProtector(gcm, wire.VersionTLS12, key, nil, iv[:2]); err == nil {
		t.Error("short salt accepted")
	}
	cbc := suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1)
	key, mk, iv := keyBlock(cbc, 0)
	if _, err := NewProtector(cbc, wire.VersionTLS12, key, mk[:3], iv); err == nil {
		t.Error("short MAC key accepted")
	}
	if _, err := NewProtector(cbc, wire.VersionTLS10, key, mk, nil); err == nil {
		t.Error("TLS 1.0 CBC without IV accepted")
	}
	if _, err := NewProtector(cbc, wire.VersionTLS11, key, mk, nil); err != nil {
		t.Errorf("TLS 1.1 CBC needs no key-block IV: %v", err)
	}
}

// TestTamper flips every bit position class of every byte of a protected
// record (explicit nonce or IV, ciphertext, tag, MAC, padding) and the
// authenticated header fields: each must give bad_record_mac.
func TestTamper(t *testing.T) {
	eachSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		for _, n := range []int{0, 1, 40} {
			seal, _ := protectorPair(t, s, v)
			var out bytes.Buffer
			w := NewWriter(&out)
			w.SetVersion(v)
			w.SetProtector(seal)
			w.SetBeastMitigation(Disabled)
			if err := w.WriteRecord(wire.TypeApplicationData, payload(n)); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			orig := out.Bytes()
			open := func(rec []byte) error {
				_, o := protectorPair(t, s, v)
				r := NewReader(bytes.NewReader(rec))
				r.SetProtector(o)
				_, _, err := r.ReadRecord()
				return err
			}
			if err := open(orig); err != nil {
				t.Fatalf("untouched record: %v", err)
			}
			for i := headerLen; i < len(orig); i++ {
				for _, bit := range []byte{0x01, 0x80} {
					rec := bytes.Clone(orig)
					rec[i] ^= bit
					if err := open(rec); err != ErrBadRecordMAC {
						t.Fatalf("len %d, byte %d ^ %#x: got %v", n, i, bit, err)
					}
				}
			}
			// Header fields are authenticated as additional data.
			rec := bytes.Clone(orig)
			rec[0] = wire.TypeHandshake
			if n > 0 {
				if err := open(rec); err != ErrBadRecordMAC {
					t.Fatalf("retyped record: got %v", err)
				}
			}
			rec = bytes.Clone(orig)
			rec[2] ^= 0x03 // still 0x03xx, reader accepts any
			if err := open(rec); err != ErrBadRecordMAC {
				t.Fatalf("version changed: got %v", err)
			}
			// Wrong sequence number (a replayed or reordered record).
			_, o := protectorPair(t, s, v)
			if _, err := o.Open(bytes.Clone(orig[headerLen:]), 1, wire.TypeApplicationData, v); err != ErrBadRecordMAC {
				t.Fatalf("wrong seq: got %v", err)
			}
		}
	})
}

func TestSealShortBuffer(t *testing.T) {
	for _, s := range []*suites.Suite{
		suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD),
		suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1),
	} {
		p, _ := protectorPair(t, s, wire.VersionTLS12)
		frag := make([]byte, p.ExplicitNonceLen()+10)
		if _, err := p.Seal(frag, 0, wire.TypeApplicationData, wire.VersionTLS12); err == nil {
			t.Errorf("%s: sealed without room for the overhead", s.Name)
		}
	}
}

func TestAEADNonces(t *testing.T) {
	// RFC 5288, Section 3: the explicit nonce is sent, and is the
	// sequence number here.
	gcm := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	p, _ := protectorPair(t, gcm, wire.VersionTLS12)
	frag := make([]byte, 8+3, 64)
	out, err := p.Seal(frag, 0x0102030405060708, wire.TypeApplicationData, wire.VersionTLS12)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out[:8], []byte{1, 2, 3, 4, 5, 6, 7, 8}) || len(out) != 8+3+16 {
		t.Fatalf("GCM record %x", out)
	}
	// RFC 7905, Section 2: nonce = IV XOR padded sequence number.
	cc := suiteByCipher(suites.CipherChaCha20Poly1305, suites.MACAEAD)
	pc, _ := protectorPair(t, cc, wire.VersionTLS12)
	a := pc.(*aeadProtector)
	a.setNonce(0x0102030405060708)
	for i := range a.nonce {
		want := a.fixed[i]
		if i >= 4 {
			want ^= byte(i - 3)
		}
		if a.nonce[i] != want {
			t.Fatalf("nonce %x from IV %x", a.nonce, a.fixed)
		}
	}
	if pc.ExplicitNonceLen() != 0 || pc.Overhead() != 16 {
		t.Fatal("ChaCha20-Poly1305 sends no nonce")
	}
}

// TestGCMMatchesRFC5288 opens our record with the primitive alone: nonce
// = salt ‖ explicit, additional data = seq ‖ type ‖ version ‖ length.
func TestGCMMatchesRFC5288(t *testing.T) {
	for _, c := range []suites.Cipher{suites.CipherAES128GCM, suites.CipherAES256GCM} {
		s := suiteByCipher(c, suites.MACAEAD)
		p, _ := protectorPair(t, s, wire.VersionTLS12)
		frag := make([]byte, 8+5, 8+5+p.Overhead())
		copy(frag[8:], "hello")
		out, err := p.Seal(frag, 42, wire.TypeApplicationData, wire.VersionTLS12)
		if err != nil {
			t.Fatal(err)
		}
		key, _, salt := keyBlock(s, 1)
		block, _ := aes.NewCipher(key)
		g, _ := cipher.NewGCM(block)
		nonce := append(bytes.Clone(salt), out[:8]...)
		ad := []byte{0, 0, 0, 0, 0, 0, 0, 42, wire.TypeApplicationData, 3, 3, 0, 5}
		pt, err := g.Open(nil, nonce, out[8:], ad)
		if err != nil || string(pt) != "hello" {
			t.Fatalf("%s: %v", s.Name, err)
		}
	}
}

// TestCCMMatchesRFC6655: a TLS 1.2 AES-CCM record (RFC 6655, Section 3)
// is GCM's format: 8 bytes of explicit nonce after the 4-byte salt, the
// 13-byte additional data, and a 16-byte tag, or 8 for CCM_8, which the
// record's length and Overhead show.
func TestCCMMatchesRFC6655(t *testing.T) {
	for _, c := range []suites.Cipher{suites.CipherAES128CCM, suites.CipherAES256CCM, suites.CipherAES128CCM8, suites.CipherAES256CCM8} {
		s := suiteByCipher(c, suites.MACAEAD)
		if s == nil || s.TLS13() {
			t.Fatalf("no TLS 1.2 suite for cipher %d", c)
		}
		tag := c.Info().TagLen
		p, _ := protectorPair(t, s, wire.VersionTLS12)
		if p.Overhead() != 8+tag {
			t.Fatalf("%s: overhead %d", s.Name, p.Overhead())
		}
		frag := make([]byte, 8+5, 8+5+p.Overhead())
		copy(frag[8:], "hello")
		out, err := p.Seal(frag, 42, wire.TypeApplicationData, wire.VersionTLS12)
		if err != nil || len(out) != 8+5+tag {
			t.Fatalf("%s: %d bytes, %v", s.Name, len(out), err)
		}
		key, _, salt := keyBlock(s, 1)
		block, _ := aes.NewCipher(key)
		a, err := newCCM(block, 12, tag)
		if err != nil {
			t.Fatal(err)
		}
		nonce := append(bytes.Clone(salt), out[:8]...)
		ad := []byte{0, 0, 0, 0, 0, 0, 0, 42, wire.TypeApplicationData, 3, 3, 0, 5}
		pt, err := a.Open(nil, nonce, out[8:], ad)
		if err != nil || string(pt) != "hello" {
			t.Fatalf("%s: %v", s.Name, err)
		}
	}
}
