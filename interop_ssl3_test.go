package ssl

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/testpeers"
)

// ssl3TLSLiteSuites are the SSL 3.0 suites tlslite-ng 0.8.2 has, with its
// cipher and MAC names. It has no single DES and no DSA.
var ssl3TLSLiteSuites = []struct{ name, cipher, mac string }{
	{"AES128-SHA", "aes128", "sha"},
	{"AES256-SHA", "aes256", "sha"},
	{"DES-CBC3-SHA", "3des", "sha"},
	{"RC4-SHA", "rc4", "sha"},
	{"RC4-MD5", "rc4", "md5"},
	{"DHE-RSA-AES128-SHA", "aes128", "sha"},
	{"EDH-RSA-DES-CBC3-SHA", "3des", "sha"},
}

// TestInteropSSL3TLSLite: SSL 3.0 with tlslite-ng, a peer written apart
// from gossl, in both roles, for every suite both have: the MAC with MD5
// (48-byte pads) and SHA-1 (40-byte pads), the CBC and RC4 records, RSA
// key transport without the length prefix, DHE_RSA, and the 36-byte
// Finished. Then client certificates both ways (the SSL 3.0
// CertificateVerify of RFC 6101, 5.6.8) and a gossl client without one
// answering tlslite's CertificateRequest with no_certificate (5.6.6).
// Skipped when /usr/bin/python3 cannot import tlslite (testpeers.TLSLite).
func TestInteropSSL3TLSLite(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.TLSLite(t) // skip early if it is missing
	for _, c := range ssl3TLSLiteSuites {
		t.Run("tlslite-client/"+c.name, func(t *testing.T) {
			so := serverOpts(p, "rsa")
			so.Versions, so.Ciphers = []Version{SSLv3}, []string{c.name}
			port, done := startEcho(t, so)
			out := runTLSLiteClient(t, port, c.cipher, c.mac)
			wantTLSLiteSuite(t, out, c.name)
			if err := <-done; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
		t.Run("tlslite-server/"+c.name, func(t *testing.T) {
			co := clientOpts(p)
			co.Versions, co.Ciphers, co.ReuseSessions = []Version{SSLv3}, []string{c.name}, Bool(false)
			srv, port := startTLSLiteServer(t, p, c.cipher, c.mac, false)
			ssl3EchoWith(t, srv, port, co)
			wantTLSLiteSuite(t, srv.Output(), c.name)
		})
	}
	t.Run("client-certificate/tlslite-server", func(t *testing.T) {
		for _, withCert := range []bool{true, false} {
			co := clientOpts(p)
			co.Versions, co.Ciphers, co.ReuseSessions = []Version{SSLv3}, []string{"AES128-SHA"}, Bool(false)
			if withCert {
				co.CertFile, co.KeyFile = p.CertFile("client-rsa"), p.KeyFile("client-rsa")
			}
			srv, port := startTLSLiteServer(t, p, "aes128", "sha", true)
			ssl3EchoWith(t, srv, port, co)
			if got := strings.Contains(srv.Output(), "CLIENTCERT yes"); got != withCert {
				t.Fatalf("certificate %v: tlslite saw one: %v\n%s", withCert, got, srv.Output())
			}
		}
	})
	t.Run("client-certificate/tlslite-client", func(t *testing.T) {
		so := serverOpts(p, "rsa")
		so.Versions, so.Ciphers = []Version{SSLv3}, []string{"AES128-SHA"}
		so.Verify, so.CACertFile = VerifyPeer, p.CAFile
		port, done := startEcho(t, so)
		runTLSLiteClient(t, port, "aes128", "sha", p.CertFile("client-rsa"), p.KeyFile("client-rsa"))
		if err := <-done; err != nil {
			t.Fatalf("server: %v", err)
		}
	})
}

// runTLSLiteClient runs the tlslite client against 127.0.0.1:port and
// returns its output once it has checked its echo.
func runTLSLiteClient(t *testing.T, port int, cipher, mac string, certKey ...string) string {
	t.Helper()
	args := append([]string{"client", fmt.Sprint(port), cipher, mac}, certKey...)
	cl := testpeers.StartCmd(t, testpeers.TLSLite(t, args...))
	if err := cl.Wait(30 * time.Second); err != nil || !strings.Contains(cl.Output(), "ECHO ok") {
		t.Fatalf("tlslite client: %v\n%s", err, cl.Output())
	}
	return cl.Output()
}

// startTLSLiteServer starts the tlslite echo server for one connection
// and returns it with its port (which it binds itself: no race for a
// free port).
func startTLSLiteServer(t *testing.T, p *testpeers.PKI, cipher, mac string, reqCert bool) (*testpeers.Proc, int) {
	t.Helper()
	req := "0"
	if reqCert {
		req = "1"
	}
	srv := testpeers.StartCmd(t, testpeers.TLSLite(t, "server", p.CertFile("rsa"), p.KeyFile("rsa"), cipher, mac, req))
	line, err := srv.WaitLine("READY ", 30*time.Second)
	if err != nil {
		t.Fatalf("tlslite server: %v\n%s", err, srv.Output())
	}
	port, err := strconv.Atoi(strings.TrimPrefix(line, "READY "))
	if err != nil {
		t.Fatalf("tlslite server: %q", line)
	}
	return srv, port
}

// ssl3EchoWith connects to the tlslite server srv with co, checks SSL 3.0
// and an echo, closes, and waits for the server to end.
func ssl3EchoWith(t *testing.T, srv *testpeers.Proc, port int, co *Options) {
	t.Helper()
	s, err := Connect("127.0.0.1", port, co, 30*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v\n%s", err, srv.Output())
	}
	msg := bytes.Repeat([]byte("sslv3 "), 400)
	if err := s.Send(msg); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recv(len(msg), 30*time.Second)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo: %v (%d bytes)\n%s", err, len(got), srv.Output())
	}
	if info, _ := s.ConnectionInformation("protocol"); info[0].Value != string(SSLv3) {
		t.Fatalf("protocol %v", info[0].Value)
	}
	s.Close()
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Fatalf("tlslite server: %v\n%s", err, srv.Output())
	}
}

// wantTLSLiteSuite checks tlslite's "VERSION 3.0 SUITE 0x...." line.
func wantTLSLiteSuite(t *testing.T, out, name string) {
	t.Helper()
	want := fmt.Sprintf("VERSION 3.0 SUITE 0x%04x", suites.ByName(name).ID)
	if !strings.Contains(out, want) {
		t.Fatalf("tlslite did not report %q:\n%s", want, out)
	}
}
