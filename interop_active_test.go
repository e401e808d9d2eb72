package ssl

import (
	"bytes"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestInteropActiveErlang: a gossl client in active mode against an
// Erlang/OTP echo server, and an Erlang/OTP client against a gossl
// server in active mode.
func TestInteropActiveErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q}]",
		p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
	_, portStr, _ := net.SplitHostPort(addr)
	var port int
	fmt.Sscan(portStr, &port)
	t.Run("gossl-active-client", func(t *testing.T) {
		checkGoroutines(t)
		co := clientOpts(p)
		co.Versions = []Version{TLSv1_2}
		co.Active = 3
		s, err := Connect("127.0.0.1", port, co, 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		msg := bytes.Repeat([]byte("active "), 20000)
		go s.Send(msg)
		var got []byte
		passive := false
		for len(got) < len(msg) {
			switch m := recvMsg(t, s.Messages()).(type) {
			case SSLData:
				got = append(got, m.Data...)
			case SSLPassive:
				passive = true
				s.Setopts(SockOpt{"active", 3})
			default:
				t.Fatalf("got %#v", m)
			}
		}
		if !bytes.Equal(got, msg) || !passive {
			t.Fatalf("echo: %d bytes, passive seen %v", len(got), passive)
		}
	})
	t.Run("erlang-client-gossl-active-server", func(t *testing.T) {
		so := serverOpts(p, "ecdsa")
		so.Versions = []Version{TLSv1_2}
		so.Active = true
		ls, err := Listen(0, so)
		if err != nil {
			t.Fatal(err)
		}
		defer ls.Close()
		done := activeEchoServer(ls)
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", ls.Port()),
			fmt.Sprintf("[{versions,['tlsv1.2']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"}]", p.CAFile),
			strings.Repeat("erlang->gossl active ", 500))
		if _, err := c.WaitLine("ECHO ok", 60*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestInteropActiveOpenSSL: a gossl client in active mode against
// openssl s_server -www: the response arrives as SSLData messages, the
// end as SSLClosed.
func TestInteropActiveOpenSSL(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_2", "-www")
	_, portStr, _ := net.SplitHostPort(addr)
	var port int
	fmt.Sscan(portStr, &port)
	co := clientOpts(p)
	co.Versions = []Version{TLSv1_2}
	co.Active = true
	co.Packet = "line"
	s, err := Connect("127.0.0.1", port, co, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Send([]byte("GET / HTTP/1.0\r\n\r\n"))
	var lines []string
	for {
		m := recvMsg(t, s.Messages())
		if d, ok := m.(SSLData); ok {
			lines = append(lines, string(d.Data))
			continue
		}
		if m != (SSLClosed{s}) {
			t.Fatalf("got %#v", m)
		}
		break
	}
	if len(lines) < 3 || !strings.HasPrefix(lines[0], "HTTP/1.0 200") || !strings.HasSuffix(lines[0], "\n") {
		t.Fatalf("response lines %q", lines[:min(3, len(lines))])
	}
}

// activeEchoServer accepts one connection on ls in active mode and sends
// back every SSLData message; the channel gets nil at SSLClosed, an
// error otherwise.
func activeEchoServer(ls *ListenSocket) <-chan error {
	done := make(chan error, 1)
	go func() {
		s, err := ls.TransportAccept(60 * time.Second)
		if err == nil {
			err = s.Handshake(20 * time.Second)
		}
		if err != nil {
			done <- err
			return
		}
		defer s.Close()
		for {
			select {
			case m := <-s.Messages():
				switch m := m.(type) {
				case SSLData:
					s.Send(m.Data)
				case SSLClosed:
					done <- nil
					return
				default:
					done <- fmt.Errorf("got %#v", m)
					return
				}
			case <-time.After(30 * time.Second):
				done <- fmt.Errorf("no message")
				return
			}
		}
	}()
	return done
}
