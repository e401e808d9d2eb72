package record

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

var cbcSuites = []*suites.Suite{
	suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1),
	suiteByCipher(suites.CipherAES256CBC, suites.MACSHA1),
	suiteByCipher(suites.CipherAES128CBC, suites.MACSHA256),
	suiteByCipher(suites.CipherAES256CBC, suites.MACSHA384),
}

// cbcRecord builds a TLS 1.1+ GenericBlockCipher fragment from RFC 5246,
// Section 6.2.3.2 with the primitives directly, independently of
// cbcProtector: data ‖ MAC ‖ padding, with padLen+1 padding bytes of value
// padLen, then corrupt can damage the plaintext before encryption.
func cbcRecord(s *suites.Suite, seq uint64, data []byte, padLen int, corrupt func(p []byte, macAt int)) []byte {
	key, macKey, _ := keyBlock(s, 1)
	var ad [13]byte
	additionalData(&ad, seq, wire.TypeApplicationData, wire.VersionTLS12, len(data))
	m := hmac.New(s.MAC.New(), macKey)
	m.Write(ad[:])
	m.Write(data)
	p := append(bytes.Clone(data), m.Sum(nil)...)
	for i := 0; i <= padLen; i++ {
		p = append(p, byte(padLen))
	}
	if corrupt != nil {
		corrupt(p, len(data))
	}
	iv := payload(16)
	block, _ := aes.NewCipher(key)
	out := append(bytes.Clone(iv), make([]byte, len(p))...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out[16:], p)
	return out
}

func openCBC(t *testing.T, s *suites.Suite, frag []byte) ([]byte, error) {
	_, o := protectorPair(t, s, wire.VersionTLS12)
	return o.Open(bytes.Clone(frag), 7, wire.TypeApplicationData, wire.VersionTLS12)
}

// validPadLens returns the padding lengths that make data and MAC a whole
// number of blocks, up to the RFC's 255.
func validPadLens(dataLen, macLen int) []int {
	var out []int
	for p := 0; p < 256; p++ {
		if (dataLen+macLen+p+1)%16 == 0 {
			out = append(out, p)
		}
	}
	return out
}

func TestCBCOpenAcceptsAnyValidPadding(t *testing.T) {
	for _, s := range cbcSuites {
		for _, n := range []int{0, 1, 13, 64, 300} {
			for _, pl := range validPadLens(n, s.MAC.Size()) {
				got, err := openCBC(t, s, cbcRecord(s, 7, payload(n), pl, nil))
				if err != nil || !bytes.Equal(got, payload(n)) {
					t.Fatalf("%s: data %d, padding %d: %v", s.Name, n, pl, err)
				}
			}
		}
	}
}

// TestCBCSealMatchesRFC decrypts our records with the primitives alone.
func TestCBCSealMatchesRFC(t *testing.T) {
	for _, s := range cbcSuites {
		p, _ := protectorPair(t, s, wire.VersionTLS12)
		for _, n := range []int{0, 5, 16, 100} {
			frag := make([]byte, 16+n, 16+n+p.Overhead())
			copy(frag[16:], payload(n))
			out, err := p.Seal(frag, 7, wire.TypeApplicationData, wire.VersionTLS12)
			if err != nil {
				t.Fatal(err)
			}
			want := cbcRecord(s, 7, payload(n), validPadLens(n, s.MAC.Size())[0], nil)
			// Same plaintext and MAC: decrypt both and compare.
			key, _, _ := keyBlock(s, 1)
			block, _ := aes.NewCipher(key)
			dec := func(f []byte) []byte {
				pt := make([]byte, len(f)-16)
				cipher.NewCBCDecrypter(block, f[:16]).CryptBlocks(pt, f[16:])
				return pt
			}
			if !bytes.Equal(dec(out), dec(want)) {
				t.Fatalf("%s: sealed plaintext differs from RFC layout", s.Name)
			}
		}
	}
}

// TestPaddingOracle: every way a CBC record can be wrong gives the very
// same error value, so the alert sent cannot tell them apart.
func TestPaddingOracle(t *testing.T) {
	for _, s := range cbcSuites {
		ms := s.MAC.Size()
		data := payload(40)
		pl := validPadLens(len(data), ms)[1] // a padding of a block or more
		cases := map[string][]byte{
			"bad padding byte (first)": cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[at+ms] ^= 1 }),
			"bad padding byte (mid)":   cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[at+ms+pl/2] ^= 1 }),
			"padding length too long":  cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[len(p)-1] = 255 }),
			"padding length past MAC":  cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[len(p)-1] = byte(len(p) - ms) }),
			"bad MAC":                  cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[at] ^= 1 }),
			"bad MAC byte in tag":      cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[at+ms-1] ^= 1 }),
			"bad MAC and padding":      cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[at] ^= 1; p[at+ms] ^= 1 }),
			"padding 0 instead":        cbcRecord(s, 7, data, pl, func(p []byte, at int) { p[len(p)-1] = 0 }),
			"wrong sequence":           cbcRecord(s, 8, data, pl, nil),
			"not a block multiple":     cbcRecord(s, 7, data, pl, nil)[:16+16*3+5],
			"too short for the MAC":    cbcRecord(s, 7, data, pl, nil)[:16+16*((ms+1)/16)],
			"IV only":                  payload(16),
			"empty":                    {},
		}
		for name, frag := range cases {
			if _, err := openCBC(t, s, frag); err != ErrBadRecordMAC {
				t.Errorf("%s, %s: got %v, want the one bad_record_mac error", s.Name, name, err)
			}
		}
	}
}

// countingHash models a Merkle–Damgård hash's compression-function calls:
// one per full block written, and the final padding's one or two on Sum.
type countingHash struct {
	hash.Hash
	buffered int
	lenField int
	calls    *int
}

func (c *countingHash) Write(p []byte) (int, error) {
	bs := c.BlockSize()
	total := c.buffered + len(p)
	*c.calls += total / bs
	c.buffered = total % bs
	return c.Hash.Write(p)
}

func (c *countingHash) Sum(b []byte) []byte {
	bs := c.BlockSize()
	*c.calls += (c.buffered + 1 + c.lenField + bs - 1) / bs
	return c.Hash.Sum(b)
}

func (c *countingHash) Reset() {
	c.buffered = 0
	c.Hash.Reset()
}

// TestLucky13ConstantCompressions: for records of one length, opening
// costs the same number of compression-function calls whatever the
// padding length, and whether or not the padding is valid.
func TestLucky13ConstantCompressions(t *testing.T) {
	hashes := []struct {
		s        *suites.Suite
		new      func() hash.Hash
		lenField int
	}{
		{cbcSuites[0], sha1.New, 8},
		{cbcSuites[2], sha256.New, 8},
		{cbcSuites[3], sha512.New384, 16},
	}
	for _, h := range hashes {
		ms := h.s.MAC.Size()
		for _, ctLen := range []int{64, 128, 320, 1024} {
			var calls int
			key, macKey, _ := keyBlock(h.s, 1)
			block, _ := aes.NewCipher(key)
			p, err := newCBC(block, func() hash.Hash { return &countingHash{Hash: h.new(), lenField: h.lenField, calls: &calls} }, macKey, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			want := -1
			check := func(frag []byte, valid bool, what string) {
				calls = 0
				_, err := p.Open(bytes.Clone(frag), 7, wire.TypeApplicationData, wire.VersionTLS12)
				if (err == nil) != valid {
					t.Fatalf("%s %d: %s: err %v", h.s.Name, ctLen, what, err)
				}
				if want == -1 {
					want = calls
				}
				if calls != want {
					t.Fatalf("%s, %d-byte record, %s: %d compression calls, want %d", h.s.Name, ctLen, what, calls, want)
				}
			}
			for pl := 0; pl < 256 && pl+1+ms <= ctLen; pl++ {
				dataLen := ctLen - ms - pl - 1
				frag := cbcRecord(h.s, 7, payload(dataLen), pl, nil)
				check(frag, true, "valid padding")
				check(cbcRecord(h.s, 7, payload(dataLen), pl, func(b []byte, at int) { b[len(b)-1-pl/2] ^= 0x10 }), false, "bad padding")
				check(cbcRecord(h.s, 7, payload(dataLen), pl, func(b []byte, at int) { b[at] ^= 1 }), false, "bad MAC")
			}
		}
	}
}

func TestCBCTLS10ChainsIV(t *testing.T) {
	s := cbcSuites[0]
	seal, _ := protectorPair(t, s, wire.VersionTLS10)
	key, _, iv := keyBlock(s, 1)
	block, _ := aes.NewCipher(key)
	prevIV := iv
	for seq := uint64(0); seq < 3; seq++ {
		frag := make([]byte, 20, 20+seal.Overhead())
		out, err := seal.Seal(frag, seq, wire.TypeApplicationData, wire.VersionTLS10)
		if err != nil {
			t.Fatal(err)
		}
		if seal.ExplicitNonceLen() != 0 || len(out)%16 != 0 {
			t.Fatalf("TLS 1.0 record of %d bytes", len(out))
		}
		// RFC 2246, Section 6.2.3.2: the IV is the previous record's
		// last ciphertext block (the key-block IV for the first).
		pt := make([]byte, len(out))
		cipher.NewCBCDecrypter(block, prevIV).CryptBlocks(pt, out)
		if !bytes.Equal(pt[:20], make([]byte, 20)) {
			t.Fatalf("record %d does not decrypt under the chained IV", seq)
		}
		prevIV = bytes.Clone(out[len(out)-16:])
	}
}

func TestCBCExplicitIVIsFresh(t *testing.T) {
	p, _ := protectorPair(t, cbcSuites[0], wire.VersionTLS11)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		frag := make([]byte, 16, 16+p.Overhead())
		out, _ := p.Seal(frag, uint64(i), wire.TypeApplicationData, wire.VersionTLS11)
		if seen[string(out[:16])] {
			t.Fatal("explicit IV repeated")
		}
		seen[string(out[:16])] = true
	}
}
