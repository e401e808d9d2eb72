package ssl

import (
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// dhFiles writes the PEM (dhfile) and DER (dh) forms of an RFC 7919
// group to a temporary directory.
func dhFiles(t *testing.T, group uint16) (pemFile string, der []byte) {
	t.Helper()
	d := kx.FFDHEGroup(group)
	der, err := asn1.Marshal(struct{ P, G *big.Int }{d.P, d.G})
	if err != nil {
		t.Fatal(err)
	}
	pemFile = filepath.Join(t.TempDir(), "dh.pem")
	if err := os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "DH PARAMETERS", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return pemFile, der
}

func selectedGroup(t *testing.T, s *Socket) string {
	t.Helper()
	info, err := s.ConnectionInformation("selected_group")
	if err != nil || len(info) == 0 {
		return ""
	}
	return fmt.Sprint(info[0].Value)
}

// TestDHEOptions checks the option checks: dh and dhfile are a server's,
// dh_min_bits a client's, and bad parameters are refused when the
// options are resolved, not at the first handshake.
func TestDHEOptions(t *testing.T) {
	p := testpeers.NewPKI(t)
	pemFile, der := dhFiles(t, wire.GroupFFDHE3072)
	bad := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(bad, []byte("-----BEGIN DH PARAMETERS-----\nMAYCAQUCAQI=\n-----END DH PARAMETERS-----\n"), 0o600) // p = 5
	for name, o := range map[string]*Options{
		"client dh":                          {DH: der},
		"client dhfile":                      {DHFile: pemFile},
		"client dh_min_bits":                 {DHMinBits: 512},
		"client dh_min_bits above the bound": {DHMinBits: 16384},
	} {
		if _, err := Connect("127.0.0.1", 1, o, time.Second); !isOptionError(err) {
			t.Errorf("%s: %v, want an option error", name, err)
		}
	}
	for name, mod := range map[string]func(*Options){
		"server dh_min_bits": func(o *Options) { o.DHMinBits = 2048 },
		"missing dhfile":     func(o *Options) { o.DHFile = filepath.Join(t.TempDir(), "none.pem") },
		"tiny prime":         func(o *Options) { o.DHFile = bad },
		"dh not DER":         func(o *Options) { o.DH = []byte("nonsense") },
	} {
		so := serverOpts(p, "rsa")
		mod(so)
		if ls, err := Listen(0, so); !isOptionError(err) {
			if ls != nil {
				ls.Close()
			}
			t.Errorf("%s: %v, want an option error", name, err)
		}
	}
	for _, mod := range []func(*Options){
		func(o *Options) { o.DH = der }, func(o *Options) { o.DHFile = pemFile },
	} {
		so := serverOpts(p, "rsa")
		mod(so)
		ls, err := Listen(0, so)
		if err != nil {
			t.Fatalf("Listen: %v", err)
		}
		ls.Close()
	}
}

func isOptionError(err error) bool {
	var oe *OptionError
	return errors.As(err, &oe)
}

// TestDHELoopback runs DHE between gossl peers: an RFC 7919 group, since
// a gossl client always names them (the server's own group is in
// TestInteropDHEOpenSSL, whose TLS 1.2 client names none), and insufficient_security when the client names only groups the server
// does not take and offers nothing but DHE (RFC 7919, Section 4).
func TestDHELoopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	pemFile, _ := dhFiles(t, wire.GroupFFDHE3072)
	dhe := []string{"TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"}
	cases := []struct {
		name                 string
		serverGroups, client []string
		dhfile               string
		wantGroup            string
		wantAlert            string
	}{
		// supported_groups without ffdhe groups leaves all five for TLS 1.2.
		{name: "client names x25519 only", client: []string{"x25519"}, dhfile: pemFile, wantGroup: "ffdhe2048"},
		{name: "ffdhe2048 by default", wantGroup: "ffdhe2048"},
		{name: "client names ffdhe4096", client: []string{"ffdhe4096"}, wantGroup: "ffdhe4096"},
		{name: "no common ffdhe group", serverGroups: []string{"x25519", "ffdhe4096"}, client: []string{"ffdhe2048"}, wantAlert: "insufficient_security"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			so := serverOpts(p, "rsa")
			so.SupportedGroups, so.DHFile = c.serverGroups, c.dhfile
			port, done := startEcho(t, so)
			co := clientOpts(p)
			co.Ciphers, co.Versions, co.SupportedGroups = dhe, []Version{TLSv1_2}, c.client
			s, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if c.wantAlert != "" {
				if !isAlert(unwrapAlert(err), c.wantAlert) {
					t.Fatalf("Connect: %v, want %s", err, c.wantAlert)
				}
				<-done
				return
			}
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			echo(t, s)
			if g := selectedGroup(t, s); g != c.wantGroup {
				t.Errorf("selected_group %q, want %q", g, c.wantGroup)
			}
		})
	}
	t.Run("tls1.3 ffdhe3072", func(t *testing.T) {
		so := serverOpts(p, "rsa")
		so.SupportedGroups = []string{"x25519", "ffdhe3072"}
		port, _ := startEcho(t, so)
		co := clientOpts(p)
		co.SupportedGroups = []string{"ffdhe3072"}
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer s.Close()
		echo(t, s)
		if g := selectedGroup(t, s); g != "ffdhe3072" {
			t.Errorf("selected_group %q", g)
		}
	})
}

// TestInteropDHEOpenSSL: DHE-RSA and the ffdhe groups with OpenSSL in both
// roles.
func TestInteropDHEOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	pem3072, _ := dhFiles(t, wire.GroupFFDHE3072)
	get := func(t *testing.T, co *Options, addr string) (string, error) {
		s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
		if err != nil {
			return "", err
		}
		defer s.Close()
		s.Send([]byte("GET / HTTP/1.0\r\n\r\n"))
		s.SetReadDeadline(time.Now().Add(10 * time.Second))
		page, _ := io.ReadAll(s)
		return string(page), nil
	}
	t.Run("openssl-server/dhparam", func(t *testing.T) {
		_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("rsa"), "-key", p.KeyFile("rsa"),
			"-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256", "-dhparam", pem3072, "-www")
		co := clientOpts(p)
		co.Versions = []Version{TLSv1_2}
		page, err := get(t, co, addr)
		if err != nil || !strings.Contains(page, "Cipher is DHE-RSA-AES128-GCM-SHA256") {
			t.Fatalf("%v\n%s", err, page)
		}
	})
	t.Run("openssl-server/1024-bit", func(t *testing.T) {
		_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("rsa"), "-key", p.KeyFile("rsa"),
			"-tls1_2", "-cipher", "DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0", "-dhparam", "testdata/dh1024.pem", "-www")
		co := clientOpts(p)
		co.Versions = []Version{TLSv1_2}
		if _, err := get(t, co, addr); !isAlert(unwrapAlert(err), "insufficient_security") {
			t.Fatalf("1024-bit prime with the default minimum: %v, want insufficient_security", err)
		}
		co.DHMinBits = 1024
		if page, err := get(t, co, addr); err != nil || !strings.Contains(page, "Cipher is DHE-RSA-AES256-GCM-SHA384") {
			t.Fatalf("dh_min_bits 1024: %v\n%s", err, page)
		}
	})
	t.Run("openssl-server/tls1.3-ffdhe2048", func(t *testing.T) {
		_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("rsa"), "-key", p.KeyFile("rsa"),
			"-tls1_3", "-groups", "ffdhe2048", "-www")
		co := clientOpts(p)
		co.SupportedGroups = []string{"x25519", "ffdhe2048"} // a HelloRetryRequest for ffdhe2048
		page, err := get(t, co, addr)
		if err != nil || !strings.Contains(page, "TLSv1.3") {
			t.Fatalf("%v\n%s", err, page)
		}
	})
	for _, c := range []struct {
		name, dhfile string
		args         []string
		want         string
	}{
		{"openssl-client/default-group", "", []string{"-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"}, "Server Temp Key: DH, 2048 bits"},
		{"openssl-client/dhfile", pem3072, []string{"-tls1_2", "-cipher", "DHE-RSA-CHACHA20-POLY1305"}, "Server Temp Key: DH, 3072 bits"},
		{"openssl-client/cbc", "", []string{"-tls1_2", "-cipher", "DHE-RSA-AES256-SHA"}, "Cipher is DHE-RSA-AES256-SHA"},
		{"openssl-client/tls1.3-ffdhe4096", "", []string{"-tls1_3", "-groups", "ffdhe4096"}, "Server Temp Key: DH, 4096 bits"},
	} {
		t.Run(c.name, func(t *testing.T) {
			so := serverOpts(p, "rsa")
			so.DHFile = c.dhfile
			so.SupportedGroups = []string{"x25519", "ffdhe4096"}
			port, done := startReplyServer(t, so)
			args := append([]string{"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof"}, c.args...)
			cl := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), args...)
			io.WriteString(cl.Stdin, "hello\n")
			cl.Stdin.Close()
			if err := cl.Wait(15 * time.Second); err != nil {
				t.Fatalf("s_client: %v\n%s", err, cl.Output())
			}
			if !strings.Contains(cl.Output(), c.want) || !strings.Contains(cl.Stdout(), "gossl says ") {
				t.Fatalf("s_client output lacks %q:\n%s", c.want, cl.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// TestInteropDHEGnuTLS: DHE-RSA with GnuTLS in both roles. GnuTLS
// negotiates RFC 7919 groups in TLS 1.2, so the group is checked too.
func TestInteropDHEGnuTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	prio := "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-RSA"
	t.Run("gnutls-server", func(t *testing.T) {
		_, addr := testpeers.GnuTLSServer(t, "--echo", "--x509certfile", p.CertFile("rsa"), "--x509keyfile", p.KeyFile("rsa"),
			"--priority", prio)
		co := clientOpts(p)
		co.SupportedGroups = []string{"x25519", "ffdhe3072"}
		s := connectGnuTLSEcho(t, addr, co)
		info, _ := s.ConnectionInformation("selected_cipher_suite")
		if !strings.Contains(fmt.Sprint(info[0].Value), "dhe_rsa") {
			t.Fatalf("suite %v", info)
		}
		if g := selectedGroup(t, s); g != "ffdhe3072" {
			t.Errorf("selected_group %q, want ffdhe3072", g)
		}
	})
	t.Run("gnutls-client", func(t *testing.T) {
		port, done := startReplyServer(t, serverOpts(p, "rsa"))
		c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--x509cafile", p.CAFile,
			"--priority", prio, "--verify-hostname", "localhost")
		io.WriteString(c.Stdin, "hello\n")
		if err := c.WaitFor("gossl says TLS_DHE_RSA_", 15*time.Second); err != nil {
			t.Fatalf("gnutls-cli: %v\n%s", err, c.Output())
		}
		c.Stdin.Close()
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}

// connectGnuTLSEcho connects to a gnutls-serv --echo and checks one line
// comes back.
func connectGnuTLSEcho(t *testing.T, addr string, co *Options) *Socket {
	t.Helper()
	s, err := Connect("127.0.0.1", port(addr), co, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	s.Send([]byte("hello gnutls\n"))
	got, err := s.Recv(len("hello gnutls\n"), 10*time.Second)
	if err != nil || string(got) != "hello gnutls\n" {
		t.Fatalf("echo %q %v", got, err)
	}
	return s
}

// TestInteropDHEErlang: dhe_rsa with Erlang/OTP 25 in both roles, with
// the groups each side configures: an OTP server given {dhfile, ...}
// (ffdhe3072) or nothing (its 2048-bit MODP default), and an OTP client
// against a gossl server given dhfile.
func TestInteropDHEErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	pem3072, _ := dhFiles(t, wire.GroupFFDHE3072)
	suite := `[#{key_exchange => dhe_rsa, cipher => aes_256_gcm, mac => aead, prf => sha384}]`
	for _, dh := range []string{"", fmt.Sprintf(",{dhfile,%q}", pem3072)} {
		name := "erlang-server/default-group"
		if dh != "" {
			name = "erlang-server/dhfile"
		}
		t.Run(name, func(t *testing.T) {
			srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{ciphers,%s}%s]",
				p.CertFile("rsa"), p.KeyFile("rsa"), suite, dh))
			co := clientOpts(p)
			co.Versions = []Version{TLSv1_2}
			s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v\n%s", err, srv.Output())
			}
			defer s.Close()
			echo(t, s)
			info, _ := s.ConnectionInformation("cipher_suite")
			if fmt.Sprint(info[0].Value) != "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" {
				t.Fatalf("suite %v", info)
			}
		})
	}
	t.Run("erlang-client/dhfile", func(t *testing.T) {
		so := serverOpts(p, "rsa")
		so.DHFile = pem3072
		port, done := startEcho(t, so)
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
			"[{versions,['tlsv1.2']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"},{ciphers,%s}]",
			p.CAFile, suite), "erlang dhe_rsa")
		proto, got, err := testpeers.ErlangHandshake(c, 60*time.Second)
		if err != nil || proto != "tlsv1.2" || got != "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" {
			t.Fatalf("Erlang client: %s %s %v\n%s", proto, got, err, c.Output())
		}
		if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}
