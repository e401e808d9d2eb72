package ssl

import (
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// erlangSuites renders suites as an Erlang list of OTP cipher-suite maps.
func erlangSuites(list []CipherSuite) string {
	var parts []string
	for _, cs := range list {
		parts = append(parts, cs.ErlangString())
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// otpLacks reports whether OTP 25 refuses cs in its ciphers option: the
// AES-CCM suites of RSA and DHE_RSA (RFC 6655), which it names but does
// not implement (TestInteropRSACCMOpenSSL tests them against OpenSSL).
func otpLacks(cs CipherSuite) bool {
	return (cs.KeyExchange == "rsa" || cs.KeyExchange == "dhe_rsa") && strings.Contains(cs.Cipher, "_ccm")
}

// suitesFor lists the suites of "all" at v with one of the key
// exchanges kx that OTP 25 has.
func suitesFor(v Version, kx ...string) []CipherSuite {
	var out []CipherSuite
	for _, cs := range CipherSuites(SuitesAll, v) {
		if otpLacks(cs) {
			continue
		}
		for _, k := range kx {
			if cs.KeyExchange == k {
				out = append(out, cs)
			}
		}
	}
	return out
}

// TestInteropErlangServer: gossl client against an Erlang/OTP ssl server,
// every TLS 1.2 suite.
func TestInteropErlangServer(t *testing.T) {
	p := testpeers.NewPKI(t)
	var n atomic.Int32
	for _, cert := range []string{"rsa", "ecdsa"} {
		kxs := []string{"ecdhe_rsa", "dhe_rsa", "rsa"}
		if cert == "ecdsa" {
			kxs = []string{"ecdhe_ecdsa"}
		}
		list := suitesFor(TLSv1_2, kxs...)
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(
			"[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{ciphers,%s}]",
			p.CertFile(cert), p.KeyFile(cert), erlangSuites(list)))
		_, portStr, _ := net.SplitHostPort(addr)
		var port int
		fmt.Sscan(portStr, &port)
		for _, cs := range list {
			t.Run(cs.Name, func(t *testing.T) {
				co := clientOpts(p)
				co.Ciphers = []string{cs.Name}
				s, err := Connect("127.0.0.1", port, co, 20*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v\n%s", err, srv.Output())
				}
				defer s.Close()
				echo(t, s)
				n.Add(1)
			})
		}
	}
	t.Logf("gossl client -> Erlang/OTP server: %d TLS 1.2 suites", n.Load())
}

// TestInteropErlangClient: Erlang/OTP ssl clients against a gossl server,
// every TLS 1.2 suite (and client certificates).
func TestInteropErlangClient(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	var n atomic.Int32
	t.Run("suites", func(t *testing.T) {
		for _, cs := range CipherSuites(SuitesAll, TLSv1_2) {
			if needsSecret(cs) || needsOwnCert(cs) || otpLacks(cs) {
				continue // see TestInteropPSKErlang, TestInteropSRPErlang, TestInteropDHEDSSErlang, TestInteropStaticECDHErlang, TestInteropRSACCMOpenSSL
			}
			t.Run(cs.Name, func(t *testing.T) {
				t.Parallel()
				so := serverOpts(p, certNameFor(cs))
				so.Ciphers = []string{cs.Name}
				port, done := startEcho(t, so)
				erlangClientSuite(t, p, port, done, cs, "")
				n.Add(1)
			})
		}
	})
	t.Run("client-certificate", func(t *testing.T) {
		so := serverOpts(p, "ecdsa")
		so.Verify = VerifyPeer
		so.CACertFile = p.CAFile
		port, done := startEcho(t, so)
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
			"[{versions,['tlsv1.2']},{verify,verify_none},{certfile,%q},{keyfile,%q}]",
			p.CertFile("client-rsa"), p.KeyFile("client-rsa")), "with a client certificate")
		if _, _, err := testpeers.ErlangHandshake(c, 30*time.Second); err != nil {
			t.Fatalf("Erlang client: %v\n%s", err, c.Output())
		}
		if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
	t.Logf("Erlang/OTP client -> gossl server: %d TLS 1.2 suites", n.Load())
}

// erlangClientSuite runs an Erlang/OTP TLS 1.2 client offering only cs
// (extra: more options, "" for none) against the gossl server at port,
// whose startEcho result is done, and checks the suite and the echo.
func erlangClientSuite(t *testing.T, p *testpeers.PKI, port int, done <-chan error, cs CipherSuite, extra string) {
	t.Helper()
	c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
		"[{versions,['tlsv1.2']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"},{ciphers,%s}%s]",
		p.CAFile, erlangSuites([]CipherSuite{cs}), extra), strings.Repeat("erlang->gossl ", 40))
	awaitErlangClient(t, c, TLSv1_2, cs.Name, done)
}
