package record

import (
	"bytes"
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
	for _, c := range benchCiphers {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dKiB", c.name, n>>10), func(b *testing.B) {
				w, _, buf := pipe(b, c.s, wire.VersionTLS12)
				_, open := protectorPair(b, c.s, wire.VersionTLS12)
				benchRead(b, w, buf, wire.VersionTLS12, open, n, loopSource, false)
			})
		}
	}
}

// loopSource replays a stream as loopReader does.
func loopSource(s []byte) io.Reader { return &loopReader{stream: s} }

// benchRead writes perStream records of n bytes with w into buf, then
// opens one per iteration from that stream replayed through src, under
// open and the version, and gives the buffer back after each with put.
func benchRead(b *testing.B, w *Writer, buf *bytes.Buffer, version uint16, open Protector, n int, src func([]byte) io.Reader, put bool) {
	const perStream = 64
	for range perStream {
		w.WriteRecord(wire.TypeApplicationData, payload(n))
	}
	w.Flush()
	r := NewReader(src(buf.Bytes()))
	r.SetVersion(version)
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
		if put {
			r.PutBuffer()
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
	for _, c := range benchSuites13 {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/%dKiB", c.name, n>>10), func(b *testing.B) {
				benchRead13(b, suites.ByID(c.id), n, loopSource, false)
			})
		}
	}
}

// benchRead13 is benchRead for a TLS 1.3 suite.
func benchRead13(b *testing.B, s *suites.Suite, n int, src func([]byte) io.Reader, put bool) {
	w, _, buf := pipe13(b, s)
	benchRead(b, w, buf, wire.VersionTLS13, protector13(b, s, 1), n, src, put)
}

// recordReader replays a stream of records forever, one record per Read
// (the reader's buffer always has room for one), as a transport that
// delivers each record before the next is sent.
type recordReader struct {
	stream []byte
	off    int
}

func (l *recordReader) Read(p []byte) (int, error) {
	if l.off == len(l.stream) {
		l.off = 0
	}
	rec := l.stream[l.off:]
	rec = rec[:headerLen+(int(rec[3])<<8|int(rec[4]))]
	n := copy(p, rec)
	l.off += n
	return n, nil
}

// BenchmarkReadPut is a connection's read path between reads: one record
// is opened in place (TLS 1.3 AES-128-GCM, as a Recv does), then the
// buffer goes back to the pool with nothing left in it (as the socket
// gives it back after each read), and the next record takes one again.
// The difference from BenchmarkReadTLS13 is what the pool round trip
// costs, clearing the plaintext included.
func BenchmarkReadPut(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("AES-128-GCM/%dKiB", n>>10), func(b *testing.B) {
			benchRead13(b, suites.ByID(0x1301), n, func(s []byte) io.Reader { return &recordReader{stream: s} }, true)
		})
	}
}
