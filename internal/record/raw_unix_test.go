//go:build unix

package record

import (
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

type countReads struct{ n, bytes atomic.Int64 }

func (c *countReads) Count(n int) { c.n.Add(1); c.bytes.Add(int64(n)) }

func tcpPair(t *testing.T) (*net.TCPConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() { c, _ := ln.Accept(); ch <- c }()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-ch
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*net.TCPConn), s.(*net.TCPConn)
}

// TestRawConnReads reads TLS 1.3 records from a TCP socket through its
// RawConn: records cut across writes, a waiting reader that holds no
// buffer, the read counter, deadlines and the end of the stream.
// rawTLS13Pair returns a TCP pair, a TLS 1.3 writer sealing into pw (its
// records are sent on c by hand) and a reader of s through its RawConn,
// with the same key.
func rawTLS13Pair(t *testing.T, pw *pipeWriter, count Counter) (c *net.TCPConn, w *Writer, r *Reader) {
	c, s := tcpPair(t)
	s13 := suites.ByID(0x1301)
	w = NewWriter(pw)
	w.SetVersion(wire.VersionTLS13)
	w.SetProtector(protector13(t, s13, 1))
	r = NewReader(s)
	r.SetVersion(wire.VersionTLS13)
	r.SetProtector(protector13(t, s13, 1))
	rc, err := s.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	r.SetRawConn(rc, count)
	return c, w, r
}

func TestRawConnReads(t *testing.T) {
	var pw pipeWriter
	var cnt countReads
	c, w, r := rawTLS13Pair(t, &pw, &cnt)
	s := r.src.(*net.TCPConn)
	if !r.Raw() {
		t.Fatal("SetRawConn did not take effect")
	}

	// The writer sends its records a few bytes at a time.
	sizes := []int{1, 300, wire.MaxPlaintext, 5000}
	for _, n := range sizes {
		w.WriteRecord(wire.TypeApplicationData, payload(n))
	}
	w.Flush()
	first := pw.b
	pw.b = nil
	go func() {
		for b := first; len(b) > 0; {
			k := min(len(b), 777)
			c.Write(b[:k])
			b = b[k:]
			time.Sleep(time.Millisecond)
		}
	}()
	var total int64
	for i, n := range sizes {
		typ, data, err := r.ReadRecord()
		if err != nil || typ != wire.TypeApplicationData || string(data) != string(payload(n)) {
			t.Fatalf("record %d: %d bytes, %v", i, len(data), err)
		}
		total += int64(n + 5 + 1 + 16)
	}
	if got := cnt.bytes.Load(); got != total || cnt.n.Load() < 2 {
		t.Errorf("counted %d reads of %d bytes, want %d bytes in several reads", cnt.n.Load(), got, total)
	}
	if r.PutBuffer(); r.buf != nil {
		t.Error("PutBuffer kept the buffer although every byte was consumed")
	}

	// A reader that waits holds no buffer, and a deadline ends the wait.
	s.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, _, err := r.ReadRecord()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past the deadline: %v, want a timeout", err)
	}
	if r.buf != nil {
		t.Error("a reader that waited for input kept its buffer")
	}
	s.SetReadDeadline(time.Time{})

	// A record that arrives while the reader waits is read.
	w.WriteRecord(wire.TypeApplicationData, []byte("after"))
	w.Flush()
	go func() {
		time.Sleep(10 * time.Millisecond)
		c.Write(pw.b)
		c.CloseWrite()
	}()
	if _, data, err := r.ReadRecord(); err != nil || string(data) != "after" {
		t.Fatalf("after waiting: %q %v", data, err)
	}
	if _, _, err := r.ReadRecord(); err != io.EOF {
		t.Fatalf("at the end of the stream: %v, want io.EOF", err)
	}
}

type pipeWriter struct{ b []byte }

func (p *pipeWriter) Write(b []byte) (int, error) { p.b = append(p.b, b...); return len(b), nil }

// TestReleaseParked drops the cipher of a reader waiting in the poller
// from another goroutine, over and over while records keep arriving: the
// reader builds it again and every record opens (run with -race, this is
// the check of the hand-over between the two goroutines).
func TestReleaseParked(t *testing.T) {
	var pw pipeWriter
	c, w, r := rawTLS13Pair(t, &pw, nil)
	if r.ReleaseParked() {
		t.Fatal("ReleaseParked released a reader that is not waiting")
	}

	const records = 200
	got := make(chan error, 1)
	var consumed atomic.Int32
	go func() {
		for i := range records {
			_, data, err := r.ReadRecord()
			if err == nil && string(data) != string(payload(i*37+1)) {
				err = errors.New("wrong plaintext")
			}
			if err != nil {
				got <- err
				return
			}
			consumed.Add(1)
		}
		got <- nil
	}()
	released := 0
	deadline := time.Now().Add(10 * time.Second)
	for i := range records {
		// Wait (bounded) until the reader has taken the previous record
		// (it may park before that record arrives, and would then wake
		// and decrypt it after a release) and waits, and release it.
		for consumed.Load() < int32(i) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Microsecond)
		}
		for time.Now().Before(deadline) {
			if r.ReleaseParked() {
				if !r.ReleasedWaiting() {
					t.Error("ReleaseParked left the waiting reader a buffer or cipher")
				}
				released++
				break
			}
			time.Sleep(50 * time.Microsecond)
		}
		w.WriteRecord(wire.TypeApplicationData, payload(i*37+1))
		w.Flush()
		if _, err := c.Write(pw.b); err != nil {
			t.Fatal(err)
		}
		pw.b = pw.b[:0]
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if released < records/2 {
		t.Errorf("released the waiting reader's cipher %d times of %d", released, records)
	}
}
