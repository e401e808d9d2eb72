package ssl

import (
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestDTLSResumption: a second DTLS association to the same server
// resumes the first one's session (the abbreviated handshake, whose last
// flight is the client's), as in TLS 1.2, and the client keeps its last
// flight only when it ended the handshake.
func TestDTLSResumption(t *testing.T) {
	p := testpeers.NewPKI(t)
	port, _ := startDTLSEcho(t, dtlsServerOpts(p, "ecdsa", 0), 2)
	forgetClientSessions(port)
	co := dtlsClientOpts(p, 0)
	co.ReuseSessions = nil // the default: save and reuse
	for i, want := range []bool{false, true} {
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		info, err := s.ConnectionInformation("session_resumption")
		if err != nil || len(info) != 1 || info[0].Value != want {
			t.Fatalf("connection %d: session_resumption %v %v, want %v", i, info, err, want)
		}
		// Only the sender of a handshake's last flight keeps it, to
		// answer the peer's retransmission (RFC 6347, 4.2.4): after a
		// full handshake the server's flight ends it and the client has
		// nothing to send again (before, a duplicate of the server's
		// flight made it resend its own); after a resumption its
		// ChangeCipherSpec and Finished end it.
		c := s.dtls()
		c.wmu.Lock()
		kept := c.flight.Len() > 0
		c.wmu.Unlock()
		if kept != want {
			t.Errorf("connection %d: the client keeps its last flight: %v, want %v", i, kept, want)
		}
		if err := s.Send([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		if b, err := s.Recv(0, 10*time.Second); err != nil || string(b) != "ping" {
			t.Fatalf("connection %d: echo %q %v", i, b, err)
		}
		s.Close()
	}
}
