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
// --psk-identity/--psk-key at TLS 1.2; the server has a certificate too,
// but a PSK client offers only the PSK suites.
func TestServeConnectPSK(t *testing.T) {
	srv := startServe(t, "--once", "--psk-file", writePSKFile(t), "--psk-identity", "hint-1")
	r := gossl(t, "psk hello\n", "connect", srv.addr, "--psk-identity", "sensor-1", "--psk-key", cliPSKHex,
		"--versions", "tlsv1.2", "--wait", "2s")
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

// TestServeConnectPSK13: the same flags give a TLS 1.3 external PSK
// handshake when both sides can do TLS 1.3, and against OpenSSL.
func TestServeConnectPSK13(t *testing.T) {
	srv := startServe(t, "--once", "--psk-file", writePSKFile(t), "--versions", "tlsv1.3")
	r := gossl(t, "psk13\n", "connect", srv.addr, "--psk-identity", "sensor-1", "--psk-key", cliPSKHex, "--wait", "2s")
	if r.code != 0 || r.stdout != "psk13\n" || !strings.Contains(r.stderr, "protocol: tlsv1.3\n") ||
		strings.Contains(r.stderr, "peer_certificate") {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	srv.wait(t, 10*time.Second)
	testpeers.Require(t, "openssl")
	_, addr := testpeers.OpenSSLServer(t, "-nocert", "-psk", cliPSKHex, "-psk_identity", "sensor-1", "-tls1_3", "-rev")
	r = gossl(t, "abc\n", "connect", addr, "--psk-identity", "sensor-1", "--psk-key", cliPSKHex, "--wait", "2s")
	if r.code != 0 || !strings.Contains(r.stdout, "cba") {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestServeConnectPSK13Modes: --psk-key-exchange-modes psk_ke on both
// sides gives a TLS 1.3 PSK handshake without (EC)DHE (no
// selected_group in the information block), and --psk-hash sha384 a
// SHA-384 PSK, which only TLS_AES_256_GCM_SHA384 can use.
func TestServeConnectPSK13Modes(t *testing.T) {
	for _, tc := range []struct {
		name       string
		extra      []string
		want, deny string
	}{
		{"psk_ke", []string{"--psk-key-exchange-modes", "psk_ke"}, "cipher_suite: TLS_AES_", "selected_group"},
		{"sha384", []string{"--psk-hash", "sha384"}, "cipher_suite: TLS_AES_256_GCM_SHA384\n", "peer_certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startServe(t, append([]string{"--once", "--psk-file", writePSKFile(t), "--versions", "tlsv1.3"}, tc.extra...)...)
			r := gossl(t, "modes\n", append([]string{"connect", srv.addr, "--psk-identity", "sensor-1", "--psk-key", cliPSKHex,
				"--wait", "2s"}, tc.extra...)...)
			if r.code != 0 || r.stdout != "modes\n" || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, tc.deny) {
				t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			srv.wait(t, 10*time.Second)
		})
	}
	for _, args := range [][]string{
		{"connect", "127.0.0.1:1", "--psk-identity", "a", "--psk-key", "00", "--psk-hash", "md5"},
		{"connect", "127.0.0.1:1", "--psk-hash", "sha384"},
		{"serve", "--psk-hash", "sha1"},
	} {
		if r := gossl(t, "", args...); r.code != 1 || !strings.Contains(r.stderr, "psk_hash") {
			t.Errorf("%v: exit %d, stderr %q; want 1 and psk_hash", args, r.code, r.stderr)
		}
	}
}
