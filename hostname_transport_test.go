package ssl

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// connectOverConn runs one handshake over a connected pair of transports
// that are not TCP (so the client has no peer IP address to check) and
// returns the client's and the server's errors.
func connectOverConn(t *testing.T, cc, sc net.Conn, so, co *Options) (clientErr, serverErr error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		s, err := HandshakeConn(sc, so, 5*time.Second)
		if err == nil {
			// Wait for the client's verdict: data, or its alert.
			_, err = s.Recv(0, 5*time.Second)
			if errors.Is(err, ErrClosed) {
				err = nil
			}
		}
		sc.Close()
		done <- err
	}()
	co.LogAlert = Bool(false)
	c, cerr := ConnectConn(cc, co, 5*time.Second)
	if cerr == nil {
		cerr = c.Send([]byte("x"))
	}
	// The transports are closed under the sockets: over net.Pipe, where a
	// write waits for the other side to read, two close_notify written at
	// once would each wait for the socket's close timeout.
	cc.Close()
	select {
	case serr := <-done:
		return cerr, serr
	case <-time.After(10 * time.Second):
		t.Fatal("server handshake did not end")
	}
	return cerr, nil
}

// unixPair returns both ends of a unix-domain stream connection.
func unixPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("unix sockets: %v", err)
	}
	defer ln.Close()
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			ch <- nil
			return
		}
		ch <- c
	}()
	client, err = net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	if server = <-ch; server == nil {
		t.Fatal("unix accept failed")
	}
	return client, server
}

// TestVerifyPeerNeedsReferenceName: ConnectConn over a transport without
// an IP address (net.Pipe, a unix socket) and without
// server_name_indication has no name to check the server's certificate
// against. verify_peer then fails closed with an option error naming
// server_name_indication, instead of accepting a certificate for any name.
// An explicit server_name_indication checks that name; disable skips the
// check, as in OTP; a verify_fun is told hostname_check_failed and decides.
func TestVerifyPeerNeedsReferenceName(t *testing.T) {
	p := newVPKI(t, "RefName")
	srv := p.leaf("server", func(c *x509.Certificate) {
		c.DNSNames, c.IPAddresses = []string{"server.example"}, nil
	})
	transports := map[string]func(t *testing.T) (net.Conn, net.Conn){
		"pipe": func(*testing.T) (net.Conn, net.Conn) { return net.Pipe() },
		"unix": unixPair,
	}
	for name, pair := range transports {
		t.Run(name, func(t *testing.T) {
			// No reference name: an option error before any byte is sent.
			cc, sc := pair(t)
			cerr, _ := connectOverConn(t, cc, sc, p.serverOpts(srv), p.clientOpts())
			var oe *OptionError
			if !errors.As(cerr, &oe) || oe.Name != "server_name_indication" {
				t.Fatalf("no reference name: client %v, want an option error naming server_name_indication", cerr)
			}

			co := p.clientOpts()
			co.ServerNameIndication = "server.example"
			cc, sc = pair(t)
			if cerr, serr := connectOverConn(t, cc, sc, p.serverOpts(srv), co); cerr != nil || serr != nil {
				t.Fatalf("server_name_indication server.example: client %v, server %v", cerr, serr)
			}

			co = p.clientOpts()
			co.ServerNameIndication = "evil.example"
			cc, sc = pair(t)
			if cerr, _ := connectOverConn(t, cc, sc, p.serverOpts(srv), co); badCertReason(cerr) != "hostname_check_failed" {
				t.Fatalf("server_name_indication evil.example: client %v, want hostname_check_failed", cerr)
			}

			co = p.clientOpts()
			co.ServerNameIndication = "disable"
			cc, sc = pair(t)
			if cerr, serr := connectOverConn(t, cc, sc, p.serverOpts(srv), co); cerr != nil || serr != nil {
				t.Fatalf("server_name_indication disable: client %v, server %v", cerr, serr)
			}

			// A verify_fun sees the failed check and decides.
			for _, accept := range []bool{false, true} {
				var saw bool
				co = p.clientOpts()
				co.VerifyFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
					if ev.Kind == EventBadCert {
						saw = saw || ev.Reason == "hostname_check_failed"
						if !accept {
							return VerifyFail(ev.Reason), st
						}
					}
					return VerifyValid, st
				}}
				cc, sc = pair(t)
				cerr, _ := connectOverConn(t, cc, sc, p.serverOpts(srv), co)
				if !saw {
					t.Fatalf("verify_fun (accept %v) was not told hostname_check_failed (client %v)", accept, cerr)
				}
				if accept != (cerr == nil) {
					t.Fatalf("verify_fun accept %v: client %v", accept, cerr)
				}
				if !accept && badCertReason(cerr) != "hostname_check_failed" {
					t.Fatalf("verify_fun fail: client %v, want hostname_check_failed", cerr)
				}
			}

			// verify_none has nothing to check.
			co = p.clientOpts()
			co.Verify = VerifyNone
			cc, sc = pair(t)
			if cerr, serr := connectOverConn(t, cc, sc, p.serverOpts(srv), co); cerr != nil || serr != nil {
				t.Fatalf("verify_none: client %v, server %v", cerr, serr)
			}
		})
	}
}

// TestSNIDisableSkipsHostnameCheckAsOTP: server_name_indication disable
// skips the hostname check in OTP 25 as in gossl (a certificate for
// server.example is accepted at 127.0.0.1), while without it OTP checks
// the address and fails with hostname_check_failed, as gossl does.
func TestSNIDisableSkipsHostnameCheckAsOTP(t *testing.T) {
	p := newVPKI(t, "SNIDisable")
	srv := p.leaf("server", func(c *x509.Certificate) {
		c.DNSNames, c.IPAddresses = []string{"server.example"}, nil
	})
	co := p.clientOpts()
	cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co)
	if badCertReason(cerr) != "hostname_check_failed" {
		t.Fatalf("gossl, no server_name_indication: %v, want hostname_check_failed", cerr)
	}
	co.ServerNameIndication = "disable"
	if cerr, serr, _ := handshakeOnce(t, p.serverOpts(srv), co); cerr != nil || serr != nil {
		t.Fatalf("gossl, server_name_indication disable: client %v, server %v", cerr, serr)
	}

	testpeers.Require(t, "erl")
	rootFile := p.writePEM("root.pem", "CERTIFICATE", p.root.cert.Raw)
	for _, tc := range []struct{ extra, want string }{
		{"", "hostname_check_failed"},
		{",{server_name_indication,disable}", ""},
	} {
		port, _ := startEcho(t, p.serverOpts(srv))
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
			"[{versions,['tlsv1.2']},{verify,verify_peer},{cacertfile,%q}%s]", rootFile, tc.extra), "x")
		_, _, err := testpeers.ErlangHandshake(c, 60*time.Second)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Fatalf("Erlang client%s: %v, want %q\n%s", tc.extra, err, tc.want, c.Output())
		}
	}
}
