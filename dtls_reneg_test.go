package ssl

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// dtlsEchoCheck sends n numbered messages through an echo peer and checks
// each comes back, in order (a loopback association loses nothing).
func dtlsEchoCheck(t *testing.T, s *Socket, tag string, n int) {
	t.Helper()
	for i := range n {
		msg := fmt.Sprintf("%s %d", tag, i)
		if err := s.Send([]byte(msg)); err != nil {
			t.Fatalf("%s: Send: %v", tag, err)
		}
		b, err := s.Recv(0, 10*time.Second)
		if err != nil || string(b) != msg {
			t.Fatalf("%s: echo %q %v, want %q", tag, b, err, msg)
		}
	}
}

// echoUntilClosed echoes every record s receives until an error, which
// it sends on the channel (nil for the peer's close).
func echoUntilClosed(s *Socket) <-chan error {
	done := make(chan error, 1)
	go func() {
		for {
			b, err := s.Recv(0, 20*time.Second)
			if err != nil {
				if err == ErrClosed {
					err = nil
				}
				done <- err
				return
			}
			if err := s.Send(b); err != nil {
				done <- err
				return
			}
		}
	}()
	return done
}

// renegWithEcho has initiator call Renegotiate n times while echoer
// echoes, each returning an error that is want (nil: success), checks
// data comes back after each, and stops the echo (without closing).
func renegWithEcho(t *testing.T, initiator, echoer *Socket, n int, want error) {
	t.Helper()
	done := echoUntilClosed(echoer)
	defer func() {
		echoer.SetReadDeadline(time.Now())
		<-done
		echoer.SetReadDeadline(time.Time{})
	}()
	for i := range n {
		if err := initiator.Renegotiate(); err != want && !errors.Is(err, want) {
			t.Fatalf("%s Renegotiate %d: %v, want %v", initiator.role, i, err, want)
		}
		dtlsEchoCheck(t, initiator, fmt.Sprintf("after %s's %d", initiator.role, i), 2)
	}
}

// renegotiated checks that s's connection was renegotiated: its
// client_random is no longer before.
func renegotiated(t *testing.T, s *Socket, before string) string {
	t.Helper()
	after := infoValue(t, s, "client_random").(string)
	if after == before {
		t.Fatal("client_random unchanged: no new handshake")
	}
	return after
}

// TestDTLSRenegotiateBothInitiators: gossl renegotiates DTLS 1.2 and 1.0
// with itself, a client's Renegotiate (a new ClientHello) and a server's
// (a HelloRequest), twice each, while the other side echoes; data flows
// both ways before, between and after, and the new handshakes change
// the keys (client_random) and keep RFC 5746 on.
func TestDTLSRenegotiateBothInitiators(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	for _, v := range []Version{DTLSv1_2, DTLSv1} {
		t.Run(string(v), func(t *testing.T) {
			so, co := dtlsServerOpts(p, "ecdsa", 0), dtlsClientOpts(p, 0)
			so.Versions, co.Versions = []Version{v}, []Version{v}
			c, s := pair(t, so, co)
			defer c.Close()
			defer s.Close()
			cr := infoValue(t, c, "client_random").(string)

			// The client renegotiates; the server echoes.
			done := echoUntilClosed(s)
			dtlsEchoCheck(t, c, "before", 3)
			for i := range 2 {
				if err := c.Renegotiate(); err != nil {
					t.Fatalf("client Renegotiate %d: %v", i, err)
				}
				cr = renegotiated(t, c, cr)
				dtlsEchoCheck(t, c, fmt.Sprintf("after client %d", i), 3)
			}
			if got := infoValue(t, s, "client_random").(string); got != cr {
				t.Fatal("the server's client_random is not the client's")
			}
			if infoValue(t, c, "secure_renegotiation") != true {
				t.Fatal("secure_renegotiation off after a renegotiation")
			}
			// Stop the server's echo: it reads until its deadline.
			s.SetReadDeadline(time.Now())
			<-done
			s.SetReadDeadline(time.Time{})

			// The server renegotiates (HelloRequest); the client echoes.
			done = echoUntilClosed(c)
			dtlsEchoCheck(t, s, "before server", 3)
			for i := range 2 {
				if err := s.Renegotiate(); err != nil {
					t.Fatalf("server Renegotiate %d: %v", i, err)
				}
				cr = renegotiated(t, s, cr)
				dtlsEchoCheck(t, s, fmt.Sprintf("after server %d", i), 3)
			}
			if infoValue(t, s, "protocol") != string(v) {
				t.Fatalf("protocol %v after renegotiation, want %v", infoValue(t, s, "protocol"), v)
			}
			c.SetReadDeadline(time.Now())
			<-done
		})
	}
}
