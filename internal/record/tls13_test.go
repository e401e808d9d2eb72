package record

import (
	"bytes"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// unhex decodes hex with any spacing, as the RFCs print it.
func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

// suites13 are the TLS 1.3 suites, in table order.
func suites13() []*suites.Suite {
	var out []*suites.Suite
	for _, s := range suites.All() {
		if s.TLS13() {
			out = append(out, s)
		}
	}
	return out
}

// keys13 returns deterministic key and IV for s.
func keys13(s *suites.Suite, seed byte) (key, iv []byte) {
	info := s.Cipher.Info()
	key = make([]byte, info.KeyLen)
	iv = make([]byte, info.IVLen13())
	for i := range key {
		key[i] = seed + byte(i)
	}
	for i := range iv {
		iv[i] = seed + 0x80 + byte(i)
	}
	return key, iv
}

func protector13(t testing.TB, s *suites.Suite, seed byte) Protector {
	t.Helper()
	key, iv := keys13(s, seed)
	p, err := NewTLS13Protector(s, key, iv)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pipe13 is a TLS 1.3 writer and reader joined by a buffer, with s's
// protection installed on both (none when s is nil).
func pipe13(t testing.TB, s *suites.Suite) (*Writer, *Reader, *bytes.Buffer) {
	var buf bytes.Buffer
	w, r := NewWriter(&buf), NewReader(&buf)
	w.SetVersion(wire.VersionTLS13)
	r.SetVersion(wire.VersionTLS13)
	if s != nil {
		w.SetProtector(protector13(t, s, 1))
		r.SetProtector(protector13(t, s, 1))
	}
	return w, r, &buf
}

// reader13 returns a TLS 1.3 reader of stream with p installed.
func reader13(stream []byte, p Protector) *Reader {
	r := NewReader(bytes.NewReader(stream))
	r.SetVersion(wire.VersionTLS13)
	r.SetProtector(p)
	return r
}

// sealInner builds a protected TLS 1.3 record around an arbitrary inner
// plaintext, so tests can send what the Writer never would.
func sealInner(t testing.TB, p Protector, seq uint64, inner []byte) []byte {
	t.Helper()
	frag := make([]byte, len(inner), len(inner)+p.Overhead())
	copy(frag, inner)
	out, err := p.Seal(frag, seq, wire.TypeApplicationData, wire.VersionTLS12)
	if err != nil {
		t.Fatal(err)
	}
	return record(wire.TypeApplicationData, wire.VersionTLS12, out)
}

func TestNewTLS13ProtectorRefuses(t *testing.T) {
	gcm := suites.ByID(0x1301)
	key, iv := keys13(gcm, 0)
	if _, err := NewTLS13Protector(nil, key, iv); err == nil {
		t.Error("nil suite accepted")
	}
	if _, err := NewTLS13Protector(suites.ByID(0xc02f), key, iv); err == nil {
		t.Error("TLS 1.2 suite accepted")
	}
	if _, err := NewTLS13Protector(gcm, key[:15], iv); err == nil {
		t.Error("short key accepted")
	}
	if _, err := NewTLS13Protector(gcm, key, iv[:4]); err == nil {
		t.Error("TLS 1.2-sized GCM salt accepted as a TLS 1.3 IV")
	}
	for _, s := range suites13() {
		k, _, v := keyBlock(s, 0)
		if _, err := NewProtector(s, wire.VersionTLS12, k, nil, v); err == nil {
			t.Errorf("%s: TLS 1.2 protection built for a TLS 1.3 suite", s.Name)
		}
	}
}

func TestRoundTripTLS13(t *testing.T) {
	sizes := []int{0, 1, 15, 16, 17, 100, 1000, 4095, wire.MaxPlaintext - 1, wire.MaxPlaintext}
	types := []uint8{wire.TypeApplicationData, wire.TypeHandshake, wire.TypeAlert}
	for _, s := range suites13() {
		t.Run(s.Name, func(t *testing.T) {
			w, r, buf := pipe13(t, s)
			for i, n := range sizes {
				typ := types[i%len(types)]
				if n == 0 {
					typ = wire.TypeApplicationData
				}
				if err := w.WriteRecord(typ, payload(n)); err != nil {
					t.Fatal(err)
				}
			}
			w.Flush()
			// Every record is application_data 0x0303 outside.
			for rest := buf.Bytes(); len(rest) > 0; {
				if rest[0] != wire.TypeApplicationData || rest[1] != 3 || rest[2] != 3 {
					t.Fatalf("outer header %x", rest[:5])
				}
				n := int(rest[3])<<8 | int(rest[4])
				if n != 0 && n > maxCiphertext13 {
					t.Fatalf("record of %d", n)
				}
				rest = rest[5+n:]
			}
			for i, n := range sizes {
				typ, data, err := r.ReadRecord()
				want := types[i%len(types)]
				if n == 0 {
					want = wire.TypeApplicationData
				}
				if err != nil || typ != want || !bytes.Equal(data, payload(n)) {
					t.Fatalf("size %d: type %d, %d bytes, %v", n, typ, len(data), err)
				}
			}
			if r.Seq() != uint64(len(sizes)) || w.Seq() != uint64(len(sizes)) {
				t.Fatalf("seq %d/%d", r.Seq(), w.Seq())
			}
		})
	}
}

func TestTLS13Fragments(t *testing.T) {
	w, r, _ := pipe13(t, suites.ByID(0x1303))
	w.WriteRecord(wire.TypeApplicationData, payload(40<<10))
	w.Flush()
	var got []int
	for {
		_, data, err := r.ReadRecord()
		if err != nil {
			break
		}
		got = append(got, len(data))
	}
	if !equalInts(got, []int{16384, 16384, 8192}) {
		t.Fatalf("40 KiB went out as %v", got)
	}
}

// TestTamperTLS13 flips bits in every byte of the encrypted record and in
// the authenticated header: each gives bad_record_mac, as does a wrong
// sequence number.
func TestTamperTLS13(t *testing.T) {
	for _, s := range suites13() {
		for _, n := range []int{0, 1, 40} {
			w, _, buf := pipe13(t, s)
			w.WriteRecord(wire.TypeApplicationData, payload(n))
			w.Flush()
			orig := buf.Bytes()
			open := func(rec []byte) error {
				_, _, err := reader13(rec, protector13(t, s, 1)).ReadRecord()
				return err
			}
			if err := open(orig); err != nil {
				t.Fatalf("%s: untouched record: %v", s.Name, err)
			}
			for i := headerLen; i < len(orig); i++ {
				for _, bit := range []byte{0x01, 0x80} {
					rec := bytes.Clone(orig)
					rec[i] ^= bit
					if err := open(rec); err != ErrBadRecordMAC {
						t.Fatalf("%s: len %d, byte %d ^ %#x: got %v", s.Name, n, i, bit, err)
					}
				}
			}
			// The header is the additional data: a reader that let
			// another version through would still fail the tag.
			p := protector13(t, s, 1)
			if _, err := p.Open(bytes.Clone(orig[headerLen:]), 0, wire.TypeApplicationData, wire.VersionTLS10); err != ErrBadRecordMAC {
				t.Fatalf("%s: version in AAD: %v", s.Name, err)
			}
			if _, err := p.Open(bytes.Clone(orig[headerLen:]), 0, wire.TypeHandshake, wire.VersionTLS12); err != ErrBadRecordMAC {
				t.Fatalf("%s: type in AAD: %v", s.Name, err)
			}
			if _, err := p.Open(bytes.Clone(orig[headerLen:]), 1, wire.TypeApplicationData, wire.VersionTLS12); err != ErrBadRecordMAC {
				t.Fatalf("%s: wrong seq: %v", s.Name, err)
			}
			if _, err := p.Open(bytes.Clone(orig[headerLen:headerLen+3]), 0, wire.TypeApplicationData, wire.VersionTLS12); err != ErrBadRecordMAC {
				t.Fatalf("%s: short record: %v", s.Name, err)
			}
		}
	}
}

func TestTLS13Nonce(t *testing.T) {
	// RFC 8446, Section 5.3: iv XOR the left-padded sequence number.
	p := protector13(t, suites.ByID(0x1301), 1).(*tls13Protector)
	p.setNonce(0x0102030405060708)
	for i := range p.nonce {
		want := p.iv[i]
		if i >= 4 {
			want ^= byte(i - 3)
		}
		if p.nonce[i] != want {
			t.Fatalf("nonce %x from IV %x", p.nonce, p.iv)
		}
	}
	if p.ExplicitNonceLen() != 0 || p.Overhead() != 16 {
		t.Fatal("TLS 1.3 sends no nonce; the tag is the only overhead")
	}
	if o := protector13(t, suites.ByID(0x1305), 1).Overhead(); o != 8 {
		t.Fatalf("CCM_8 overhead %d", o)
	}
}

func TestTLS13InnerPlaintext(t *testing.T) {
	s := suites.ByID(0x1301)
	read := func(inner []byte) (uint8, []byte, error) {
		t.Helper()
		return reader13(sealInner(t, protector13(t, s, 1), 0, inner), protector13(t, s, 1)).ReadRecord()
	}
	// Padding is scanned off to the last non-zero byte (Section 5.4).
	typ, data, err := read(append([]byte("hi\x00\x16"), make([]byte, 300)...))
	if err != nil || typ != wire.TypeHandshake || string(data) != "hi\x00" {
		t.Fatalf("padded: %d %q %v", typ, data, err)
	}
	// Zero-length content: fine for application data, not otherwise.
	typ, data, err = read([]byte{wire.TypeApplicationData, 0, 0})
	if err != nil || typ != wire.TypeApplicationData || len(data) != 0 {
		t.Fatalf("empty application data: %v", err)
	}
	for _, ty := range []uint8{wire.TypeHandshake, wire.TypeAlert} {
		_, _, err = read([]byte{ty})
		wantAlert(t, err, alert.UnexpectedMessage)
	}
	// No type at all: all zeros, or nothing.
	_, _, err = read(make([]byte, 50))
	wantAlert(t, err, alert.UnexpectedMessage)
	_, _, err = read(nil)
	wantAlert(t, err, alert.UnexpectedMessage)
	// A protected change_cipher_spec, or a type TLS does not know.
	for _, ty := range []uint8{wire.TypeChangeCipherSpec, 24, 0xff, 1} {
		_, _, err = read([]byte{1, ty, 0})
		wantAlert(t, err, alert.UnexpectedMessage)
	}
	// TLSInnerPlaintext may reach 2^14+1 bytes, no more (Section 5.4),
	// however much of it is padding.
	inner := make([]byte, maxInner13)
	inner[len(inner)-1] = wire.TypeApplicationData
	if _, data, err = read(inner); err != nil || len(data) != wire.MaxPlaintext {
		t.Fatalf("2^14+1 inner: %v", err)
	}
	inner = make([]byte, maxInner13+1)
	inner[0] = wire.TypeApplicationData
	_, _, err = read(inner)
	wantAlert(t, err, alert.RecordOverflow)
}

func TestTLS13Overflow(t *testing.T) {
	s := suites.ByID(0x1301)
	// Section 5.2: 2^14+256 of ciphertext, judged from the header.
	hdr := func(n int) []byte {
		return []byte{wire.TypeApplicationData, 3, 3, byte(n >> 8), byte(n)}
	}
	_, _, err := reader13(hdr(maxCiphertext13+1), protector13(t, s, 1)).ReadRecord()
	wantAlert(t, err, alert.RecordOverflow)
	_, _, err = reader13(hdr(maxCiphertext13), protector13(t, s, 1)).ReadRecord()
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("2^14+256 refused from the header: %v", err)
	}
	// Plaintext records before keys: 2^14.
	r := NewReader(bytes.NewReader(record(wire.TypeHandshake, 0x0303, make([]byte, wire.MaxPlaintext+1))))
	r.SetVersion(wire.VersionTLS13)
	_, _, err = r.ReadRecord()
	wantAlert(t, err, alert.RecordOverflow)
}

func TestTLS13HeaderRules(t *testing.T) {
	s := suites.ByID(0x1303)
	hs := []byte{wire.TypeServerHello, 0, 0, 0}
	plain := func(typ uint8, vers uint16, frag []byte) (uint8, []byte, error) {
		r := NewReader(bytes.NewReader(record(typ, vers, frag)))
		r.SetVersion(wire.VersionTLS13)
		return r.ReadRecord()
	}
	// Before keys: plaintext with 0x0303, or 0x0301 (a ClientHello).
	for _, v := range []uint16{0x0303, 0x0301} {
		if _, _, err := plain(wire.TypeHandshake, v, hs); err != nil {
			t.Errorf("plaintext %#x: %v", v, err)
		}
	}
	for _, v := range []uint16{0x0300, 0x0302, 0x0304, 0x0200} {
		_, _, err := plain(wire.TypeHandshake, v, hs)
		wantAlert(t, err, alert.ProtocolVersion)
	}
	if _, _, err := plain(wire.TypeAlert, 0x0303, []byte{2, 40}); err != nil {
		t.Errorf("plaintext alert before keys: %v", err)
	}
	_, _, err := plain(wire.TypeHandshake, 0x0303, nil)
	wantAlert(t, err, alert.UnexpectedMessage)

	// After keys: only protected records, with 0x0303.
	for _, typ := range []uint8{wire.TypeHandshake, wire.TypeAlert} {
		_, _, err := reader13(record(typ, 0x0303, hs), protector13(t, s, 1)).ReadRecord()
		wantAlert(t, err, alert.UnexpectedMessage)
	}
	rec := sealInner(t, protector13(t, s, 1), 0, []byte("x\x17"))
	rec[2] = 1
	_, _, err = reader13(rec, protector13(t, s, 1)).ReadRecord()
	wantAlert(t, err, alert.ProtocolVersion)
}

// TestTLS13ChangeCipherSpec: a plaintext change_cipher_spec of one byte 1
// passes through with keys installed and takes no sequence number; any
// other is unexpected_message (RFC 8446, Section 5).
func TestTLS13ChangeCipherSpec(t *testing.T) {
	s := suites.ByID(0x1302)
	seal := protector13(t, s, 1)
	var stream []byte
	stream = append(stream, record(wire.TypeChangeCipherSpec, 0x0303, []byte{1})...)
	stream = append(stream, sealInner(t, seal, 0, []byte("one\x16"))...)
	stream = append(stream, record(wire.TypeChangeCipherSpec, 0x0303, []byte{1})...)
	stream = append(stream, sealInner(t, seal, 1, []byte("two\x17"))...)
	r := reader13(stream, protector13(t, s, 1))
	want := []struct {
		typ  uint8
		data string
	}{{wire.TypeChangeCipherSpec, "\x01"}, {wire.TypeHandshake, "one"}, {wire.TypeChangeCipherSpec, "\x01"}, {wire.TypeApplicationData, "two"}}
	for i, w := range want {
		typ, data, err := r.ReadRecord()
		if err != nil || typ != w.typ || string(data) != w.data {
			t.Fatalf("record %d: %d %q %v", i, typ, data, err)
		}
	}
	for _, frag := range [][]byte{{2}, {0}, {1, 1}, nil} {
		_, _, err := reader13(record(wire.TypeChangeCipherSpec, 0x0303, frag), protector13(t, s, 1)).ReadRecord()
		wantAlert(t, err, alert.UnexpectedMessage)
	}
	// A client that sends its compatibility change_cipher_spec right
	// after the ClientHello writes it with the hello's record version,
	// 0x0301; the server reads it once the client's handshake keys are
	// in. RFC 8446, 5.1: legacy_record_version "MUST be ignored".
	for _, v := range []uint16{0x0301, 0x0300, 0x0302} {
		if typ, _, err := reader13(record(wire.TypeChangeCipherSpec, v, []byte{1}), protector13(t, s, 1)).ReadRecord(); err != nil || typ != wire.TypeChangeCipherSpec {
			t.Fatalf("change_cipher_spec with %#04x after keys: %v", v, err)
		}
	}
	// Not with a major version other than 3 (not TLS), and no protected
	// record without 0x0303 (BoGo's CheckRecordVersion-TLS13).
	_, _, err := reader13(record(wire.TypeChangeCipherSpec, 0x0203, []byte{1}), protector13(t, s, 1)).ReadRecord()
	wantAlert(t, err, alert.ProtocolVersion)

	// The writer never protects change_cipher_spec and does not count it.
	w, _, buf := pipe13(t, s)
	w.WriteRecord(wire.TypeChangeCipherSpec, []byte{1})
	w.WriteRecord(wire.TypeHandshake, []byte("hs"))
	w.Flush()
	if got := buf.Bytes()[:6]; !bytes.Equal(got, []byte{20, 3, 3, 0, 1, 1}) || w.Seq() != 1 {
		t.Fatalf("change_cipher_spec written as %x, seq %d", got, w.Seq())
	}
	r = reader13(buf.Bytes(), protector13(t, s, 1))
	r.ReadRecord()
	if typ, data, err := r.ReadRecord(); err != nil || typ != wire.TypeHandshake || string(data) != "hs" {
		t.Fatalf("after change_cipher_spec: %v", err)
	}
}

func TestTLS13PlaintextWriter(t *testing.T) {
	// Version 0 (a client's first ClientHello) writes 0x0301; TLS 1.3
	// plaintext records (ServerHello, HelloRetryRequest, alerts) 0x0303.
	var out bytes.Buffer
	w := NewWriter(&out)
	w.WriteRecord(wire.TypeHandshake, []byte{1, 0, 0, 0})
	w.SetVersion(wire.VersionTLS13)
	w.WriteRecord(wire.TypeHandshake, []byte{2, 0, 0, 0})
	w.Flush()
	want := unhex("16 0301 0004 01000000  16 0303 0004 02000000")
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("wrote %x", out.Bytes())
	}
}

func TestTLS13Padding(t *testing.T) {
	for _, s := range suites13() {
		w, r, buf := pipe13(t, s)
		// Pad every record to a multiple of 256 (a typical policy).
		w.SetPadding(func(n int) int { return 255 - n%256 })
		for _, n := range []int{0, 1, 255, 1000, wire.MaxPlaintext} {
			buf.Reset()
			w.WriteRecord(wire.TypeHandshake+byte(n%2), payload(max(n, 1)))
			w.Flush()
			inner := int(buf.Bytes()[3])<<8 | int(buf.Bytes()[4]) - s.Cipher.Info().TagLen
			if inner%256 != 0 && inner != maxInner13 {
				t.Fatalf("%s: inner plaintext of %d bytes", s.Name, inner)
			}
			typ, data, err := r.ReadRecord()
			if err != nil || typ != wire.TypeHandshake+byte(n%2) || !bytes.Equal(data, payload(max(n, 1))) {
				t.Fatalf("%s: padded %d: %v", s.Name, n, err)
			}
		}
		// A greedy policy is capped at 2^14+1 of inner plaintext.
		w.SetPadding(func(int) int { return 1 << 20 })
		buf.Reset()
		w.WriteRecord(wire.TypeApplicationData, payload(10))
		w.Flush()
		if n := int(buf.Bytes()[3])<<8 | int(buf.Bytes()[4]); n != maxInner13+s.Cipher.Info().TagLen {
			t.Fatalf("%s: greedy padding gave %d", s.Name, n)
		}
		if _, data, err := r.ReadRecord(); err != nil || !bytes.Equal(data, payload(10)) {
			t.Fatalf("%s: %v", s.Name, err)
		}
		// ... and at the maximum fragment length plus one.
		w.SetMaxFragment(999)
		buf.Reset()
		w.WriteRecord(wire.TypeApplicationData, payload(10))
		w.Flush()
		if n := int(buf.Bytes()[3])<<8 | int(buf.Bytes()[4]); n != 1000+s.Cipher.Info().TagLen {
			t.Fatalf("%s: greedy padding under a 1000-byte limit gave %d", s.Name, n)
		}
		if _, data, err := r.ReadRecord(); err != nil || !bytes.Equal(data, payload(10)) {
			t.Fatalf("%s: %v", s.Name, err)
		}
		w.SetMaxFragment(0)
		w.SetPadding(func(int) int { return -5 })
		w.WriteRecord(wire.TypeApplicationData, payload(10))
		w.Flush()
		if _, _, err := r.ReadRecord(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTLS13KeyUpdate changes keys mid-stream on both sides (RFC 8446,
// Section 4.6.3): the KeyUpdate goes out under the old key, what follows
// under the new one, all in one flush and one read from the transport.
func TestTLS13KeyUpdate(t *testing.T) {
	s := suites.ByID(0x1301)
	src := &countingReader{}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.SetVersion(wire.VersionTLS13)
	w.SetProtector(protector13(t, s, 1))
	w.WriteRecord(wire.TypeApplicationData, []byte("before"))
	w.WriteRecord(wire.TypeHandshake, []byte{wire.TypeKeyUpdate, 0, 0, 1, 0})
	w.SetProtector(protector13(t, s, 2))
	w.WriteRecord(wire.TypeApplicationData, []byte("after"))
	w.SetProtector(protector13(t, s, 3))
	w.WriteRecord(wire.TypeApplicationData, []byte("again"))
	w.Flush()
	src.r = bytes.NewReader(buf.Bytes())
	r := NewReader(src)
	r.SetVersion(wire.VersionTLS13)
	r.SetProtector(protector13(t, s, 1))
	for i, want := range []string{"before", "\x18\x00\x00\x01\x00", "after", "again"} {
		_, data, err := r.ReadRecord()
		if err != nil || string(data) != want {
			t.Fatalf("record %d: %q %v", i, data, err)
		}
		if i == 1 {
			r.SetProtector(protector13(t, s, 2))
		}
		if i == 2 {
			if r.Seq() != 1 {
				t.Fatalf("seq %d after rekey", r.Seq())
			}
			r.SetProtector(protector13(t, s, 3))
		}
	}
	if src.calls != 1 {
		t.Fatalf("%d reads", src.calls)
	}
	// Without the new key the next record does not open.
	_, _, err := reader13(buf.Bytes()[len(buf.Bytes())-(5+5+1+16):], protector13(t, s, 2)).ReadRecord()
	if err != ErrBadRecordMAC {
		t.Fatalf("old key opened a new record: %v", err)
	}
}

func TestTLS13SequenceOverflow(t *testing.T) {
	s := suites.ByID(0x1303)
	w, r, _ := pipe13(t, s)
	w.seq, r.seq = maxSeq-1, maxSeq-1
	if err := w.WriteRecord(wire.TypeApplicationData, []byte("last")); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRecord(wire.TypeApplicationData, []byte("wraps")); err != ErrSequenceOverflow {
		t.Fatalf("writer: %v", err)
	}
	w.Flush()
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	r = reader13(sealInner(t, protector13(t, s, 1), maxSeq, []byte{1, 23}), protector13(t, s, 1))
	r.seq = maxSeq
	if _, _, err := r.ReadRecord(); err != ErrSequenceOverflow {
		t.Fatalf("reader: %v", err)
	}
}

// TestTLS13Mismatch: TLS 1.2 protection under TLS 1.3 rules, or the
// reverse, is a driver bug reported as internal_error, never a record
// handled with the wrong framing.
func TestTLS13Mismatch(t *testing.T) {
	gcm12 := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	seal12, open12 := protectorPair(t, gcm12, wire.VersionTLS12)
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.SetVersion(wire.VersionTLS13)
	w.SetProtector(seal12)
	wantAlert(t, w.WriteRecord(wire.TypeApplicationData, []byte("x")), alert.InternalError)
	w = NewWriter(&buf)
	w.SetVersion(wire.VersionTLS12)
	w.SetProtector(protector13(t, suites.ByID(0x1301), 1))
	wantAlert(t, w.WriteRecord(wire.TypeApplicationData, []byte("x")), alert.InternalError)

	rec := sealInner(t, protector13(t, suites.ByID(0x1301), 1), 0, []byte("x\x17"))
	r := NewReader(bytes.NewReader(rec))
	r.SetVersion(wire.VersionTLS12)
	r.SetProtector(protector13(t, suites.ByID(0x1301), 1))
	_, _, err := r.ReadRecord()
	wantAlert(t, err, alert.InternalError)
	_, _, err = reader13(rec, open12).ReadRecord()
	wantAlert(t, err, alert.InternalError)
}

func TestTLS13NoAllocs(t *testing.T) {
	for _, s := range suites13() {
		w, r, _ := pipe13(t, s)
		data := payload(1000)
		allocs := testing.AllocsPerRun(100, func() {
			if err := w.WriteRecord(wire.TypeApplicationData, data); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			if _, _, err := r.ReadRecord(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %.1f allocations per record", s.Name, allocs)
		}
	}
}

// TestTLS13PlaintextAlertWindow: with the first TLS 1.3 keys installed, a
// plaintext alert of two bytes is still read, as the alert it is, until
// a record has opened under them; then, and under later keys, it is
// unexpected_message like any unprotected record.
func TestTLS13PlaintextAlertWindow(t *testing.T) {
	s := suites.ByID(0x1301)
	alertRec := record(wire.TypeAlert, 0x0303, []byte{2, 42})
	// Right after the keys: the alert comes through.
	typ, data, err := reader13(alertRec, protector13(t, s, 1)).ReadRecord()
	if err != nil || typ != wire.TypeAlert || !bytes.Equal(data, []byte{2, 42}) {
		t.Fatalf("plaintext alert before any protected record: %d %x %v", typ, data, err)
	}
	// Only an alert's size.
	_, _, err = reader13(record(wire.TypeAlert, 0x0303, []byte{2, 42, 0}), protector13(t, s, 1)).ReadRecord()
	wantAlert(t, err, alert.UnexpectedMessage)
	// After a record opened: refused.
	stream := append(sealInner(t, protector13(t, s, 1), 0, []byte("one\x16")), alertRec...)
	r := reader13(stream, protector13(t, s, 1))
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	_, _, err = r.ReadRecord()
	wantAlert(t, err, alert.UnexpectedMessage)
	// Under the next keys (handshake keys after early keys, a key
	// update): refused from the start.
	r = reader13(alertRec, protector13(t, s, 1))
	r.SetProtector(protector13(t, s, 2))
	_, _, err = r.ReadRecord()
	wantAlert(t, err, alert.UnexpectedMessage)
}
