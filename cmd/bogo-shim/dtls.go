package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"sync"
	"time"
)

// The runner's DTLS framing over the shim's TCP connection
// (ssl/test/runner/packet_adapter.go in BoringSSL): each datagram is
// 'P', a 4-byte big-endian length and the datagram; the runner's
// control messages share the stream.
const (
	opPacket            = 'P' // a datagram, either way
	opTimeout           = 'T' // runner: 8-byte BE nanoseconds pass on the shim's clock
	opTimeoutAck        = 't' // shim: the 'T' was taken (before any retransmission)
	opMTU               = 'M' // runner: 4-byte BE new MTU
	opExpectNextTimeout = 'E' // runner: 8-byte BE nanoseconds the shim's timer should have left (MaxUint64: none)
)

// maxDatagram bounds the length a 'P' frame may announce: the largest
// UDP payload. A longer one is a broken stream, not a datagram.
const maxDatagram = 65535

// errMTUChange is the runner's 'M': gossl fixes a DTLS socket's MTU when
// it connects (Options.DTLSMTU), so the test does not apply.
var errMTUChange = errors.New("the runner changed the MTU during the connection (gossl sets it at connect only)")

// packetConn is the message-preserving transport gossl's DTLS socket
// runs over (ConnectConn and HandshakeConn take any net.Conn that keeps
// datagram boundaries): Write sends one 'P' frame, Read returns one.
//
// Time is the runner's. BoringSSL's shim runs its DTLS timer on a clock
// that moves only when a 'T' arrives, so the runner decides when a
// flight is retransmitted and sees nothing it did not ask for. gossl's
// retransmission timer is the read deadline it sets on its transport,
// and it takes a Read that times out as that deadline having passed. So
// packetConn ignores the wall clock: it notes each deadline as a
// timer period from its own clock's now, and Read times out only when a 'T'
// moves that clock past it. It acknowledges the 'T' first, as the runner
// wants ('t' brackets what the shim sends on the timeout).
type packetConn struct {
	net.Conn
	r       *bufio.Reader
	initial time.Duration // gossl's first retransmission period

	wmu sync.Mutex // a frame is one Write, and 't' does not split one

	mu       sync.Mutex
	clock    time.Duration // the runner's clock: moved by 'T' only
	fireAt   time.Duration // when gossl's timer runs out, on that clock
	armed    bool          // gossl set a read deadline
	deadline time.Time     // that deadline, as gossl gave it
	mtu      bool          // the runner sent 'M'
	failure  error         // what made a Read fail (fail)

	closeOnce sync.Once
	closeErr  error
}

// newPacketConn frames c; initial is the first retransmission period
// gossl was given (Options.DTLSRetransmitTimeout).
func newPacketConn(c net.Conn, initial time.Duration) *packetConn {
	return &packetConn{Conn: c, r: bufio.NewReader(c), initial: initial}
}

// timeoutError is Read's error when the runner's clock reaches the
// deadline: a net.Error whose Timeout is true, as a socket's.
type timeoutError struct{}

func (timeoutError) Error() string   { return "the runner's clock passed the read deadline" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
func (timeoutError) Unwrap() error   { return os.ErrDeadlineExceeded }

func (p *packetConn) Read(b []byte) (int, error) {
	for {
		op, err := p.r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch op {
		case opPacket:
			var hdr [4]byte
			if _, err := io.ReadFull(p.r, hdr[:]); err != nil {
				return 0, err
			}
			n := binary.BigEndian.Uint32(hdr[:])
			if n > maxDatagram {
				return 0, p.fail(fmt.Errorf("runner sent a datagram of %d bytes", n))
			}
			d := make([]byte, n)
			if _, err := io.ReadFull(p.r, d); err != nil {
				return 0, err
			}
			// A datagram longer than b loses its tail, as UDP's.
			return copy(b, d), nil
		case opTimeout:
			d, err := p.readUint64()
			if err != nil {
				return 0, err
			}
			if err := p.write([]byte{opTimeoutAck}); err != nil {
				return 0, err
			}
			if p.advance(time.Duration(min(d, math.MaxInt64))) {
				return 0, timeoutError{}
			}
		case opMTU:
			var v [4]byte
			if _, err := io.ReadFull(p.r, v[:]); err != nil {
				return 0, err
			}
			p.mu.Lock()
			p.mtu = true
			p.mu.Unlock()
			return 0, errMTUChange
		case opExpectNextTimeout:
			d, err := p.readUint64()
			if err != nil {
				return 0, err
			}
			if err := p.checkNextTimeout(d); err != nil {
				return 0, p.fail(err)
			}
		default:
			return 0, p.fail(fmt.Errorf("unknown opcode %q from the runner", op))
		}
	}
}

func (p *packetConn) readUint64() (uint64, error) {
	var v [8]byte
	if _, err := io.ReadFull(p.r, v[:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(v[:]), nil
}

// advance moves the runner's clock by d and reports whether gossl's
// timer ran out; the deadline is then spent until gossl sets another.
func (p *packetConn) advance(d time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clock += d
	if p.armed && p.clock >= p.fireAt {
		p.armed = false
		return true
	}
	return false
}

// checkNextTimeout answers 'E': the runner's expectation of how long
// gossl's timer has left (MaxUint64: that it is stopped), to the
// microsecond as BoringSSL's shim compares it.
func (p *packetConn) checkNextTimeout(want uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if want == math.MaxUint64 {
		if p.armed {
			return fmt.Errorf("expected no retransmission timeout, have %v", p.fireAt-p.clock)
		}
		return nil
	}
	w := time.Duration(want).Truncate(time.Microsecond)
	if !p.armed {
		return fmt.Errorf("expected a retransmission timeout of %v, have none", w)
	}
	if have := (p.fireAt - p.clock).Truncate(time.Microsecond); have != w {
		return fmt.Errorf("expected a retransmission timeout of %v, have %v", w, have)
	}
	return nil
}

func (p *packetConn) Write(b []byte) (int, error) {
	frame := make([]byte, 5+len(b))
	frame[0] = opPacket
	binary.BigEndian.PutUint32(frame[1:5], uint32(len(b)))
	copy(frame[5:], b)
	if err := p.write(frame); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (p *packetConn) write(b []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_, err := p.Conn.Write(b)
	return err
}

// SetReadDeadline takes gossl's retransmission deadline onto the
// runner's clock. A new deadline is a timer period gossl just started:
// the initial period doubled k times, at most 60 s (RFC 6347, 4.2.4.1).
// Which one is the smallest of those not shorter than the wall-clock
// time left until the deadline: gossl armed the timer a little earlier
// (it works ahead on the next key share before it reads), never half a
// period earlier. A deadline gossl sets again unchanged keeps its place
// on the runner's clock. The zero time disarms.
func (p *packetConn) SetReadDeadline(t time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case t.IsZero():
		p.armed, p.deadline = false, time.Time{}
	case !t.Equal(p.deadline) || !p.armed:
		p.armed, p.deadline, p.fireAt = true, t, p.clock+p.period(time.Until(t))
	}
	return nil
}

// maxPeriod is the longest retransmission period (RFC 6347, 4.2.4.1),
// gossl's as BoringSSL's.
const maxPeriod = 60 * time.Second

// period is the timer period that leaves at least left.
func (p *packetConn) period(left time.Duration) time.Duration {
	d := p.initial
	for d < left && d < maxPeriod {
		d = min(2*d, maxPeriod)
	}
	return d
}

func (p *packetConn) SetDeadline(t time.Time) error { return p.SetReadDeadline(t) }

// SetWriteDeadline: writes go to the runner over TCP, and the runner
// reads them.
func (p *packetConn) SetWriteDeadline(time.Time) error { return nil }

// drainTimeout bounds how long Close waits for the runner to close.
const drainTimeout = 10 * time.Second

// Close closes our half of the stream and reads what the runner still
// sends until it closes its half, as BoringSSL's shim does: closing a
// socket with unread input resets the connection, and the runner, still
// writing the rest of its flight, would lose the alert we sent before.
func (p *packetConn) Close() error {
	p.closeOnce.Do(func() {
		if hc, ok := p.Conn.(interface{ CloseWrite() error }); ok && hc.CloseWrite() == nil {
			p.Conn.SetReadDeadline(time.Now().Add(drainTimeout))
			io.Copy(io.Discard, p.Conn)
		}
		p.closeErr = p.Conn.Close()
	})
	return p.closeErr
}

// fail records err, a broken stream or a failed expectation of the
// runner's, for the shim to report: gossl sees only a failed read and
// closes the connection.
func (p *packetConn) fail(err error) error {
	p.mu.Lock()
	p.failure = err
	p.mu.Unlock()
	return err
}

// failed is what fail recorded, nil if nothing.
func (p *packetConn) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failure
}

// mtuChanged reports whether the runner sent 'M'.
func (p *packetConn) mtuChanged() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mtu
}
