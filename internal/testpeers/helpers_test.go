package testpeers_test

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"
)

// goEchoServer runs a crypto/tls server on 127.0.0.1 that echoes every
// connection until the peer closes. It returns the address and a channel
// that receives each connection's handshake result.
func goEchoServer(t *testing.T, cfg *tls.Config) (addr string, states <-chan handshakeResult) {
	t.Helper()
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan handshakeResult, 16)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				tc := c.(*tls.Conn)
				tc.SetDeadline(time.Now().Add(20 * time.Second))
				err := tc.Handshake()
				ch <- handshakeResult{tc.ConnectionState(), err}
				if err == nil {
					io.Copy(tc, tc)
				}
			}()
		}
	}()
	return l.Addr().String(), ch
}

type handshakeResult struct {
	state tls.ConnectionState
	err   error
}

// awaitHandshake returns the next handshake result from a goEchoServer.
func awaitHandshake(t *testing.T, states <-chan handshakeResult) tls.ConnectionState {
	t.Helper()
	select {
	case r := <-states:
		if r.err != nil {
			t.Fatalf("crypto/tls server handshake: %v", r.err)
		}
		return r.state
	case <-time.After(20 * time.Second):
		t.Fatal("no handshake within 20s")
	}
	panic("unreachable")
}

// goClientEcho dials addr with crypto/tls, sends msg, reads it back (after
// transform, for servers that do not echo verbatim) and returns the state.
func goClientEcho(t *testing.T, addr string, cfg *tls.Config, msg, want string) tls.ConnectionState {
	t.Helper()
	d := &net.Dialer{Timeout: 10 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("crypto/tls client to %s: %v", addr, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("reading echo: %v", err)
	}
	if string(buf) != want {
		t.Fatalf("echo = %q, want %q", buf, want)
	}
	return c.ConnectionState()
}
