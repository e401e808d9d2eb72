package ssl

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// legacyPriority makes GnuTLS a TLS 1.2 peer that does not signal RFC 5746
// at all: no renegotiation_info, no SCSV.
const legacyPriority = "NORMAL:-VERS-TLS1.3:%DISABLE_SAFE_RENEGOTIATION"

// checkLegacyConnection checks that s connected without secure
// renegotiation and that Renegotiate refuses, leaving the connection up.
func checkLegacyConnection(t *testing.T, s *Socket) {
	t.Helper()
	info, err := s.ConnectionInformation("secure_renegotiation", "protocol")
	if err != nil {
		t.Fatal(err)
	}
	if info[0].Value != false || info[1].Value != "tlsv1.2" {
		t.Fatalf("connection information %v; want TLS 1.2 without secure renegotiation", info)
	}
	if err := s.Renegotiate(); err == nil || !strings.Contains(err.Error(), "RFC 5746") {
		t.Fatalf("Renegotiate with a legacy peer: %v; want a refusal", err)
	}
}

// acceptLegacyClient runs gnutls-cli as a client without RFC 5746 against
// a gossl server with the default options and returns the server's
// socket, closed when the test ends.
func acceptLegacyClient(t *testing.T, p *testpeers.PKI, args ...string) (*Socket, *testpeers.Proc) {
	t.Helper()
	ls, err := Listen(0, serverOpts(p, "ecdsa"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", ls.Port()), append([]string{"--x509cafile", p.CAFile,
		"--verify-hostname", "localhost", "--priority", legacyPriority}, args...)...)
	s, err := ls.TransportAccept(10 * time.Second)
	if err == nil {
		err = s.Handshake(10 * time.Second)
	}
	if err != nil {
		t.Fatalf("handshake with a legacy client: %v\n%s", err, c.Output())
	}
	t.Cleanup(func() { s.Close() })
	return s, c
}

// TestLegacyRenegotiationPeer: with secure_renegotiate true (the default)
// a peer that does not signal RFC 5746 still connects, in both roles, as
// with OTP, OpenSSL and GnuTLS; a later renegotiation is refused, from
// either side, and the connection goes on.
func TestLegacyRenegotiationPeer(t *testing.T) {
	p := testpeers.NewPKI(t)
	t.Run("gossl-server", func(t *testing.T) {
		s, c := acceptLegacyClient(t, p)
		if err := c.WaitFor("Handshake was completed", 10*time.Second); err != nil {
			t.Fatal(err)
		}
		// Our HelloRequest never goes out.
		checkLegacyConnection(t, s)
		io.WriteString(c.Stdin, "ping\n")
		got, err := s.Recv(5, 10*time.Second)
		if err != nil || string(got) != "ping\n" {
			t.Fatalf("Recv %q %v", got, err)
		}
		if err := s.Send([]byte("pong from gossl\n")); err != nil {
			t.Fatal(err)
		}
		if err := c.WaitFor("pong from gossl", 10*time.Second); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("gossl-client", func(t *testing.T) {
		_, addr := testpeers.GnuTLSServer(t, "--echo", "--x509certfile", p.CertFile("ecdsa"), "--x509keyfile", p.KeyFile("ecdsa"),
			"--priority", legacyPriority)
		s, err := Connect("127.0.0.1", port(addr), clientOpts(p), 10*time.Second)
		if err != nil {
			t.Fatalf("Connect to a legacy server: %v", err)
		}
		defer s.Close()
		checkLegacyConnection(t, s)
		s.Send([]byte("hello gnutls\n"))
		got, err := s.Recv(len("hello gnutls\n"), 10*time.Second)
		if err != nil || string(got) != "hello gnutls\n" {
			t.Fatalf("echo %q %v", got, err)
		}
	})
	t.Run("client-initiated", func(t *testing.T) {
		// The legacy client renegotiates at once: the server answers
		// no_renegotiation (a warning) and keeps the connection.
		s, c := acceptLegacyClient(t, p, "--rehandshake")
		// Reading takes the renegotiating ClientHello in.
		go s.Recv(0, 5*time.Second)
		if err := c.WaitFor("warning alert has been received", 10*time.Second); err != nil {
			t.Fatalf("no no_renegotiation warning: %v\n%s", err, c.Output())
		}
		c.Stop()
		if info, _ := s.ConnectionInformation("secure_renegotiation"); info[0].Value != false {
			t.Fatalf("secure_renegotiation %v", info)
		}
	})
}

// TestRenegotiationServerCertChanged: a server that presents another
// certificate in a renegotiation (here through sni_fun, which picks the
// certificate again for each ClientHello) is refused by the client with
// illegal_parameter, although the new certificate verifies too: the
// triple-handshake class of attacks needs the client to accept a new
// identity on the same connection.
func TestRenegotiationServerCertChanged(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := opts12(serverOpts(p, "ecdsa"))
	var calls atomic.Int32
	so.SNIFun = func(string) *Options {
		if calls.Add(1) == 1 {
			return nil
		}
		return &Options{CertFile: p.CertFile("rsa"), KeyFile: p.KeyFile("rsa")}
	}
	s, err := Connect("127.0.0.1", echoListener(t, so).Port(), opts12(clientOpts(p)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Renegotiate()
	if !errors.Is(err, NewAlert("illegal_parameter")) || !strings.Contains(err.Error(), "certificate changed") {
		t.Fatalf("Renegotiate with a new server certificate: %v", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("sni_fun called %d times", calls.Load())
	}
}

// TestRenegotiateRejectedByClient: a server's Renegotiate that the client
// answers with a no_renegotiation warning (OpenSSL's -no_renegotiation)
// returns ErrRenegotiationRejected at once, and the connection goes on.
func TestRenegotiateRejectedByClient(t *testing.T) {
	p := testpeers.NewPKI(t)
	ls, err := Listen(0, opts12(serverOpts(p, "ecdsa")))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", ls.Port()), "-tls1_2", "-CAfile", p.CAFile,
		"-servername", "localhost", "-no_renegotiation")
	s, err := ls.TransportAccept(10 * time.Second)
	if err == nil {
		err = s.Handshake(10 * time.Second)
	}
	if err != nil {
		t.Fatalf("handshake: %v\n%s", err, c.Output())
	}
	defer s.Close()
	start := time.Now()
	if err := s.Renegotiate(); !errors.Is(err, ErrRenegotiationRejected) {
		t.Fatalf("Renegotiate refused by the client: %v (after %v)", err, time.Since(start))
	}
	if err := s.Send([]byte("still here\n")); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor("still here", 10*time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestRenegotiationRefusalsAreNotAWarningFlood: a client that asks for
// renegotiation more often than the server allows gets a no_renegotiation
// warning for each request past clientRenegLimit. Those warnings answer
// the client's own ClientHellos, so they must not count towards the limit
// on warning alerts in a row (postlimits.go), which ended the connection
// with unexpected_message after the fifth refusal (TestStressConcurrentControl
// under load).
func TestRenegotiationRefusalsAreNotAWarningFlood(t *testing.T) {
	p := testpeers.NewPKI(t)
	client, server := stressPair(t, p, TLSv1_2)
	defer client.Close()
	defer server.Close()
	go func() { // the echo; it also drives the server's side of each renegotiation
		for {
			b, err := server.Recv(0, 20*time.Second)
			if err == nil {
				err = server.Send(b)
			}
			if err != nil {
				return
			}
		}
	}()
	refused := 0
	for i := 0; i < clientRenegLimit+maxWarningAlerts+2; i++ {
		err := client.Renegotiate()
		if errors.Is(err, ErrRenegotiationRejected) {
			refused++
			continue
		}
		if err != nil {
			t.Fatalf("renegotiation %d: %v", i, err)
		}
	}
	if refused <= maxWarningAlerts {
		t.Fatalf("%d renegotiations refused, want more than %d", refused, maxWarningAlerts)
	}
	if err := client.Send([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	b, err := client.Recv(0, 10*time.Second)
	if err != nil || string(b) != "ping" {
		t.Fatalf("after the refusals: %q, %v", b, err)
	}
}
