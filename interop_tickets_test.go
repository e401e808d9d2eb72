package ssl

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestInteropStatefulTicketsErlang: TLS 1.3 stateful and manual tickets
// with Erlang/OTP 25 in both roles. An OTP client with {session_tickets,
// manual} takes a gossl stateful server's ticket as a {ssl,
// session_ticket, Ticket} message and resumes with {use_ticket,
// [Ticket]} once; offered again, the ticket is gone (a full handshake).
// A gossl manual client takes an OTP stateful server's ticket
// (SessionTickets) and resumes with UseTicket.
func TestInteropStatefulTicketsErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "escript")
	t.Run("erlang-client", func(t *testing.T) {
		so := serverOpts(p, "ecdsa")
		so.SessionTickets = "stateful"
		port := startServingEcho(t, so)
		script, _ := filepath.Abs("testdata/otp_manual_ticket.escript")
		cl := testpeers.Start(t, "escript", script, fmt.Sprint(port), p.CAFile, "2")
		line, err := cl.WaitLine("RESUMPTION", 60*time.Second)
		if err != nil {
			t.Fatalf("%v\n%s", err, cl.Output())
		}
		if line != "RESUMPTION false true false" {
			t.Fatalf("got %q, want a full handshake, one resumption, then a full handshake\n%s", line, cl.Output())
		}
	})
	t.Run("erlang-server", func(t *testing.T) {
		_, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.3']},{certfile,%q},{keyfile,%q},{session_tickets,stateful}]",
			p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
		co := clientOpts(p)
		co.SessionTickets = "manual"
		// Schemes OTP 25 knows: it re-encodes a resuming ClientHello
		// and fails on a code point it has no name for.
		co.SignatureAlgs = []string{"ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256", "rsa_pkcs1_sha256"}
		tk, resumed := manualTicket(t, portOf(t, addr), co)
		if resumed {
			t.Fatal("first connection resumed")
		}
		co.UseTicket = []SessionTicket{tk}
		if _, resumed := manualTicket(t, portOf(t, addr), co); !resumed {
			t.Fatal("use_ticket did not resume with OTP's stateful server")
		}
	})
}

// TestInteropStatefulTicketsOpenSSL: openssl s_client -sess_out, then
// -sess_in, against a gossl stateful server: the second connection
// resumes, and a third with the same saved session does not, since a
// stateful ticket is used once.
func TestInteropStatefulTicketsOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.SessionTickets = "stateful"
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	go sayHelloAndClose(ls)
	sess := t.TempDir() + "/sess.pem"
	var got []bool
	for _, args := range [][]string{{"-sess_out", sess}, {"-sess_in", sess}, {"-sess_in", sess}} {
		c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", ls.Port()),
			append([]string{"-tls1_3", "-CAfile", p.CAFile, "-servername", "localhost", "-ign_eof"}, args...)...)
		c.Wait(10 * time.Second)
		c.Stdin.Close()
		got = append(got, strings.Contains(c.Output(), "Reused, TLSv1.3"))
		if args[0] == "-sess_out" && !strings.Contains(c.Output(), "Post-Handshake New Session Ticket arrived") {
			t.Fatalf("no ticket:\n%s", c.Output())
		}
	}
	if fmt.Sprint(got) != "[false true false]" {
		t.Fatalf("s_client reused %v, want [false true false]", got)
	}
}
