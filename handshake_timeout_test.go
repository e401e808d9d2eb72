package ssl

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// A handshake timeout is a deadline on the transport; a context adds
// cancellation. Both end a handshake with a peer that never answers.
func TestHandshakeTimeoutAndCancel(t *testing.T) {
	p := testpeers.NewPKI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent: reads nothing, answers nothing
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	start := time.Now()
	_, err = ConnectConn(dial(), clientOpts(p), 200*time.Millisecond)
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 5*time.Second {
		t.Fatalf("ConnectConn: %v after %v, want ErrTimeout after 200ms", err, time.Since(start))
	}

	// A server socket waiting for a ClientHello, cancelled.
	srv, err := NewListener(&oneConnListener{c: dial()}, serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := srv.TransportAccept(0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if err := s.HandshakeContext(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("HandshakeContext: %v, want context.Canceled", err)
	}

	// A context deadline bounds it too.
	s2, err := NewListener(&oneConnListener{c: dial()}, serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	ss, _ := s2.TransportAccept(0)
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := ss.HandshakeContext(ctx); !errors.Is(err, ErrTimeout) {
		t.Fatalf("HandshakeContext with a deadline: %v, want ErrTimeout", err)
	}
}

// oneConnListener accepts c once.
type oneConnListener struct {
	c    net.Conn
	done bool
}

func (l *oneConnListener) Accept() (net.Conn, error) {
	if l.done {
		return nil, net.ErrClosed
	}
	l.done = true
	return l.c, nil
}
func (l *oneConnListener) Close() error   { return nil }
func (l *oneConnListener) Addr() net.Addr { return l.c.LocalAddr() }

// A call on a server socket whose Handshake is still running in another
// goroutine waits for it instead of failing: the client may be done
// before the server has read its Finished.
func TestCallDuringHandshakeWaits(t *testing.T) {
	p := testpeers.NewPKI(t)
	ls, err := Listen(0, serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	accepted := make(chan *Socket, 1)
	hsErr := make(chan error, 1)
	go func() {
		s, err := ls.TransportAccept(5 * time.Second)
		if err != nil {
			hsErr <- err
			return
		}
		accepted <- s
		hsErr <- s.Handshake(5 * time.Second)
	}()
	// TLS 1.3: the client is done before the server has read its Finished.
	c, err := Connect("127.0.0.1", ls.Port(), clientOpts(p), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := <-accepted
	defer s.Close()
	// The server's Handshake has begun (the client got its flight) and
	// may not have ended.
	if err := s.Send([]byte("hi")); err != nil {
		t.Fatalf("Send during the server's handshake: %v", err)
	}
	if err := <-hsErr; err != nil {
		t.Fatal(err)
	}
	got, err := c.Recv(2, 5*time.Second)
	if err != nil || string(got) != "hi" {
		t.Fatalf("Recv: %q %v", got, err)
	}
}
