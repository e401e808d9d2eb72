package testpeers

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
)

// GnuTLSServer starts `gnutls-serv -p PORT args...` on a free port and waits
// until it listens, watching its output (so no connection is used up). It
// returns the process and the "127.0.0.1:PORT" address; connect only to
// that address, although gnutls-serv listens on all interfaces (it cannot
// bind one address). With -u/--udp the port is a UDP port (DTLS 1.2).
//
// gnutls-serv is an HTTP server by default, answering any request with a
// page describing the session; --echo makes it echo each line back. It
// keeps accepting connections until the test ends.
//
// Recipes:
//
//	GnuTLSServer(t, "--echo", "--x509certfile", pki.CertFile("ecdsa"),
//		"--x509keyfile", pki.KeyFile("ecdsa"))
//	// A certificate chain: --x509certfile reads every certificate of the file:
//	GnuTLSServer(t, "--echo", "--x509certfile", pki.ChainFile("rsa"), "--x509keyfile", pki.KeyFile("rsa"))
//	// Versions and suites through a priority string:
//	GnuTLSServer(t, ..., "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-RSA")
//	// Require a client certificate:
//	GnuTLSServer(t, ..., "--require-client-cert", "--x509cafile", pki.CAFile)
//	// PSK: "--pskpasswd", file with lines "user:hexkey"; SRP: "--srppasswd",
//	// "--srppasswdconf" (files made with srptool).
func GnuTLSServer(t testing.TB, args ...string) (p *Proc, addr string) {
	t.Helper()
	Require(t, "gnutls-serv")
	udp := slices.Contains(args, "-u") || slices.Contains(args, "--udp")
	for attempt := 1; ; attempt++ {
		var port int
		if udp {
			port = FreeUDPPort(t)
		} else {
			port = FreePort(t)
		}
		addr = net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
		p = Start(t, "gnutls-serv", append([]string{"-p", fmt.Sprint(port)}, args...)...)
		// It prints "... listening on IPv4 0.0.0.0 port N...done", or
		// "...bind() failed: ..." and goes on with IPv6 only.
		marker := fmt.Sprintf("IPv4 0.0.0.0 port %d...", port)
		var result string
		ok, _ := p.await(ReadyTimeout, func() bool {
			for _, out := range []string{p.stderr.String(), p.stdout.String()} {
				if i := strings.Index(out, marker); i >= 0 {
					rest := out[i+len(marker):]
					if j := strings.IndexByte(rest, '\n'); j >= 0 {
						result = rest[:j]
						return true
					}
				}
			}
			return false
		})
		if ok && result == "done" {
			return p, addr
		}
		p.Stop()
		if !ok || attempt == bindRetries {
			t.Fatalf("testpeers: gnutls-serv not ready: %v", p.waitError(fmt.Sprintf("%q", marker+"done"), ReadyTimeout, p.Exited()))
		}
	}
}

// GnuTLSClient starts `gnutls-cli -p PORT args... 127.0.0.1` for addr (which
// must be on 127.0.0.1) and returns at once; wait for its output with
// [Proc.WaitFor] and for its end with [Proc.Wait].
//
// gnutls-cli verifies the server against the system's CAs unless given
// --x509cafile (or --insecure); it checks the certificate against the name
// 127.0.0.1 unless --verify-hostname is given. It sends what is written to
// Stdin and prints what it receives; closing Stdin makes it close the
// connection and exit. On success it prints "- Description:
// (TLS1.3-X.509)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-128-GCM)" and
// "- Handshake was completed".
//
//	GnuTLSClient(t, addr, "--x509cafile", pki.CAFile)
//	GnuTLSClient(t, addr, "--x509cafile", pki.CAFile, "--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2",
//		"--x509certfile", pki.CertFile("client-rsa"), "--x509keyfile", pki.KeyFile("client-rsa"))
//	// Resumption and renegotiation: "--resume", "--rehandshake".
func GnuTLSClient(t testing.TB, addr string, args ...string) *Proc {
	t.Helper()
	Require(t, "gnutls-cli")
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("testpeers: GnuTLSClient: address %q is not 127.0.0.1:PORT", addr)
	}
	return Start(t, "gnutls-cli", append(append([]string{"-p", port}, args...), host)...)
}
