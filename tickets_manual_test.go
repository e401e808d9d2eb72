package ssl

import (
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// manualTicket connects a manual client with co, echoes, waits for the
// server's tickets and returns the first, with whether the connection
// resumed.
func manualTicket(t *testing.T, port int, co *Options) (SessionTicket, bool) {
	t.Helper()
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	echo(t, s)
	resumed, _ := resumptionInfo(s)
	if !s.WaitSessionTicket(5 * time.Second) {
		t.Fatal("no ticket")
	}
	got := s.SessionTickets()
	if len(got) == 0 || got[0].ServerName != "localhost" {
		t.Fatalf("tickets %v", got)
	}
	if again := s.SessionTickets(); len(again) != 0 {
		t.Fatalf("tickets returned twice: %v", again)
	}
	return got[0], resumed
}

// TestStatefulTickets: a server with session_tickets stateful sends
// random IDs of states it keeps; a manual client gets each ticket as a
// value (SessionTickets), keeps it across MarshalBinary and
// UnmarshalBinary, and resumes with use_ticket. The stateful ticket
// resumes once (RFC 8446, 8.1), whereas a stateless one resumes again
// when offered again.
func TestStatefulTickets(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, mode := range []string{"stateful", "stateless"} {
		so := serverOpts(p, "ecdsa")
		so.SessionTickets = mode
		port := startServingEcho(t, so)
		forgetClientSessions(port)
		co := clientOpts(p)
		co.SessionTickets = "manual"
		tk, resumed := manualTicket(t, port, co)
		if resumed {
			t.Fatalf("%s: the first connection resumed", mode)
		}
		if mode == "stateful" && len(tk.t.Ticket) != 32 {
			t.Fatalf("stateful ticket of %d bytes, want a 32-byte ID", len(tk.t.Ticket))
		}
		b, err := tk.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back SessionTicket
		if err := back.UnmarshalBinary(b); err != nil || back.ServerName != tk.ServerName {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		co.UseTicket = []SessionTicket{back}
		var got []bool
		for i := 0; i < 2; i++ {
			_, r := manualTicket(t, port, co)
			got = append(got, r)
		}
		want := [2]bool{true, mode == "stateless"}
		if got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("%s: the same ticket twice resumed %v, want %v", mode, got, want)
		}
	}
}

// TestStatefulTicketsEarlyData: 0-RTT data on a stateful ticket is
// accepted once; the same ClientHello's ticket offered again finds the
// state gone, so a replay cannot deliver the data twice (RFC 8446, 8.1),
// with no replay cache.
func TestStatefulTicketsEarlyData(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.SessionTickets, so.AcceptEarlyData = "stateful", true
	port := startEarlyServer(t, so)
	co := clientOpts(p)
	co.SessionTickets = "manual"
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.Send([]byte("x"))
	s.Recv(0, 10*time.Second)
	if !s.WaitSessionTicket(5 * time.Second) {
		t.Fatal("no ticket")
	}
	tk := s.SessionTickets()[0]
	s.Close()
	co.UseTicket, co.EarlyData = []SessionTicket{tk}, []byte("0-RTT")
	var got []string
	for i := 0; i < 2; i++ {
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		_, early := resumptionInfo(s)
		if early != "accepted" {
			s.Send(co.EarlyData)
		}
		s.Recv(0, 10*time.Second)
		got = append(got, early)
		s.Close()
	}
	if got[0] != "accepted" || got[1] != "rejected" {
		t.Fatalf("early data on one stateful ticket twice: %v, want [accepted rejected]", got)
	}
}

// TestTicketModesRefused: each mode belongs to one role, and use_ticket
// needs a manual client.
func TestTicketModesRefused(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, c := range []struct {
		server bool
		mode   string
		use    bool
	}{{true, "manual", false}, {false, "stateful", false}, {false, "auto", true}, {true, "stateful", true}, {false, "stateful_with_cert", false}} {
		o := clientOpts(p)
		r := roleClient
		if c.server {
			o, r = serverOpts(p, "ecdsa"), roleServer
		}
		o.SessionTickets = c.mode
		if c.use {
			o.UseTicket = []SessionTicket{{}}
		}
		if _, err := o.compile(r, "localhost"); err == nil {
			t.Errorf("server %v, session_tickets %s, use_ticket %v: accepted", c.server, c.mode, c.use)
		}
	}
}
