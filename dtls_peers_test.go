package ssl

import (
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestDTLSInteropGnuTLS: gossl against gnutls-serv --udp and gnutls-cli
// --udp (DTLS 1.2), with data both ways.
func TestDTLSInteropGnuTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	t.Run("client", func(t *testing.T) {
		srv, addr := testpeers.GnuTLSServer(t, "--udp", "--echo", "--x509certfile", p.CertFile("ecdsa"), "--x509keyfile", p.KeyFile("ecdsa"))
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		s, err := Connect("127.0.0.1", n, dtlsClientOpts(p, 0), 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		if err := s.Send([]byte("hello gnutls\n")); err != nil {
			t.Fatal(err)
		}
		b, err := s.Recv(0, 10*time.Second)
		if err != nil || string(b) != "hello gnutls\n" {
			t.Fatalf("echo: %q %v\n%s", b, err, srv.Output())
		}
	})
	t.Run("server", func(t *testing.T) {
		ls, err := Listen(0, dtlsServerOpts(p, "ecdsa", 0))
		if err != nil {
			t.Fatal(err)
		}
		defer ls.Close()
		cl := testpeers.GnuTLSClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()), "--udp", "--x509cafile", p.CAFile, "--verify-hostname", "localhost")
		serveOneLine(t, ls, cl)
	})
}

// TestDTLSInteropErlang: gossl against Erlang/OTP 25's ssl with
// {protocol,dtls} (DTLS 1.2), both roles, data echoed.
func TestDTLSInteropErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	t.Run("client", func(t *testing.T) {
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{protocol,dtls},{certfile,%q},{keyfile,%q}]`, p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		s, err := Connect("127.0.0.1", n, dtlsClientOpts(p, 0), 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		if proto, _, err := testpeers.ErlangHandshake(srv, 10*time.Second); err != nil || proto != "dtlsv1.2" {
			t.Fatalf("Erlang side: %q %v", proto, err)
		}
		if err := s.Send([]byte("hello erlang")); err != nil {
			t.Fatal(err)
		}
		b, err := s.Recv(0, 10*time.Second)
		if err != nil || string(b) != "hello erlang" {
			t.Fatalf("echo: %q %v\n%s", b, err, srv.Output())
		}
	})
	t.Run("server", func(t *testing.T) {
		port, done := startDTLSEcho(t, dtlsServerOpts(p, "ecdsa", 0), 1)
		cl := testpeers.ErlangClient(t, "127.0.0.1:"+strconv.Itoa(port),
			fmt.Sprintf(`[{protocol,dtls},{verify,verify_peer},{cacertfile,%q},{server_name_indication,"localhost"}]`, p.CAFile), "hello gossl")
		if proto, _, err := testpeers.ErlangHandshake(cl, 30*time.Second); err != nil || proto != "dtlsv1.2" {
			t.Fatalf("Erlang side: %q %v\n%s", proto, err, cl.Output())
		}
		if _, err := cl.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang client: %v\n%s", err, cl.Output())
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("server: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("server did not see the close")
		}
	})
}
