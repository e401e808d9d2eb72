package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestConnectVerifyHints: a refused certificate says what to do, in the
// command's flags, and a hostname mismatch lists the names the
// certificate covers.
func TestConnectVerifyHints(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--cert-out", cert)
	r := gossl(t, "", "connect", srv.addr)
	if r.code != 1 || !strings.Contains(r.stderr, "selfsigned_peer") ||
		!strings.Contains(r.stderr, "not trusted by the system roots; use --cacertfile FILE or --verify verify_none") {
		t.Errorf("untrusted: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	r = gossl(t, "", "connect", srv.addr, "--cacertfile", cert, "--server-name-indication", "example.com")
	if r.code != 1 || !strings.Contains(r.stderr, "hostname_check_failed") ||
		!strings.Contains(r.stderr, "the certificate covers: localhost, 127.0.0.1, ::1;") {
		t.Errorf("wrong name: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}

// TestOrdinaryFailures: connection refused, address in use and a name
// that does not resolve are reported as Go reports them, without
// "Unexpected error:".
func TestOrdinaryFailures(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"connect", closedPort(t)}, "connection refused"},
		{[]string{"serve", "--port", port}, "address already in use"},
		{[]string{"connect", "no-such-host.invalid:443", "--timeout", "5"}, "no-such-host.invalid"},
	} {
		r := gossl(t, "", tc.args...)
		if r.code != 1 || strings.Contains(r.stderr, "Unexpected error") || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("gossl %v: exit %d\nstderr:\n%s", tc.args, r.code, r.stderr)
		}
	}
}

// TestOpenSSLSpellings: s_server's -accept -cert -key -tls1_2 -alpn and
// s_client's -connect -CAfile -servername -tls1_2 -alpn -showcerts
// -reconnect -keylogfile work as their gossl flags do.
func TestOpenSSLSpellings(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startServe(t, "-accept", "127.0.0.1:0", "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"),
		"-tls1_2", "-alpn", "h2,http/1.1")
	keylog := filepath.Join(t.TempDir(), "keylog")
	r := gossl(t, "hello\n", "connect", "-connect", srv.addr, "-CAfile", p.CAFile, "-servername", "localhost",
		"-tls1_2", "-alpn", "h2", "-showcerts", "-reconnect", "-keylogfile", keylog, "--wait", "1")
	if r.code != 0 || r.stdout != "hello\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantLines(t, "connect", r.stderr, "protocol: tlsv1.2", "negotiated_protocol: h2", "verify_result: ok",
		"reconnect 5: session_resumption: true")
	if !strings.Contains(r.stderr, "\nchain_0: subject=CN=ecdsa") || !strings.Contains(r.stderr, "; issuer=") ||
		!strings.Contains(r.stderr, "; not_after=") {
		t.Errorf("-showcerts printed no chain:\n%s", r.stderr)
	}
	if b, err := os.ReadFile(keylog); err != nil || !strings.Contains(string(b), "CLIENT_RANDOM ") {
		t.Errorf("-keylogfile: %v %q", err, b)
	}
	// The help lists them.
	if h := gossl(t, "", "help", "connect"); !strings.Contains(h.stdout, "  -CAfile FILE (--cacertfile)\n") ||
		!strings.Contains(h.stdout, "  -reconnect (alone: 5 reconnections)\n") {
		t.Errorf("help connect lists no openssl spellings:\n%s", h.stdout)
	}
	// --reconnect N keeps its meaning.
	r = gossl(t, "", "connect", srv.addr, "-CAfile", p.CAFile, "--reconnect", "1", "--wait", "0")
	if r.code != 0 || !strings.Contains(r.stderr, "reconnect 1: ") || strings.Contains(r.stderr, "reconnect 2: ") {
		t.Errorf("--reconnect 1: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}

// TestConnectVerifyResultAnd13Block: verify_result says whether the
// server was verified, and a TLS 1.3 block has no items that only TLS 1.2
// and older have.
func TestConnectVerifyResultAnd13Block(t *testing.T) {
	srv := startServe(t)
	r := gossl(t, "", "connect", srv.addr, "--verify", "verify_none", "--wait", "0")
	if r.code != 0 {
		t.Fatalf("connect: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	wantLines(t, "connect", r.stderr, "protocol: tlsv1.3", "verify_result: not verified (verify_none)")
	for _, item := range []string{"secure_renegotiation:", "extended_master_secret:"} {
		if strings.Contains(r.stderr, item) {
			t.Errorf("a TLS 1.3 block has %s\n%s", item, r.stderr)
		}
	}
	r = gossl(t, "", "connect", srv.addr, "--verify", "verify_none", "--versions", "tlsv1.2", "--wait", "0")
	wantLines(t, "connect", r.stderr, "protocol: tlsv1.2", "secure_renegotiation: true", "extended_master_secret: true")
}

// TestSSLKEYLOGFILE: the environment variable works as --keylogfile, for
// connect and serve.
func TestSSLKEYLOGFILE(t *testing.T) {
	dir := t.TempDir()
	srvLog, cliLog := filepath.Join(dir, "server"), filepath.Join(dir, "client")
	t.Setenv("SSLKEYLOGFILE", srvLog)
	srv := startServe(t, "--once")
	t.Setenv("SSLKEYLOGFILE", cliLog)
	r := gossl(t, "x\n", "connect", srv.addr, "--verify", "verify_none", "--wait", "1")
	if r.code != 0 {
		t.Fatalf("connect: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	srv.wait(t, 10*time.Second)
	for _, f := range []string{srvLog, cliLog} {
		if b, err := os.ReadFile(f); err != nil || !strings.Contains(string(b), "CLIENT_TRAFFIC_SECRET_0 ") {
			t.Errorf("%s: %v %q", f, err, b)
		}
	}
}

// TestDurationsInSeconds: a bare number is seconds for every duration
// flag of the command, and units work too.
func TestDurationsInSeconds(t *testing.T) {
	for in, want := range map[string]time.Duration{"10": 10 * time.Second, "0.5": 500 * time.Millisecond,
		"0": 0, "250ms": 250 * time.Millisecond, "2m": 2 * time.Minute} {
		if d, err := parseSeconds(in); err != nil || d != want {
			t.Errorf("parseSeconds(%q) = %v, %v; want %v", in, d, err, want)
		}
	}
	for _, in := range []string{"-1", "ten", "5 s"} {
		if _, err := parseSeconds(in); err == nil {
			t.Errorf("parseSeconds(%q) accepted", in)
		}
	}
	srv := startServe(t, "--handshake-timeout", "5")
	r := gossl(t, "a\n", "connect", srv.addr, "--verify", "verify_none", "--timeout", "5", "--wait", "0.2")
	if r.code != 0 || r.stdout != "a\n" {
		t.Errorf("connect --timeout 5 --wait 0.2: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestConnectExitsAfterStdin: with the default --wait, connect exits
// about a second after stdin ends and the server goes quiet (it waited
// five before).
func TestConnectExitsAfterStdin(t *testing.T) {
	srv := startServe(t)
	start := time.Now()
	r := gossl(t, "ping\n", "connect", srv.addr, "--verify", "verify_none")
	if took := time.Since(start); r.code != 0 || r.stdout != "ping\n" || took > 4*time.Second {
		t.Errorf("connect: exit %d, stdout %q after %v\nstderr:\n%s", r.code, r.stdout, took, r.stderr)
	}
}

// TestHelpMarksPlanned: "gossl help options" marks the options the
// library refuses as not implemented yet, and only those.
func TestHelpMarksPlanned(t *testing.T) {
	out, err := exec.Command(gosslBin, "help", "options").Output()
	if err != nil {
		t.Fatal(err)
	}
	marked := map[string]string{}
	lines := strings.Split(string(out), "\n")
	for i := 1; i < len(lines); i++ {
		if j := strings.Index(lines[i], "not implemented yet]"); j >= 0 {
			name := strings.Fields(lines[i-1])[0]
			marked[name] = lines[i][strings.LastIndex(lines[i], "["):]
		}
	}
	// signature_algs_cert, the last option the library refused as
	// planned, is implemented now: no flag is marked.
	if len(marked) != 0 {
		t.Errorf("marked as not implemented: %v", marked)
	}
	for _, name := range []string{"--signature-algs-cert", "--ciphers", "--versions", "--[no-]reuse-sessions", "--verify",
		"--v2-hello-compatible", "--[no-]padding-check", "--client-preferred-next-protocols", "--max-fragment-length"} {
		if m, ok := marked[name]; ok {
			t.Errorf("%s is implemented but marked %q", name, m)
		}
	}
}
