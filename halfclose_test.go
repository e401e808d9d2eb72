package ssl

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// halfCloser is a connection whose write side can be shut alone: a gossl
// Socket or a crypto/tls Conn.
type halfCloser interface {
	io.ReadWriter
	CloseWrite() error
	SetReadDeadline(time.Time) error
}

// requestThenEOF is the client of a request-then-EOF protocol: it sends
// its request, shuts its write side and reads the reply to the end.
func requestThenEOF(t *testing.T, c halfCloser) string {
	t.Helper()
	if _, err := c.Write([]byte("request")); err != nil {
		t.Fatalf("write: %v", err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the reply: %v", err)
	}
	return string(reply)
}

// replyAfterEOF is the gossl server side: it reads the request up to the
// peer's close_notify, then sends its reply. It returns Send's error.
func replyAfterEOF(s *Socket) error {
	var req []byte
	for {
		b, err := s.Recv(0, 10*time.Second)
		if errors.Is(err, ErrClosed) {
			break
		}
		if err != nil {
			return err
		}
		req = append(req, b...)
	}
	if err := s.Send([]byte("reply to " + string(req))); err != nil {
		return err
	}
	return s.Close()
}

// acceptOne accepts one gossl connection and runs serve on it.
func acceptOne(t *testing.T, so *Options, serve func(*Socket) error) (port int, done <-chan error) {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	ch := make(chan error, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err == nil {
			err = s.Handshake(10 * time.Second)
		}
		if err != nil {
			ch <- err
			return
		}
		defer s.Close()
		ch <- serve(s)
	}()
	return ls.Port(), ch
}

// gosslRequest runs requestThenEOF from a gossl client.
func gosslRequest(t *testing.T, port int, co *Options) string {
	t.Helper()
	c, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return requestThenEOF(t, c)
}

// TestHalfClose: with exit_on_close false, the peer's close_notify ends
// only the read side (RFC 8446, 6.1): a server reads the request to EOF
// and still sends its reply, to a gossl client that used
// Shutdown("write"), and to crypto/tls's CloseWrite; a gossl client gets
// the reply of a crypto/tls server in the same way. With exit_on_close
// true (Erlang's default), Send after the peer's close_notify is closed.
func TestHalfClose(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []Version{TLSv1_3, TLSv1_2} {
		t.Run(string(v), func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Versions = []Version{v}
			so.ExitOnClose = Bool(false)
			co := clientOpts(p)
			co.Versions = []Version{v}

			// gossl <-> gossl, exit_on_close false from the options.
			port, done := acceptOne(t, so, replyAfterEOF)
			if got := gosslRequest(t, port, co); got != "reply to request" {
				t.Fatalf("gossl client got %q", got)
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}

			// The same, set on the accepted socket with setopts.
			dso := *so
			dso.ExitOnClose = nil
			port, done = acceptOne(t, &dso, func(s *Socket) error {
				if o, _ := s.Getopts("exit_on_close"); o[0].Value != true {
					t.Errorf("exit_on_close default %v", o)
				}
				if err := s.Setopts(SockOpt{"exit_on_close", false}); err != nil {
					return err
				}
				return replyAfterEOF(s)
			})
			if got := gosslRequest(t, port, co); got != "reply to request" {
				t.Fatalf("gossl client (setopts) got %q", got)
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server (setopts): %v", err)
			}

			// An active server: SSLData, then SSLClosed, and it still
			// sends its reply.
			aso := *so
			aso.Active = true
			port, done = acceptOne(t, &aso, func(s *Socket) error {
				var req []byte
				for closed := false; !closed; {
					select {
					case m := <-s.Messages():
						switch m := m.(type) {
						case SSLData:
							req = append(req, m.Bytes()...)
						case SSLClosed:
							closed = true
						default:
							return fmt.Errorf("message %#v", m)
						}
					case <-time.After(10 * time.Second):
						return errors.New("no message within 10s")
					}
				}
				if err := s.Send([]byte("reply to " + string(req))); err != nil {
					return err
				}
				return s.Close()
			})
			if got := gosslRequest(t, port, co); got != "reply to request" {
				t.Fatalf("gossl client of an active server got %q", got)
			}
			if err := <-done; err != nil {
				t.Fatalf("active gossl server: %v", err)
			}

			// exit_on_close true: the server's Send fails with closed, and
			// the client reads no reply.
			port, done = acceptOne(t, &dso, replyAfterEOF)
			if got := gosslRequest(t, port, co); got != "" {
				t.Fatalf("with exit_on_close true the client got %q", got)
			}
			if err := <-done; !errors.Is(err, ErrClosed) {
				t.Fatalf("Send after the peer's close_notify with exit_on_close true: %v", err)
			}

			// crypto/tls client -> gossl server.
			tv := map[Version]uint16{TLSv1_3: tls.VersionTLS13, TLSv1_2: tls.VersionTLS12}[v]
			_, gc := testpeers.TLSConfigs(p)
			gc.MinVersion, gc.MaxVersion = tv, tv
			port, done = acceptOne(t, so, replyAfterEOF)
			tc, err := tls.Dial("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), gc)
			if err != nil {
				t.Fatal(err)
			}
			defer tc.Close()
			if got := requestThenEOF(t, tc); got != "reply to request" {
				t.Fatalf("crypto/tls client got %q", got)
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}

			// gossl client -> crypto/tls server.
			gs, _ := testpeers.TLSConfigs(p)
			gs.MinVersion, gs.MaxVersion = tv, tv
			ln, err := tls.Listen("tcp", "127.0.0.1:0", gs)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				sc, err := ln.Accept()
				if err != nil {
					return
				}
				defer sc.Close()
				sc.SetDeadline(time.Now().Add(10 * time.Second))
				req, _ := io.ReadAll(sc)
				sc.Write([]byte("reply to " + string(req)))
			}()
			if got := gosslRequest(t, ln.Addr().(*net.TCPAddr).Port, co); got != "reply to request" {
				t.Fatalf("gossl client of crypto/tls got %q", got)
			}
		})
	}
}
