package record

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// lengths reads every record from stream and returns the plaintext sizes.
func lengths(t *testing.T, stream []byte, s *suites.Suite, v uint16) []int {
	t.Helper()
	r := NewReader(bytes.NewReader(stream))
	if s != nil {
		_, open := protectorPair(t, s, v)
		r.SetProtector(open)
	}
	var out []int
	for {
		_, data, err := r.ReadRecord()
		if err != nil {
			return out
		}
		out = append(out, len(data))
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWriterFragments(t *testing.T) {
	for _, s := range []*suites.Suite{nil, suiteByCipher(suites.CipherAES256GCM, suites.MACAEAD), suiteByCipher(suites.CipherAES128CBC, suites.MACSHA256)} {
		w, _, buf := pipe(t, s, wire.VersionTLS12)
		data := payload(40 << 10)
		if err := w.WriteRecord(wire.TypeApplicationData, data); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if got := lengths(t, buf.Bytes(), s, wire.VersionTLS12); !equalInts(got, []int{16384, 16384, 8192}) {
			t.Fatalf("40 KiB went out as %v", got)
		}
	}
	w, _, buf := pipe(t, nil, wire.VersionTLS12)
	w.SetMaxFragment(1000)
	w.WriteRecord(wire.TypeHandshake, payload(2500))
	w.Flush()
	if got := lengths(t, buf.Bytes(), nil, 0); !equalInts(got, []int{1000, 1000, 500}) {
		t.Fatalf("max fragment 1000: %v", got)
	}
}

func TestBeastMitigation(t *testing.T) {
	cbc := suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1)
	gcm := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	cases := []struct {
		name string
		s    *suites.Suite
		v    uint16
		m    BeastMitigation
		typ  uint8
		want []int
	}{
		{"1/n-1 by default", cbc, wire.VersionTLS10, OneNMinusOne, wire.TypeApplicationData, []int{1, 99}},
		{"0/n", cbc, wire.VersionTLS10, ZeroN, wire.TypeApplicationData, []int{0, 100}},
		{"disabled", cbc, wire.VersionTLS10, Disabled, wire.TypeApplicationData, []int{100}},
		{"handshake not split", cbc, wire.VersionTLS10, OneNMinusOne, wire.TypeHandshake, []int{100}},
		{"TLS 1.1 has explicit IVs", cbc, wire.VersionTLS11, OneNMinusOne, wire.TypeApplicationData, []int{100}},
		{"AEAD", gcm, wire.VersionTLS12, OneNMinusOne, wire.TypeApplicationData, []int{100}},
	}
	for _, c := range cases {
		w, _, buf := pipe(t, c.s, c.v)
		if c.m != OneNMinusOne {
			w.SetBeastMitigation(c.m)
		}
		if err := w.WriteRecord(c.typ, payload(100)); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if got := lengths(t, buf.Bytes(), c.s, c.v); !equalInts(got, c.want) {
			t.Errorf("%s: records %v, want %v", c.name, got, c.want)
		}
	}
	// A one-byte write is not split further, and 16 KiB+ still splits
	// only the first record.
	w, _, buf := pipe(t, cbc, wire.VersionTLS10)
	w.WriteRecord(wire.TypeApplicationData, payload(1))
	w.WriteRecord(wire.TypeApplicationData, payload(wire.MaxPlaintext+1))
	w.Flush()
	if got := lengths(t, buf.Bytes(), cbc, wire.VersionTLS10); !equalInts(got, []int{1, 1, wire.MaxPlaintext}) {
		t.Errorf("records %v", got)
	}
}

// countingWriter counts Write calls, as a transport counts system calls.
type countingWriter struct {
	bytes.Buffer
	calls int
	fail  error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.calls++
	if c.fail != nil {
		return 0, c.fail
	}
	return c.Buffer.Write(p)
}

func TestWriterBatchesAndFlushes(t *testing.T) {
	var out countingWriter
	w := NewWriter(&out)
	for i := 0; i < 100; i++ {
		w.WriteRecord(wire.TypeApplicationData, payload(100))
	}
	if out.calls != 0 {
		t.Fatal("wrote before Flush with little pending")
	}
	w.Flush()
	if out.calls != 1 || len(lengths(t, out.Bytes(), nil, 0)) != 100 {
		t.Fatalf("100 records took %d writes", out.calls)
	}
	// Past the threshold the writer flushes on its own.
	out.calls = 0
	w.WriteRecord(wire.TypeApplicationData, payload(100<<10))
	if out.calls == 0 {
		t.Fatal("100 KiB pending without a write")
	}
	w.Flush()
	w.Release()
	if w.buf != nil {
		t.Fatal("idle writer kept its buffer")
	}
	if err := w.WriteRecord(wire.TypeHandshake, payload(3)); err != nil {
		t.Fatal(err)
	}
}

func TestWriterErrors(t *testing.T) {
	w := NewWriter(&countingWriter{})
	for _, typ := range []uint8{wire.TypeHandshake, wire.TypeAlert, wire.TypeChangeCipherSpec} {
		if err := w.WriteRecord(typ, nil); err == nil {
			t.Errorf("empty record of type %d written", typ)
		}
	}
	boom := errors.New("boom")
	w = NewWriter(&countingWriter{fail: boom})
	w.WriteRecord(wire.TypeApplicationData, payload(10))
	if err := w.Flush(); err != boom {
		t.Fatal(err)
	}
	if err := w.WriteRecord(wire.TypeApplicationData, payload(10)); err != boom {
		t.Fatal("writer went on after a failed flush")
	}
}

func TestWriterDefaultVersion(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	w.WriteRecord(wire.TypeHandshake, payload(4))
	w.Flush()
	if got := out.Bytes()[1:3]; !bytes.Equal(got, []byte{3, 1}) {
		t.Fatalf("default record version %x", got)
	}
}

// taker is a BufferTaker that takes buffers of at least min bytes, keeps
// a copy of what it took and gives the buffer back, and fails when told.
type taker struct {
	bytes.Buffer // what was written, not taken
	min          int
	took         [][]byte
	fail         error
}

func (k *taker) TakeBuffer(buf *WriteBuffer, n int) (bool, error) {
	if k.fail != nil {
		return false, k.fail
	}
	if n < k.min {
		return false, nil
	}
	k.took = append(k.took, bytes.Clone(buf[:n]))
	PutWriteBuffer(buf)
	return true, nil
}

// TestWriterBufferTaker: a destination that takes buffers gets the
// sealed records whole and the writer goes on with a new buffer; one
// that declines is written to; a taker's error sticks.
func TestWriterBufferTaker(t *testing.T) {
	k := &taker{min: 1000}
	w := NewWriter(k)
	for _, n := range []int{10, 5000, 20} {
		if err := w.WriteRecord(wire.TypeApplicationData, make([]byte, n)); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if len(k.took) != 1 || len(k.took[0]) != 5+5000 {
		t.Fatalf("took %d buffers, want one of %d bytes", len(k.took), 5+5000)
	}
	if k.Len() != 5+10+5+20 {
		t.Fatalf("wrote %d bytes, want %d", k.Len(), 5+10+5+20)
	}
	if w.buf != nil {
		t.Error("the writer holds a buffer after Flush")
	}
	k.fail = errors.New("queue failed")
	w.WriteRecord(wire.TypeApplicationData, []byte("x"))
	if err := w.Flush(); err != k.fail {
		t.Fatalf("Flush: %v, want the taker's error", err)
	}
	if err := w.WriteRecord(wire.TypeApplicationData, []byte("y")); err != k.fail {
		t.Fatalf("WriteRecord after the error: %v, want it again", err)
	}
	if err := w.Flush(); err != k.fail {
		t.Fatalf("Flush after the error: %v, want it again", err)
	}
}
