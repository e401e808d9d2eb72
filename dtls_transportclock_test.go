package ssl

import (
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// clockConn is a caller's DTLS transport with a clock of its own, as a
// test harness keeps (BoringSSL's runner drives its shim's timer this
// way): it ignores wall-clock read deadlines, records them, and fails a
// Read with a timeout exactly when told to.
type clockConn struct {
	net.Conn
	fire chan struct{}
	in   chan []byte

	mu        sync.Mutex
	deadlines []time.Time
}

func newClockConn(c net.Conn) *clockConn {
	cc := &clockConn{Conn: c, fire: make(chan struct{}), in: make(chan []byte)}
	go func() {
		buf := make([]byte, 1<<16)
		for {
			n, err := c.Read(buf)
			if err != nil {
				close(cc.in)
				return
			}
			cc.in <- append([]byte(nil), buf[:n]...)
		}
	}()
	return cc
}

func (c *clockConn) Read(p []byte) (int, error) {
	select {
	case d, ok := <-c.in:
		if !ok {
			return 0, net.ErrClosed
		}
		return copy(p, d), nil
	case <-c.fire:
		return 0, os.ErrDeadlineExceeded
	}
}

func (c *clockConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadlines = append(c.deadlines, t)
	c.mu.Unlock()
	return nil
}

func (c *clockConn) SetDeadline(t time.Time) error { return c.SetReadDeadline(t) }

func (c *clockConn) lastDeadline() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.deadlines) == 0 {
		return time.Time{}
	}
	return c.deadlines[len(c.deadlines)-1]
}

// TestDTLSTransportTimeoutFiresRetransmit: over a caller's transport,
// a Read that times out means the read deadline gossl set has passed,
// by the transport's clock: the handshake retransmits its flight (RFC
// 6347, 4.2.4) then, although by the wall clock the timer (20 s
// here) has far to run, and the doubled period runs from the
// retransmission. Before, the timeout was checked against the wall
// clock and swallowed, so a harness could not fire the timer.
func TestDTLSTransportTimeoutFiresRetransmit(t *testing.T) {
	p := testpeers.NewPKI(t)
	c1, c2 := net.Pipe()
	defer c2.Close()
	cc := newClockConn(c1)
	co := dtlsClientOpts(p, 0)
	co.DTLSRetransmitTimeout = 20 * time.Second
	done := make(chan error, 1)
	go func() {
		s, err := ConnectConn(cc, co, 0)
		if err == nil {
			s.Close()
		}
		done <- err
	}()
	read := func() []byte {
		t.Helper()
		c2.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 1<<16)
		n, err := c2.Read(buf)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return buf[:n]
	}
	hello := read()
	// The client waits for the ServerHello with the timer as its read
	// deadline, 20 s from now.
	waitFor(t, func() bool { return time.Until(cc.lastDeadline()) > 19*time.Second })
	select {
	case cc.fire <- struct{}{}:
	case <-time.After(10 * time.Second):
		t.Fatal("the client is not reading")
	}
	again := read()
	// The same ClientHello (record sequence numbers differ: RFC 6347,
	// 4.2.4 sends a retransmission in new records).
	const recHdr = 13
	if len(again) != len(hello) || string(again[recHdr:]) != string(hello[recHdr:]) {
		t.Fatalf("after the timeout: %x, want the ClientHello %x again", again, hello)
	}
	// The period doubled, from the retransmission on.
	waitFor(t, func() bool { return time.Until(cc.lastDeadline()) > 39*time.Second })
	if d := time.Until(cc.lastDeadline()); d > 40*time.Second {
		t.Fatalf("next timeout in %v, want 40 s from the retransmission", d)
	}
	c2.Close()
	cc.Close()
	if err := <-done; err == nil {
		t.Fatal("handshake succeeded without a server")
	}
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in 10 s")
}
