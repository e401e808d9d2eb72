package ssl

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// serverOpts returns server options for the PKI certificate name.
func serverOpts(p *testpeers.PKI, name string) *Options {
	return &Options{CertFile: p.CertFile(name), KeyFile: p.KeyFile(name), IP: net.IPv4(127, 0, 0, 1)}
}

// clientOpts verifies against the test CA.
func clientOpts(p *testpeers.PKI) *Options {
	return &Options{CACertFile: p.CAFile, ServerNameIndication: "localhost"}
}

// forgetNewPort drops what the process's client caches hold for the port
// a new test listener got: ports are reused within a run, and a client
// would otherwise resume, with a server of another test, a session made
// with an earlier one (the server side shares its default store too).
func forgetNewPort(ls *ListenSocket) {
	forgetClientSessions(ls.Port())
}

// startEcho runs a gossl echo server for one connection and returns its
// port and a channel with the server-side error.
func startEcho(t *testing.T, opts *Options) (int, <-chan error) {
	t.Helper()
	ls, err := Listen(0, opts)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { ls.Close() })
	forgetNewPort(ls)
	done := make(chan error, 1)
	go func() {
		// Generous: an Erlang VM can take many seconds to start on a
		// loaded 2-core machine.
		s, err := ls.TransportAccept(60 * time.Second)
		if err != nil {
			done <- err
			return
		}
		done <- echoSocket(s, 10*time.Second)
	}()
	return ls.Port(), done
}

// echoSocket handshakes s and sends back what it receives until the peer
// closes (nil then) or something fails; it closes s.
func echoSocket(s *Socket, timeout time.Duration) error {
	defer s.Close()
	if err := s.Handshake(timeout); err != nil {
		return err
	}
	for {
		b, err := s.Recv(0, timeout)
		if err != nil {
			if err == ErrClosed {
				err = nil
			}
			return err
		}
		if err := s.Send(b); err != nil {
			return err
		}
	}
}

func TestLoopbackEveryDefaultSuite(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, cs := range CipherSuites(SuitesAll, TLSv1_2) {
		cs := cs
		if coveredElsewhere(cs) {
			continue // SRP needs a user and password (TestSRPLoopback), DHE_DSS a DSA certificate (dhedss_test.go)
		}
		t.Run(cs.Name, func(t *testing.T) {
			name := "rsa"
			if cs.KeyExchange == "ecdhe_ecdsa" {
				name = "ecdsa"
			}
			so := serverOpts(p, name)
			so.Ciphers = []string{cs.Name}
			co := clientOpts(p)
			co.Ciphers = []string{cs.Name}
			if isPSKSuite(cs) {
				withPSK(so, true)
				withPSK(co, false)
			}
			port, done := startEcho(t, so)
			s, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			msg := bytes.Repeat([]byte("gossl"), 10000)
			if err := s.Send(msg); err != nil {
				t.Fatal(err)
			}
			got, err := s.Recv(len(msg), 10*time.Second)
			if err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("echo: %v (%d bytes)", err, len(got))
			}
			info, _ := s.ConnectionInformation("protocol", "cipher_suite")
			if info[0].Value != "tlsv1.2" || info[1].Value != cs.Name {
				t.Fatalf("info %v", info)
			}
			s.Close()
			if err := <-done; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}
