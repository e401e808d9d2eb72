package ssl

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// TestRenegotiateBufferLimit: a server's Renegotiate keeps the data the
// client streams for the next Recv, but not without bound: at 256 KiB it
// stops reading and returns ErrRenegotiationPending. The data then all
// comes out of Recv, in order, and the renegotiation completes as both
// sides read.
func TestRenegotiateBufferLimit(t *testing.T) {
	p := testpeers.NewPKI(t)
	c, srv := pair12(t, p, opts12(clientOpts(p)))
	before := fmt.Sprint(infoValue(t, c, "client_random"))

	const total = 1 << 20
	data := make([]byte, total)
	for i := range data {
		data[i] = byte(i * 7)
	}
	// The client streams, then answers the server in turn (its reads
	// take the HelloRequest and drive its side of the renegotiation).
	cerr := make(chan error, 1)
	go func() {
		cerr <- func() error {
			if err := c.Send(data); err != nil {
				return err
			}
			for _, step := range []struct{ want, send string }{{"k", "z"}, {"y", "w"}, {"end", ""}} {
				b, err := c.Recv(len(step.want), 10*time.Second)
				if err != nil || string(b) != step.want {
					return fmt.Errorf("client waiting for %q: %q, %v", step.want, b, err)
				}
				if step.send != "" {
					if err := c.Send([]byte(step.send)); err != nil {
						return err
					}
				}
			}
			return nil
		}()
	}()
	rerr := make(chan error, 1)
	go func() { rerr <- srv.Renegotiate() }()
	select {
	case err := <-rerr:
		if !errors.Is(err, ErrRenegotiationPending) {
			t.Fatalf("Renegotiate: %v; want ErrRenegotiationPending", err)
		}
	case <-time.After(10 * time.Second):
		srv.Close()
		t.Fatal("Renegotiate kept reading what the client streamed")
	}
	srv.in.Lock()
	kept := len(srv.in.acc)
	srv.in.Unlock()
	if kept > renegBufferLimit+wire.MaxPlaintext {
		t.Fatalf("Renegotiate kept %d bytes; the bound is %d", kept, renegBufferLimit)
	}
	got, err := srv.Recv(total, 10*time.Second)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Recv after Renegotiate: %d bytes, %v", len(got), err)
	}
	for _, step := range []struct{ send, want string }{{"k", "z"}, {"y", "w"}, {"end", ""}} {
		if err := srv.Send([]byte(step.send)); err != nil {
			t.Fatal(err)
		}
		if step.want == "" {
			break
		}
		if b, err := srv.Recv(len(step.want), 10*time.Second); err != nil || string(b) != step.want {
			t.Fatalf("server waiting for %q: %q, %v", step.want, b, err)
		}
	}
	if err := <-cerr; err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(infoValue(t, c, "client_random")) == before {
		t.Fatal("the renegotiation did not complete")
	}
}

// TestAcceptHandshakeTimeout: sockets from the net.Listener Accept path
// handshake lazily, within DefaultAcceptHandshakeTimeout unless
// SetHandshakeTimeout says otherwise: a client that connects and sends
// nothing does not hold one for good.
func TestAcceptHandshakeTimeout(t *testing.T) {
	p := testpeers.NewPKI(t)
	ls, err := Listen(0, serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	accept := func() *Socket {
		t.Helper()
		raw, err := net.DialTimeout("tcp", ls.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		c, err := ls.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c.(*Socket)
	}
	if s := accept(); s.hsTimeout != DefaultAcceptHandshakeTimeout {
		t.Fatalf("handshake timeout %v; want the default %v", s.hsTimeout, DefaultAcceptHandshakeTimeout)
	}
	ls.SetHandshakeTimeout(-1)
	if s := accept(); s.hsTimeout != Infinity {
		t.Fatalf("handshake timeout %v after SetHandshakeTimeout(-1); want Infinity", s.hsTimeout)
	}
	ls.SetHandshakeTimeout(300 * time.Millisecond)
	s := accept()
	start := time.Now()
	_, err = s.Read(make([]byte, 10))
	if d := time.Since(start); !errors.Is(err, ErrTimeout) || d < 250*time.Millisecond || d > 5*time.Second {
		t.Fatalf("Read on a socket whose client sends nothing: %v after %v; want ErrTimeout after 300ms", err, d)
	}
}

// TestPostHandshakeMessageFlood: after the handshake, records without
// application data are bounded (maxIdleRecords), and so are the messages
// one record carries: a server's record of 200 HelloRequests (the first
// starts a renegotiation, the client ignores the rest while it runs)
// ends the connection with unexpected_message, as 200 records would.
func TestPostHandshakeMessageFlood(t *testing.T) {
	p := testpeers.NewPKI(t)
	co := opts12(clientOpts(p))
	co.LogAlert = Bool(false)
	c, srv := pair12(t, p, co)
	srv.out.Lock()
	srv.wr.WriteRecord(wire.TypeHandshake, bytes.Repeat([]byte{wire.TypeHelloRequest, 0, 0, 0}, 200))
	srv.wr.Flush()
	srv.out.Unlock()
	_, err := c.Recv(0, 5*time.Second)
	a := wantSentAlert(t, err, "unexpected_message")
	if !strings.Contains(a.Reason, "without data") {
		t.Errorf("reason %q", a.Reason)
	}
}

// pair12 connects a gossl client with co to a gossl TLS 1.2 server of
// p's and returns both ends, closed at the end of the test.
func pair12(t *testing.T, p *testpeers.PKI, co *Options) (client, server *Socket) {
	t.Helper()
	return pairWith(t, co, opts12(serverOpts(p, "ecdsa")))
}

// pairWith connects a gossl client with co to a gossl server with so and
// returns both ends, closed at the end of the test.
func pairWith(t *testing.T, co, so *Options) (client, server *Socket) {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	accepted := make(chan *Socket, 1)
	go func() {
		defer close(accepted)
		s, err := ls.TransportAccept(0)
		if err != nil {
			return
		}
		if s.Handshake(10*time.Second) != nil {
			s.Close()
			return
		}
		accepted <- s
	}()
	c, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	srv := <-accepted
	if srv == nil {
		t.Fatal("server handshake failed")
	}
	t.Cleanup(func() { srv.Close() })
	return c, srv
}
