package ssl

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// silentPeer listens on 127.0.0.1 and holds every connection open without
// a byte, so that a handshake against it can only end by timeout or
// cancellation.
func silentPeer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// isDeadline checks what every passed deadline satisfies: ErrTimeout,
// os.ErrDeadlineExceeded and net.Error with Timeout().
func isDeadline(t *testing.T, what string, err error) {
	t.Helper()
	var ne net.Error
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("%s: %v (%T) is not a timeout for ErrTimeout, os.ErrDeadlineExceeded and net.Error", what, err, err)
	}
}

// TestErrorsClosed: Accept on a closed listener and Read on a closed
// socket satisfy net.ErrClosed (what net/http's Serve tests for) as well
// as ErrClosed.
func TestErrorsClosed(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := quietServerOpts(p)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	client, server := pair(t, so, clientOpts(p))
	server.Close()
	client.Close()
	if _, err := client.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) || !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v", err)
	}
	ls.Close()
	if _, err := ls.Accept(); !errors.Is(err, net.ErrClosed) || !errors.Is(err, ErrClosed) {
		t.Errorf("Accept after Close: %v", err)
	}
	if _, err := ls.TransportAccept(0); !errors.Is(err, net.ErrClosed) || !errors.Is(err, ErrClosed) {
		t.Errorf("TransportAccept after Close: %v", err)
	}
}

// TestErrorsContextAndDeadline: a handshake ended by a context's
// deadline wraps context.DeadlineExceeded, one it cancels returns
// context.Canceled, and every passed deadline (Connect's timeout, the
// server's HandshakeContext, Recv's timeout) is a timeout for errors.Is
// and net.Error.
func TestErrorsContextAndDeadline(t *testing.T) {
	p := testpeers.NewPKI(t)
	port := silentPeer(t)
	co := clientOpts(p)
	co.LogAlert = Bool(false)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	_, err := ConnectContext(ctx, "127.0.0.1", port, co, 0)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ConnectContext past its deadline: %v, want context.DeadlineExceeded", err)
	}
	isDeadline(t, "ConnectContext past its deadline", err)

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := ConnectContext(ctx, "127.0.0.1", port, co, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("ConnectContext cancelled: %v, want context.Canceled", err)
	}

	_, err = Connect("127.0.0.1", port, co, 200*time.Millisecond)
	isDeadline(t, "Connect past its timeout", err)

	// The server side: a client that connects and says nothing.
	so := quietServerOpts(p)
	_, s := plainClient(t, so)
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	err = s.HandshakeContext(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("HandshakeContext past its deadline: %v, want context.DeadlineExceeded", err)
	}
	isDeadline(t, "HandshakeContext past its deadline", err)

	client, _ := pair(t, so, clientOpts(p))
	_, err = client.Recv(0, 100*time.Millisecond)
	isDeadline(t, "Recv past its timeout", err)
	// Read past a deadline returns the transport's error, as a net.Conn
	// does (not ErrTimeout, which is Erlang's {error, timeout}).
	client.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = client.Read(make([]byte, 1))
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("Read past its deadline: %v", err)
	}
}

// TestErrorsCertificate: a verification failure is a *CertificateError
// with the reason, the certificate and the names it covers; Error() is
// one line, lower-case, says what to set; FormatError keeps Erlang's
// sentence.
func TestErrorsCertificate(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := quietServerOpts(p)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	go func() {
		for {
			c, err := ls.Accept()
			if err != nil {
				return
			}
			go func() { c.Read(make([]byte, 1)); c.Close() }()
		}
	}()
	for _, tc := range []struct {
		name, reason, alert, hint, otp string
		opts                           *Options
	}{
		{"unknown_ca", "unknown_ca", "unknown_ca", "set CACertFile or CACerts",
			"TLS client: In state wait_cert_cr generated CLIENT ALERT: Fatal - Unknown CA",
			&Options{ServerNameIndication: "localhost"}},
		{"hostname", "hostname_check_failed", "handshake_failure", "set ServerNameIndication",
			"TLS client: In state wait_cert_cr generated CLIENT ALERT: Fatal - Handshake Failure",
			&Options{CACertFile: p.CAFile, ServerNameIndication: "other.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.LogAlert = Bool(false)
			_, err := Connect("127.0.0.1", ls.Port(), tc.opts, 5*time.Second)
			var ce *CertificateError
			if !errors.As(err, &ce) {
				t.Fatalf("%v (%T) is not a *CertificateError", err, err)
			}
			if ce.Reason != tc.reason || ce.Cert == nil || !strings.Contains(strings.Join(ce.Names, " "), "localhost") {
				t.Errorf("CertificateError %+v", ce)
			}
			msg := err.Error()
			if strings.ContainsAny(msg, "\r\n") || msg != strings.ToLower(msg[:1])+msg[1:] ||
				!strings.Contains(msg, tc.reason) || !strings.Contains(msg, tc.hint) || !strings.Contains(msg, "localhost") {
				t.Errorf("Error() = %q", msg)
			}
			if got := FormatError(err); !strings.HasPrefix(got, tc.otp) {
				t.Errorf("FormatError = %q, want it to start %q", got, tc.otp)
			}
			if !errors.Is(err, NewAlert(tc.alert)) {
				t.Errorf("%v: the alert does not match errors.Is", err)
			}
		})
	}
}

// TestErrorsNotTLS: a peer that does not speak TLS (a plain HTTP server
// to a client, a plain HTTP request to a server) is reported as such.
func TestErrorsNotTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	const want = "first record does not look like a TLS handshake (the peer speaks plain HTTP"

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		c.Read(make([]byte, 512))
	}()
	co := clientOpts(p)
	co.LogAlert = Bool(false)
	_, err = Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, co, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), want) || strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("client to a plain HTTP server: %v", err)
	}

	so := quietServerOpts(p)
	c, s := plainClient(t, so)
	go c.Write([]byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"))
	if err := s.Handshake(5 * time.Second); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("server given a plain HTTP request: %v", err)
	}
}

// plainClient listens with so, connects to it over plain TCP and returns
// that connection and the accepted socket, not yet handshaken. Both are
// closed at the end of the test.
func plainClient(t *testing.T, so *Options) (net.Conn, *Socket) {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	c, err := net.Dial("tcp", ls.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := ls.TransportAccept(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return c, s
}

// quietServerOpts are the "ecdsa" server options, alerts not logged: the
// tests here provoke them.
func quietServerOpts(p *testpeers.PKI) *Options {
	so := serverOpts(p, "ecdsa")
	so.LogAlert = Bool(false)
	return so
}
