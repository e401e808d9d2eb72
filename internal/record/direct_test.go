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
	eachSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		if s.TLS13() {
			return
		}
		w, r, buf := pipe(t, s, v)
		w.SetBeastMitigation(Disabled)
		check(t, w, r, buf, s.Cipher.Info().AEAD)
	})
	for _, s := range suites13() {
		t.Run("TLS1.3/"+s.Name, func(t *testing.T) {
			w, r, buf := pipe13(t, s)
			check(t, w, r, buf, true)
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
