package ssl

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// goCurve maps gossl group names to crypto/tls curve IDs.
var goCurve = map[string]tls.CurveID{
	"x25519mlkem768": tls.X25519MLKEM768, "x25519": tls.X25519,
	"secp256r1": tls.CurveP256, "secp384r1": tls.CurveP384, "secp521r1": tls.CurveP521,
}

var opensslGroup = map[string]string{"x25519": "X25519", "secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}

func port(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}

// TestInterop13GoTLS: TLS 1.3 with crypto/tls in both roles, every suite
// it has and every group (X25519MLKEM768 included), both certificate types.
func TestInterop13GoTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	n := 0
	for _, cs := range CipherSuites(SuitesAll, TLSv1_3) {
		if !goTLSSuite(cs.ID) {
			t.Logf("crypto/tls lacks %s", cs.Name)
			continue
		}
		for _, group := range []string{"x25519mlkem768", "x25519", "secp256r1", "secp384r1", "secp521r1"} {
			for _, cert := range []string{"ecdsa", "rsa"} {
				name := cs.Name + "/" + group + "/" + cert
				t.Run("go-client/"+name, func(t *testing.T) {
					so := serverOpts(p, cert)
					so.Ciphers, so.SupportedGroups = []string{cs.Name}, []string{group}
					port, done := startEcho(t, so)
					conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{
						RootCAs: p.CertPool(), ServerName: "localhost", MinVersion: tls.VersionTLS13,
						CurvePreferences: []tls.CurveID{goCurve[group]},
					})
					if err != nil {
						t.Fatalf("crypto/tls client: %v", err)
					}
					echo(t, conn)
					st := conn.ConnectionState()
					if st.Version != tls.VersionTLS13 || st.CipherSuite != cs.ID || st.CurveID != goCurve[group] {
						t.Fatalf("negotiated %x %x %v", st.Version, st.CipherSuite, st.CurveID)
					}
					conn.Close()
					if err := <-done; err != nil {
						t.Fatalf("gossl server: %v", err)
					}
					n++
				})
				t.Run("gossl-client/"+name, func(t *testing.T) {
					certDER, key := p.Cert(cert)
					ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
						Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}},
						MinVersion:   tls.VersionTLS13, CurvePreferences: []tls.CurveID{goCurve[group]},
					})
					if err != nil {
						t.Fatal(err)
					}
					defer ln.Close()
					go goEchoOnce(ln)
					co := clientOpts(p)
					co.Ciphers, co.SupportedGroups = []string{cs.Name}, []string{group}
					s, err := Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, co, 10*time.Second)
					if err != nil {
						t.Fatalf("gossl client: %v", err)
					}
					defer s.Close()
					echo(t, s)
					info, _ := s.ConnectionInformation("protocol", "cipher_suite", "selected_group")
					if info[0].Value != "tlsv1.3" || info[1].Value != cs.Name || info[2].Value != group {
						t.Fatalf("negotiated %v", info)
					}
					n++
				})
			}
		}
	}
	t.Logf("TLS 1.3 with crypto/tls: %d suite/group/certificate/role cases", n)
}

// TestInterop13GoTLSFeatures: HelloRetryRequest, client certificates and
// ALPN with crypto/tls.
func TestInterop13GoTLSFeatures(t *testing.T) {
	p := testpeers.NewPKI(t)
	certDER, key := p.Cert("ecdsa")
	goServer := func(t *testing.T, cfg *tls.Config) int {
		cfg.Certificates = []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}}
		cfg.MinVersion = tls.VersionTLS13
		ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go goEchoOnce(ln)
		return ln.Addr().(*net.TCPAddr).Port
	}
	t.Run("hrr/gossl-client", func(t *testing.T) {
		port := goServer(t, &tls.Config{CurvePreferences: []tls.CurveID{tls.CurveP384}})
		s, err := Connect("127.0.0.1", port, clientOpts(p), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		echo(t, s)
		if info, _ := s.ConnectionInformation("selected_group"); info[0].Value != "secp384r1" {
			t.Fatalf("group %v", info)
		}
	})
	t.Run("hrr/go-client", func(t *testing.T) {
		so := serverOpts(p, "ecdsa")
		so.SupportedGroups = []string{"secp521r1"}
		port, done := startEcho(t, so)
		conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost",
			CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP521}})
		if err != nil {
			t.Fatal(err)
		}
		echo(t, conn)
		conn.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("client-cert/gossl-client", func(t *testing.T) {
		port := goServer(t, &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: p.CertPool()})
		co := clientOpts(p)
		co.CertFile, co.KeyFile = p.CertFile("client-rsa"), p.KeyFile("client-rsa")
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		echo(t, s)
	})
	t.Run("client-cert/go-client", func(t *testing.T) {
		so := serverOpts(p, "rsa")
		so.Verify, so.CACertFile = VerifyPeer, p.CAFile
		port, done := startEcho(t, so)
		cd, ck := p.Cert("client-ecdsa")
		conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port), &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost",
			Certificates: []tls.Certificate{{Certificate: [][]byte{cd}, PrivateKey: ck}}})
		if err != nil {
			t.Fatal(err)
		}
		echo(t, conn)
		conn.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	t.Run("alpn", func(t *testing.T) {
		port := goServer(t, &tls.Config{NextProtos: []string{"h2", "http/1.1"}})
		co := clientOpts(p)
		co.ALPNAdvertisedProtocols = []string{"http/1.1", "h2"}
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if proto, err := s.NegotiatedProtocol(); err != nil || proto != "h2" {
			t.Fatalf("ALPN %q %v", proto, err)
		}
		so := serverOpts(p, "ecdsa")
		so.ALPNPreferredProtocols = []string{"h2"}
		port2, done := startEcho(t, so)
		conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port2), &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost",
			NextProtos: []string{"spdy/3"}})
		if err == nil {
			_, err = conn.Read(make([]byte, 1))
		}
		if err == nil || !strings.Contains(err.Error(), "no application protocol") {
			t.Fatalf("crypto/tls client error %v, want no_application_protocol", err)
		}
		if e := <-done; !isAlert(unwrapAlert(e), "no_application_protocol") {
			t.Fatalf("gossl server error %v", e)
		}
	})
}

// TestInterop13OpenSSL: TLS 1.3 with OpenSSL in both roles, every suite
// (CCM included) and every group OpenSSL 3.0 has.
func TestInterop13OpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	n := 0
	for _, cs := range CipherSuites(SuitesAll, TLSv1_3) {
		for _, group := range []string{"x25519", "secp256r1", "secp384r1", "secp521r1"} {
			name := cs.Name + "/" + group
			t.Run("openssl-server/"+name, func(t *testing.T) {
				_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"),
					"-tls1_3", "-ciphersuites", cs.Name, "-groups", opensslGroup[group], "-www")
				co := clientOpts(p)
				co.Ciphers, co.SupportedGroups = []string{cs.Name}, []string{group}
				s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v", err)
				}
				defer s.Close()
				s.Send([]byte("GET / HTTP/1.0\r\n\r\n"))
				s.SetReadDeadline(time.Now().Add(10 * time.Second))
				page, _ := io.ReadAll(s)
				if !strings.Contains(string(page), "TLSv1.3, Cipher is "+cs.Name) {
					t.Fatalf("page:\n%s", page)
				}
				n++
			})
			t.Run("openssl-client/"+name, func(t *testing.T) {
				so := serverOpts(p, "rsa")
				so.Ciphers, so.SupportedGroups = []string{cs.Name}, []string{group}
				port, done := startReplyServer(t, so)
				c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-tls1_3", "-ciphersuites", cs.Name,
					"-groups", opensslGroup[group], "-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof")
				io.WriteString(c.Stdin, "hello\n")
				c.Stdin.Close()
				if err := c.Wait(15 * time.Second); err != nil {
					t.Fatalf("s_client: %v\n%s", err, c.Output())
				}
				if !strings.Contains(c.Stdout(), "gossl says "+cs.Name) {
					t.Fatalf("no reply:\n%s", c.Output())
				}
				if err := <-done; err != nil {
					t.Fatalf("gossl server: %v", err)
				}
				n++
			})
		}
	}
	t.Logf("TLS 1.3 with OpenSSL: %d suite/group/role cases", n)
}

// TestInterop13Erlang: TLS 1.3 with Erlang/OTP in both roles.
func TestInterop13Erlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	_, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.3']},{certfile,%q},{keyfile,%q},{alpn_preferred_protocols,[<<\"h2\">>]}]",
		p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
	for _, cs := range CipherSuites(SuitesDefault, TLSv1_3) {
		t.Run("erlang-server/"+cs.Name, func(t *testing.T) {
			co := clientOpts(p)
			co.Ciphers = []string{cs.Name}
			co.ALPNAdvertisedProtocols = []string{"h2"}
			s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			echo(t, s)
			if proto, _ := s.NegotiatedProtocol(); proto != "h2" {
				t.Fatalf("ALPN %q", proto)
			}
		})
	}
	t.Run("erlang-client", func(t *testing.T) {
		port, done := startEcho(t, serverOpts(p, "rsa"))
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
			"[{versions,['tlsv1.3']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"}]", p.CAFile), "erlang over tls 1.3")
		proto, _, err := testpeers.ErlangHandshake(c, 60*time.Second)
		if err != nil || proto != "tlsv1.3" {
			t.Fatalf("Erlang client: %s %v\n%s", proto, err, c.Output())
		}
		if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}

// TestInterop13GnuTLS: TLS 1.3 with GnuTLS in both roles.
func TestInterop13GnuTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	t.Run("gnutls-server", func(t *testing.T) {
		_, addr := testpeers.GnuTLSServer(t, "--echo", "--x509certfile", p.CertFile("ecdsa"), "--x509keyfile", p.KeyFile("ecdsa"),
			"--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3")
		s := connectGnuTLSEcho(t, addr, clientOpts(p))
		if info, _ := s.ConnectionInformation("protocol"); info[0].Value != "tlsv1.3" {
			t.Fatalf("protocol %v", info)
		}
	})
	t.Run("gnutls-client", func(t *testing.T) {
		port, done := startReplyServer(t, serverOpts(p, "rsa"))
		c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--x509cafile", p.CAFile,
			"--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3", "--verify-hostname", "localhost")
		io.WriteString(c.Stdin, "hello\n")
		if err := c.WaitFor("gossl says TLS_", 15*time.Second); err != nil {
			t.Fatalf("gnutls-cli: %v\n%s", err, c.Output())
		}
		c.Stdin.Close()
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}

// TestKeyUpdateAt: with key_update_at the sender changes keys as it goes;
// crypto/tls and a gossl peer follow every KeyUpdate.
func TestKeyUpdateAt(t *testing.T) {
	p := testpeers.NewPKI(t)
	certDER, key := p.Cert("ecdsa")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}}, MinVersion: tls.VersionTLS13})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go goEchoOnce(ln)
	co := clientOpts(p)
	co.KeyUpdateAt = 10000 // the 100 KB echo makes about ten updates
	s, err := Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	echo(t, s)
	echo(t, s)
	if err := s.UpdateKeys(true); err != nil {
		t.Fatal(err)
	}
	echo(t, s)
}
