package record

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// fuzzModes are the protections FuzzReadRecord reads under; mode 0 is
// plaintext.
var fuzzModes = []struct {
	s *suites.Suite
	v uint16
}{
	{nil, 0},
	{suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD), wire.VersionTLS12},
	{suiteByCipher(suites.CipherChaCha20Poly1305, suites.MACAEAD), wire.VersionTLS12},
	{suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1), wire.VersionTLS12},
	{suiteByCipher(suites.CipherAES256CBC, suites.MACSHA384), wire.VersionTLS12},
	{suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1), wire.VersionTLS10},
}

// fuzzSeed returns a valid stream for mode m: a few records of each type.
func fuzzSeed(t testing.TB, m int) []byte {
	w, _, buf := pipe(t, fuzzModes[m].s, fuzzModes[m].v)
	w.WriteRecord(wire.TypeHandshake, payload(40))
	w.WriteRecord(wire.TypeChangeCipherSpec, []byte{1})
	w.WriteRecord(wire.TypeApplicationData, nil)
	w.WriteRecord(wire.TypeApplicationData, payload(300))
	w.WriteRecord(wire.TypeAlert, []byte{1, 0})
	w.Flush()
	return buf.Bytes()
}

// FuzzReadRecord feeds arbitrary bytes to a Reader, in plaintext or under
// a protector with the test keys, and checks that it neither panics nor
// returns anything a connection could not act on.
func FuzzReadRecord(f *testing.F) {
	for m := range fuzzModes {
		f.Add(fuzzSeed(f, m), uint8(m))
	}
	f.Fuzz(func(t *testing.T, stream []byte, mode uint8) {
		m := fuzzModes[int(mode)%len(fuzzModes)]
		r := NewReader(bytes.NewReader(stream))
		if m.s != nil {
			_, open := protectorPair(t, m.s, m.v)
			r.SetProtector(open)
		}
		if mode&0x80 != 0 {
			r.SetVersion(wire.VersionTLS12)
		}
		for range 64 {
			typ, data, err := r.ReadRecord()
			if err != nil {
				var a *alert.Error
				switch {
				case err == io.EOF || err == io.ErrUnexpectedEOF || err == ErrSequenceOverflow:
				case errors.As(err, &a):
					if a.Desc == alert.BadRecordMAC && err != ErrBadRecordMAC {
						t.Fatalf("a second bad_record_mac error: %v", err)
					}
				default:
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(data) > wire.MaxPlaintext {
				t.Fatalf("%d-byte plaintext", len(data))
			}
			if typ < wire.TypeChangeCipherSpec || typ > wire.TypeApplicationData {
				t.Fatalf("content type %d passed", typ)
			}
			if len(data) == 0 && typ != wire.TypeApplicationData {
				t.Fatal("empty non-application record passed")
			}
		}
	})
}
