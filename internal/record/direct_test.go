package record

import (
	"bytes"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// TestReadRecordTo checks that records are decrypted into the caller's
// buffer when they fit, in place otherwise, with the same plaintext and
// sequence numbers either way, for every suite and version; and that a
// tampered record still fails with bad_record_mac.
func TestReadRecordTo(t *testing.T) {
	check := func(t *testing.T, w *Writer, r *Reader, buf *bytes.Buffer, aead bool) {
		sizes := []int{1, 100, 1000, wire.MaxPlaintext}
		for _, n := range sizes {
			if err := w.WriteRecord(wire.TypeApplicationData, payload(n)); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		for i, n := range sizes {
			dst := make([]byte, n+300)
			if i%2 == 1 {
				dst = make([]byte, n/2) // too small: opened in place
			}
			typ, data, err := r.ReadRecordTo(dst)
			if err != nil || typ != wire.TypeApplicationData || !bytes.Equal(data, payload(n)) {
				t.Fatalf("record %d: type %d, %d bytes, %v", i, typ, len(data), err)
			}
			into := len(dst) > 0 && &data[0] == &dst[0]
			if want := aead && i%2 == 0; into != want {
				t.Errorf("record %d of %d bytes: decrypted into dst %v, want %v", i, n, into, want)
			}
		}
		w.WriteRecord(wire.TypeApplicationData, payload(500))
		w.Flush()
		b := buf.Bytes()
		b[len(b)-1] ^= 1
		if _, _, err := r.ReadRecordTo(make([]byte, 1000)); err != ErrBadRecordMAC {
			t.Fatalf("tampered record: %v", err)
		}
	}
	eachPipe(t, check)
}

// eachPipe runs f on a writer and reader joined by a buffer for every
// suite and version, TLS 1.3 included, without BEAST splitting; aead
// says whether the suite's cipher is an AEAD.
func eachPipe(t *testing.T, f func(t *testing.T, w *Writer, r *Reader, buf *bytes.Buffer, aead bool)) {
	eachSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		if s.TLS13() {
			return
		}
		w, r, buf := pipe(t, s, v)
		w.SetBeastMitigation(Disabled)
		f(t, w, r, buf, s.Cipher.Info().AEAD)
	})
	for _, s := range suites13() {
		t.Run("TLS1.3/"+s.Name, func(t *testing.T) {
			w, r, buf := pipe13(t, s)
			f(t, w, r, buf, true)
		})
	}
}

// TestRecordReady reports a record only once all of it is buffered.
func TestRecordReady(t *testing.T) {
	w, r, buf := pipe13(t, suites.ByID(0x1301))
	w.WriteRecord(wire.TypeApplicationData, payload(100))
	w.WriteRecord(wire.TypeApplicationData, payload(200))
	w.Flush()
	stream := bytes.Clone(buf.Bytes())
	buf.Reset()
	buf.Write(stream[:len(stream)-1])
	if r.RecordReady() {
		t.Fatal("ready before any read")
	}
	if _, data, err := r.ReadRecord(); err != nil || len(data) != 100 {
		t.Fatal(len(data), err)
	}
	if r.RecordReady() {
		t.Fatal("ready with the last byte missing")
	}
	buf.Write(stream[len(stream)-1:])
	if _, data, err := r.ReadRecord(); err != nil || len(data) != 200 {
		t.Fatal(len(data), err)
	}
}

// TestPutBufferClearsPlaintext: a buffer that records were opened in
// place in goes back to the shared pool cleared, whatever the suite and
// version (another connection takes it next); one whose records were
// all opened into the caller's dst holds only ciphertext and is not
// cleared. Reading a record and giving the buffer back allocates nothing.
func TestPutBufferClearsPlaintext(t *testing.T) {
	secret := bytes.Repeat([]byte("plaintext! "), 300)
	eachPipe(t, func(t *testing.T, w *Writer, r *Reader, _ *bytes.Buffer, aead bool) {
		for _, into := range []bool{false, true} {
			w.WriteRecord(wire.TypeApplicationData, secret)
			w.Flush()
			var dst []byte
			if into {
				dst = make([]byte, len(secret)+100)
			}
			if _, data, err := r.ReadRecordTo(dst); err != nil || !bytes.Equal(data, secret) {
				t.Fatalf("read: %v", err)
			}
			if into && aead && r.plainEnd != 0 {
				t.Fatalf("plainEnd %d after a record opened into dst: a needless clear", r.plainEnd)
			}
			buf := r.buf
			r.PutBuffer()
			if r.buf != nil {
				t.Fatal("PutBuffer kept the buffer")
			}
			if bytes.Contains(buf[:], secret[:64]) {
				t.Fatal("plaintext left in a pooled buffer")
			}
		}
		allocs := testing.AllocsPerRun(100, func() {
			w.WriteRecord(wire.TypeApplicationData, secret[:1000])
			w.Flush()
			if _, _, err := r.ReadRecord(); err != nil {
				t.Fatal(err)
			}
			r.PutBuffer()
		})
		if allocs != 0 {
			t.Errorf("%.1f allocations per record with the buffer given back", allocs)
		}
	})
}
