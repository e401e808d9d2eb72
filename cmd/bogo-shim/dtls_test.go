package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ssl "github.com/gossl/ssl"
)

// frame builds one of the runner's control or packet frames.
func frame(op byte, payload ...[]byte) []byte {
	b := []byte{op}
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

func be64(d time.Duration) []byte { return binary.BigEndian.AppendUint64(nil, uint64(d)) }

func packet(d []byte) []byte {
	return frame(opPacket, binary.BigEndian.AppendUint32(nil, uint32(len(d))), d)
}

// runnerEnd is the runner's side of the framed stream in these tests.
type runnerEnd struct {
	t *testing.T
	c net.Conn
}

func (r runnerEnd) send(b ...[]byte) {
	r.t.Helper()
	go func() { r.c.Write(bytes.Join(b, nil)) }()
}

func (r runnerEnd) readOp() byte {
	r.t.Helper()
	var op [1]byte
	r.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(r.c, op[:]); err != nil {
		r.t.Fatalf("runner read: %v", err)
	}
	return op[0]
}

func (r runnerEnd) readPacket() []byte {
	r.t.Helper()
	if op := r.readOp(); op != opPacket {
		r.t.Fatalf("opcode %q, want 'P'", op)
	}
	var n [4]byte
	if _, err := io.ReadFull(r.c, n[:]); err != nil {
		r.t.Fatal(err)
	}
	d := make([]byte, binary.BigEndian.Uint32(n[:]))
	if _, err := io.ReadFull(r.c, d); err != nil {
		r.t.Fatal(err)
	}
	return d
}

func pipePair(t *testing.T) (*packetConn, runnerEnd) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return newPacketConn(a, defaultInitialTimeout), runnerEnd{t, b}
}

type readResult struct {
	b   []byte
	err error
}

func readAsync(p *packetConn) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		buf := make([]byte, 100)
		n, err := p.Read(buf)
		ch <- readResult{buf[:n], err}
	}()
	return ch
}

func wait(t *testing.T, ch <-chan readResult) readResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("Read did not return")
		return readResult{}
	}
}

// TestPacketConnFraming: a Write is one 'P' frame; a Read returns one
// datagram, whole or cut to the buffer as UDP does; an unknown opcode
// and an oversized length are errors; 'M' is reported as an MTU change.
func TestPacketConnFraming(t *testing.T) {
	p, r := pipePair(t)
	go p.Write([]byte("hello"))
	if got := r.readPacket(); string(got) != "hello" {
		t.Errorf("frame %q", got)
	}
	r.send(packet([]byte("one")), packet(bytes.Repeat([]byte{7}, 150)))
	if res := wait(t, readAsync(p)); res.err != nil || string(res.b) != "one" {
		t.Errorf("Read %q %v", res.b, res.err)
	}
	if res := wait(t, readAsync(p)); res.err != nil || len(res.b) != 100 {
		t.Errorf("long datagram: %d bytes, %v; want its first 100", len(res.b), res.err)
	}
	r.send(frame(opMTU, []byte{0, 0, 1, 0}))
	if res := wait(t, readAsync(p)); !errors.Is(res.err, errMTUChange) || !p.mtuChanged() {
		t.Errorf("'M': %v", res.err)
	}
	r.send(frame('Z'))
	if res := wait(t, readAsync(p)); res.err == nil {
		t.Error("unknown opcode accepted")
	}
	p2, r2 := pipePair(t)
	r2.send(frame(opPacket, []byte{0xff, 0xff, 0xff, 0xff}))
	if res := wait(t, readAsync(p2)); res.err == nil {
		t.Error("a 4 GB datagram accepted")
	}
}

// TestPacketConnRunnerClock: the read deadline gossl sets lands on the
// runner's clock as a timer period; 'T' is acknowledged at once and makes Read time out
// only when it moves that clock to the deadline; 'E' checks the time
// left, to the microsecond, and that no timer runs.
func TestPacketConnRunnerClock(t *testing.T) {
	p, r := pipePair(t)
	p.SetReadDeadline(time.Now().Add(400 * time.Millisecond))
	ch := readAsync(p)
	r.send(frame(opExpectNextTimeout, be64(400*time.Millisecond)), frame(opTimeout, be64(150*time.Millisecond)))
	if op := r.readOp(); op != opTimeoutAck {
		t.Fatalf("opcode %q, want 't'", op)
	}
	// 250 ms left on the runner's clock, whatever the wall clock says.
	time.Sleep(20 * time.Millisecond)
	p.SetReadDeadline(p.deadline) // gossl setting the same deadline again
	r.send(frame(opExpectNextTimeout, be64(250*time.Millisecond)), frame(opTimeout, be64(250*time.Millisecond)))
	if op := r.readOp(); op != opTimeoutAck {
		t.Fatalf("opcode %q, want 't'", op)
	}
	res := wait(t, ch)
	var ne net.Error
	if !errors.As(res.err, &ne) || !ne.Timeout() || !errors.Is(res.err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read after the deadline: %v, want a timeout", res.err)
	}
	// The deadline is spent: 'E' expects none, and one more 'T' does
	// not time out.
	ch = readAsync(p)
	r.send(frame(opExpectNextTimeout, binary.BigEndian.AppendUint64(nil, math.MaxUint64)), frame(opTimeout, be64(time.Hour)), packet([]byte("x")))
	if op := r.readOp(); op != opTimeoutAck {
		t.Fatalf("opcode %q, want 't'", op)
	}
	if res := wait(t, ch); res.err != nil || string(res.b) != "x" {
		t.Fatalf("Read %q %v, want the datagram", res.b, res.err)
	}
	// A deadline a little less than a period away is that period (gossl
	// armed the timer before it set the deadline): 800 ms, the second.
	p.SetReadDeadline(time.Now().Add(780 * time.Millisecond))
	r.send(frame(opExpectNextTimeout, be64(800*time.Millisecond)), packet([]byte("y")))
	if res := wait(t, readAsync(p)); res.err != nil || string(res.b) != "y" {
		t.Fatalf("Read %q %v, want the datagram", res.b, res.err)
	}
	// A wrong expectation is an error.
	p.SetReadDeadline(time.Now().Add(time.Second))
	r.send(frame(opExpectNextTimeout, be64(time.Second)))
	if res := wait(t, readAsync(p)); res.err == nil || p.failed() != res.err {
		t.Errorf("'E' with the wrong time: %v (recorded %v)", res.err, p.failed())
	}
	p.SetReadDeadline(time.Time{})
	r.send(frame(opExpectNextTimeout, be64(time.Second)))
	if res := wait(t, readAsync(p)); res.err == nil {
		t.Error("'E' expecting a timer accepted with none")
	}
}

// firstDatagram hands a datagram already read to gossl before the rest
// of the stream.
type firstDatagram struct {
	*packetConn
	first []byte
}

func (f *firstDatagram) Read(b []byte) (int, error) {
	if f.first != nil {
		n := copy(b, f.first)
		f.first = nil
		return n, nil
	}
	return f.packetConn.Read(b)
}

// fakeDTLSRunner plays the runner for one DTLS connection with gossl's
// own DTLS in the other role. With the shim as client it first drives
// the shim's retransmission timer as the runner does: 'E' for the
// 400 ms it expects, half of it with 'T' (nothing may be resent), the
// other half (the ClientHello must come again, after 't').
func fakeDTLSRunner(t *testing.T, ln net.Listener, shimIsServer bool, certFile, keyFile string) <-chan error {
	errc := make(chan error, 1)
	go func() {
		errc <- func() error {
			c, err := acceptShim(ln, 7)
			if err != nil {
				return err
			}
			defer c.Close()
			pc := newPacketConn(c, defaultInitialTimeout)
			opts := &ssl.Options{Protocol: "dtls", Verify: ssl.VerifyNone, ServerNameIndication: "disable"}
			opts.Versions = []ssl.Version{ssl.DTLSv1_2, ssl.DTLSv1}
			var s *ssl.Socket
			if shimIsServer {
				s, err = ssl.ConnectConn(pc, opts, 10*time.Second)
			} else {
				var first []byte
				if first, err = driveTimer(pc); err != nil {
					return err
				}
				opts.CertFile, opts.KeyFile = certFile, keyFile
				s, err = ssl.HandshakeConn(&firstDatagram{pc, first}, opts, 10*time.Second)
			}
			if err != nil {
				return err
			}
			defer s.Close()
			msg := []byte("ping \x00\xff pong")
			if err := s.Send(msg); err != nil {
				return err
			}
			got, err := s.Recv(0, 10*time.Second)
			if err != nil {
				return err
			}
			for i := range got {
				got[i] ^= 0xff
			}
			if !bytes.Equal(got, msg) {
				return &mismatch{"echo", string(got)}
			}
			return nil
		}()
	}()
	return errc
}

// driveTimer takes the shim's ClientHello, fires its timer as the runner
// does and returns the retransmitted ClientHello.
func driveTimer(pc *packetConn) ([]byte, error) {
	readFrame := func() (byte, []byte, error) {
		op, err := pc.r.ReadByte()
		if err != nil || op != opPacket {
			return op, nil, err
		}
		var n [4]byte
		if _, err := io.ReadFull(pc.r, n[:]); err != nil {
			return 0, nil, err
		}
		d := make([]byte, binary.BigEndian.Uint32(n[:]))
		_, err = io.ReadFull(pc.r, d)
		return op, d, err
	}
	_, hello, err := readFrame()
	if err != nil {
		return nil, err
	}
	pc.Conn.Write(bytes.Join([][]byte{
		frame(opExpectNextTimeout, be64(defaultInitialTimeout)),
		frame(opTimeout, be64(defaultInitialTimeout/2)),
		frame(opTimeout, be64(defaultInitialTimeout/2)),
	}, nil))
	for _, want := range []byte{opTimeoutAck, opTimeoutAck, opPacket} {
		op, d, err := readFrame()
		if err != nil {
			return nil, err
		}
		if op != want {
			return nil, &mismatch{"opcode", string(op)}
		}
		if op == opPacket {
			const recHdr = 13 // the record header: a new sequence number
			if !bytes.Equal(d[recHdr:], hello[recHdr:]) {
				return nil, &mismatch{"retransmission", string(d)}
			}
			return d, nil
		}
	}
	return nil, errors.New("unreachable")
}

// TestShimDTLSAgainstFakeRunner runs the whole shim with -dtls, as client
// and as server, against a fake runner speaking gossl's DTLS over the
// runner's framing on 127.0.0.1.
func TestShimDTLSAgainstFakeRunner(t *testing.T) {
	certFile, keyFile, _ := testCert(t, t.TempDir())
	for _, tc := range []struct {
		name string
		args []string
		srv  bool
	}{
		{"client", []string{"-expect-version", strconv.Itoa(wireDTLS12)}, false},
		{"client-dtls10", []string{"-max-version", strconv.Itoa(wireDTLS10), "-expect-version", strconv.Itoa(wireDTLS10)}, false},
		{"server", []string{"-server", "-cert-file", certFile, "-key-file", keyFile, "-expect-version", strconv.Itoa(wireDTLS12)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runAgainstRunner(t, 7, append([]string{"-dtls"}, tc.args...), func(ln net.Listener) <-chan error {
				return fakeDTLSRunner(t, ln, tc.srv, certFile, keyFile)
			})
		})
	}
}

func TestDTLSVersionRange(t *testing.T) {
	for _, tc := range []struct {
		c    config
		want []ssl.Version
		unim bool
	}{
		{config{}, []ssl.Version{ssl.DTLSv1_2, ssl.DTLSv1}, false},
		{config{maxVersion: wireDTLS10}, []ssl.Version{ssl.DTLSv1}, false},
		{config{minVersion: wireDTLS12}, []ssl.Version{ssl.DTLSv1_2}, false},
		{config{noTLS1: true, noTLS13: true}, []ssl.Version{ssl.DTLSv1_2}, false},
		{config{minVersion: wireDTLS13}, nil, true},
		{config{maxVersion: 0x0303}, nil, true},
		{config{noTLS12: true, minVersion: wireDTLS12}, nil, true},
	} {
		got, err := dtlsVersionRange(&tc.c)
		var u *errUnimplemented
		if tc.unim != errors.As(err, &u) || !tc.unim && (err != nil || !slices.Equal(got, tc.want)) {
			t.Errorf("%+v: %v %v, want %v (unimplemented %v)", tc.c, got, err, tc.want, tc.unim)
		}
	}
}

// TestShimReportsRunnerExpectation: when the runner's 'E' does not hold,
// the shim fails (status 1) and says why, not only that gossl's
// connection closed.
func TestShimReportsRunnerExpectation(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := acceptShim(ln, 3)
		if err != nil {
			return
		}
		defer c.Close()
		// The ClientHello (read here, not with runnerEnd, whose
		// failures must stay on the test's goroutine).
		var hdr [5]byte
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		if _, err := io.CopyN(io.Discard, c, int64(binary.BigEndian.Uint32(hdr[1:]))); err != nil {
			return
		}
		c.Write(frame(opExpectNextTimeout, be64(123*time.Millisecond)))
		io.Copy(io.Discard, c)
	}()
	var stderr bytes.Buffer
	args := []string{"-port", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), "-shim-id", "3", "-dtls"}
	if got := run(args, io.Discard, &stderr); got != 1 || !strings.Contains(stderr.String(), "expected a retransmission timeout of 123ms, have 400ms") {
		t.Errorf("exit %d, stderr %q", got, stderr.String())
	}
}
