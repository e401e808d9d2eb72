package ssl

import (
	"fmt"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestTicketAfterEarlyData: the ticket a server issues on a connection
// whose 0-RTT data it accepted resumes the next one. Its resumption
// secret covers the client's EndOfEarlyData (RFC 8446, 7.1), so it can
// only be computed once the client's second flight is in.
func TestTicketAfterEarlyData(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.AcceptEarlyData = true
	port := startEarlyServer(t, so)
	forgetClientSessions(port)
	co := clientOpts(p)
	co.EarlyData = []byte("0-RTT")
	var got []string
	for i := 0; i < 4; i++ {
		resumed, early := earlyRound(t, port, co)
		if !resumed {
			early = "full"
		}
		got = append(got, early)
	}
	if want := "[full accepted accepted accepted]"; fmt.Sprint(got) != want {
		t.Fatalf("got %v, want %s", got, want)
	}
}

// TestWaitSessionTicket: a client that connects and closes without
// reading keeps a ticket when it waits for one, from a gossl server
// (whose ticket comes with its handshake flight, or, when it asked for
// a client certificate, right after the client's Finished: not held
// back until its first application data) and from OpenSSL; the next
// connection resumes.
func TestWaitSessionTicket(t *testing.T) {
	p := testpeers.NewPKI(t)
	quiet := func(s *Socket) {
		// Never writes: a ticket must not wait for application data.
		if s.Handshake(5*time.Second) == nil {
			s.Recv(0, 5*time.Second)
		}
	}
	auth := serverOpts(p, "ecdsa")
	auth.Verify, auth.CACertFile = VerifyPeer, p.CAFile
	authClient := clientOpts(p)
	authClient.CertFile, authClient.KeyFile = p.CertFile("client-ecdsa"), p.KeyFile("client-ecdsa")
	_, opensslAddr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_3")
	for _, tc := range []struct {
		name string
		port int
		co   *Options
	}{
		{"gossl", serveEach(t, serverOpts(p, "ecdsa"), quiet), clientOpts(p)},
		{"gossl with client certificates", serveEach(t, auth, quiet), authClient},
		{"openssl s_server", port(opensslAddr), clientOpts(p)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forgetClientSessions(tc.port)
			for i, want := range []bool{false, true} {
				s, err := Connect("127.0.0.1", tc.port, tc.co, 10*time.Second)
				if err != nil {
					t.Fatalf("connection %d: %v", i+1, err)
				}
				resumed, _ := resumptionInfo(s)
				start := time.Now()
				got := s.WaitSessionTicket(2 * time.Second)
				took := time.Since(start)
				s.Close()
				if resumed != want || !got || took > time.Second {
					t.Fatalf("connection %d: resumed %v (want %v), ticket %v after %v", i+1, resumed, want, got, took)
				}
			}
		})
	}
}

// TestWaitSessionTicketBounds: no ticket comes from a server that sends
// none, and the wait ends at its timeout or at the first application
// data, which the next Recv still returns; a TLS 1.2 connection does not
// wait at all.
func TestWaitSessionTicketBounds(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.SessionTickets = "disabled"
	silent := serveEach(t, so, func(s *Socket) {
		if s.Handshake(5*time.Second) == nil {
			s.Recv(0, 5*time.Second)
		}
	})
	talker := serveEach(t, so, func(s *Socket) {
		if s.Handshake(5*time.Second) == nil {
			s.Send([]byte("first"))
			s.Recv(0, 5*time.Second)
		}
	})
	co := clientOpts(p)
	wait := func(port int, co *Options, timeout time.Duration) (*Socket, bool, time.Duration) {
		t.Helper()
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		start := time.Now()
		got := s.WaitSessionTicket(timeout)
		return s, got, time.Since(start)
	}
	if _, got, took := wait(silent, co, 300*time.Millisecond); got || took < 250*time.Millisecond || took > 2*time.Second {
		t.Fatalf("no tickets: got %v after %v, want false after 300ms", got, took)
	}
	s, got, took := wait(talker, co, 3*time.Second)
	if got || took > 2*time.Second {
		t.Fatalf("data first: got %v after %v, want false at once", got, took)
	}
	if b, err := s.Recv(0, 5*time.Second); err != nil || string(b) != "first" {
		t.Fatalf("Recv after the wait: %q %v", b, err)
	}
	co12 := clientOpts(p)
	co12.Versions = []Version{TLSv1_2}
	if _, got, took := wait(silent, co12, 3*time.Second); got || took > 100*time.Millisecond {
		t.Fatalf("TLS 1.2: got %v after %v, want false at once", got, took)
	}
}
