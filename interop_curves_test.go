package ssl

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/testpeers"
)

// opensslCurveName is OpenSSL's name for a curve where it differs from
// OTP's.
var opensslCurveName = map[string]string{"secp192r1": "prime192v1"}

// legacyEccs are the curves beyond the default eccs (api.go's Eccs).
func legacyEccs() []string { return Eccs()[len(kx.SupportedGroups()):] }

// TestInteropCurvesOpenSSL runs TLS 1.2 ECDHE over each curve gossl adds
// to the defaults (x448, brainpool, the SEC 2 prime and binary curves)
// against OpenSSL 3 in both roles, each side offering that one curve.
// SECLEVEL=0 lets OpenSSL use the 160-bit and 163-bit curves. The certificate is RSA: in TLS 1.2 the client's
// supported_groups also bounds the curve of an ECDSA certificate (RFC
// 8422, 5.1), which these one-curve lists would exclude.
func TestInteropCurvesOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, curve := range legacyEccs() {
		curveInteropOpenSSL(t, p, TLSv1_2, "ECDHE-RSA-AES128-GCM-SHA256", curve, curve)
	}
}

// curveInteropOpenSSL runs ECDHE over curve at version v with suite
// against OpenSSL 3, an s_server and an s_client, each side offering that
// one curve; name labels the subtests.
func curveInteropOpenSSL(t *testing.T, p *testpeers.PKI, v Version, suite, curve, name string) {
	oc := curve
	if n, ok := opensslCurveName[curve]; ok {
		oc = n
	}
	vflag := opensslVersionFlag[v]
	t.Run("openssl-server/"+name, func(t *testing.T) {
		_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("rsa"), "-key", p.KeyFile("rsa"),
			vflag, "-cipher", suite+":@SECLEVEL=0", "-groups", oc, "-www")
		co := clientOpts(p)
		co.Versions, co.Eccs, co.ReuseSessions = []Version{v}, []string{curve}, Bool(false)
		co.Ciphers = []string{suite}
		s, err := Connect("127.0.0.1", port(addr), co, 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer s.Close()
		wantECC(t, s, curve)
		s.Send([]byte("GET / HTTP/1.0\r\n\r\n"))
		s.SetReadDeadline(time.Now().Add(10 * time.Second))
		if page, _ := io.ReadAll(s); !strings.Contains(string(page), "Cipher is "+suite) {
			t.Fatalf("page:\n%s", page)
		}
	})
	t.Run("openssl-client/"+name, func(t *testing.T) {
		so := serverOpts(p, "rsa")
		so.Versions, so.Eccs, so.Ciphers = []Version{v}, []string{curve}, []string{suite}
		port, done := startReplyServerWith(t, so, func(s *Socket) string {
			info, _ := s.ConnectionInformation("ecc")
			return fmt.Sprintf("gossl ecc %v\n", info[0].Value)
		})
		c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), vflag,
			"-cipher", suite+":@SECLEVEL=0", "-groups", oc,
			"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof")
		io.WriteString(c.Stdin, "hello\n")
		c.Stdin.Close()
		if err := c.Wait(20 * time.Second); err != nil {
			t.Fatalf("s_client: %v\n%s", err, c.Output())
		}
		if !strings.Contains(c.Stdout(), "gossl ecc "+curve) {
			t.Fatalf("no reply:\n%s", c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}

// TestInteropCurves13OpenSSL runs TLS 1.3 key shares over X448 against
// OpenSSL 3 in both roles. OpenSSL 3.0 has no RFC 8734 brainpool groups
// (3.2 added them): TestCurves13Loopback covers those.
func TestInteropCurves13OpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, group := range []string{"x448"} {
		t.Run("openssl-server/"+group, func(t *testing.T) {
			_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"),
				"-tls1_3", "-groups", group, "-www")
			co := clientOpts(p)
			co.Versions, co.SupportedGroups, co.ReuseSessions = []Version{TLSv1_3}, []string{group}, Bool(false)
			s, err := Connect("127.0.0.1", port(addr), co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			wantECC(t, s, group)
		})
		t.Run("openssl-client/"+group, func(t *testing.T) {
			so := serverOpts(p, "rsa")
			so.Versions, so.SupportedGroups = []Version{TLSv1_3}, []string{group}
			port, done := startReplyServerWith(t, so, func(s *Socket) string {
				info, _ := s.ConnectionInformation("selected_group")
				return fmt.Sprintf("gossl group %v\n", info[0].Value)
			})
			c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), "-tls1_3", "-groups", group,
				"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof")
			io.WriteString(c.Stdin, "hello\n")
			c.Stdin.Close()
			if err := c.Wait(20 * time.Second); err != nil {
				t.Fatalf("s_client: %v\n%s", err, c.Output())
			}
			if !strings.Contains(c.Stdout(), "gossl group "+group) {
				t.Fatalf("no reply:\n%s", c.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

func wantECC(t *testing.T, s *Socket, curve string) {
	t.Helper()
	info, err := s.ConnectionInformation("ecc")
	if err != nil || len(info) != 1 || info[0].Value != curve {
		t.Fatalf("ecc = %v, %v; want %s", info, err, curve)
	}
}

// TestCurves13Loopback runs TLS 1.3 over each RFC 8734 brainpool group and
// X448 between a gossl client and server (no peer here has the brainpool
// groups in TLS 1.3), and checks that the server picks the group through a
// HelloRetryRequest when the client's first key share is for another.
func TestCurves13Loopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, group := range []string{"x448", "brainpoolP256r1tls13", "brainpoolP384r1tls13", "brainpoolP512r1tls13"} {
		t.Run(group, func(t *testing.T) {
			so := serverOpts(p, "rsa")
			so.Versions, so.SupportedGroups = []Version{TLSv1_3}, []string{group}
			port, done := startReplyServerWith(t, so, func(s *Socket) string {
				info, _ := s.ConnectionInformation("selected_group")
				return fmt.Sprintf("gossl group %v\n", info[0].Value)
			})
			co := clientOpts(p)
			co.Versions, co.ReuseSessions = []Version{TLSv1_3}, Bool(false)
			co.SupportedGroups = []string{"x25519", group} // a share for x25519 only: HRR
			s, err := Connect("127.0.0.1", port, co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			wantECC(t, s, group)
			s.Send([]byte("hi\n"))
			s.SetReadDeadline(time.Now().Add(10 * time.Second))
			line, _ := s.Recv(0, 10*time.Second)
			if !strings.Contains(string(line), "gossl group "+group) {
				t.Fatalf("reply %q", line)
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// TestInteropCurvesErlang runs TLS 1.2 ECDHE over the added curves with
// Erlang/OTP 25 in both roles, each side's eccs naming that one curve
// (OTP's {eccs, [...]}), with an RSA certificate. OTP 25 has X448 only in
// TLS 1.3 (with {eccs, [x448]} its TLS 1.2 ClientHello carries an empty
// supported_groups list, which RFC 8422, 5.1.1 forbids and gossl refuses
// with decode_error), so X448 runs there (TestInteropX448Erlang13).
func TestInteropCurvesErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	for _, curve := range legacyEccs() {
		if curve == "x448" {
			continue
		}
		t.Run("erlang-server/"+curve, func(t *testing.T) {
			srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(
				"[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{eccs,[%s]}]",
				p.CertFile("rsa"), p.KeyFile("rsa"), curve))
			co := clientOpts(p)
			co.Versions, co.Eccs, co.ReuseSessions = []Version{TLSv1_2}, []string{curve}, Bool(false)
			s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v\n%s", err, srv.Output())
			}
			defer s.Close()
			wantECC(t, s, curve)
			echo(t, s)
		})
		t.Run("erlang-client/"+curve, func(t *testing.T) {
			so := serverOpts(p, "rsa")
			so.Versions, so.Eccs = []Version{TLSv1_2}, []string{curve}
			port, done := startEcho(t, so)
			c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
				"[{versions,['tlsv1.2']},{verify,verify_none},{eccs,[%s]}]", curve), "over "+curve)
			if _, _, err := testpeers.ErlangHandshake(c, 30*time.Second); err != nil {
				t.Fatalf("Erlang client: %v (gossl server: %v)\n%s", err, <-done, c.Output())
			}
			if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
				t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// TestInteropX448Erlang13 runs TLS 1.3 over X448 with Erlang/OTP 25 in
// both roles ({supported_groups, [x448]}).
func TestInteropX448Erlang13(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	t.Run("erlang-server", func(t *testing.T) {
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(
			"[{versions,['tlsv1.3']},{certfile,%q},{keyfile,%q},{supported_groups,[x448]}]",
			p.CertFile("rsa"), p.KeyFile("rsa")))
		co := clientOpts(p)
		co.Versions, co.SupportedGroups, co.ReuseSessions = []Version{TLSv1_3}, []string{"x448"}, Bool(false)
		s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		wantECC(t, s, "x448")
		echo(t, s)
	})
	t.Run("erlang-client", func(t *testing.T) {
		so := serverOpts(p, "rsa")
		so.Versions, so.SupportedGroups = []Version{TLSv1_3}, []string{"x448"}
		port, done := startEcho(t, so)
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port),
			"[{versions,['tlsv1.3']},{verify,verify_none},{supported_groups,[x448]}]", "over x448")
		if _, _, err := testpeers.ErlangHandshake(c, 30*time.Second); err != nil {
			t.Fatalf("Erlang client: %v (gossl server: %v)\n%s", err, <-done, c.Output())
		}
		if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}

// TestInteropBinaryCurvesOldVersionsOpenSSL runs ECDHE over binary curves
// at TLS 1.0 and 1.1 (RFC 4492 named them for those versions) against
// OpenSSL 3 in both roles; TestInteropCurvesOpenSSL covers TLS 1.2.
func TestInteropBinaryCurvesOldVersionsOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, c := range []struct {
		v     Version
		curve string
	}{{TLSv1, "sect283k1"}, {TLSv1_1, "sect163r2"}, {TLSv1, "sect571r1"}} {
		curveInteropOpenSSL(t, p, c.v, "ECDHE-RSA-AES128-SHA", c.curve, fmt.Sprintf("%s/%s", c.v, c.curve))
	}
}
