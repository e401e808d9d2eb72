package record

import (
	"fmt"
	"io"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

var benchCiphers = []struct {
	name string
	s    *suites.Suite
}{
	{"AES-128-GCM", suiteByCipher(suites.CipherAES128GCM, suites.MACAEAD)},
	{"AES-256-GCM", suiteByCipher(suites.CipherAES256GCM, suites.MACAEAD)},
	{"ChaCha20-Poly1305", suiteByCipher(suites.CipherChaCha20Poly1305, suites.MACAEAD)},
	{"AES-128-CBC-SHA", suiteByCipher(suites.CipherAES128CBC, suites.MACSHA1)},
	{"AES-256-CBC-SHA", suiteByCipher(suites.CipherAES256CBC, suites.MACSHA1)},
	{"AES-128-CBC-SHA256", suiteByCipher(suites.CipherAES128CBC, suites.MACSHA256)},
	{"AES-256-CBC-SHA384", suiteByCipher(suites.CipherAES256CBC, suites.MACSHA384)},
}

var benchSizes = []int{16 << 10, 1 << 10}

// BenchmarkWrite seals one record per iteration and writes it out.
func BenchmarkWrite(b *testing.B) {
	for _, c := range benchCiphers {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dKiB", c.name, n>>10), func(b *testing.B) {
				seal, _ := protectorPair(b, c.s, wire.VersionTLS12)
				w := NewWriter(io.Discard)
				w.SetVersion(wire.VersionTLS12)
				w.SetProtector(seal)
				data := payload(n)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := w.WriteRecord(wire.TypeApplicationData, data); err != nil {
						b.Fatal(err)
					}
					if err := w.Flush(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// loopReader replays a stream of records forever, never returning bytes
// past its end in one call, so a wrap falls on a record boundary.
type loopReader struct {
	stream []byte
	off    int
}

func (l *loopReader) Read(p []byte) (int, error) {
	if l.off == len(l.stream) {
		l.off = 0
	}
	n := copy(p, l.stream[l.off:])
	l.off += n
	return n, nil
}

// BenchmarkRead opens one record per iteration from a transport that
// replays a prepared stream; the sequence number restarts with it.
func BenchmarkRead(b *testing.B) {
	const perStream = 64
	for _, c := range benchCiphers {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dKiB", c.name, n>>10), func(b *testing.B) {
				w, _, buf := pipe(b, c.s, wire.VersionTLS12)
				for range perStream {
					w.WriteRecord(wire.TypeApplicationData, payload(n))
				}
				w.Flush()
				_, open := protectorPair(b, c.s, wire.VersionTLS12)
				r := NewReader(&loopReader{stream: buf.Bytes()})
				r.SetVersion(wire.VersionTLS12)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if i%perStream == 0 {
						r.SetProtector(open)
					}
					i++
					if _, data, err := r.ReadRecord(); err != nil || len(data) != n {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

var benchSuites13 = []struct {
	name string
	id   uint16
}{
	{"AES-128-GCM", 0x1301},
	{"AES-256-GCM", 0x1302},
	{"ChaCha20-Poly1305", 0x1303},
	{"AES-128-CCM", 0x1304},
	{"AES-128-CCM-8", 0x1305},
}

// BenchmarkWriteTLS13 seals one TLS 1.3 record per iteration.
func BenchmarkWriteTLS13(b *testing.B) {
	for _, c := range benchSuites13 {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dKiB", c.name, n>>10), func(b *testing.B) {
				w := NewWriter(io.Discard)
				w.SetVersion(wire.VersionTLS13)
				w.SetProtector(protector13(b, suites.ByID(c.id), 1))
				data := payload(n)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := w.WriteRecord(wire.TypeApplicationData, data); err != nil {
						b.Fatal(err)
					}
					if err := w.Flush(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkReadTLS13 opens one TLS 1.3 record per iteration from a
// replayed stream, as BenchmarkRead does.
func BenchmarkReadTLS13(b *testing.B) {
	const perStream = 64
	for _, c := range benchSuites13 {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dKiB", c.name, n>>10), func(b *testing.B) {
				s := suites.ByID(c.id)
				w, _, buf := pipe13(b, s)
				for range perStream {
					w.WriteRecord(wire.TypeApplicationData, payload(n))
				}
				w.Flush()
				r := NewReader(&loopReader{stream: buf.Bytes()})
				r.SetVersion(wire.VersionTLS13)
				open := protector13(b, s, 1)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if i%perStream == 0 {
						r.SetProtector(open)
					}
					i++
					if _, data, err := r.ReadRecord(); err != nil || len(data) != n {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
