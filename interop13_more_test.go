package ssl

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// startServingEcho runs a gossl echo server for many connections and
// returns its port.
func startServingEcho(t *testing.T, so *Options) int {
	t.Helper()
	return echoListener(t, so).Port()
}

// serveEcho accepts connections on ln until it is closed and echoes each
// for up to ten seconds; any listener (gossl or crypto/tls) will do.
func serveEcho(ln net.Listener) {
	testpeers.ServeEach(ln, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.Copy(c, c)
	})
}

// TestResumption13GnuTLS: TLS 1.3 tickets with GnuTLS in both roles.
func TestResumption13GnuTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	t.Run("gnutls-cli--resume", func(t *testing.T) {
		port := startServingEcho(t, serverOpts(p, "ecdsa"))
		c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--x509cafile", p.CAFile,
			"--verify-hostname", "localhost", "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3", "--resume")
		c.Stdin.Close()
		c.Wait(15 * time.Second)
		if !strings.Contains(c.Output(), "This is a resumed session") {
			t.Fatalf("gnutls-cli did not resume:\n%s", c.Output())
		}
	})
	t.Run("gnutls-serv", func(t *testing.T) {
		_, addr := testpeers.GnuTLSServer(t, "--echo", "--x509certfile", p.CertFile("ecdsa"), "--x509keyfile", p.KeyFile("ecdsa"),
			"--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3")
		co := clientOpts(p)
		var got []bool
		for i := 0; i < 2; i++ {
			s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			s.Send([]byte("ping\n"))
			if _, err := s.Recv(5, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			info, _ := s.ConnectionInformation("session_resumption")
			got = append(got, info[0].Value.(bool))
			s.Close()
		}
		if got[0] || !got[1] {
			t.Fatalf("gossl client against gnutls-serv: resumed %v", got)
		}
	})
}

// TestResumption13Erlang: a gossl client resumes with an Erlang/OTP
// server's stateless tickets.
func TestResumption13Erlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	_, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.3']},{certfile,%q},{keyfile,%q},{session_tickets,stateless}]",
		p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
	co := clientOpts(p)
	var got []bool
	for i := 0; i < 2; i++ {
		s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		echo(t, s)
		info, _ := s.ConnectionInformation("session_resumption")
		got = append(got, info[0].Value.(bool))
		s.Close()
	}
	if got[0] || !got[1] {
		t.Fatalf("gossl client against Erlang/OTP: resumed %v", got)
	}
}

// TestKeyUpdate13OpenSSL: s_client's K command (KeyUpdate with
// update_requested) against a gossl server, which answers and keeps
// echoing; and a gossl client's UpdateKeys against s_server.
func TestKeyUpdate13OpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	port := startServingEcho(t, serverOpts(p, "ecdsa"))
	c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-tls1_3", "-CAfile", p.CAFile, "-servername", "localhost")
	if err := c.WaitFor("Verify return code", 10*time.Second); err != nil {
		t.Fatalf("s_client: %v\n%s", err, c.Output())
	}
	io.WriteString(c.Stdin, "before\n")
	if err := c.WaitFor("before\n", 10*time.Second); err != nil {
		t.Fatalf("no echo: %v\n%s", err, c.Output())
	}
	io.WriteString(c.Stdin, "K\n")
	if err := c.WaitFor("KEYUPDATE", 10*time.Second); err != nil {
		t.Fatalf("s_client did not update keys: %v\n%s", err, c.Output())
	}
	io.WriteString(c.Stdin, "after the update\n")
	if err := c.WaitFor("after the update\n", 10*time.Second); err != nil {
		t.Fatalf("no echo after KeyUpdate: %v\n%s", err, c.Output())
	}
	c.Stdin.Close()

	_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_3", "-rev")
	s, err := Connect("127.0.0.1", port2(addr), clientOpts(p), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, line := range []string{"one\n", "two\n"} {
		if i == 1 {
			if err := s.UpdateKeys(true); err != nil {
				t.Fatal(err)
			}
		}
		s.Send([]byte(line))
		got, err := s.Recv(len(line), 10*time.Second)
		if err != nil || string(got) != reverseLine(line) {
			t.Fatalf("s_server -rev answered %q %v", got, err)
		}
	}
}

func port2(addr string) int { return port(addr) }

func reverseLine(l string) string {
	b := []byte(strings.TrimSuffix(l, "\n"))
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b) + "\n"
}
