package testpeers

import (
	"net"
	"testing"
	"time"
)

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago: it
// listens on 127.0.0.1:0, notes the port and closes the listener. Another
// process may take the port before the peer binds it; the server helpers of
// this package retry with a new port when that happens.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testpeers: FreePort: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreeUDPPort is [FreePort] for UDP (DTLS peers).
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testpeers: FreeUDPPort: %v", err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// WaitPort polls addr with TCP dials until one connects, failing the test
// after timeout.
//
// Beware: each probe is a real connection that the server accepts and sees
// closed without a handshake. A one-shot server (openssl s_server -naccept
// 1, an accept without a loop) is used up by it. Servers probed this way
// must loop, as openssl s_server does without -naccept, gnutls-serv does,
// and the Erlang peer of this package does. Prefer waiting for the server's
// own "ready" output ([Proc.WaitFor]) when it prints one: the helpers of
// this package do.
func WaitPort(t testing.TB, addr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("testpeers: %s not accepting connections after %v: %v", addr, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
