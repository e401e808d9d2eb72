package testpeers

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// ReadyTimeout bounds how long a server helper waits for its peer to be
// ready to accept connections.
const ReadyTimeout = 20 * time.Second

// bindRetries is how many fresh ports a server helper tries when the port
// from FreePort was taken in the meantime.
const bindRetries = 3

// OpenSSLServer starts `openssl s_server -accept 127.0.0.1:PORT args...` on
// a free port and waits until it is ready, watching its stdout for "ACCEPT"
// so that no connection is used up by a probe. It returns the process and
// the "127.0.0.1:PORT" address. The server keeps accepting connections
// (one at a time) until the test ends, unless args has -naccept.
//
// With -quiet, s_server prints no "ACCEPT": readiness is then checked by
// connecting to the port (see [WaitPort]), which s_server survives. With
// -dtls or -dtls1_2 the port is a UDP port.
//
// Without -www, -WWW or -rev, s_server prints what it receives to stdout
// and sends what is written to its Stdin. -rev makes it an echo server that
// sends each line back reversed (TLS only: s_server refuses -rev with DTLS);
// -www answers "GET /" with a page that names the protocol and cipher ("New,
// TLSv1.2, Cipher is ..."). Do not close Stdin: s_server quits on EOF (at
// once in DTLS mode).
//
// Recipes:
//
//	// TLS 1.3, ECDSA certificate, one suite, one group:
//	OpenSSLServer(t, "-cert", pki.CertFile("ecdsa"), "-key", pki.KeyFile("ecdsa"),
//		"-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256", "-groups", "X25519")
//	// TLS 1.2, RSA certificate with intermediate, RSA key exchange
//	// (-cert reads only a file's first certificate: add -cert_chain):
//	OpenSSLServer(t, "-cert", pki.ChainFile("rsa"), "-cert_chain", pki.IntermediateFile,
//		"-key", pki.KeyFile("rsa"), "-tls1_2", "-cipher", "AES128-GCM-SHA256")
//	// TLS 1.0 or 1.1: Debian's SECLEVEL 2 refuses them unless lowered:
//	OpenSSLServer(t, "-cert", pki.CertFile("rsa"), "-key", pki.KeyFile("rsa"),
//		"-tls1", "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0")
//	// Require a client certificate (-verify 1 only requests one):
//	OpenSSLServer(t, ..., "-Verify", "1", "-CAfile", pki.CAFile)
//	// Client-initiated renegotiation is refused unless:
//	OpenSSLServer(t, ..., "-client_renegotiation")
//	// NSS key log for decryption: "-keylogfile", path
func OpenSSLServer(t testing.TB, args ...string) (p *Proc, addr string) {
	t.Helper()
	Require(t, "openssl")
	quiet := slices.Contains(args, "-quiet")
	udp := slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "-dtls") })
	for attempt := 1; ; attempt++ {
		var port int
		if udp {
			port = FreeUDPPort(t)
		} else {
			port = FreePort(t)
		}
		addr = net.JoinHostPort("127.0.0.1", fmt.Sprint(port))
		p = Start(t, "openssl", append([]string{"s_server", "-accept", addr}, args...)...)
		var err error
		switch {
		case !quiet:
			err = p.WaitFor("ACCEPT", ReadyTimeout)
		case udp:
			// Nothing to watch and nothing to probe: give it a moment.
			err = p.Wait(500 * time.Millisecond)
			if err != nil && !p.Exited() {
				err = nil
			} else if err == nil {
				err = fmt.Errorf("%s exited early; output:\n%s", p.Name, p.Output())
			}
		default:
			err = waitTCP(p, addr, ReadyTimeout)
		}
		if err == nil {
			return p, addr
		}
		p.Stop()
		if !strings.Contains(p.Output(), "in use") || attempt == bindRetries {
			t.Fatalf("testpeers: openssl s_server not ready: %v", err)
		}
	}
}

// OpenSSLClient starts `openssl s_client -connect addr args...` and returns
// at once; wait for its output with [Proc.WaitFor] or [Proc.WaitLine], or
// for its end with [Proc.Wait].
//
// s_client sends what is written to its Stdin. Closing Stdin makes it close
// the connection and exit, unless -ign_eof or -quiet (which implies
// -ign_eof) is given: then it waits for the server to close. Typed commands
// ("R\n" renegotiate, "k\n"/"K\n" KeyUpdate, "Q\n" quit) work only without
// -quiet and -ign_eof.
//
// Recipes:
//
//	// Verify the server against the PKI (s_client only warns otherwise):
//	OpenSSLClient(t, addr, "-CAfile", pki.CAFile, "-verify_return_error",
//		"-servername", "localhost", "-verify_hostname", "localhost")
//	// TLS 1.1 with a legacy suite (SECLEVEL 2 refuses it otherwise):
//	OpenSSLClient(t, addr, "-tls1_1", "-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0")
//	// Client certificate:
//	OpenSSLClient(t, addr, "-cert", pki.CertFile("client-ecdsa"), "-key", pki.KeyFile("client-ecdsa"))
//	// Resumption: "-sess_out", file, then a second client with "-sess_in", file
//	// (or "-reconnect"); "-no_ticket" for session IDs.
//
// On success s_client prints "Protocol  : TLSv1.3" and "Cipher    : NAME"
// (or, in TLS 1.3, "New, TLSv1.3, Cipher is NAME").
func OpenSSLClient(t testing.TB, addr string, args ...string) *Proc {
	t.Helper()
	Require(t, "openssl")
	return Start(t, "openssl", append([]string{"s_client", "-connect", addr}, args...)...)
}

// waitTCP polls addr with TCP dials until one connects, p exits, or timeout
// passes. See [WaitPort] for the caveat.
func waitTCP(p *Proc, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if p.Exited() {
			return fmt.Errorf("%s exited; output:\n%s", p.Name, p.Output())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %s not accepting after %v: %v", p.Name, addr, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
