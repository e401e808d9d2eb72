package record

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// fuzzSuites13 are the protections FuzzReadRecordTLS13 reads under; entry
// 0 is plaintext (between ServerHello and the handshake keys).
var fuzzSuites13 = append([]*suites.Suite{nil}, suites13()...)

// fuzzMode13Late, in the mode byte, installs the protector only after the
// first record, as a client does after the ServerHello.
const fuzzMode13Late = 0x80

// fuzzSeed13 returns a valid stream for mode m: a few records of every
// kind a TLS 1.3 peer sends, padded and not.
func fuzzSeed13(t testing.TB, mode uint8) []byte {
	s := fuzzSuites13[int(mode&^fuzzMode13Late)%len(fuzzSuites13)]
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.SetVersion(wire.VersionTLS13)
	if mode&fuzzMode13Late != 0 {
		w.WriteRecord(wire.TypeHandshake, []byte{wire.TypeServerHello, 0, 0, 2, 3, 3})
	}
	if s != nil {
		w.SetProtector(protector13(t, s, 1))
	}
	w.WriteRecord(wire.TypeChangeCipherSpec, []byte{1})
	w.WriteRecord(wire.TypeHandshake, payload(40))
	w.WriteRecord(wire.TypeApplicationData, nil)
	w.SetPadding(func(n int) int { return 31 - n%32 })
	w.WriteRecord(wire.TypeApplicationData, payload(300))
	w.SetPadding(nil)
	w.WriteRecord(wire.TypeAlert, []byte{1, 0})
	w.Flush()
	return buf.Bytes()
}

// fuzzModes13 lists the seed modes: every protection, early and late.
func fuzzModes13() []uint8 {
	var out []uint8
	for m := range fuzzSuites13 {
		out = append(out, uint8(m))
		if m > 0 {
			out = append(out, uint8(m)|fuzzMode13Late)
		}
	}
	return out
}

// FuzzReadRecordTLS13 feeds arbitrary bytes to a TLS 1.3 Reader, in
// plaintext or under a TLS 1.3 protector with the test keys, and checks
// that it neither panics nor returns anything RFC 8446, Section 5 forbids.
func FuzzReadRecordTLS13(f *testing.F) {
	for _, m := range fuzzModes13() {
		f.Add(fuzzSeed13(f, m), m)
	}
	f.Fuzz(func(t *testing.T, stream []byte, mode uint8) {
		s := fuzzSuites13[int(mode&^fuzzMode13Late)%len(fuzzSuites13)]
		r := NewReader(bytes.NewReader(stream))
		r.SetVersion(wire.VersionTLS13)
		late := mode&fuzzMode13Late != 0
		if s != nil && !late {
			r.SetProtector(protector13(t, s, 1))
		}
		for i := range 64 {
			protected := r.prot != nil
			typ, data, err := r.ReadRecord()
			if err != nil {
				var a *alert.Error
				switch {
				case err == io.EOF || err == io.ErrUnexpectedEOF:
				case errors.As(err, &a):
					if a.Desc == alert.BadRecordMAC && err != ErrBadRecordMAC {
						t.Fatalf("a second bad_record_mac error: %v", err)
					}
					if a.Desc == alert.InternalError {
						t.Fatalf("internal_error: %v", err)
					}
				default:
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(data) > wire.MaxPlaintext {
				t.Fatalf("%d-byte content", len(data))
			}
			if typ < wire.TypeChangeCipherSpec || typ > wire.TypeApplicationData {
				t.Fatalf("content type %d passed", typ)
			}
			if len(data) == 0 && typ != wire.TypeApplicationData {
				t.Fatal("empty non-application record passed")
			}
			if protected && typ == wire.TypeChangeCipherSpec && !bytes.Equal(data, []byte{1}) {
				t.Fatalf("change_cipher_spec %x passed under protection", data)
			}
			if i == 0 && late && s != nil {
				r.SetProtector(protector13(t, s, 1))
			}
		}
	})
}

// TestWriteFuzzCorpus13 regenerates testdata/fuzz/FuzzReadRecordTLS13:
// the valid seeds, each also truncated and with one byte flipped.
func TestWriteFuzzCorpus13(t *testing.T) {
	if os.Getenv("RECORD_WRITE_FUZZ_CORPUS") == "" {
		t.Skip("set RECORD_WRITE_FUZZ_CORPUS=1 to regenerate testdata/fuzz/FuzzReadRecordTLS13")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzReadRecordTLS13")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, stream []byte, mode uint8) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\nbyte(%q)\n", stream, mode)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range fuzzModes13() {
		name := "plaintext"
		if s := fuzzSuites13[m&^fuzzMode13Late]; s != nil {
			name = s.Name
		}
		if m&fuzzMode13Late != 0 {
			name += "_after_hello"
		}
		seed := fuzzSeed13(t, m)
		write("valid_"+name, seed, m)
		write("truncated_"+name, seed[:len(seed)-7], m)
		bad := bytes.Clone(seed)
		bad[len(bad)/2] ^= 0x20
		write("tampered_"+name, bad, m)
	}
	write("ccs_two_bytes", record(wire.TypeChangeCipherSpec, 0x0303, []byte{1, 1}), 1)
	write("plain_handshake_after_keys", record(wire.TypeHandshake, 0x0303, []byte{2, 0, 0, 0}), 1)
	write("overflow_header", []byte{wire.TypeApplicationData, 3, 3, 0x41, 0x01}, 1)
	write("version_0301_after_keys", record(wire.TypeApplicationData, 0x0301, make([]byte, 17)), 1)
}

// TestFuzzSeeds13 makes sure the valid seeds read to the end, so the
// fuzzer starts from streams that reach every path.
func TestFuzzSeeds13(t *testing.T) {
	for _, m := range fuzzModes13() {
		s := fuzzSuites13[m&^fuzzMode13Late]
		r := NewReader(bytes.NewReader(fuzzSeed13(t, m)))
		r.SetVersion(wire.VersionTLS13)
		if s != nil && m&fuzzMode13Late == 0 {
			r.SetProtector(protector13(t, s, 1))
		}
		n := 0
		for {
			_, _, err := r.ReadRecord()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("mode %#x, record %d: %v", m, n, err)
			}
			if n == 0 && s != nil && m&fuzzMode13Late != 0 {
				r.SetProtector(protector13(t, s, 1))
			}
			n++
		}
		if want := 5 + int(m>>7); n != want {
			t.Fatalf("mode %#x: %d records", m, n)
		}
	}
}
