package ssl

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// SRP interop (RFC 5054) in both roles against GnuTLS (srptool's
// password files) and Erlang/OTP (user_lookup_fun and srp_identity).
// OpenSSL's SRP is not used: its s_server crashes here.

const srpInteropPassword = "correct horse"

// srpInteropClient is a gossl SRP client for suite, as alice with
// password, trusting the test CA for srp_rsa.
func srpInteropClient(p *testpeers.PKI, suite, password string) *Options {
	return &Options{Ciphers: []string{suite}, Versions: []Version{TLSv1_2}, SRPIdentity: [2]string{"alice", password},
		CACertFile: p.CAFile, ServerNameIndication: "localhost", LogAlert: Bool(false)}
}

// srpConnectEcho connects a gossl SRP client to an echo server at addr
// and checks the reply and the suite; sigs, if given, are its
// signature_algs.
func srpConnectEcho(t *testing.T, p *testpeers.PKI, addr, suite string, sigs ...string) {
	t.Helper()
	co := srpInteropClient(p, suite, srpInteropPassword)
	co.SignatureAlgs = sigs
	s, err := Connect("127.0.0.1", portOf(t, addr), co, 20*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer s.Close()
	if err := s.Send([]byte("srp ping\n")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recv(0, 10*time.Second)
	if err != nil || !strings.Contains(string(got), "srp ping") {
		t.Fatalf("reply: %q %v", got, err)
	}
	if info, err := s.ConnectionInformation("cipher_suite"); err != nil || info[0].Value != ianaName(suite) {
		t.Fatalf("cipher_suite %v %v", info, err)
	}
}

// srptoolFiles makes gnutls-serv's --srppasswd and --srppasswdconf files
// with alice's password, in srptool's default group.
func srptoolFiles(t *testing.T) (passwd, conf string) {
	testpeers.Require(t, "srptool")
	dir := t.TempDir()
	passwd, conf = filepath.Join(dir, "tpasswd"), filepath.Join(dir, "tpasswd.conf")
	if out, err := exec.Command("srptool", "--create-conf", conf).CombinedOutput(); err != nil {
		t.Fatalf("srptool --create-conf: %v\n%s", err, out)
	}
	cmd := exec.Command("srptool", "--passwd", passwd, "--passwd-conf", conf, "-u", "alice")
	cmd.Stdin = strings.NewReader(srpInteropPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("srptool: %v\n%s", err, out)
	}
	return passwd, conf
}

var srpInteropSuites = []struct{ suite, gnutlsKX string }{
	{"SRP-AES-128-CBC-SHA", "SRP"},
	{"SRP-AES-256-CBC-SHA", "SRP"},
	{"SRP-RSA-AES-128-CBC-SHA", "SRP-RSA"},
	{"SRP-RSA-AES-256-CBC-SHA", "SRP-RSA"},
	{"SRP-DSS-AES-128-CBC-SHA", "SRP-DSS"},
	{"SRP-DSS-AES-256-CBC-SHA", "SRP-DSS"},
}

// srpCertFiles are the certificate and key a server of suite needs, or
// none for srp_anon.
func srpCertFiles(t *testing.T, p *testpeers.PKI, gnutlsKX string) (string, string) {
	switch gnutlsKX {
	case "SRP-RSA":
		return p.CertFile("rsa"), p.KeyFile("rsa")
	case "SRP-DSS":
		return p.DSAFiles(t)
	}
	return "", ""
}

func TestInteropSRPGnuTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	passwd, conf := srptoolFiles(t)
	for _, tc := range srpInteropSuites {
		// GnuTLS leaves DSA signatures out of NORMAL.
		priority := "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+" + tc.gnutlsKX + ":+SIGN-DSA-SHA256:+SIGN-DSA-SHA1"
		t.Run("gnutls-server/"+tc.suite, func(t *testing.T) {
			args := []string{"--echo", "--srppasswd", passwd, "--srppasswdconf", conf, "--priority", priority}
			if cert, key := srpCertFiles(t, p, tc.gnutlsKX); cert != "" {
				args = append(args, "--x509certfile", cert, "--x509keyfile", key)
			}
			_, addr := testpeers.GnuTLSServer(t, args...)
			srpConnectEcho(t, p, addr, tc.suite, gnutlsDSASigs(tc.gnutlsKX)...)
			// A wrong password, in a full handshake (resuming the
			// session above needs no password, RFC 5054, 2.5.1.3):
			// GnuTLS's server fails at our Finished.
			wrong := srpInteropClient(p, tc.suite, "wrong")
			wrong.ReuseSessions = Bool(false)
			wrong.SignatureAlgs = gnutlsDSASigs(tc.gnutlsKX)
			if s, err := Connect("127.0.0.1", portOf(t, addr), wrong, 20*time.Second); err == nil {
				s.Close()
				t.Fatal("a wrong password was accepted")
			} else {
				wantReceivedAlert(t, err, "bad_record_mac")
			}
		})
		t.Run("gnutls-client/"+tc.suite, func(t *testing.T) {
			so := srpServerOpts(t, p, "srp_2048", tc.suite, srpInteropPassword)
			so.SignatureAlgs = gnutlsDSASigs(tc.gnutlsKX)
			port, done := startReplyServer(t, so)
			c := testpeers.GnuTLSClient(t, fmt.Sprintf("127.0.0.1:%d", port), "--srpusername", "alice",
				"--srppasswd", srpInteropPassword, "--x509cafile", p.CAFile, "--verify-hostname", "localhost",
				"--priority", "NORMAL:-KX-ALL:+SRP:+SRP-RSA:+SRP-DSS:+SIGN-DSA-SHA256:+SIGN-DSA-SHA1")
			io.WriteString(c.Stdin, "hello from gnutls\n")
			if err := c.WaitFor("gossl says "+ianaName(tc.suite), 15*time.Second); err != nil {
				t.Fatalf("gnutls-cli: %v\n%s", err, c.Output())
			}
			c.Stdin.Close()
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// gnutlsDSASigs are the signature_algs gossl needs with GnuTLS under
// SRP-DSS: GnuTLS 3.7 signs and verifies DSA in TLS 1.2 only with SHA-1
// here, which gossl leaves out of its default DSA pairs.
func gnutlsDSASigs(gnutlsKX string) []string {
	if gnutlsKX != "SRP-DSS" {
		return nil
	}
	return []string{"dsa_sha1", "dsa_sha256"}
}

// erlangSRPSuite is the Erlang map of an SRP suite.
func erlangSRPSuite(name string) string {
	for _, set := range []SuiteSet{SuitesAll, SuitesAnonymous} {
		for _, cs := range CipherSuites(set, TLSv1_2) {
			if cs.Name == name || cs.OpenSSLName == name {
				return cs.ErlangString()
			}
		}
	}
	panic("no SRP suite " + name)
}

func TestInteropSRPErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range srpInteropSuites {
		cert := ""
		if c, k := srpCertFiles(t, p, tc.gnutlsKX); c != "" {
			cert = fmt.Sprintf("{certfile,%q},{keyfile,%q},", c, k)
		}
		// OTP 25 leaves DSA out of its default signature_algs.
		sigs := ""
		if tc.gnutlsKX == "SRP-DSS" {
			sigs = "{signature_algs,[{sha256,dsa},{sha,dsa}]},"
		}
		t.Run("erlang-server/"+tc.suite, func(t *testing.T) {
			// OTP's fun returns {SRPParams, Salt, DerivedKey}, DerivedKey
			// = SHA1(Salt | SHA1(User ":" Password)).
			_, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{versions,['tlsv1.2']},{ciphers,[%s]},%s%s
				{user_lookup_fun,{fun(srp, <<"alice">>, P) -> S = <<"0123456789abcdef">>,
					{ok, {srp_3072, S, crypto:hash(sha, [S, crypto:hash(sha, [<<"alice:">>, P])])}};
					(_, _, _) -> error end, <<%q>>}}]`, erlangSRPSuite(tc.suite), cert, sigs, srpInteropPassword))
			srpConnectEcho(t, p, addr, tc.suite)
		})
		t.Run("erlang-client/"+tc.suite, func(t *testing.T) {
			port, done := startEcho(t, srpServerOpts(t, p, "srp_1536", tc.suite, srpInteropPassword))
			c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(`[{versions,['tlsv1.2']},
				{ciphers,[%s]},%s{verify,verify_none},{srp_identity,{"alice",%q}}]`, erlangSRPSuite(tc.suite), sigs, srpInteropPassword),
				"hello srp")
			if _, got, err := testpeers.ErlangHandshake(c, 30*time.Second); err != nil {
				t.Fatalf("Erlang client: %v\n%s", err, c.Output())
			} else if got != ianaName(tc.suite) {
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
