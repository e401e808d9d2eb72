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

const cliPSKHex = "00112233445566778899aabbccddeeff"

func writePSKFile(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "psk.txt")
	if err := os.WriteFile(f, []byte("# test keys\nother:0102\nsensor-1:"+cliPSKHex+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestServeConnectPSK: serve --psk-file with a hint, connect
// --psk-identity/--psk-key; the server has a certificate too, but a PSK
// client offers only the PSK suites.
func TestServeConnectPSK(t *testing.T) {
	srv := startServe(t, "--once", "--psk-file", writePSKFile(t), "--psk-identity", "hint-1")
	r := gossl(t, "psk hello\n", "connect", srv.addr, "--psk-identity", "sensor-1", "--psk-key", cliPSKHex, "--wait", "2s")
	if r.code != 0 || r.stdout != "psk hello\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "cipher_suite: TLS_ECDHE_PSK_WITH_") || !strings.Contains(r.stderr, "protocol: tlsv1.2\n") {
		t.Errorf("connect's information block:\n%s", r.stderr)
	}
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}
}

// TestServeConnectPSKOpenSSL: openssl s_client against serve --psk-file,
// and connect against openssl s_server -psk.
func TestServeConnectPSKOpenSSL(t *testing.T) {
	testpeers.Require(t, "openssl")
	srv := startServe(t, "--once", "--psk-file", writePSKFile(t))
	c := testpeers.OpenSSLClient(t, srv.addr, "-tls1_2", "-cipher", "PSK-AES128-GCM-SHA256",
		"-psk", cliPSKHex, "-psk_identity", "sensor-1", "-ign_eof")
	io.WriteString(c.Stdin, "from openssl\n")
	c.Stdin.Close()
	if err := c.WaitFor("from openssl", 15*time.Second); err != nil {
		t.Fatalf("s_client: %v", err)
	}
	srv.terminate()

	_, addr := testpeers.OpenSSLServer(t, "-nocert", "-psk", cliPSKHex, "-psk_hint", "h", "-tls1_2",
		"-cipher", "ECDHE-PSK-CHACHA20-POLY1305", "-rev")
	r := gossl(t, "abc\n", "connect", addr, "--psk-identity", "sensor-1", "--psk-key", cliPSKHex, "--wait", "2s")
	if r.code != 0 || !strings.Contains(r.stdout, "cba") {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestPSKFlagErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(bad, []byte("sensor-1:nothex\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"connect", "127.0.0.1:1", "--psk-key", "zz", "--psk-identity", "a"}, "psk_key"},
		{[]string{"connect", "127.0.0.1:1", "--psk-key", "00"}, "psk_identity"},
		{[]string{"serve", "--psk-file", bad}, "line 1"},
		{[]string{"serve", "--psk-file", filepath.Join(t.TempDir(), "missing")}, "psk_file"},
	} {
		r := gossl(t, "", tc.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}
