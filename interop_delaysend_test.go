package ssl

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// delayLines returns n lines of letters of pseudo-random lengths (1 to
// 3000), each ending in a newline.
func delayLines(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]string, n)
	for i := range out {
		b := make([]byte, 1+r.IntN(3000))
		for j := range b {
			b[j] = byte('a' + r.IntN(26))
		}
		out[i] = string(b) + "\n"
	}
	return out
}

// sendLinesReadReplies sends lines one Send each, back to back, on s
// while it reads a reply line per line, and checks each reply is
// want(line).
func sendLinesReadReplies(t *testing.T, s *Socket, lines []string, want func(string) string) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		for _, l := range lines {
			if err := s.Send([]byte(l)); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	s.SetReadDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(s)
	for i, l := range lines {
		got, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reply %d of %d: %v", i+1, len(lines), err)
		}
		if got != want(l) {
			t.Fatalf("reply %d of %d: %d bytes that differ from what was expected", i+1, len(lines), len(got))
		}
	}
	if err := <-errc; err != nil {
		t.Fatalf("Send: %v", err)
	}
}

// TestInteropDelaySendOpenSSL: delay_send against OpenSSL, TLS 1.2 and
// 1.3: a gossl client streams lines to s_server -rev, which answers each
// reversed; s_client streams lines to a gossl echo server with
// delay_send and must print them all back.
func TestInteropDelaySendOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		flag := map[Version]string{TLSv1_2: "-tls1_2", TLSv1_3: "-tls1_3"}[v]
		t.Run(string(v)+"/gossl-client", func(t *testing.T) {
			_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), flag, "-rev")
			co := clientOpts(p)
			co.Versions, co.DelaySend = []Version{v}, true
			s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			sendLinesReadReplies(t, s, delayLines(400, 1), func(l string) string { return reverseLine(l) })
		})
		t.Run(string(v)+"/gossl-server", func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Versions, so.DelaySend = []Version{v}, true
			port, done := startEcho(t, so)
			// -no_ign_eof alone turns s_client's command letters back
			// on (a line starting with k makes it send a KeyUpdate, Q
			// quits): -nocommands keeps the data data.
			c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), flag,
				"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-quiet", "-no_ign_eof", "-nocommands")
			lines := delayLines(300, 2)
			go func() {
				for _, l := range lines {
					if _, err := c.Stdin.Write([]byte(l)); err != nil {
						return
					}
				}
			}()
			want := strings.Join(lines, "")
			if c.WaitFor(want[len(want)-200:], 30*time.Second) != nil {
				var serr error
				select {
				case serr = <-done:
				case <-time.After(time.Second):
				}
				e := c.Stderr()
				t.Fatalf("s_client did not get everything back (gossl server: %v; s_client printed %d of %d bytes): stderr ends %q", serr, len(c.Stdout()), len(want), e[max(0, len(e)-600):])
			}
			if out := c.Stdout(); !strings.Contains(out, want) {
				t.Fatalf("s_client printed %d bytes, not the %d sent", len(out), len(want))
			}
			c.Stdin.Close()
			if err := c.Wait(15 * time.Second); err != nil {
				t.Fatalf("s_client: %v", err)
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// TestInteropDelaySendErlang: delay_send against Erlang/OTP's ssl, TLS 1.2
// and 1.3: a gossl client streams lines through an Erlang echo server; an
// Erlang client's payload comes back through a gossl echo server with
// delay_send.
func TestInteropDelaySendErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		erl := map[Version]string{TLSv1_2: "tlsv1.2", TLSv1_3: "tlsv1.3"}[v]
		t.Run(string(v)+"/gossl-client", func(t *testing.T) {
			srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['%s']},{certfile,%q},{keyfile,%q}]",
				erl, p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
			co := clientOpts(p)
			co.Versions, co.DelaySend = []Version{v}, true
			s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v\n%s", err, srv.Output())
			}
			defer s.Close()
			sendLinesReadReplies(t, s, delayLines(300, 3), func(l string) string { return l })
		})
		t.Run(string(v)+"/gossl-server", func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Versions, so.DelaySend = []Version{v}, true
			port, done := startEcho(t, so)
			c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
				"[{versions,['%s']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"}]",
				erl, p.CAFile), strings.Repeat("erlang->gossl delay_send ", 200))
			if _, _, err := testpeers.ErlangHandshake(c, 60*time.Second); err != nil {
				t.Fatalf("Erlang client: %v\n%s", err, c.Output())
			}
			if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
				t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}
