package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ssl "github.com/gossl/ssl"
	"github.com/gossl/ssl/internal/session"
)

// TestConnectTicketOutUseTicket: connect --ticket-out saves the TLS 1.3
// tickets a server sent (session_tickets manual), and a second connect
// --use-ticket FILE resumes with them, against gossl serve, openssl
// s_server and an Erlang/OTP server.
func TestConnectTicketOutUseTicket(t *testing.T) {
	for _, tc := range ticketServers(t) {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.addr(t)
			file := filepath.Join(t.TempDir(), "tickets.pem")
			base := append([]string{"connect", addr, "--versions", "tlsv1.3", "--wait", "0s"}, tc.args...)
			r := gossl(t, "", append(base, "--ticket-out", file)...)
			if r.code != 0 || !strings.Contains(r.stderr, "session_resumption: false") || !strings.Contains(r.stderr, "saved to "+file) {
				t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
			}
			if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("ticket file: %v %v", st, err)
			}
			// The second run resumes with the file and saves the new
			// tickets over it; the third resumes with those.
			for run := 2; run <= 3; run++ {
				r = gossl(t, "", append(base, "--use-ticket", file, "--ticket-out", file)...)
				if r.code != 0 || !strings.Contains(r.stderr, "session_resumption: true") {
					t.Fatalf("run %d did not resume: exit %d\n%s", run, r.code, r.stderr)
				}
			}
		})
	}
}

// TestConnectTicketFlagsRefused: the ticket flags fail with a sentence,
// never silently: another session_tickets mode, a file that holds no
// ticket, a server that sends none, and --use-ticket on a server.
func TestConnectTicketFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	cert := filepath.Join(dir, "cert.pem")
	srv := startServe(t, "--cert-out", cert, "--versions", "tlsv1.3", "--session-tickets", "disabled")
	good := sampleTicketFile(t)
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("-----BEGIN GOSSL SESSION TICKET-----\nAAEC\n-----END GOSSL SESSION TICKET-----\n"), 0o600)
	out := filepath.Join(dir, "out.pem")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"auto mode", []string{"connect", srv.addr, "--session-tickets", "auto", "--ticket-out", out}, "need manual"},
		{"certificate file", []string{"connect", srv.addr, "--use-ticket", cert}, "where \"GOSSL SESSION TICKET\" blocks are expected"},
		{"malformed ticket", []string{"connect", srv.addr, "--use-ticket", bad}, "malformed SessionTicket"},
		{"no such file", []string{"connect", srv.addr, "--use-ticket", filepath.Join(dir, "none")}, "no such file"},
		{"no ticket sent", []string{"connect", srv.addr, "--versions", "tlsv1.3", "--cacertfile", cert, "--wait", "0s", "--ticket-out", out}, "sent no TLS 1.3 ticket"},
		{"server", []string{"serve", "--port", "0", "--use-ticket", good}, "needs a client with session_tickets manual"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gossl(t, "", tc.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, want 1 with %q:\n%s", r.code, tc.want, r.stderr)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a ticket file was written without a ticket")
	}
}

// sampleTicketFile writes a ticket file with one well-formed ticket (for
// no server: only its form matters).
func sampleTicketFile(t *testing.T) string {
	t.Helper()
	ct := &session.ClientTicket{Ticket: []byte("ticket"), Suite: 0x1301, PSK: make([]byte, 32),
		Received: time.Now(), Lifetime: time.Hour}
	body, err := ct.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var st ssl.SessionTicket
	if err := st.UnmarshalBinary(append([]byte{0}, body...)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ticket.pem")
	if err := writeTicketFile(path, []ssl.SessionTicket{st}); err != nil {
		t.Fatal(err)
	}
	return path
}
