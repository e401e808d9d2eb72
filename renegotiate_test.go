package ssl

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

func infoValue(t *testing.T, s *Socket, item string) any {
	t.Helper()
	info, err := s.ConnectionInformation(item)
	if err != nil || len(info) == 0 {
		t.Fatalf("connection_information %s: %v", item, err)
	}
	return info[0].Value
}

// streamWhile sends numbered lines through an echo peer while f runs and
// checks they all come back in order.
func streamWhile(t *testing.T, s *Socket, f func() error) error {
	t.Helper()
	var wg sync.WaitGroup
	var want bytes.Buffer
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, l := range strings.SplitAfter(want.String(), "\n") {
			if l != "" {
				s.Send([]byte(l))
			}
		}
	}()
	got := make([]byte, want.Len())
	var rerr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, rerr = io.ReadFull(s, got)
		s.SetReadDeadline(time.Time{})
	}()
	ferr := f()
	wg.Wait()
	if rerr != nil {
		t.Fatalf("reading the echo: %v", rerr)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("data interleaved with the renegotiation came back out of order")
	}
	return ferr
}

func TestRenegotiateGosslBothSides(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := opts12(serverOpts(p, "ecdsa"))
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	srvSock := make(chan *Socket, 4)
	go func() {
		for {
			c, err := ls.Accept()
			if err != nil {
				return
			}
			s := c.(*Socket)
			srvSock <- s
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(20 * time.Second))
				io.Copy(c, c)
			}()
		}
	}()
	co := opts12(clientOpts(p))
	s, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := infoValue(t, s, "client_random")
	// Client-initiated, with data flowing both ways.
	if err := streamWhile(t, s, s.Renegotiate); err != nil {
		t.Fatalf("client Renegotiate: %v", err)
	}
	if after := infoValue(t, s, "client_random"); fmt.Sprint(after) == fmt.Sprint(before) {
		t.Fatal("client_random unchanged after renegotiation")
	}
	// Server-initiated: the server's Renegotiate sends a HelloRequest,
	// which the client answers when it reads. The client keeps streaming
	// until the server's renegotiation has ended: if its reader stopped
	// first, the HelloRequest would wait unread.
	srv := <-srvSock
	serrc := make(chan error, 1)
	go func() {
		// The client's renegotiation ends on the server once it has
		// handled its own last flight, which the client may see first.
		for deadline := time.Now().Add(5 * time.Second); ; {
			err := srv.Renegotiate()
			if !errors.Is(err, errRenegotiating) || time.Now().After(deadline) {
				serrc <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var serr error
	for round := 0; ; round++ {
		if round == 20 {
			t.Fatal("server Renegotiate did not end while the client kept reading")
		}
		if err := streamWhile(t, s, func() error { return nil }); err != nil {
			t.Fatal(err)
		}
		select {
		case serr = <-serrc:
		case <-time.After(50 * time.Millisecond):
			continue
		}
		break
	}
	if serr != nil {
		t.Fatalf("server Renegotiate: %v", serr)
	}
	if fmt.Sprint(infoValue(t, s, "client_random")) == fmt.Sprint(before) {
		t.Fatal("no new handshake")
	}
	echo(t, s)

	// TLS 1.3: notsup.
	s13, err := Connect("127.0.0.1", echoListener(t, serverOpts(p, "ecdsa")).Port(), clientOpts(p), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s13.Close()
	if err := s13.Renegotiate(); !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), "notsup") {
		t.Fatalf("Renegotiate on TLS 1.3: %v", err)
	}
}

// client_renegotiation false refuses with a no_renegotiation warning, and
// a client renegotiating too often is refused the same way.
func TestRenegotiateClientRefused(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := opts12(serverOpts(p, "ecdsa"))
	so.ClientRenegotiation = Bool(false)
	s, err := Connect("127.0.0.1", echoListener(t, so).Port(), opts12(clientOpts(p)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Renegotiate(); !errors.Is(err, ErrRenegotiationRejected) {
		t.Fatalf("Renegotiate with client_renegotiation false: %v", err)
	}
	echo(t, s) // the connection goes on

	// A storm: clientRenegLimit renegotiations pass, the next is refused.
	s2, err := Connect("127.0.0.1", echoListener(t, opts12(serverOpts(p, "ecdsa"))).Port(), opts12(clientOpts(p)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for i := 0; i < clientRenegLimit; i++ {
		if err := s2.Renegotiate(); err != nil {
			t.Fatalf("renegotiation %d: %v", i+1, err)
		}
	}
	if err := s2.Renegotiate(); !errors.Is(err, ErrRenegotiationRejected) {
		t.Fatalf("renegotiation %d: %v; want refused", clientRenegLimit+1, err)
	}
	echo(t, s2)
}

func TestRenegotiateOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	// s_client's R against a gossl server.
	port := startServingEcho(t, opts12(serverOpts(p, "ecdsa")))
	c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-tls1_2", "-CAfile", p.CAFile, "-servername", "localhost")
	if err := c.WaitFor("Verify return code", 10*time.Second); err != nil {
		t.Fatalf("s_client: %v\n%s", err, c.Output())
	}
	io.WriteString(c.Stdin, "before\n")
	if err := c.WaitFor("before\n", 10*time.Second); err != nil {
		t.Fatalf("no echo: %v\n%s", err, c.Output())
	}
	io.WriteString(c.Stdin, "R\n")
	if err := c.WaitFor("RENEGOTIATING", 10*time.Second); err != nil {
		t.Fatalf("s_client did not renegotiate: %v\n%s", err, c.Output())
	}
	io.WriteString(c.Stdin, "after renegotiation\n")
	if err := c.WaitFor("after renegotiation\n", 10*time.Second); err != nil {
		t.Fatalf("no echo after renegotiation: %v\n%s", err, c.Output())
	}
	c.Stdin.Close()

	// A gossl client renegotiates with s_server -client_renegotiation.
	_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_2", "-rev", "-client_renegotiation")
	s, err := Connect("127.0.0.1", port2(addr), opts12(clientOpts(p)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Renegotiate(); err != nil {
		t.Fatalf("Renegotiate with s_server: %v", err)
	}
	s.Send([]byte("abc\n"))
	got, err := s.Recv(4, 10*time.Second)
	if err != nil || string(got) != "cba\n" {
		t.Fatalf("after renegotiation: %q %v", got, err)
	}
}

func TestRenegotiateErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	// A gossl client renegotiates with an OTP server.
	srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{client_renegotiation,true}]",
		p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
	s, err := Connect("127.0.0.1", port(addr), opts12(clientOpts(p)), 30*time.Second)
	if err != nil {
		t.Fatalf("%v\n%s", err, srv.Output())
	}
	defer s.Close()
	// No data in flight during the renegotiation: OTP 25's server, blocked
	// in ssl:recv/3, sometimes fails the handshake with unexpected_msg
	// {internal,{recv,...}} when application data arrives in the middle
	// of it (about one run in four under the race detector). Interleaving
	// is tested against gossl and OpenSSL.
	echo(t, s)
	if err := s.Renegotiate(); err != nil {
		t.Fatalf("Renegotiate with Erlang/OTP: %v\n%s", err, srv.Output())
	}
	echo(t, s)

	// An OTP client's ssl:renegotiate/1 against a gossl server, with data
	// before and after.
	port := startServingEcho(t, opts12(serverOpts(p, "ecdsa")))
	code := fmt.Sprintf(`{ok,_} = application:ensure_all_started(ssl),
Opts = [{versions,['tlsv1.2']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,"localhost"},{active,false},binary],
{ok,S} = ssl:connect("127.0.0.1", %d, Opts, 20000),
ok = ssl:send(S, <<"before">>),
{ok,<<"before">>} = ssl:recv(S, 6, 20000),
R = ssl:renegotiate(S),
ok = ssl:send(S, <<"after">>),
{ok,<<"after">>} = ssl:recv(S, 5, 20000),
io:format("RENEGOTIATE ~p~n", [R]), ssl:close(S), halt(0).`, p.CAFile, port)
	c := testpeers.Start(t, "erl", "-noshell", "-eval", code)
	line, err := c.WaitLine("RENEGOTIATE ", 60*time.Second)
	if err != nil || !strings.Contains(line, "RENEGOTIATE ok") {
		t.Fatalf("Erlang client ssl:renegotiate: %q %v\n%s", line, err, c.Output())
	}
}

// openssl s_server's R command (a HelloRequest) renegotiates a gossl
// client, whose Recv drives the new handshake and then gets the data.
func TestRenegotiateOpenSSLServerInitiated(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_2",
		"-verify", "1", "-CAfile", p.CAFile)
	co := opts12(clientOpts(p))
	co.CertFile, co.KeyFile = p.CertFile("client-ecdsa"), p.KeyFile("client-ecdsa")
	s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := fmt.Sprint(infoValue(t, s, "client_random"))
	got := make(chan string, 1)
	go func() {
		b, _ := s.Recv(0, 15*time.Second)
		got <- string(b)
	}()
	if err := srv.WaitFor("CIPHER is", 10*time.Second); err != nil {
		t.Fatalf("s_server: %v\n%s", err, srv.Output())
	}
	io.WriteString(srv.Stdin, "R\n")
	if err := srv.WaitFor("SSL_do_handshake -> 1", 10*time.Second); err != nil {
		t.Fatalf("s_server: %v\n%s", err, srv.Output())
	}
	// The new handshake completes while our Recv reads; then data.
	time.Sleep(300 * time.Millisecond)
	io.WriteString(srv.Stdin, "after\n")
	if g := <-got; g != "after\n" {
		t.Fatalf("after renegotiation: %q\n%s", g, srv.Output())
	}
	if fmt.Sprint(infoValue(t, s, "client_random")) == before {
		t.Fatalf("no renegotiation happened\n%s", srv.Output())
	}
	// s_server's R asks for the certificate with SSL_VERIFY_CLIENT_ONCE,
	// so it does not ask again: the client's certificate is not resent.
}

// A gossl server with verify_peer asks for and checks the client's
// certificate again in a renegotiation: a client whose certificate does
// not verify is refused then too.
func TestRenegotiateClientCertificate(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := opts12(serverOpts(p, "ecdsa"))
	so.Verify, so.CACertFile = VerifyPeer, p.CAFile
	ls := echoListener(t, so)
	co := opts12(clientOpts(p))
	co.CertFile, co.KeyFile = p.CertFile("client-rsa"), p.KeyFile("client-rsa")
	s, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := streamWhile(t, s, s.Renegotiate); err != nil {
		t.Fatalf("Renegotiate with a client certificate: %v", err)
	}
	echo(t, s)

	// The server checks the certificate again: a verify_fun that passes
	// the client's certificate in the first handshake and fails it in the
	// renegotiation ends the connection with an alert.
	so2 := opts12(serverOpts(p, "ecdsa"))
	so2.Verify, so2.CACertFile = VerifyPeer, p.CAFile
	var peers atomic.Int32
	so2.VerifyFun = &VerifyFun{Fun: func(cert *x509.Certificate, ev VerifyEvent, user any) (VerifyResult, any) {
		if ev.Kind == EventValidPeer && peers.Add(1) > 1 {
			return VerifyFail("second_look"), user
		}
		if ev.Kind == EventBadCert {
			return VerifyFail(ev.Reason), user
		}
		return VerifyValid, user
	}}
	s2, err := Connect("127.0.0.1", echoListener(t, so2).Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	err = s2.Renegotiate()
	var a *Alert
	if !errors.As(err, &a) || !a.Received {
		t.Fatalf("renegotiation with a certificate the server now refuses: %v", err)
	}
	t.Logf("%s", FormatError(err))
}
