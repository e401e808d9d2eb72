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

// coveredElsewhere reports whether a suite needs more than a test PKI
// leaf, and so has tests of its own: SRP (a user and password,
// interop_srp_test.go) and DHE_DSS (a DSA certificate, below).
func coveredElsewhere(cs CipherSuite) bool {
	return strings.HasPrefix(cs.KeyExchange, "srp") || cs.KeyExchange == "dhe_dss"
}

// dheDSSCases lists every DHE_DSS suite with every version it allows.
func dheDSSCases() []struct {
	v  Version
	cs CipherSuite
} {
	var out []struct {
		v  Version
		cs CipherSuite
	}
	for _, v := range []Version{TLSv1_2, TLSv1_1, TLSv1} {
		for _, cs := range suitesFor(v, "dhe_dss") {
			out = append(out, struct {
				v  Version
				cs CipherSuite
			}{v, cs})
		}
	}
	return out
}

// dssServer returns gossl server options with the DSA certificate.
func dssServer(p *testpeers.PKI, t *testing.T) *Options {
	cert, key := p.DSAFiles(t)
	return &Options{CertFile: cert, KeyFile: key}
}

// TestDHEDSSLoopback: every DHE_DSS suite at every version it allows,
// gossl to gossl: the server signs its ServerDHParams with the DSA key
// ({sha256,dsa} at TLS 1.2, DSA over SHA-1 before), and none of the
// suites is in the default list. Named in Ciphers, a DHE_DSS suite makes
// a client offer the DSA pairs without signature_algs.
func TestDHEDSSLoopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, cs := range CipherSuites(SuitesDefault, TLSv1_2) {
		if cs.KeyExchange == "dhe_dss" {
			t.Errorf("%s in the default list", cs.Name)
		}
	}
	cases := dheDSSCases()
	if len(cases) != 6+2*2 {
		t.Fatalf("%d suite/version pairs", len(cases))
	}
	for _, c := range cases {
		t.Run(string(c.v)+"/"+c.cs.Name, func(t *testing.T) {
			so := dssServer(p, t)
			so.Ciphers = []string{c.cs.Name}
			so.Versions = []Version{c.v}
			port, done := startEcho(t, so)
			co := clientOpts(p)
			co.Ciphers = []string{c.cs.Name}
			co.Versions = []Version{c.v}
			s, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			msg := bytes.Repeat([]byte("dss"), 5000)
			if err := s.Send(msg); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Recv(len(msg), 10*time.Second); err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("echo: %v", err)
			}
			info, _ := s.ConnectionInformation("cipher_suite", "signature_algorithm")
			if info[0].Value != c.cs.Name {
				t.Fatalf("info %v", info)
			}
			if c.v == TLSv1_2 && (len(info) < 2 || info[1].Value != "{sha256,dsa}") {
				t.Fatalf("TLS 1.2 signature: %v", info)
			}
			s.Close()
			if err := <-done; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

// TestInteropDHEDSSOpenSSL: every DHE_DSS suite at every version against
// OpenSSL with the DSA certificate (@SECLEVEL=0), both roles.
func TestInteropDHEDSSOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	for _, c := range dheDSSCases() {
		t.Run("openssl-server/"+string(c.v)+"/"+c.cs.Name, func(t *testing.T) {
			_, addr := testpeers.OpenSSLServer(t, "-cert", certFile, "-key", keyFile, opensslVersionFlag[c.v],
				"-cipher", c.cs.OpenSSLName+":@SECLEVEL=0", "-www")
			co := clientOpts(p)
			co.Ciphers = []string{c.cs.Name}
			co.Versions = []Version{c.v}
			if page := wwwPage(t, addr, co); !strings.Contains(page, "Cipher is "+c.cs.OpenSSLName) {
				t.Fatalf("s_server page lacks the suite:\n%s", page)
			}
		})
		t.Run("openssl-client/"+string(c.v)+"/"+c.cs.Name, func(t *testing.T) {
			so := dssServer(p, t)
			so.Ciphers = []string{c.cs.Name}
			so.Versions = []Version{c.v}
			port, done := startReplyServer(t, so)
			cl := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), opensslVersionFlag[c.v],
				"-cipher", c.cs.OpenSSLName+":@SECLEVEL=0", "-CAfile", p.CAFile, "-verify_return_error",
				"-servername", "localhost", "-ign_eof")
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

// TestDHEDSSServerWithoutTLS13: a server whose only certificate is DSA,
// with the default versions, leaves TLS 1.3 out: an OpenSSL client that
// offers TLS 1.3 and 1.2 gets TLS 1.2 with DHE_DSS, and no downgrade
// sentinel in the server random (s_client would refuse one, RFC 8446,
// 4.1.3).
func TestDHEDSSServerWithoutTLS13(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := dssServer(p, t)
	so.Ciphers = []string{"DHE-DSS-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256"}
	port, done := startReplyServer(t, so)
	cl := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-cipher", "DHE-DSS-AES128-GCM-SHA256:@SECLEVEL=0",
		"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof")
	io.WriteString(cl.Stdin, "hello\n")
	cl.Stdin.Close()
	if err := cl.Wait(15 * time.Second); err != nil {
		t.Fatalf("s_client: %v\n%s", err, cl.Output())
	}
	if !strings.Contains(cl.Stdout(), "gossl says TLS_DHE_DSS_WITH_AES_128_GCM_SHA256") || !strings.Contains(cl.Output(), "TLSv1.2") {
		t.Fatalf("s_client:\n%s", cl.Output())
	}
	if err := <-done; err != nil {
		t.Fatalf("gossl server: %v", err)
	}
}

// TestInteropDHEDSSErlang: every TLS 1.2 DHE_DSS suite against Erlang/OTP
// 25 in both roles. OTP 25's default signature_algs has only {sha,dsa}
// for DSA, which gossl leaves out of its defaults (RFC 9155), so the OTP
// side names {sha256,dsa}.
func TestInteropDHEDSSErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	list := suitesFor(TLSv1_2, "dhe_dss")
	sigAlgs := "{signature_algs,[{sha256,dsa},{sha256,rsa},rsa_pss_rsae_sha256]}"
	var n atomic.Int32
	t.Run("erlang-server", func(t *testing.T) {
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{ciphers,%s},%s]",
			certFile, keyFile, erlangSuites(list), sigAlgs))
		for _, cs := range list {
			t.Run(cs.Name, func(t *testing.T) {
				co := clientOpts(p)
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
				so := dssServer(p, t)
				so.Ciphers = []string{cs.Name}
				port, done := startEcho(t, so)
				erlangClientSuite(t, p, port, done, cs, ","+sigAlgs)
				n.Add(1)
			})
		}
	})
	if int(n.Load()) != 2*len(list) {
		t.Errorf("%d of %d handshakes", n.Load(), 2*len(list))
	}
}
