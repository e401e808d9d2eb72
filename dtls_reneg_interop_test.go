package ssl

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// acceptDTLS accepts one association on a gossl DTLS listener and
// completes its handshake.
func acceptDTLS(t *testing.T, so *Options, start func(port int)) *Socket {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	start(ls.Port())
	s, err := ls.TransportAccept(30 * time.Second)
	if err == nil {
		err = s.Handshake(30 * time.Second)
	}
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sendRecvLine sends line on s and checks the peer answers want.
func sendRecvLine(t *testing.T, s *Socket, line, want string, peer *testpeers.Proc) {
	t.Helper()
	if err := s.Send([]byte(line)); err != nil {
		t.Fatalf("Send %q: %v\n%s", line, err, peer.Output())
	}
	got, err := s.Recv(0, 15*time.Second)
	if err != nil || string(got) != want {
		t.Fatalf("after %q: got %q %v, want %q\n%s", line, got, err, want, peer.Output())
	}
}

// withSServer checks data both ways between s and an s_server: what s
// sends is printed, and what s_server reads on stdin comes to s.
func withSServer(t *testing.T, s *Socket, srv *testpeers.Proc, tag string) {
	t.Helper()
	if err := s.Send([]byte("to s_server " + tag + "\n")); err != nil {
		t.Fatal(err)
	}
	if err := srv.WaitFor("to s_server "+tag, 10*time.Second); err != nil {
		t.Fatalf("s_server did not get our data: %v\n%s", err, srv.Output())
	}
	io.WriteString(srv.Stdin, "from s_server "+tag+"\n")
	if got, err := s.Recv(0, 15*time.Second); err != nil || string(got) != "from s_server "+tag+"\n" {
		t.Fatalf("%s: Recv %q %v\n%s", tag, got, err, srv.Output())
	}
}

// TestDTLSRenegotiateInteropOpenSSL: DTLS 1.2 renegotiation with OpenSSL
// in both roles and by both initiators: a gossl client's Renegotiate
// against s_server -dtls1_2 (which answers with a HelloVerifyRequest
// first), s_client's R against a gossl server, s_server's R (a
// HelloRequest) to a gossl client, and a gossl server's HelloRequest to
// s_client. Data goes both ways before and after each.
func TestDTLSRenegotiateInteropOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	certArgs := []string{"-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa")}
	t.Run("gossl-client-renegotiates", func(t *testing.T) {
		checkGoroutines(t)
		srv, addr := testpeers.OpenSSLServer(t, append([]string{"-dtls1_2", "-client_renegotiation"}, certArgs...)...)
		s, err := Connect("127.0.0.1", port(addr), dtlsClientOpts(p, 0), 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		before := infoValue(t, s, "client_random").(string)
		withSServer(t, s, srv, "before")
		for i := range 2 {
			if err := s.Renegotiate(); err != nil {
				t.Fatalf("Renegotiate %d with s_server: %v\n%s", i, err, srv.Output())
			}
			before = renegotiated(t, s, before)
			withSServer(t, s, srv, fmt.Sprintf("after %d", i))
		}
	})
	t.Run("s_client-R", func(t *testing.T) {
		checkGoroutines(t)
		var c *testpeers.Proc
		s := acceptDTLS(t, dtlsServerOpts(p, "ecdsa", 0), func(port int) {
			c = testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(port), "-dtls1_2", "-CAfile", p.CAFile, "-servername", "localhost")
		})
		before := infoValue(t, s, "client_random").(string)
		done := echoUntilClosed(s)
		for i, line := range []string{"before\n", "R\n", "after\n", "R\n", "again\n"} {
			io.WriteString(c.Stdin, line)
			want := line
			if line == "R\n" {
				want = "RENEGOTIATING"
			}
			if err := c.WaitFor(want, 15*time.Second); err != nil {
				t.Fatalf("step %d (%q): %v\n%s", i, line, err, c.Output())
			}
			if line == "R\n" {
				// s_client goes on at once; its next line is sent
				// after the new handshake.
				time.Sleep(300 * time.Millisecond)
			}
		}
		if infoValue(t, s, "client_random").(string) == before {
			t.Fatalf("no renegotiation on the gossl side\n%s", c.Output())
		}
		c.Stdin.Close()
		s.SetReadDeadline(time.Now())
		<-done
	})
	t.Run("s_server-R", func(t *testing.T) {
		checkGoroutines(t)
		srv, addr := testpeers.OpenSSLServer(t, append([]string{"-dtls1_2"}, certArgs...)...)
		s, err := Connect("127.0.0.1", port(addr), dtlsClientOpts(p, 0), 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		before := infoValue(t, s, "client_random").(string)
		if err := srv.WaitFor("CIPHER is", 10*time.Second); err != nil {
			t.Fatalf("s_server: %v\n%s", err, srv.Output())
		}
		for i := range 2 {
			got := make(chan string, 1)
			go func() {
				b, err := s.Recv(0, 15*time.Second)
				got <- fmt.Sprint(string(b), err)
			}()
			io.WriteString(srv.Stdin, "R\n")
			if err := srv.WaitFor("SSL_do_handshake -> 1", 10*time.Second); err != nil {
				t.Fatalf("s_server: %v\n%s", err, srv.Output())
			}
			time.Sleep(300 * time.Millisecond)
			io.WriteString(srv.Stdin, fmt.Sprintf("after %d\n", i))
			if g := <-got; g != fmt.Sprintf("after %d\n<nil>", i) {
				t.Fatalf("after renegotiation %d: %q\n%s", i, g, srv.Output())
			}
			before = renegotiated(t, s, before)
			if err := s.Send([]byte(fmt.Sprintf("to s_server %d\n", i))); err != nil {
				t.Fatal(err)
			}
			if err := srv.WaitFor(fmt.Sprintf("to s_server %d", i), 10*time.Second); err != nil {
				t.Fatalf("s_server did not get our data: %v\n%s", err, srv.Output())
			}
		}
	})
	t.Run("gossl-server-HelloRequest", func(t *testing.T) {
		checkGoroutines(t)
		var c *testpeers.Proc
		s := acceptDTLS(t, dtlsServerOpts(p, "ecdsa", 0), func(port int) {
			c = testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(port), "-dtls1_2", "-CAfile", p.CAFile, "-servername", "localhost")
		})
		before := infoValue(t, s, "client_random").(string)
		for i := range 2 {
			io.WriteString(c.Stdin, fmt.Sprintf("from s_client %d\n", i))
			if got, err := s.Recv(0, 15*time.Second); err != nil || string(got) != fmt.Sprintf("from s_client %d\n", i) {
				t.Fatalf("Recv: %q %v\n%s", got, err, c.Output())
			}
			if err := s.Renegotiate(); err != nil {
				t.Fatalf("Renegotiate %d (HelloRequest) with s_client: %v\n%s", i, err, c.Output())
			}
			before = renegotiated(t, s, before)
			if err := s.Send([]byte(fmt.Sprintf("to s_client %d\n", i))); err != nil {
				t.Fatal(err)
			}
			if err := c.WaitFor(fmt.Sprintf("to s_client %d", i), 10*time.Second); err != nil {
				t.Fatalf("s_client did not get our data: %v\n%s", err, c.Output())
			}
		}
		if !strings.Contains(fmt.Sprint(infoValue(t, s, "protocol")), "dtlsv1.2") {
			t.Fatalf("protocol %v", infoValue(t, s, "protocol"))
		}
	})
}
