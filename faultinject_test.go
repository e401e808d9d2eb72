package ssl

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// faultConn is a transport that misbehaves on the way out: it writes one
// byte per call (split), sleeps before each write (delay), flips one bit
// of the byte stream (flipAt), or writes only the first truncateAt bytes
// and then closes. A negative position means never. It never changes
// the caller's buffer.
type faultConn struct {
	net.Conn
	split      bool
	delay      time.Duration
	flipAt     int
	flipMask   byte
	truncateAt int

	mu      sync.Mutex
	written int
	log     bytes.Buffer // the stream as the caller wrote it
}

func newFaultConn(c net.Conn) *faultConn {
	return &faultConn{Conn: c, flipAt: -1, truncateAt: -1}
}

func (c *faultConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log.Write(p)
	done := 0
	for done < len(p) {
		n := len(p) - done
		if c.split {
			n = 1
		}
		chunk := append([]byte(nil), p[done:done+n]...)
		if c.truncateAt >= 0 && c.written+n > c.truncateAt {
			keep := c.truncateAt - c.written
			if keep > 0 {
				c.Conn.Write(chunk[:keep])
			}
			c.written += max(keep, 0)
			c.Conn.Close()
			return done + max(keep, 0), net.ErrClosed
		}
		if at := c.flipAt - c.written; at >= 0 && at < n {
			chunk[at] ^= c.flipMask
		}
		if c.delay > 0 {
			time.Sleep(c.delay)
		}
		if _, err := c.Conn.Write(chunk); err != nil {
			return done, err
		}
		c.written += n
		done += n
	}
	return done, nil
}

// oneByteReader hands the caller at most one byte per Read: the record
// layer must put records together from the smallest pieces.
type oneByteReader struct{ *faultConn }

func (c oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return c.faultConn.Conn.Read(p)
}

// faultCase is one version's client and server options.
type faultCase struct {
	name   string
	client func() *Options
	server func() *Options
}

func faultCases(p *testpeers.PKI) []faultCase {
	var out []faultCase
	for _, tc := range []struct {
		name    string
		v       Version
		ciphers []string
	}{
		{"TLS 1.3", TLSv1_3, nil},
		{"TLS 1.2 GCM", TLSv1_2, []string{"ECDHE-ECDSA-AES128-GCM-SHA256"}},
		{"TLS 1.2 CBC", TLSv1_2, []string{"ECDHE-ECDSA-AES128-SHA256"}},
		{"TLS 1.1", TLSv1_1, nil},
		{"TLS 1.0", TLSv1, nil},
	} {
		tc := tc
		out = append(out, faultCase{name: tc.name,
			client: func() *Options {
				o := clientOpts(p)
				o.Versions, o.Ciphers, o.ReuseSessions, o.LogAlert = []Version{tc.v}, tc.ciphers, Bool(false), Bool(false)
				return o
			},
			server: func() *Options {
				o := serverOpts(p, "ecdsa")
				o.Versions, o.Ciphers, o.ReuseSessions, o.LogAlert = []Version{tc.v}, tc.ciphers, Bool(false), Bool(false)
				return o
			}})
	}
	return out
}

// faultOutcome is what each side of one faulty connection saw.
type faultOutcome struct {
	clientErr, serverErr error
	echoed               []byte // what the client got back
	took                 time.Duration
	c2s, s2c             []byte // the streams as written (before faults)
}

// faultMessage is echoed over each connection. TLS 1.0 sends it as two
// records (1/n-1 splitting), so both sides read exactly its length.
const faultMessage = "fault injection"

// faultTimeout bounds each side's handshake and each read.
const faultTimeout = 3 * time.Second

// runFaulty runs one connection over TCP on 127.0.0.1 with wrap applied
// to the client's and the server's transport, sends a message and reads
// its echo. Both sides must finish: the test fails if either is still
// running well past the timeouts.
func runFaulty(t *testing.T, fc faultCase, wrapClient, wrapServer func(*faultConn) net.Conn) faultOutcome {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	start := time.Now()
	var out faultOutcome
	var cf, sf *faultConn
	serverDone := make(chan struct{})
	go func() {
		defer close(serverDone)
		raw, err := ln.Accept()
		if err != nil {
			out.serverErr = err
			return
		}
		sf = newFaultConn(raw)
		s, err := HandshakeConn(wrapServer(sf), fc.server(), faultTimeout)
		if err != nil {
			out.serverErr = err
			raw.Close()
			return
		}
		defer s.Close()
		msg, err := s.Recv(len(faultMessage), faultTimeout)
		if err == nil {
			err = s.Send(msg)
		}
		out.serverErr = err
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	cf = newFaultConn(raw)
	if s, err := ConnectConn(wrapClient(cf), fc.client(), faultTimeout); err != nil {
		out.clientErr = err
		raw.Close()
	} else {
		if err = s.Send([]byte(faultMessage)); err == nil {
			out.echoed, err = s.Recv(len(faultMessage), faultTimeout)
		}
		out.clientErr = err
		s.Close()
	}
	select {
	case <-serverDone:
	case <-time.After(4 * faultTimeout):
		t.Fatalf("%s: the server side is still running %v after the client finished", fc.name, 4*faultTimeout)
	}
	out.took = time.Since(start)
	out.c2s, out.s2c = cf.log.Bytes(), sf.log.Bytes()
	return out
}

func plain(c *faultConn) net.Conn { return c }

// streamOf is the stream written in direction dir of a run.
func (o faultOutcome) streamOf(dir string) []byte {
	if dir == "server to client" {
		return o.s2c
	}
	return o.c2s
}

// TestFaultSplitAndDelay: writes of one byte each, reads of one byte
// each, and writes that each wait, change nothing: every version
// completes the handshake and echoes intact.
func TestFaultSplitAndDelay(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, fc := range faultCases(p) {
		for _, mode := range []struct {
			name string
			wrap func(*faultConn) net.Conn
		}{
			{"split writes", func(c *faultConn) net.Conn { c.split = true; return c }},
			{"one-byte reads", func(c *faultConn) net.Conn { return oneByteReader{c} }},
			{"delayed writes", func(c *faultConn) net.Conn { c.delay = 5 * time.Millisecond; return c }},
		} {
			t.Run(fc.name+"/"+mode.name, func(t *testing.T) {
				out := runFaulty(t, fc, mode.wrap, mode.wrap)
				if out.clientErr != nil || out.serverErr != nil {
					t.Fatalf("client %v, server %v", out.clientErr, out.serverErr)
				}
				if string(out.echoed) != faultMessage {
					t.Fatalf("echo %q", out.echoed)
				}
			})
		}
	}
}

// recordHeaderRole says what the byte at pos of a record stream is: a
// record header's type, version or length byte, or "body".
func recordHeaderRole(stream []byte, pos int) string {
	for off := 0; off+5 <= len(stream); {
		n := int(stream[off+3])<<8 | int(stream[off+4])
		switch d := pos - off; {
		case d == 0:
			return "type"
		case d == 1 || d == 2:
			return "version"
		case d == 3 || d == 4:
			return "length"
		case d < 5+n:
			return "body"
		}
		off += 5 + n
	}
	return "beyond"
}

// flipRunsPastEnd reports whether flipping mask into the length byte
// at pos makes that record end beyond the end of the stream while its
// length stays one a reader must wait for (past that, record_overflow).
// maxPlausibleRecord is the longest record body any version allows
// (RFC 5246, Section 6.2.3: 2^14 + 2048).
const maxPlausibleRecord = 1<<14 + 2048

func flipRunsPastEnd(stream []byte, pos int, mask byte) bool {
	for off := 0; off+5 <= len(stream); {
		n := int(stream[off+3])<<8 | int(stream[off+4])
		if d := pos - off; d == 3 || d == 4 {
			hdr := [2]byte{stream[off+3], stream[off+4]}
			hdr[d-3] ^= mask
			grown := int(hdr[0])<<8 | int(hdr[1])
			return grown <= maxPlausibleRecord && off+5+grown > len(stream)
		}
		off += 5 + n
	}
	return false
}

// faultPositions picks the byte positions of a stream to damage: the
// first 48 bytes (record header, handshake header, ClientHello or
// ServerHello start) and then about 60 spread over the rest. The last
// record, the close_notify, is left alone: nobody reads it in these
// tests.
func faultPositions(stream []byte) []int {
	n := lastRecordStart(stream)
	var out []int
	for i := 0; i < n && i < 48; i++ {
		out = append(out, i)
	}
	step := max(n/60, 1)
	for i := 48; i < n; i += step {
		out = append(out, i)
	}
	return out
}

// lastRecordStart is where a stream's last record begins.
func lastRecordStart(stream []byte) int {
	n := 0
	for n+5 <= len(stream) {
		next := n + 5 + (int(stream[n+3])<<8 | int(stream[n+4]))
		if next >= len(stream) {
			break
		}
		n = next
	}
	return n
}

// hitCloseNotify reports whether a fault at pos of the stream one side
// wrote fell into its last record, the close_notify nobody reads here.
// Positions come from a clean run, and the faulty run's stream may be a
// few bytes longer or shorter (an ECDSA signature's DER length varies).
func hitCloseNotify(stream []byte, pos int) bool {
	return pos >= lastRecordStart(stream)
}

// TestFaultBitFlips: one flipped bit anywhere in either direction ends
// the connection with an error on both sides, bounded in time, with an
// alert on at least one side, and never a connection that delivers
// corrupted data. A flip may go unnoticed only in a record's version
// bytes (RFC 8446, 5.1: legacy_record_version is ignored). A flip in a
// length that makes a side wait for bytes that never come ends with the
// handshake timeout.
func TestFaultBitFlips(t *testing.T) {
	if testing.Short() {
		t.Skip("bit-flip sweep skipped in -short mode")
	}
	p := testpeers.NewPKI(t)
	goroutines := runtime.NumGoroutine()
	// The subtests run in parallel: the few flips that end by the
	// timeout spend their time waiting.
	t.Run("sweep", func(t *testing.T) {
		for _, fc := range faultCases(p) {
			clean := runFaulty(t, fc, plain, plain)
			if clean.clientErr != nil || clean.serverErr != nil {
				t.Fatalf("%s: clean run: client %v, server %v", fc.name, clean.clientErr, clean.serverErr)
			}
			for _, dir := range []struct {
				name   string
				stream []byte
			}{{"client to server", clean.c2s}, {"server to client", clean.s2c}} {
				t.Run(fc.name+"/"+dir.name, func(t *testing.T) {
					t.Parallel()
					flipSweep(t, fc, dir.name, dir.stream)
				})
			}
		}
	})
	waitGoroutines(t, goroutines)
}

// flipSweep flips one bit at each of the positions faultPositions
// picks in one direction's stream.
func flipSweep(t *testing.T, fc faultCase, dir string, stream []byte) {
	timeouts := 0
	positions := faultPositions(stream)
	for _, pos := range positions {
		role := recordHeaderRole(stream, pos)
		mask := byte(1) << (pos % 8)
		if role == "length" {
			mask = 0x80 // past any record size: record_overflow, not a wait
		}
		flip := func(c *faultConn) net.Conn { c.flipAt, c.flipMask = pos, mask; return c }
		wc, ws := flip, plain
		if dir == "server to client" {
			wc, ws = plain, flip
		}
		out := runFaulty(t, fc, wc, ws)
		if hitCloseNotify(out.streamOf(dir), pos) {
			continue
		}
		if out.took > 4*faultTimeout {
			t.Fatalf("flip at %d (%s): took %v", pos, role, out.took)
		}
		if out.took > faultTimeout {
			timeouts++
		}
		// Judge by the records the faulty run sent: under load a TLS 1.3
		// run can lay its records out differently from the clean run
		// (a ticket before or after the echo), so pos may be a length
		// there, flipped by a small mask: the side waits for bytes the
		// peer, already closed, never sends, and ends on a clean EOF.
		if sent := recordHeaderRole(out.streamOf(dir), pos); sent != role {
			t.Logf("flip at %d: %s in the clean run, %s in this one", pos, role, sent)
			if sent == "length" {
				continue
			}
			role = sent
		}
		// A length grown past the end of everything the peer sends
		// before it closes (the echo's record, say) leaves the reader
		// waiting for bytes that never come, and the peer's close ends
		// it: there is nobody left to send an alert to.
		if role == "length" && flipRunsPastEnd(out.streamOf(dir), pos, mask) {
			if out.clientErr == nil && out.serverErr == nil {
				t.Fatalf("flip at %d (length past the stream's end) went unnoticed", pos)
			}
			continue
		}
		if out.clientErr == nil && out.serverErr == nil {
			if string(out.echoed) != faultMessage {
				t.Fatalf("flip at %d (%s): connection delivered %q", pos, role, out.echoed)
			}
			if role != "version" {
				t.Fatalf("flip at %d (%s, mask %#x) went unnoticed", pos, role, mask)
			}
			continue
		}
		// A version flip may go unnoticed; noticed, the alert may not
		// reach the caller's error when the peer has already closed
		// (TLS 1.1: the echo's version byte, then a failed alert write).
		var ca, sa *Alert
		timedOut := isTimeout(out.clientErr) || isTimeout(out.serverErr) ||
			errors.Is(out.clientErr, ErrTimeout) || errors.Is(out.serverErr, ErrTimeout)
		if !errors.As(out.clientErr, &ca) && !errors.As(out.serverErr, &sa) && out.took <= faultTimeout && !timedOut && role != "version" {
			t.Errorf("flip at %d (%s): no alert on either side: client %v, server %v", pos, role, out.clientErr, out.serverErr)
		}
	}
	t.Logf("%d positions, %d ended by a timeout", len(positions), timeouts)
}

// TestFaultTruncation: a transport that dies after any number of bytes
// ends both sides with an error at once, not with a wait for the
// timeout.
func TestFaultTruncation(t *testing.T) {
	p := testpeers.NewPKI(t)
	goroutines := runtime.NumGoroutine()
	for _, fc := range faultCases(p) {
		clean := runFaulty(t, fc, plain, plain)
		for _, dir := range []struct {
			name   string
			stream []byte
		}{{"client to server", clean.c2s}, {"server to client", clean.s2c}} {
			t.Run(fmt.Sprintf("%s/%s", fc.name, dir.name), func(t *testing.T) {
				for _, at := range faultPositions(dir.stream) {
					cut := func(c *faultConn) net.Conn { c.truncateAt = at; return c }
					wc, ws := cut, plain
					if dir.name == "server to client" {
						wc, ws = plain, cut
					}
					out := runFaulty(t, fc, wc, ws)
					if hitCloseNotify(out.streamOf(dir.name), at) {
						continue
					}
					if out.clientErr == nil && out.serverErr == nil {
						t.Fatalf("cut after %d bytes: both sides succeeded", at)
					}
					if out.took > faultTimeout {
						t.Fatalf("cut after %d bytes: took %v (client %v, server %v)", at, out.took, out.clientErr, out.serverErr)
					}
				}
			})
		}
	}
	waitGoroutines(t, goroutines)
}

// waitGoroutines fails the test if the goroutine count does not come
// back to what it was (give or take a few of the runtime's) within five
// seconds.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before+3 {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}
