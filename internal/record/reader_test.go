package record

import (
	"bytes"
	"io"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func readOne(t *testing.T, stream []byte, p Protector, v uint16) (uint8, []byte, error) {
	t.Helper()
	r := NewReader(bytes.NewReader(stream))
	r.SetProtector(p)
	r.SetVersion(v)
	return r.ReadRecord()
}

func TestReaderHeaderRules(t *testing.T) {
	hs := []byte{wire.TypeClientHello, 0, 0, 0}
	for _, typ := range []uint8{0, 19, 24, 255} {
		_, _, err := readOne(t, record(typ, 0x0303, hs), nil, 0)
		wantAlert(t, err, alert.UnexpectedMessage)
	}
	for _, v := range []uint16{0x0200, 0x0002, 0x0400, wire.VersionDTLS12, 0x1603} {
		_, _, err := readOne(t, record(wire.TypeHandshake, v, hs), nil, 0)
		wantAlert(t, err, alert.ProtocolVersion)
	}
	// Before negotiation any 3.x is fine (RFC 5246, Appendix E.1).
	for _, v := range []uint16{0x0300, 0x0301, 0x0303, 0x03ff} {
		if _, _, err := readOne(t, record(wire.TypeHandshake, v, hs), nil, 0); err != nil {
			t.Errorf("version %#x refused before negotiation: %v", v, err)
		}
	}
	// After it, only the negotiated one.
	_, _, err := readOne(t, record(wire.TypeHandshake, 0x0301, hs), nil, wire.VersionTLS12)
	wantAlert(t, err, alert.ProtocolVersion)
	if _, _, err := readOne(t, record(wire.TypeHandshake, 0x0303, hs), nil, wire.VersionTLS12); err != nil {
		t.Fatal(err)
	}
}

func TestReaderEmptyRecords(t *testing.T) {
	for _, typ := range []uint8{wire.TypeHandshake, wire.TypeAlert, wire.TypeChangeCipherSpec} {
		_, _, err := readOne(t, record(typ, 0x0303, nil), nil, 0)
		wantAlert(t, err, alert.UnexpectedMessage)
	}
	typ, data, err := readOne(t, record(wire.TypeApplicationData, 0x0303, nil), nil, 0)
	if err != nil || typ != wire.TypeApplicationData || len(data) != 0 {
		t.Fatalf("empty application data: %v", err)
	}
	// Empty after decryption counts too.
	s := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	seal, open := protectorPair(t, s, wire.VersionTLS12)
	frag, _ := seal.Seal(make([]byte, 8, 64), 0, wire.TypeHandshake, wire.VersionTLS12)
	_, _, err = readOne(t, record(wire.TypeHandshake, wire.VersionTLS12, frag), open, 0)
	wantAlert(t, err, alert.UnexpectedMessage)
}

func TestReaderOverflow(t *testing.T) {
	// Plaintext records: 2^14 is the limit (RFC 5246, Section 6.2.1).
	_, _, err := readOne(t, record(wire.TypeApplicationData, 0x0303, make([]byte, wire.MaxPlaintext+1)), nil, 0)
	wantAlert(t, err, alert.RecordOverflow)
	if _, _, err := readOne(t, record(wire.TypeApplicationData, 0x0303, make([]byte, wire.MaxPlaintext)), nil, 0); err != nil {
		t.Fatal(err)
	}
	// Protected: 2^14+2048 of ciphertext, refused from the header alone.
	s := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	seal, open := protectorPair(t, s, wire.VersionTLS12)
	hdr := []byte{wire.TypeApplicationData, 3, 3, byte((wire.MaxCiphertext + 1) >> 8), byte((wire.MaxCiphertext + 1) & 0xff)}
	_, _, err = readOne(t, hdr, open, 0)
	wantAlert(t, err, alert.RecordOverflow)
	// A ciphertext within bounds that decrypts to more than 2^14.
	n := wire.MaxPlaintext + 1
	frag, err := seal.Seal(make([]byte, 8+n, 8+n+seal.Overhead()), 0, wire.TypeApplicationData, wire.VersionTLS12)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = readOne(t, record(wire.TypeApplicationData, wire.VersionTLS12, frag), open, 0)
	wantAlert(t, err, alert.RecordOverflow)
}

func TestReaderTruncation(t *testing.T) {
	full := record(wire.TypeHandshake, 0x0303, []byte{1, 0, 0, 0})
	for i := 1; i < len(full); i++ {
		if _, _, err := readOne(t, full[:i], nil, 0); err != io.ErrUnexpectedEOF {
			t.Fatalf("cut at %d: got %v", i, err)
		}
	}
	r := NewReader(bytes.NewReader(full))
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.ReadRecord(); err != io.EOF {
		t.Fatalf("clean end: got %v", err)
	}
}

// countingReader counts Read calls, as a transport counts system calls.
type countingReader struct {
	r     io.Reader
	calls int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.calls++
	return c.r.Read(p)
}

func TestReaderReadsInBigChunks(t *testing.T) {
	var stream []byte
	for i := 0; i < 200; i++ {
		stream = append(stream, record(wire.TypeApplicationData, 0x0303, payload(50))...)
	}
	src := &countingReader{r: bytes.NewReader(stream)}
	r := NewReader(src)
	for i := 0; i < 200; i++ {
		if _, _, err := r.ReadRecord(); err != nil {
			t.Fatal(err)
		}
	}
	if src.calls != 1 {
		t.Fatalf("200 small records took %d reads, want 1", src.calls)
	}
}

func TestReaderBufferedAndRelease(t *testing.T) {
	rec := record(wire.TypeHandshake, 0x0303, []byte{1, 0, 0, 0})
	tail := []byte("GET / HTTP/1.1\r\n")
	r := NewReader(bytes.NewReader(append(bytes.Clone(rec), tail...)))
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Buffered(), tail) {
		t.Fatalf("Buffered = %q", r.Buffered())
	}
	r.Release() // data pending: must keep it
	if !bytes.Equal(r.Buffered(), tail) {
		t.Fatal("Release dropped unconsumed bytes")
	}

	src := bytes.NewReader(append(bytes.Clone(rec), rec...))
	r = NewReader(&oneRecordReader{src})
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	r.Release()
	if r.Buffered() != nil || r.buf != nil {
		t.Fatal("idle reader kept its buffer")
	}
	if _, data, err := r.ReadRecord(); err != nil || !bytes.Equal(data, rec[5:]) {
		t.Fatalf("after Release: %v", err)
	}
}

// oneRecordReader hands out at most 9 bytes per call (one test record).
type oneRecordReader struct{ r io.Reader }

func (o *oneRecordReader) Read(p []byte) (int, error) {
	if len(p) > 9 {
		p = p[:9]
	}
	return o.r.Read(p)
}

func TestReaderSlowTransport(t *testing.T) {
	// One byte at a time across records and a buffer compaction.
	s := suiteByCipher(suites.CipherChaCha20Poly1305, suites.MACAEAD)
	w, _, buf := pipe(t, s, wire.VersionTLS12)
	for i := 0; i < 5; i++ {
		w.WriteRecord(wire.TypeApplicationData, payload(wire.MaxPlaintext-i))
	}
	w.Flush()
	_, open := protectorPair(t, s, wire.VersionTLS12)
	r := NewReader(&byteReader{bytes.NewReader(buf.Bytes())})
	r.SetProtector(open)
	for i := 0; i < 5; i++ {
		_, data, err := r.ReadRecord()
		if err != nil || !bytes.Equal(data, payload(wire.MaxPlaintext-i)) {
			t.Fatalf("record %d: %v", i, err)
		}
	}
}

type byteReader struct{ r io.Reader }

func (b *byteReader) Read(p []byte) (int, error) { return b.r.Read(p[:1]) }

func TestSequenceNumbers(t *testing.T) {
	s := suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)
	w, r, buf := pipe(t, s, wire.VersionTLS12)
	w.seq, r.seq = maxSeq-1, maxSeq-1
	if err := w.WriteRecord(wire.TypeApplicationData, []byte("last")); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRecord(wire.TypeApplicationData, []byte("wraps")); err != ErrSequenceOverflow {
		t.Fatalf("writer: got %v", err)
	}
	w.Flush()
	if _, _, err := r.ReadRecord(); err != nil {
		t.Fatal(err)
	}
	// A record the reader would have to open with 2^64-1.
	seal, _ := protectorPair(t, s, wire.VersionTLS12)
	frag, _ := seal.Seal(make([]byte, 9, 64), maxSeq, wire.TypeApplicationData, wire.VersionTLS12)
	buf.Write(record(wire.TypeApplicationData, wire.VersionTLS12, frag))
	if _, _, err := r.ReadRecord(); err != ErrSequenceOverflow {
		t.Fatalf("reader: got %v", err)
	}

	// SetProtector starts again from zero on both sides.
	w.SetProtector(seal)
	_, open := protectorPair(t, s, wire.VersionTLS12)
	r.SetProtector(open)
	w.WriteRecord(wire.TypeApplicationData, []byte("fresh"))
	w.Flush()
	if w.seq != 1 {
		t.Fatalf("writer seq %d", w.seq)
	}
	if _, data, err := r.ReadRecord(); err != nil || string(data) != "fresh" {
		t.Fatalf("after rekey: %v", err)
	}
}
