package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestHandshakeBufferSplits(t *testing.T) {
	var stream []byte
	var msgs [][]byte
	for _, m := range sampleMessages() {
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, b)
		stream = append(stream, b...)
	}
	for _, size := range []int{1, 3, 4, 5, 7, 100, 1000, MaxPlaintext, len(stream)} {
		var h HandshakeBuffer
		var got [][]byte
		for off := 0; off < len(stream); off += size {
			rec := bytes.Clone(stream[off:min(off+size, len(stream))])
			h.Write(rec)
			clear(rec) // the caller reuses its record buffer
			for {
				msg, ok, err := h.Next(0)
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					break
				}
				got = append(got, msg)
			}
		}
		if h.Len() != 0 {
			t.Errorf("size %d: %d bytes left", size, h.Len())
		}
		if len(got) != len(msgs) {
			t.Fatalf("size %d: %d messages, want %d", size, len(got), len(msgs))
		}
		// Earlier messages must be intact after all the later Writes.
		for i := range msgs {
			if !bytes.Equal(got[i], msgs[i]) {
				t.Errorf("size %d: message %d corrupted", size, i)
			}
			if cap(got[i]) != len(got[i]) {
				t.Errorf("size %d: message %d capacity not clipped", size, i)
			}
		}
	}
}

func TestHandshakeBufferLen(t *testing.T) {
	var h HandshakeBuffer
	fin, _ := (&Finished{VerifyData: seq(12, 0)}).Marshal()
	h.Write(fin[:10])
	if h.Len() != 10 {
		t.Fatalf("Len = %d", h.Len())
	}
	if _, ok, err := h.Next(0); ok || err != nil {
		t.Fatal("incomplete message returned")
	}
	h.Write(fin[10:])
	if msg, ok, _ := h.Next(0); !ok || !bytes.Equal(msg, fin) || h.Len() != 0 {
		t.Fatal("complete message not returned")
	}
	h.Write([]byte{0})
	if h.Len() != 1 {
		t.Fatal("Len after a partial header")
	}
	h.Reset()
	if h.Len() != 0 {
		t.Fatal("Len after Reset")
	}
}

func TestHandshakeBufferTooLarge(t *testing.T) {
	var h HandshakeBuffer
	h.Write([]byte{TypeCertificate, 0x01, 0x00, 0x01}) // 65537 bytes announced
	if _, _, err := h.Next(1 << 16); !errors.Is(err, ErrHandshakeTooLarge) {
		t.Fatalf("err = %v", err)
	}
	h.Reset()
	h.Write([]byte{TypeCertificate, 0x01, 0x00, 0x00})
	if _, ok, err := h.Next(1 << 16); ok || err != nil {
		t.Fatalf("exactly max: ok=%v err=%v", ok, err)
	}
	h.Reset()
	h.Write([]byte{TypeCertificate, 0x04, 0x00, 0x01}) // over the default limit
	if _, _, err := h.Next(0); !errors.Is(err, ErrHandshakeTooLarge) {
		t.Fatalf("default limit: err = %v", err)
	}
}

// One record holding several whole messages costs one copy and no
// allocation per message.
func TestHandshakeBufferAllocs(t *testing.T) {
	shd, _ := (&ServerHelloDone{}).Marshal()
	fin, _ := (&Finished{VerifyData: seq(12, 0)}).Marshal()
	rec := append(append(bytes.Clone(shd), fin...), shd...)
	var h HandshakeBuffer
	allocs := testing.AllocsPerRun(100, func() {
		h.Write(rec)
		for {
			if _, ok, _ := h.Next(0); !ok {
				break
			}
		}
	})
	if allocs > 0.2 {
		t.Errorf("%.2f allocations per record of three messages", allocs)
	}
}

func BenchmarkHandshakeBuffer(b *testing.B) {
	var rec []byte
	for _, m := range sampleMessages()[:8] {
		mb, _ := m.Marshal()
		rec = append(rec, mb...)
	}
	b.SetBytes(int64(len(rec)))
	b.ReportAllocs()
	var h HandshakeBuffer
	for b.Loop() {
		h.Write(rec)
		for {
			if _, ok, _ := h.Next(0); !ok {
				break
			}
		}
	}
}

func TestDTLSHeader(t *testing.T) {
	h := DTLSHeader{Type: TypeClientHello, Length: 0x010203, MessageSeq: 0x0405, FragmentOffset: 0x000100, FragmentLength: 0x000200}
	b := MarshalDTLSHeader(h)
	want := []byte{1, 1, 2, 3, 4, 5, 0, 1, 0, 0, 2, 0}
	if !bytes.Equal(b, want) {
		t.Fatalf("MarshalDTLSHeader = %x", b)
	}
	got, ok := ParseDTLSHeader(append(b, 0xff))
	if !ok || got != h {
		t.Fatalf("ParseDTLSHeader = %+v, %v", got, ok)
	}
	if _, ok := ParseDTLSHeader(b[:11]); ok {
		t.Error("short header accepted")
	}
	// fragment_offset + fragment_length beyond length.
	if _, ok := ParseDTLSHeader([]byte{1, 0, 0, 10, 0, 0, 0, 0, 6, 0, 0, 5}); ok {
		t.Error("fragment past the message end accepted")
	}
	if got := AppendDTLSHeader([]byte{9}, h); !bytes.Equal(got[1:], want) || got[0] != 9 {
		t.Error("AppendDTLSHeader")
	}
}

func TestParseHeaderFrame(t *testing.T) {
	b := Frame(TypeFinished, seq(300, 0))
	typ, n, ok := ParseHeader(b)
	if !ok || typ != TypeFinished || n != 300 || len(b) != 304 {
		t.Fatalf("ParseHeader = %d %d %v", typ, n, ok)
	}
	if _, _, ok := ParseHeader(b[:3]); ok {
		t.Error("3-byte header accepted")
	}
}

func TestToDTLS(t *testing.T) {
	fin := Frame(TypeFinished, seq(12, 0))
	d := ToDTLS(fin, 3)
	h, ok := ParseDTLSHeader(d)
	if !ok || h != (DTLSHeader{Type: TypeFinished, Length: 12, MessageSeq: 3, FragmentLength: 12}) ||
		!bytes.Equal(d[DTLSHeaderLen:], fin[HeaderLen:]) {
		t.Fatalf("ToDTLS = %x", d)
	}
	if ToDTLS(fin[:10], 0) != nil || ToDTLS(append(fin, 0), 0) != nil {
		t.Error("ToDTLS accepted a badly framed message")
	}
}

// A long message fed one byte at a time costs a logarithmic number of
// chunks, not one per byte.
func TestHandshakeBufferByteAtATime(t *testing.T) {
	msg := Frame(TypeCertificate, seq(DefaultMaxHandshakeSize+10000, 0))
	var h HandshakeBuffer
	allocs := testing.AllocsPerRun(1, func() {
		for i := range msg {
			h.Write(msg[i : i+1])
		}
	})
	got, ok, err := h.Next(len(msg))
	if err != nil || !ok || !bytes.Equal(got, msg) {
		t.Fatalf("Next: %v %v", ok, err)
	}
	if allocs > 40 {
		t.Fatalf("%.0f allocations for a message fed byte by byte", allocs)
	}
}
