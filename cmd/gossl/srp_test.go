package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

func writeSRPFile(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "srp.txt")
	if err := os.WriteFile(f, []byte("# test users\nbob:other\nalice:open:sesame\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestServeConnectSRP: serve --srp-file --srp-group with an RSA
// certificate, connect --srp-identity (the password holds a colon); a
// wrong password fails.
func TestServeConnectSRP(t *testing.T) {
	srv := startServe(t, "--once", "--srp-file", writeSRPFile(t), "--srp-group", "srp_1024", "--key-type", "rsa")
	r := gossl(t, "srp hello\n", "connect", srv.addr, "--srp-identity", "alice:open:sesame", "--verify", "verify_none", "--wait", "2s")
	if r.code != 0 || r.stdout != "srp hello\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "cipher_suite: TLS_SRP_SHA_RSA_WITH_") || !strings.Contains(r.stderr, "srp_username: alice\n") {
		t.Errorf("connect's information block:\n%s", r.stderr)
	}
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	} else if out := srv.stdout.String(); !strings.Contains(out, "srp_username: alice\n") {
		t.Errorf("serve's information block:\n%s", out)
	}

	srv = startServe(t, "--once", "--srp-file", writeSRPFile(t))
	r = gossl(t, "", "connect", srv.addr, "--srp-identity", "alice:wrong", "--wait", "1s")
	if r.code != 1 || !strings.Contains(r.stderr, "Bad Record MAC") {
		t.Fatalf("wrong password: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	srv.wait(t, 10*time.Second)
}

// TestServeConnectSRPGnuTLS: gnutls-cli against serve --srp-file.
func TestServeConnectSRPGnuTLS(t *testing.T) {
	srv := startServe(t, "--once", "--srp-file", writeSRPFile(t), "--srp-group", "srp_3072")
	c := testpeers.GnuTLSClient(t, srv.addr, "--srpusername", "alice", "--srppasswd", "open:sesame",
		"--priority", "NORMAL:-KX-ALL:+SRP")
	io.WriteString(c.Stdin, "from gnutls\n")
	if err := c.WaitFor("from gnutls", 15*time.Second); err != nil {
		t.Fatalf("gnutls-cli: %v\n%s", err, c.Output())
	}
	c.Stdin.Close()
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}
}

func TestSRPFlagErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("nocolon\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--srp-file", bad}, "line 1"},
		{[]string{"serve", "--srp-file", filepath.Join(t.TempDir(), "missing")}, "srp_file"},
		{[]string{"serve", "--srp-file", bad, "--srp-group", "srp_512"}, "srp_group"},
		{[]string{"connect", "127.0.0.1:1", "--srp-identity", ":pw"}, "srp_identity"},
	} {
		r := gossl(t, "", tc.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}
