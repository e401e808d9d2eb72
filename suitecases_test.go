package ssl

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// suiteAt is one suite at one version.
type suiteAt struct {
	v  Version
	cs CipherSuite
}

// suitesAt lists the suites of set with one of the key exchanges kxs at
// every version from TLS 1.2 down to 1.0 that allows them.
func suitesAt(set SuiteSet, kxs ...string) []suiteAt {
	var out []suiteAt
	for _, v := range []Version{TLSv1_2, TLSv1_1, TLSv1} {
		for _, cs := range CipherSuites(set, v) {
			for _, k := range kxs {
				if cs.KeyExchange == k {
					out = append(out, suiteAt{v, cs})
				}
			}
		}
	}
	return out
}

// interopOpenSSLSuites runs each case against OpenSSL in both roles:
// s_server with serverArgs (its certificate or -nocert) and a gossl
// client from client(), and s_client with clientArgs against a gossl
// server from server(). Both sides enable only the case's suite and
// version (OpenSSL at @SECLEVEL=0).
func interopOpenSSLSuites(t *testing.T, cases []suiteAt, client, server func() *Options, serverArgs, clientArgs []string) {
	for _, c := range cases {
		if legacyCipher(c.cs) {
			continue // not in this OpenSSL
		}
		cipher := c.cs.OpenSSLName + ":@SECLEVEL=0"
		t.Run("openssl-server/"+string(c.v)+"/"+c.cs.Name, func(t *testing.T) {
			args := append(append([]string(nil), serverArgs...), opensslVersionFlag[c.v], "-cipher", cipher, "-www")
			_, addr := testpeers.OpenSSLServer(t, args...)
			co := client()
			co.Ciphers = []string{c.cs.Name}
			co.Versions = []Version{c.v}
			if page := wwwPage(t, addr, co); !strings.Contains(page, "Cipher is "+c.cs.OpenSSLName) {
				t.Fatalf("s_server page lacks the suite:\n%s", page)
			}
		})
		t.Run("openssl-client/"+string(c.v)+"/"+c.cs.Name, func(t *testing.T) {
			so := server()
			so.Ciphers = []string{c.cs.Name}
			so.Versions = []Version{c.v}
			port, done := startReplyServer(t, so)
			args := append(append([]string(nil), clientArgs...), opensslVersionFlag[c.v], "-cipher", cipher, "-ign_eof")
			cl := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), args...)
			io.WriteString(cl.Stdin, "hello from openssl\n")
			cl.Stdin.Close()
			if err := cl.Wait(15 * time.Second); err != nil {
				t.Fatalf("s_client: %v\n%s", err, cl.Output())
			}
			if !strings.Contains(cl.Stdout(), "gossl says "+c.cs.Name) {
				t.Fatalf("s_client did not get the reply:\n%s", cl.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// interopErlangSuites runs each TLS 1.2 suite of list against Erlang/OTP
// in both roles: an OTP server with serverTerm (its options besides
// versions and ciphers) and a gossl client from client(); an OTP client
// with the extra options extra against a gossl server from server().
func interopErlangSuites(t *testing.T, p *testpeers.PKI, list []CipherSuite, client, server func() *Options, serverTerm, extra string) {
	var n atomic.Int32
	t.Run("erlang-server", func(t *testing.T) {
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.2']},{ciphers,%s}%s]", erlangSuites(list), serverTerm))
		for _, cs := range list {
			t.Run(cs.Name, func(t *testing.T) {
				co := client()
				co.Ciphers = []string{cs.Name}
				s, err := Connect("127.0.0.1", portOf(t, addr), co, 30*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v\n%s", err, srv.Output())
				}
				defer s.Close()
				echo(t, s)
				n.Add(1)
			})
		}
	})
	t.Run("erlang-client", func(t *testing.T) {
		for _, cs := range list {
			t.Run(cs.Name, func(t *testing.T) {
				t.Parallel()
				so := server()
				so.Ciphers = []string{cs.Name}
				port, done := startEcho(t, so)
				erlangClientSuite(t, p, port, done, cs, extra)
				n.Add(1)
			})
		}
	})
	if int(n.Load()) != 2*len(list) {
		t.Errorf("%d of %d handshakes", n.Load(), 2*len(list))
	}
}

// loopbackSuite runs a gossl server (so) and client (co) with only the
// case's suite and version, echoes 20 KB and checks the suite; check adds
// checks on the open client socket. The server side must end cleanly.
func loopbackSuite(t *testing.T, c suiteAt, so, co *Options, check func(*Socket)) {
	t.Helper()
	so.Ciphers, so.Versions = []string{c.cs.Name}, []Version{c.v}
	co.Ciphers, co.Versions = []string{c.cs.Name}, []Version{c.v}
	port, done := startEcho(t, so)
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	msg := bytes.Repeat([]byte("gossl"), 4000)
	if err := s.Send(msg); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Recv(len(msg), 10*time.Second); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo: %v", err)
	}
	if info, _ := s.ConnectionInformation("cipher_suite"); info[0].Value != c.cs.Name {
		t.Fatalf("info %v", info)
	}
	check(s)
	s.Close()
	if err := <-done; err != nil {
		t.Fatalf("server: %v", err)
	}
}
