package ssl

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestInteropLegacyErlang: the legacy suites (3DES-EDE-CBC, DES-CBC,
// RC4-128 with HMAC-SHA1 and HMAC-MD5) with Erlang/OTP 25, whose crypto
// has rc4, des_cbc and des_ede3_cbc, in both roles, at TLS 1.0 (3DES with
// TLS 1.0's chained IV and BEAST splitting) and TLS 1.1 (DES, which TLS
// 1.2 forbids). The every-suite Erlang tests cover them at TLS 1.2. A
// legacy suite must be named: with the default ciphers neither side
// offers one.
func TestInteropLegacyErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	for _, tc := range []struct {
		v     Version
		names []string
	}{
		{TLSv1, []string{"DES-CBC3-SHA", "ECDHE-RSA-DES-CBC3-SHA", "RC4-MD5", "ECDHE-RSA-RC4-SHA"}},
		{TLSv1_1, []string{"DES-CBC-SHA", "EDH-RSA-DES-CBC-SHA", "RC4-SHA"}},
	} {
		var list []CipherSuite
		for _, n := range tc.names {
			for _, cs := range CipherSuites(SuitesAll, tc.v) {
				if cs.OpenSSLName == n {
					list = append(list, cs)
				}
			}
		}
		if len(list) != len(tc.names) {
			t.Fatalf("%s: found %d of %v", tc.v, len(list), tc.names)
		}
		t.Run(string(tc.v)+"/erlang-server", func(t *testing.T) {
			srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['%s']},{certfile,%q},{keyfile,%q},{ciphers,%s}]",
				tc.v, p.CertFile("rsa"), p.KeyFile("rsa"), erlangSuites(list)))
			for _, cs := range list {
				co := clientOpts(p)
				co.Versions = []Version{tc.v}
				co.Ciphers = []string{cs.Name}
				co.ReuseSessions = Bool(false)
				s, err := Connect("127.0.0.1", portOf(t, addr), co, 30*time.Second)
				if err != nil {
					t.Fatalf("%s: Connect: %v\n%s", cs.Name, err, srv.Output())
				}
				if info, _ := s.ConnectionInformation("cipher_suite"); len(info) != 1 || fmt.Sprint(info[0].Value) != cs.Name {
					t.Fatalf("%s: negotiated %v", cs.Name, info)
				}
				echo(t, s)
				s.Close()
			}
		})
		for _, cs := range list {
			t.Run(string(tc.v)+"/erlang-client/"+cs.Name, func(t *testing.T) {
				so := serverOpts(p, "rsa")
				so.Versions = []Version{tc.v}
				so.Ciphers = []string{cs.Name}
				port, done := startEcho(t, so)
				c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
					"[{versions,['%s']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"},{ciphers,%s}]",
					tc.v, p.CAFile, erlangSuites([]CipherSuite{cs})), strings.Repeat("legacy ", 50))
				awaitErlangClient(t, c, tc.v, cs.Name, done)
			})
		}
	}
}

// awaitErlangClient waits for the Erlang client c to handshake at v with
// suite and see its payload echoed, and for the gossl server's end.
func awaitErlangClient(t *testing.T, c *testpeers.Proc, v Version, suite string, done <-chan error) {
	t.Helper()
	proto, got, err := testpeers.ErlangHandshake(c, 60*time.Second)
	if err != nil || proto != string(v) || got != suite {
		t.Fatalf("Erlang client: %s %s %v\n%s", proto, got, err, c.Output())
	}
	if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
		t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
	}
	if err := <-done; err != nil {
		t.Fatalf("gossl server: %v", err)
	}
}

// TestLegacyNotByDefault: a default gossl client offers no legacy suite,
// and a default server picks none even when a client offers only those.
func TestLegacyNotByDefault(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_1, TLSv1} {
		for _, cs := range CipherSuites(SuitesDefault, v) {
			if legacyCipher(cs) {
				t.Errorf("%s: %s is a default suite", v, cs.Name)
			}
		}
	}
	n := 0
	for _, cs := range CipherSuites(SuitesAll, "") {
		if legacyCipher(cs) {
			n++
		}
	}
	// RSA, DHE, ECDHE and static ECDH (15), RSA_PSK (2), SRP_SHA_RSA
	// and SRP_SHA_DSS (2); the certless ones are under anonymous.
	if n != 19 {
		t.Errorf("%d legacy suites in all, want 19", n)
	}
}
