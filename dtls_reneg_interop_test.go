package ssl

import (
	"errors"
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

// TestDTLSRenegotiateInteropErlang: DTLS 1.2 renegotiation with Erlang/OTP
// 25's ssl: a gossl client's Renegotiate against an OTP server
// ({client_renegotiation,true}; its second within 12 s is refused), an
// OTP server's ssl:renegotiate/1 (a HelloRequest) to a gossl client, an
// OTP client's ssl:renegotiate/1 against a gossl server, and a gossl
// server's HelloRequest to an OTP client. Data goes both ways before and
// after each.
func TestDTLSRenegotiateInteropErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	t.Run("gossl-client-renegotiates", func(t *testing.T) {
		checkGoroutines(t)
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{protocol,dtls},{certfile,%q},{keyfile,%q},{client_renegotiation,true}]`,
			p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
		s, err := Connect("127.0.0.1", port(addr), dtlsClientOpts(p, 0), 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		before := infoValue(t, s, "client_random").(string)
		sendRecvLine(t, s, "before", "before", srv)
		if err := s.Renegotiate(); err != nil {
			t.Fatalf("Renegotiate with Erlang/OTP: %v\n%s", err, srv.Output())
		}
		renegotiated(t, s, before)
		sendRecvLine(t, s, "after", "after", srv)
		// OTP refuses a client's renegotiation within 12 s of the last
		// (no_renegotiation), and the association goes on.
		if err := s.Renegotiate(); !errors.Is(err, ErrRenegotiationRejected) {
			t.Fatalf("second Renegotiate with Erlang/OTP: %v\n%s", err, srv.Output())
		}
		sendRecvLine(t, s, "refused", "refused", srv)
	})
	// clientCode is an OTP DTLS client of a gossl server on port: Body
	// runs with the socket S, then RESULT is printed.
	clientCode := func(port int, body string) string {
		return fmt.Sprintf(`{ok,_} = application:ensure_all_started(ssl),
Opts = [{protocol,dtls},{verify,verify_peer},{cacertfile,%q},{server_name_indication,"localhost"},{active,false},binary],
{ok,S} = ssl:connect("127.0.0.1", %d, Opts, 20000),
%s,
io:format("RESULT ~p~n", [R]), ssl:close(S), halt(0).`, p.CAFile, port, body)
	}
	t.Run("erlang-client-renegotiates", func(t *testing.T) {
		checkGoroutines(t)
		var c *testpeers.Proc
		s := acceptDTLS(t, dtlsServerOpts(p, "ecdsa", 0), func(port int) {
			c = testpeers.Start(t, "erl", "-noshell", "-eval", clientCode(port, `ok = ssl:send(S, <<"before">>),
{ok,<<"before">>} = ssl:recv(S, 0, 20000),
R1 = ssl:renegotiate(S),
ok = ssl:send(S, <<"after">>),
{ok,<<"after">>} = ssl:recv(S, 0, 20000),
R2 = ssl:renegotiate(S),
ok = ssl:send(S, <<"again">>),
{ok,<<"again">>} = ssl:recv(S, 0, 20000),
R = {R1, R2}`))
		})
		before := infoValue(t, s, "client_random").(string)
		done := echoUntilClosed(s)
		line, err := c.WaitLine("RESULT ", 60*time.Second)
		if err != nil || line != "RESULT {ok,ok}" {
			t.Fatalf("Erlang client ssl:renegotiate: %q %v\n%s", line, err, c.Output())
		}
		renegotiated(t, s, before)
		s.SetReadDeadline(time.Now())
		<-done
	})
	t.Run("erlang-server-renegotiates", func(t *testing.T) {
		checkGoroutines(t)
		code := fmt.Sprintf(`{ok,_} = application:ensure_all_started(ssl),
{ok,L} = ssl:listen(0, [{protocol,dtls},{certfile,%q},{keyfile,%q},{active,false},binary]),
{ok,{_,Port}} = ssl:sockname(L),
io:format("LISTENING ~p~n", [Port]),
{ok,T} = ssl:transport_accept(L, 20000),
{ok,S} = ssl:handshake(T, 20000),
{ok,<<"before">>} = ssl:recv(S, 0, 20000),
R = ssl:renegotiate(S),
ok = ssl:send(S, <<"after">>),
{ok,<<"from gossl">>} = ssl:recv(S, 0, 20000),
io:format("RESULT ~p~n", [R]), ssl:close(S), halt(0).`, p.CertFile("ecdsa"), p.KeyFile("ecdsa"))
		srv := testpeers.Start(t, "erl", "-noshell", "-eval", code)
		line, err := srv.WaitLine("LISTENING ", 30*time.Second)
		if err != nil {
			t.Fatalf("Erlang server: %v\n%s", err, srv.Output())
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(line, "LISTENING "))
		s, err := Connect("127.0.0.1", n, dtlsClientOpts(p, 0), 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		before := infoValue(t, s, "client_random").(string)
		if err := s.Send([]byte("before")); err != nil {
			t.Fatal(err)
		}
		// The HelloRequest comes while Recv reads; the data after the
		// new handshake.
		if got, err := s.Recv(0, 30*time.Second); err != nil || string(got) != "after" {
			t.Fatalf("Recv: %q %v\n%s", got, err, srv.Output())
		}
		renegotiated(t, s, before)
		if err := s.Send([]byte("from gossl")); err != nil {
			t.Fatal(err)
		}
		if line, err := srv.WaitLine("RESULT ", 30*time.Second); err != nil || line != "RESULT ok" {
			t.Fatalf("Erlang server ssl:renegotiate: %q %v\n%s", line, err, srv.Output())
		}
	})
	t.Run("gossl-server-HelloRequest", func(t *testing.T) {
		checkGoroutines(t)
		var c *testpeers.Proc
		s := acceptDTLS(t, dtlsServerOpts(p, "ecdsa", 0), func(port int) {
			c = testpeers.Start(t, "erl", "-noshell", "-eval", clientCode(port, `ok = ssl:send(S, <<"before">>),
{ok,<<"before">>} = ssl:recv(S, 0, 20000),
{ok,<<"after 0">>} = ssl:recv(S, 0, 20000),
ok = ssl:send(S, <<"from erlang 0">>),
{ok,<<"after 1">>} = ssl:recv(S, 0, 20000),
ok = ssl:send(S, <<"from erlang 1">>),
R = done`))
		})
		before := infoValue(t, s, "client_random").(string)
		if got, err := s.Recv(0, 30*time.Second); err != nil || string(got) != "before" {
			t.Fatalf("Recv: %q %v\n%s", got, err, c.Output())
		}
		if err := s.Send([]byte("before")); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if err := s.Renegotiate(); err != nil {
				t.Fatalf("Renegotiate %d (HelloRequest) with an OTP client: %v\n%s", i, err, c.Output())
			}
			before = renegotiated(t, s, before)
			if err := s.Send([]byte(fmt.Sprintf("after %d", i))); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Recv(0, 20*time.Second); err != nil || string(got) != fmt.Sprintf("from erlang %d", i) {
				t.Fatalf("Recv after %d: %q %v\n%s", i, got, err, c.Output())
			}
		}
		if line, err := c.WaitLine("RESULT ", 30*time.Second); err != nil || line != "RESULT done" {
			t.Fatalf("Erlang client: %q %v\n%s", line, err, c.Output())
		}
	})
}
