package dtls

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func TestHeaderRoundTrip(t *testing.T) {
	h := Header{Type: wire.TypeHandshake, Version: wire.VersionDTLS12, Epoch: 0xbeef, Seq: MaxSeq - 1, Length: 0x1234}
	b := AppendHeader(nil, h)
	want := []byte{22, 0xfe, 0xfd, 0xbe, 0xef, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x12, 0x34}
	if !bytes.Equal(b, want) {
		t.Fatalf("encoded %x, want %x", b, want)
	}
	got, ok := ParseHeader(b)
	if !ok || got != h {
		t.Fatalf("parsed %+v %v, want %+v", got, ok, h)
	}
	if _, ok := ParseHeader(b[:HeaderLen-1]); ok {
		t.Fatal("a 12-byte header parsed")
	}
}

// TestSealOpenEverySuite seals records of each type and size under every
// suite DTLS allows, at both versions, and opens them back; the header
// carries epoch, sequence number and version, and the sealed record is
// never larger than Overhead says.
func TestSealOpenEverySuite(t *testing.T) {
	eachDTLSSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		w, r := pair(t, s, v)
		for i, n := range []int{0, 1, 15, 16, 17, 100, 1200, wire.MaxPlaintext} {
			data := bytes.Repeat([]byte{byte(i + 1)}, n)
			rec := seal(t, w, 1, wire.TypeApplicationData, data)
			if len(rec) > n+w.Overhead(1) {
				t.Fatalf("record of %d bytes is %d long, over the overhead %d", n, len(rec), w.Overhead(1))
			}
			h, _ := ParseHeader(rec)
			if h.Epoch != 1 || h.Seq != uint64(i) || h.Version != v || int(h.Length) != len(rec)-HeaderLen {
				t.Fatalf("header %+v", h)
			}
			got, rest, ok := r.Open(rec)
			if !ok || len(rest) != 0 || got.Type != wire.TypeApplicationData || got.Epoch != 1 || got.Seq != uint64(i) || got.Previous || !bytes.Equal(got.Data, data) {
				t.Fatalf("open of %d bytes: ok=%v rest=%d rec=%+v", n, ok, len(rest), got)
			}
		}
	})
}

// TestPlaintextEpochZero: before any key, records are sent and read as
// they are, and epoch 0 accepts either DTLS version (the first flights
// precede the version choice, RFC 6347, Section 4.1).
func TestPlaintextEpochZero(t *testing.T) {
	w, r := &Sealer{}, &Opener{}
	w.SetVersion(wire.VersionDTLS10)
	r.SetVersion(wire.VersionDTLS12)
	rec := seal(t, w, 0, wire.TypeHandshake, []byte("hello"))
	want := append([]byte{22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5}, "hello"...)
	if !bytes.Equal(rec, want) {
		t.Fatalf("record %x, want %x", rec, want)
	}
	got, _, ok := r.Open(rec)
	if !ok || string(got.Data) != "hello" {
		t.Fatalf("open: %v %+v", ok, got)
	}
}

// TestSeveralRecordsInOneDatagram: a datagram may carry several records
// (RFC 6347, Section 4.1.1); each is opened in turn.
func TestSeveralRecordsInOneDatagram(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
	w, r := pair(t, s, wire.VersionDTLS12)
	var dgram []byte
	for _, m := range []string{"one", "two", "three"} {
		dgram = append(dgram, seal(t, w, 1, wire.TypeApplicationData, []byte(m))...)
	}
	var got []string
	eachRecord(t, r, dgram, func(rec Record) { got = append(got, string(rec.Data)) })
	if len(got) != 3 || got[0] != "one" || got[2] != "three" {
		t.Fatalf("got %q", got)
	}
}

// TestInvalidRecordsDiscarded: every kind of invalid record is dropped
// and counted, never an error (RFC 6347, Section 4.1.2.7), and a valid
// record after it in the same datagram is still delivered whenever the
// framing allows it.
func TestInvalidRecordsDiscarded(t *testing.T) {
	eachDTLSSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		w, r := pair(t, s, v)
		good := func() []byte { return seal(t, w, 1, wire.TypeApplicationData, []byte("good")) }
		mutate := func(f func(b []byte) []byte) []byte { return f(good()) }
		cases := []struct {
			name string
			bad  []byte
			// framed: the record's length is sound, so a record after it
			// in the datagram is still readable. Otherwise the bad bytes
			// end the datagram (a truncated record borrows the length of
			// what follows it and cannot be told from a bad MAC).
			framed bool
		}{
			{"tampered body", mutate(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), true},
			{"tampered type", mutate(func(b []byte) []byte { b[0] = wire.TypeHandshake; return b }), true},
			{"unknown type", mutate(func(b []byte) []byte { b[0] = 99; return b }), true},
			{"TLS version", mutate(func(b []byte) []byte { b[1], b[2] = 3, 3; return b }), true},
			{"other DTLS version", mutate(func(b []byte) []byte { b[2] ^= 0xfd ^ 0xff; return b }), true},
			{"future epoch", mutate(func(b []byte) []byte { b[4] = 2; return b }), true},
			{"old epoch with keys", mutate(func(b []byte) []byte { b[4] = 0; return b }), true},
			{"truncated", mutate(func(b []byte) []byte { return b[:len(b)-1] }), false},
			{"short header", []byte{23, 0xfe, 0xfd, 0, 1}, false},
			{"empty protected", AppendHeader(nil, Header{Type: 23, Version: v, Epoch: 1, Seq: 100}), true},
			{"garbage", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), false},
		}
		for _, c := range cases {
			before := r.Discarded()
			dgram := append([]byte(nil), c.bad...)
			if c.framed {
				dgram = append(dgram, good()...)
			}
			_, rest, ok := r.Open(dgram)
			if ok {
				t.Fatalf("%s: accepted", c.name)
			}
			if r.Discarded() != before+1 {
				t.Fatalf("%s: not counted", c.name)
			}
			if !c.framed {
				if rest != nil {
					t.Fatalf("%s: %d bytes offered after broken framing", c.name, len(rest))
				}
				continue
			}
			if rec, _, ok := r.Open(rest); !ok || string(rec.Data) != "good" {
				t.Fatalf("%s: the next record was lost", c.name)
			}
		}
	})
}

// TestReplay: a record is accepted once; a forged record with a far
// sequence number does not move the window (it is updated only after the
// MAC verifies, RFC 6347, Section 4.1.2.6), and records older than the
// window are dropped.
func TestReplay(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")
	w, r := pair(t, s, wire.VersionDTLS12)
	recs := make([][]byte, 80)
	for i := range recs {
		recs[i] = seal(t, w, 1, wire.TypeApplicationData, []byte{byte(i)})
	}
	open := func(b []byte) bool {
		_, _, ok := r.Open(append([]byte(nil), b...))
		return ok
	}
	if !open(recs[5]) || open(recs[5]) {
		t.Fatal("record 5 not accepted exactly once")
	}
	forged := append([]byte(nil), recs[79]...)
	forged[len(forged)-1] ^= 0x55
	if open(forged) {
		t.Fatal("forged record accepted")
	}
	if !open(recs[3]) {
		t.Fatal("a forged record moved the replay window")
	}
	if !open(recs[79]) || open(recs[79]) {
		t.Fatal("record 79 not accepted exactly once")
	}
	if open(recs[10]) {
		t.Fatal("record 10 is 69 behind the top, outside the 64-record window")
	}
	if !open(recs[20]) || !open(recs[78]) || open(recs[20]) {
		t.Fatal("records inside the window mishandled")
	}
}

// TestPreviousEpoch: after a key change, records of the previous epoch
// are still sealed (retransmitted flights) and opened (the peer's
// retransmissions, flagged Previous) until DropPrevious; epochs before
// that are gone.
func TestPreviousEpoch(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
	v := wire.VersionDTLS12
	w, r := &Sealer{}, &Opener{}
	w.SetVersion(v)
	r.SetVersion(v)
	hello := seal(t, w, 0, wire.TypeHandshake, []byte("epoch 0"))
	if _, _, ok := r.Open(append([]byte(nil), hello...)); !ok {
		t.Fatal("epoch 0 record discarded")
	}
	if err := w.NextEpoch(testProtector(t, s, v, 1)); err != nil {
		t.Fatal(err)
	}
	if err := r.NextEpoch(testProtector(t, s, v, 1)); err != nil {
		t.Fatal(err)
	}
	again := seal(t, w, 0, wire.TypeHandshake, []byte("epoch 0"))
	if h, _ := ParseHeader(again); h.Seq != 1 || h.Epoch != 0 {
		t.Fatalf("retransmission header %+v: want epoch 0, fresh sequence number 1", h)
	}
	rec, _, ok := r.Open(again)
	if !ok || !rec.Previous || rec.Epoch != 0 {
		t.Fatalf("previous-epoch record: ok=%v %+v", ok, rec)
	}
	if _, _, ok := r.Open(append([]byte(nil), hello...)); ok {
		t.Fatal("replayed epoch-0 record accepted")
	}
	// Plaintext epoch 0 past the key change carries only the handshake
	// retransmissions: injected data or alerts there are dropped.
	for _, typ := range []uint8{wire.TypeApplicationData, wire.TypeAlert} {
		if _, _, ok := r.Open(seal(t, w, 0, typ, []byte("injected"))); ok {
			t.Fatalf("plaintext record of type %d accepted in the previous epoch", typ)
		}
	}
	fin := seal(t, w, 1, wire.TypeHandshake, []byte("finished"))
	if rec, _, ok := r.Open(fin); !ok || rec.Previous {
		t.Fatal("current-epoch record mishandled")
	}
	w.DropPrevious()
	r.DropPrevious()
	if _, err := w.Seal(make([]byte, 0, 100), 0, wire.TypeHandshake, []byte("x")); !errors.Is(err, ErrUnknownEpoch) {
		t.Fatalf("sealing in a dropped epoch: %v", err)
	}
	if _, _, ok := r.Open(seal(t, &Sealer{version: v}, 0, wire.TypeHandshake, []byte("late"))); ok {
		t.Fatal("dropped epoch still readable")
	}
	if w.Overhead(0) != -1 || w.MaxPlaintext(0, 1500) != 0 {
		t.Fatal("a dropped epoch still has an overhead")
	}
}

// TestSequenceExhausted: the 48-bit sequence number never wraps; the
// last one, 2^48-1, is used and the next record is refused.
func TestSequenceExhausted(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
	w, r := pair(t, s, wire.VersionDTLS12)
	w.cur.next = MaxSeq
	rec := seal(t, w, 1, wire.TypeApplicationData, []byte("last"))
	if got, _, ok := r.Open(rec); !ok || got.Seq != MaxSeq {
		t.Fatalf("record 2^48-1: ok=%v seq=%d", ok, got.Seq)
	}
	if _, err := w.Seal(make([]byte, 0, 100), 1, wire.TypeApplicationData, []byte("x")); !errors.Is(err, record.ErrSequenceOverflow) {
		t.Fatalf("record 2^48: %v", err)
	}
}

func TestEpochExhausted(t *testing.T) {
	w, r := &Sealer{}, &Opener{}
	w.cur.epoch, r.cur.epoch = maxEpoch, maxEpoch
	if w.NextEpoch(nil) == nil || r.NextEpoch(nil) == nil {
		t.Fatal("epoch wrapped")
	}
}

// TestMaxPlaintextFitsMTU: a record carrying MaxPlaintext bytes fits the
// MTU whatever the suite (CBC padding included), and one byte more would
// not be promised.
func TestMaxPlaintextFitsMTU(t *testing.T) {
	eachDTLSSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		w, _ := pair(t, s, v)
		for mtu := 100; mtu <= 1500; mtu += 37 {
			n := w.MaxPlaintext(1, mtu)
			if n <= 0 {
				t.Fatalf("mtu %d: nothing fits", mtu)
			}
			if rec := seal(t, w, 1, wire.TypeApplicationData, make([]byte, n)); len(rec) > mtu {
				t.Fatalf("mtu %d: a record of %d bytes is %d long", mtu, n, len(rec))
			}
		}
		if w.MaxPlaintext(1, w.Overhead(1)) != 0 {
			t.Fatal("room claimed where only the overhead fits")
		}
		if w.MaxPlaintext(1, 1<<20) != wire.MaxPlaintext {
			t.Fatal("MaxPlaintext above 2^14")
		}
	})
}

func TestSealErrors(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
	w, _ := pair(t, s, wire.VersionDTLS12)
	if _, err := w.Seal(make([]byte, 0, 10), 1, wire.TypeApplicationData, []byte("hello")); !errors.Is(err, ErrShortBuffer) {
		t.Fatalf("short buffer: %v", err)
	}
	big := make([]byte, wire.MaxPlaintext+1)
	if _, err := w.Seal(make([]byte, 0, len(big)+100), 1, wire.TypeApplicationData, big); err == nil {
		t.Fatal("a 2^14+1 byte record was sealed")
	}
	if _, err := w.Seal(make([]byte, 0, 100), 5, wire.TypeApplicationData, nil); !errors.Is(err, ErrUnknownEpoch) {
		t.Fatalf("unknown epoch: %v", err)
	}
}

// TestNewProtectorRefuses: only DTLS versions, and no stream ciphers
// (RFC 6347, Section 4.1.2.2).
func TestNewProtectorRefuses(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
	key, macKey, iv := testKeys(s, 1)
	if _, err := NewProtector(s, wire.VersionTLS12, key, macKey, iv); err == nil {
		t.Fatal("TLS 1.2 accepted as a DTLS version")
	}
	if _, err := NewProtector(nil, wire.VersionDTLS12, key, macKey, iv); err == nil {
		t.Fatal("nil suite accepted")
	}
	stream := *s
	stream.Cipher = suites.Cipher(0) // neither AEAD nor block: a stream cipher's shape
	if _, err := NewProtector(&stream, wire.VersionDTLS12, key, macKey, iv); err == nil {
		t.Fatal("stream cipher accepted")
	}
	// GCM exists only from TLS 1.2: DTLS 1.0 (TLS 1.1) must refuse it.
	if _, err := NewProtector(s, wire.VersionDTLS10, key, macKey, iv); err == nil {
		t.Fatal("GCM accepted at DTLS 1.0")
	}
}

// TestNoAllocations: sealing and opening a record allocate nothing once
// the protectors are warm (the data path's rule, shared with TLS).
func TestNoAllocations(t *testing.T) {
	for _, name := range []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"} {
		s := suites.ByName(name)
		w, r := pair(t, s, wire.VersionDTLS12)
		data := make([]byte, 1200)
		buf := make([]byte, 0, 1500)
		work := make([]byte, 1500)
		run := func() {
			rec, err := w.Seal(buf, 1, wire.TypeApplicationData, data)
			if err != nil {
				t.Fatal(err)
			}
			n := copy(work, rec)
			if _, _, ok := r.Open(work[:n]); !ok {
				t.Fatal("discarded")
			}
		}
		run()
		if a := testing.AllocsPerRun(100, run); a != 0 {
			t.Errorf("%s: %v allocations per record", name, a)
		}
	}
}
