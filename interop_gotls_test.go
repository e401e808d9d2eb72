//go:debug tlsrsakex=1
//go:debug tls10server=1

package ssl

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// goTLSSuite reports whether crypto/tls implements the suite.
func goTLSSuite(id uint16) bool {
	for _, s := range append(tls.CipherSuites(), tls.InsecureCipherSuites()...) {
		if s.ID == id {
			return true
		}
	}
	return false
}

var goVersions = map[Version]uint16{TLSv1: tls.VersionTLS10, TLSv1_1: tls.VersionTLS11, TLSv1_2: tls.VersionTLS12}

// interopCases lists every (suite, version) pair gossl implements.
func interopCases() []struct {
	suite   CipherSuite
	version Version
} {
	var out []struct {
		suite   CipherSuite
		version Version
	}
	for _, v := range []Version{TLSv1_2, TLSv1_1, TLSv1} {
		for _, cs := range CipherSuites(SuitesAll, v) {
			if needsSecret(cs) || legacyCipher(cs) {
				continue // crypto/tls has no PSK or SRP, and no legacy cipher enabled
			}
			out = append(out, struct {
				suite   CipherSuite
				version Version
			}{cs, v})
		}
	}
	return out
}

func certNameFor(cs CipherSuite) string {
	if cs.KeyExchange == "ecdhe_ecdsa" {
		return "ecdsa"
	}
	return "rsa"
}

func TestInteropGoTLSClient(t *testing.T) {
	p := testpeers.NewPKI(t)
	n := 0
	for _, c := range interopCases() {
		c := c
		t.Run(fmt.Sprintf("%s/%s", c.version, c.suite.Name), func(t *testing.T) {
			if !goTLSSuite(c.suite.ID) {
				t.Skipf("crypto/tls does not implement %s", c.suite.Name)
			}
			so := serverOpts(p, certNameFor(c.suite))
			so.Ciphers = []string{c.suite.Name}
			so.Versions = []Version{c.version}
			port, done := startEcho(t, so)
			conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{
				RootCAs: p.CertPool(), ServerName: "localhost",
				MinVersion: goVersions[c.version], MaxVersion: goVersions[c.version],
				CipherSuites: []uint16{c.suite.ID},
			})
			if err != nil {
				t.Fatalf("crypto/tls client: %v", err)
			}
			echo(t, conn)
			st := conn.ConnectionState()
			if st.CipherSuite != c.suite.ID || st.Version != goVersions[c.version] {
				t.Fatalf("negotiated %x/%x", st.CipherSuite, st.Version)
			}
			conn.Close()
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
			n++
		})
	}
	t.Logf("crypto/tls client -> gossl server: %d suite/version pairs", n)
}

func TestInteropGoTLSServer(t *testing.T) {
	p := testpeers.NewPKI(t)
	n := 0
	for _, c := range interopCases() {
		c := c
		t.Run(fmt.Sprintf("%s/%s", c.version, c.suite.Name), func(t *testing.T) {
			if !goTLSSuite(c.suite.ID) {
				t.Skipf("crypto/tls does not implement %s", c.suite.Name)
			}
			certDER, key := p.Cert(certNameFor(c.suite))
			ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
				Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}},
				MinVersion:   goVersions[c.version], MaxVersion: goVersions[c.version],
				CipherSuites: []uint16{c.suite.ID},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go goEchoOnce(ln)
			co := clientOpts(p)
			co.Ciphers = []string{c.suite.Name}
			co.Versions = []Version{c.version}
			s, err := Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, co, 10*time.Second)
			if err != nil {
				t.Fatalf("gossl client: %v", err)
			}
			defer s.Close()
			echo(t, s)
			info, _ := s.ConnectionInformation("protocol", "cipher_suite")
			if info[0].Value != string(c.version) || info[1].Value != c.suite.Name {
				t.Fatalf("negotiated %v", info)
			}
			n++
		})
	}
	t.Logf("gossl client -> crypto/tls server: %d suite/version pairs", n)
}

// TestInteropGoTLSClientCertificates checks client authentication both ways.
func TestInteropGoTLSClientCertificates(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, client := range []string{"client-rsa", "client-ecdsa"} {
		t.Run("gossl-server/"+client, func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Verify = VerifyPeer
			so.CACertFile = p.CAFile
			port, done := startEcho(t, so)
			certDER, key := p.Cert(client)
			conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{
				RootCAs: p.CertPool(), ServerName: "localhost", MaxVersion: tls.VersionTLS12,
				Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}},
			})
			if err != nil {
				t.Fatal(err)
			}
			echo(t, conn)
			conn.Close()
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
		t.Run("gossl-client/"+client, func(t *testing.T) {
			certDER, key := p.Cert("rsa")
			ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
				Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}},
				MaxVersion:   tls.VersionTLS12, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: p.CertPool(),
			})
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go goEchoOnce(ln)
			co := clientOpts(p)
			co.CertFile, co.KeyFile = p.CertFile(client), p.KeyFile(client)
			s, err := Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, co, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			echo(t, s)
		})
	}
	t.Run("gossl-server/no-client-cert", func(t *testing.T) {
		so := serverOpts(p, "ecdsa")
		so.Verify = VerifyPeer
		so.CACertFile = p.CAFile
		port, done := startEcho(t, so)
		conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{
			RootCAs: p.CertPool(), ServerName: "localhost", MaxVersion: tls.VersionTLS12,
		})
		if err == nil {
			_, err = conn.Read(make([]byte, 1))
		}
		if err == nil {
			t.Fatal("a client without a certificate was accepted")
		}
		if e := <-done; e == nil || !isAlert(e, "handshake_failure") {
			t.Fatalf("server error %v, want handshake_failure", e)
		}
	})
}

func isAlert(err error, desc string) bool {
	a, ok := err.(*Alert)
	return ok && a.Description == desc
}

func goEchoOnce(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.Copy(c, c)
}

// echo sends 100 KB through an echo peer and checks it comes back.
func echo(t *testing.T, c io.ReadWriter) {
	t.Helper()
	msg := bytes.Repeat([]byte("0123456789abcdef"), 6400)
	errc := make(chan error, 1)
	go func() { _, err := c.Write(msg); errc <- err }()
	got := make([]byte, len(msg))
	if d, ok := c.(interface{ SetReadDeadline(time.Time) error }); ok {
		d.SetReadDeadline(time.Now().Add(10 * time.Second))
	}
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("echo read: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("echo write: %v", err)
	}
	if !bytes.Equal(got, msg) {
		t.Fatal("echo mismatch")
	}
}
