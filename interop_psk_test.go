package ssl

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/testpeers"
)

// PSK interop (RFC 4279, RFC 5489) in both roles against OpenSSL, GnuTLS
// and Erlang/OTP. The gossl servers have no certificate.

const (
	pskInteropID   = "iot-device-7"
	pskInteropHint = "gossl hint"
)

var pskInteropHex = hex.EncodeToString(pskTestKey)

// pskClientOptions is a gossl PSK client for one suite at TLS 1.2; hints
// collects the identity hints its lookup was asked about.
func pskClientOptions(suite string, hints *[]string) *Options {
	return &Options{Ciphers: []string{suite}, Versions: []Version{TLSv1_2}, PSKIdentity: pskInteropID,
		UserLookupFun: pskClientFun(pskTestKey, hints)}
}

// pskInteropServer is a certificate-less gossl PSK server that answers one
// line with "gossl says <suite>".
func pskInteropServer(t *testing.T, suite string) (int, <-chan error) {
	return startReplyServer(t, pskServerOpts(pskInteropHint, map[string][]byte{pskInteropID: pskTestKey}, suite))
}

// pskConnectEcho connects a gossl PSK client to an echo server at addr,
// sends "psk ping", checks that the reply holds want and that the
// client's lookup got the hint.
func pskConnectEcho(t *testing.T, addr, suite, want string) {
	t.Helper()
	var hints []string
	s, err := Connect("127.0.0.1", portOf(t, addr), pskClientOptions(suite, &hints), 20*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer s.Close()
	if err := s.Send([]byte("psk ping\n")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recv(0, 10*time.Second)
	if err != nil || !strings.Contains(string(got), want) {
		t.Fatalf("reply: %q %v, want %q", got, err, want)
	}
	if len(hints) != 1 || hints[0] != pskInteropHint {
		t.Fatalf("hints %q, want [%q]", hints, pskInteropHint)
	}
}

var pskInteropSuites = []string{"PSK-AES128-GCM-SHA256", "PSK-AES256-CBC-SHA", "PSK-CHACHA20-POLY1305",
	"ECDHE-PSK-CHACHA20-POLY1305", "ECDHE-PSK-AES128-CBC-SHA256", "DHE-PSK-AES128-GCM-SHA256", "DHE-PSK-CHACHA20-POLY1305",
	"DHE-PSK-AES256-CBC-SHA",
	// AES-CCM in TLS 1.2 (RFC 6655).
	"PSK-AES128-CCM", "PSK-AES256-CCM", "PSK-AES128-CCM8", "PSK-AES256-CCM8",
	"DHE-PSK-AES128-CCM", "DHE-PSK-AES256-CCM", "DHE-PSK-AES128-CCM8", "DHE-PSK-AES256-CCM8"}

func TestInteropPSKOpenSSL(t *testing.T) {
	for _, suite := range pskInteropSuites {
		t.Run("openssl-server/"+suite, func(t *testing.T) {
			_, addr := testpeers.OpenSSLServer(t, "-nocert", "-psk", pskInteropHex, "-psk_identity", pskInteropID,
				"-psk_hint", pskInteropHint, "-tls1_2", "-cipher", suite, "-rev")
			pskConnectEcho(t, addr, suite, "gnip ksp") // -rev sends each line reversed
		})
		t.Run("openssl-client/"+suite, func(t *testing.T) {
			port, done := pskInteropServer(t, suite)
			c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-tls1_2", "-cipher", suite,
				"-psk", pskInteropHex, "-psk_identity", pskInteropID, "-ign_eof")
			io.WriteString(c.Stdin, "hello from openssl\n")
			c.Stdin.Close()
			if err := c.Wait(15 * time.Second); err != nil {
				t.Fatalf("s_client: %v\n%s", err, c.Output())
			}
			if !strings.Contains(c.Stdout(), "gossl says "+ianaName(suite)) {
				t.Fatalf("s_client did not get the reply:\n%s", c.Output())
			}
			if !strings.Contains(c.Output(), "PSK identity hint: "+pskInteropHint) {
				t.Fatalf("s_client did not see the hint:\n%s", c.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// TestInteropPSKOpenSSLWrongKey: an OpenSSL client with a wrong key or an
// unknown identity gets the same bad_record_mac from a gossl server.
func TestInteropPSKOpenSSLWrongKey(t *testing.T) {
	wrong := hex.EncodeToString(append(pskTestKey[:15:15], pskTestKey[15]^0x80))
	for _, tc := range []struct{ name, id, key string }{
		{"wrong-key", pskInteropID, wrong},
		{"unknown-identity", "nobody", pskInteropHex},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, done := pskInteropServer(t, "PSK-AES128-GCM-SHA256")
			c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256",
				"-psk", tc.key, "-psk_identity", tc.id)
			c.Stdin.Close()
			c.Wait(15 * time.Second)
			if !strings.Contains(c.Output(), "bad record mac") {
				t.Fatalf("s_client did not get bad_record_mac:\n%s", c.Output())
			}
			var a *Alert
			if err := <-done; !errors.As(err, &a) || a.Description != "bad_record_mac" {
				t.Fatalf("gossl server: %v, want to send bad_record_mac", err)
			}
		})
	}
}

func TestInteropPSKGnuTLS(t *testing.T) {
	pskFile := filepath.Join(t.TempDir(), "psk.txt")
	if err := os.WriteFile(pskFile, []byte("other:00112233\n"+pskInteropID+":"+pskInteropHex+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ suite, kx, priority string }{
		{"PSK-AES128-GCM-SHA256", "PSK", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+PSK"},
		{"ECDHE-PSK-AES128-CBC-SHA256", "ECDHE-PSK", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-PSK:+SHA256"},
		{"ECDHE-PSK-CHACHA20-POLY1305", "ECDHE-PSK", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+ECDHE-PSK"},
		{"DHE-PSK-AES128-GCM-SHA256", "DHE-PSK", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+DHE-PSK"},
	} {
		t.Run("gnutls-server/"+tc.suite, func(t *testing.T) {
			_, addr := testpeers.GnuTLSServer(t, "--echo", "--pskpasswd", pskFile, "--pskhint", pskInteropHint,
				"--priority", tc.priority)
			pskConnectEcho(t, addr, tc.suite, "psk ping")
		})
		if tc.kx != "PSK" {
			// gnutls-cli 3.7.9 crashes (SIGSEGV) on any ECDHE-PSK or
			// DHE-PSK handshake, against gnutls-serv and openssl
			// s_server as well; OpenSSL and Erlang clients cover that
			// role.
			continue
		}
		t.Run("gnutls-client/"+tc.suite, func(t *testing.T) {
			port, done := pskInteropServer(t, tc.suite)
			c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--pskusername", pskInteropID,
				"--pskkey", pskInteropHex, "--priority", tc.priority)
			io.WriteString(c.Stdin, "hello from gnutls\n")
			if err := c.WaitFor("gossl says "+ianaName(tc.suite), 15*time.Second); err != nil {
				t.Fatalf("gnutls-cli: %v\n%s", err, c.Output())
			}
			c.Stdin.Close()
			if !strings.Contains(c.Output(), "("+tc.kx+")") {
				t.Fatalf("gnutls-cli did not use %s:\n%s", tc.kx, c.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// erlangPSKSuite is the Erlang map of a PSK suite.
func erlangPSKSuite(name string) string {
	for _, cs := range append(CipherSuites(SuitesAnonymous, TLSv1_2), CipherSuites(SuitesAll, TLSv1_2)...) {
		if cs.Name == name || cs.OpenSSLName == name {
			return cs.ErlangString()
		}
	}
	panic("no PSK suite " + name)
}

func TestInteropPSKErlang(t *testing.T) {
	key := "<<" + strings.Trim(strings.ReplaceAll(fmt.Sprint(pskTestKey), " ", ","), "[]") + ">>"
	// OTP 25 has no ChaCha20-Poly1305 PSK suites.
	for _, suite := range []string{"PSK-AES128-GCM-SHA256", "PSK-AES256-CBC-SHA384", "ECDHE-PSK-AES128-GCM-SHA256",
		"ECDHE-PSK-AES128-CBC-SHA256", "DHE-PSK-AES128-GCM-SHA256", "DHE-PSK-AES256-CBC-SHA384",
		// AES-CCM (RFC 6655; RFC 8442 for ECDHE_PSK, which OpenSSL lacks).
		"PSK-AES256-CCM", "PSK-AES128-CCM8", "DHE-PSK-AES128-CCM", "DHE-PSK-AES256-CCM8",
		"ECDHE-PSK-AES128-CCM-SHA256", "ECDHE-PSK-AES128-CCM8-SHA256"} {
		t.Run("erlang-server/"+suite, func(t *testing.T) {
			// Erlang's server looks the identity up with its fun.
			_, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{versions,['tlsv1.2']},{ciphers,[%s]},
				{psk_identity,%q},{user_lookup_fun,{fun(psk, <<%q>>, K) -> {ok, K}; (_, _, _) -> error end, %s}}]`,
				erlangPSKSuite(suite), pskInteropHint, pskInteropID, key))
			pskConnectEcho(t, addr, suite, "psk ping")
		})
		t.Run("erlang-client/"+suite, func(t *testing.T) {
			port, done := startEcho(t, pskServerOpts(pskInteropHint, map[string][]byte{pskInteropID: pskTestKey}, suite))
			// Erlang's client fun gets the server's hint.
			c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(`[{versions,['tlsv1.2']},
				{ciphers,[%s]},{verify,verify_none},{psk_identity,%q},
				{user_lookup_fun,{fun(psk, <<%q>>, K) -> {ok, K}; (_, _, _) -> error end, %s}}]`,
				erlangPSKSuite(suite), pskInteropID, pskInteropHint, key), "hello psk")
			if _, got, err := testpeers.ErlangHandshake(c, 30*time.Second); err != nil {
				t.Fatalf("Erlang client: %v\n%s", err, c.Output())
			} else if s := suiteByName(got); s == "" {
				t.Fatalf("Erlang negotiated %s", got)
			}
			if _, err := c.WaitLine("ECHO ok", 15*time.Second); err != nil {
				t.Fatalf("Erlang client: %v\n%s", err, c.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// ianaName is the IANA name of a suite named either way.
func ianaName(name string) string {
	for _, cs := range append(CipherSuites(SuitesAnonymous, ""), CipherSuites(SuitesAll, "")...) {
		if cs.Name == name || cs.OpenSSLName == name {
			return cs.Name
		}
	}
	return name
}

func suiteByName(name string) string {
	if s := suites.ByName(name); s != nil && s.KX.Certless() {
		return s.Name
	}
	return ""
}

// TestInteropRSAPSK: RSA_PSK (RFC 4279, Section 4), whose server has an
// RSA certificate the client verifies, against OpenSSL, GnuTLS and
// Erlang/OTP in both roles.
func TestInteropRSAPSK(t *testing.T) {
	p := testpeers.NewPKI(t)
	const suite = "RSA-PSK-AES128-GCM-SHA256"
	keys := map[string][]byte{pskInteropID: pskTestKey}
	client := func() *Options {
		co := clientOpts(p)
		co.Ciphers, co.Versions, co.PSKIdentity = []string{suite}, []Version{TLSv1_2}, pskInteropID
		co.UserLookupFun = pskClientFun(pskTestKey, nil)
		return co
	}
	server := func() *Options {
		so := serverOpts(p, "rsa")
		so.Ciphers, so.Versions, so.PSKIdentity = []string{suite}, []Version{TLSv1_2}, pskInteropHint
		so.UserLookupFun = pskTable(keys)
		return so
	}
	connect := func(t *testing.T, addr, want string) {
		s, err := Connect("127.0.0.1", portOf(t, addr), client(), 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer s.Close()
		s.Send([]byte("rsa psk\n"))
		got, err := s.Recv(0, 10*time.Second)
		if err != nil || !strings.Contains(string(got), want) {
			t.Fatalf("reply %q %v, want %q", got, err, want)
		}
		info, _ := s.ConnectionInformation("cipher_suite")
		if len(info) != 1 || info[0].Value != ianaName(suite) {
			t.Fatalf("cipher_suite %v", info)
		}
	}
	t.Run("openssl-server", func(t *testing.T) {
		_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("rsa"), "-key", p.KeyFile("rsa"), "-psk", pskInteropHex,
			"-psk_identity", pskInteropID, "-tls1_2", "-cipher", suite, "-rev")
		connect(t, addr, "ksp asr")
	})
	t.Run("openssl-client", func(t *testing.T) {
		port, done := startReplyServer(t, server())
		c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-tls1_2", "-cipher", suite,
			"-psk", pskInteropHex, "-psk_identity", pskInteropID, "-CAfile", p.CAFile, "-verify_return_error", "-ign_eof")
		io.WriteString(c.Stdin, "hello\n")
		c.Stdin.Close()
		if err := c.Wait(15 * time.Second); err != nil || !strings.Contains(c.Stdout(), "gossl says "+ianaName(suite)) {
			t.Fatalf("s_client: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
	pskFile := filepath.Join(t.TempDir(), "psk.txt")
	os.WriteFile(pskFile, []byte(pskInteropID+":"+pskInteropHex+"\n"), 0o600)
	const priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA-PSK"
	t.Run("gnutls-server", func(t *testing.T) {
		_, addr := testpeers.GnuTLSServer(t, "--echo", "--pskpasswd", pskFile, "--x509certfile", p.CertFile("rsa"),
			"--x509keyfile", p.KeyFile("rsa"), "--priority", priority)
		connect(t, addr, "rsa psk")
	})
	t.Run("gnutls-client", func(t *testing.T) {
		port, done := startReplyServer(t, server())
		c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--pskusername", pskInteropID,
			"--pskkey", pskInteropHex, "--priority", priority, "--x509cafile", p.CAFile, "--verify-hostname", "localhost")
		io.WriteString(c.Stdin, "hello\n")
		if err := c.WaitFor("gossl says "+ianaName(suite), 15*time.Second); err != nil {
			t.Fatalf("gnutls-cli: %v", err)
		}
		c.Stdin.Close()
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
	key := "<<" + strings.Trim(strings.ReplaceAll(fmt.Sprint(pskTestKey), " ", ","), "[]") + ">>"
	t.Run("erlang-server", func(t *testing.T) {
		_, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{versions,['tlsv1.2']},{ciphers,[%s]},{certfile,%q},{keyfile,%q},
			{user_lookup_fun,{fun(psk, <<%q>>, K) -> {ok, K}; (_, _, _) -> error end, %s}}]`,
			erlangPSKSuite(suite), p.CertFile("rsa"), p.KeyFile("rsa"), pskInteropID, key))
		connect(t, addr, "rsa psk")
	})
	t.Run("erlang-client", func(t *testing.T) {
		port, done := startEcho(t, server())
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(`[{versions,['tlsv1.2']},
			{ciphers,[%s]},{verify,verify_peer},{cacertfile,%q},{server_name_indication,"localhost"},{psk_identity,%q},
			{user_lookup_fun,{fun(psk, <<%q>>, K) -> {ok, K}; (_, _, _) -> error end, %s}}]`,
			erlangPSKSuite(suite), p.CAFile, pskInteropID, pskInteropHint, key), "hello rsa psk")
		if _, _, err := testpeers.ErlangHandshake(c, 30*time.Second); err != nil {
			t.Fatalf("Erlang client: %v\n%s", err, c.Output())
		}
		if _, err := c.WaitLine("ECHO ok", 15*time.Second); err != nil {
			t.Fatalf("Erlang client: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}
