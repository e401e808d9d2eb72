package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeConnectEcho runs serve --once and connect against each other
// and echoes a line.
func TestServeConnectEcho(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--once", "--cert-out", cert)
	r := gossl(t, "hello gossl\n", "connect", srv.addr, "--cacertfile", cert, "--wait", "2s")
	if r.code != 0 || r.stdout != "hello gossl\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// TLS 1.3 with the hybrid post-quantum group, by default.
	for _, want := range []string{"protocol: tlsv1.3\n", "cipher_suite: TLS_AES_", "selected_group: x25519mlkem768\n",
		"signature_algorithm: ecdsa_secp256r1_sha256\n", "verify: verify_peer\n", "peer_certificate: CN=localhost"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("connect's information block lacks %q:\n%s", want, r.stderr)
		}
	}
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}
	out := srv.stdout.String()
	if !strings.Contains(out, "\nprotocol: tlsv1.3\n") || !strings.HasSuffix(out, "\n\n") {
		t.Errorf("serve's stdout lacks the block and blank line:\n%s", out)
	}
}

// TestServeConnectDTLS runs serve and connect with --protocol dtls, DTLS
// 1.0 chosen by the client and a small MTU on both sides, and echoes a
// line; both information blocks name the DTLS version.
func TestServeConnectDTLS(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--once", "--cert-out", cert, "--protocol", "dtls", "--versions", "dtlsv1.2,dtlsv1", "--dtls-mtu", "400")
	r := gossl(t, "hello dtls\n", "connect", srv.addr, "--cacertfile", cert, "--protocol", "dtls",
		"--versions", "dtlsv1", "--dtls-mtu", "400", "--wait", "2s")
	if r.code != 0 || r.stdout != "hello dtls\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"protocol: dtlsv1\n", "verify: verify_peer\n", "peer_certificate: CN=localhost"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("connect's information block lacks %q:\n%s", want, r.stderr)
		}
	}
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}
	if !strings.Contains(srv.stdout.String(), "\nprotocol: dtlsv1\n") {
		t.Errorf("serve's block does not name dtlsv1:\n%s", srv.stdout.String())
	}

	// --www answers over DTLS as over TLS.
	www := startServe(t, "--once", "--www", "--protocol", "dtls")
	r = gossl(t, "GET / HTTP/1.0\r\n\r\n", "connect", www.addr, "--verify", "verify_none", "--protocol", "dtls", "--wait", "2s")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "HTTP/1.0 200 OK") || !strings.Contains(r.stdout, "protocol: dtlsv1.2\n") {
		t.Fatalf("connect to --www: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	www.wait(t, 10*time.Second)
}

// TestServeConnectOptions passes ssl options on both sides: an RSA
// certificate, TLS 1.1 and a CBC suite by its OpenSSL name.
func TestServeConnectOptions(t *testing.T) {
	srv := startServe(t, "--once", "--key-type", "rsa", "--versions", "tlsv1.2,tlsv1.1",
		"--ciphers", "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256", "--honor-cipher-order")
	r := gossl(t, "ping\n", "connect", srv.addr, "--verify", "verify_none", "--versions", "tlsv1.1",
		"--eccs", "secp256r1", "--wait", "1s")
	if r.code != 0 || r.stdout != "ping\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"protocol: tlsv1.1\n", "cipher_suite: TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA\n",
		"selected_group: secp256r1\n", "verify: verify_none\n"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("connect's information block lacks %q:\n%s", want, r.stderr)
		}
	}
	srv.wait(t, 10*time.Second)
}

// TestServeKeepsServing checks that a failed handshake is reported and
// the server goes on to serve the next client.
func TestServeKeepsServing(t *testing.T) {
	srv := startServe(t)
	bad := gossl(t, "", "connect", srv.addr, "--verify", "verify_none", "--ciphers", "AES128-GCM-SHA256")
	if bad.code != 1 || !strings.Contains(bad.stderr, "gossl connect: TLS client") {
		t.Errorf("mismatched suite: exit %d, stderr:\n%s", bad.code, bad.stderr)
	}
	eventually(t, "handshake failed on serve's stderr", func() bool {
		return strings.Contains(srv.stderr.String(), "handshake failed: TLS server")
	})
	good := gossl(t, "again\n", "connect", srv.addr, "--verify", "verify_none", "--wait", "1s")
	if good.code != 0 || good.stdout != "again\n" {
		t.Errorf("second client: exit %d, stdout %q\nstderr:\n%s", good.code, good.stdout, good.stderr)
	}
	srv.terminate()
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve after SIGTERM: exit %d", code)
	}
}

// TestServeWWW asks serve --www for a page with Go's crypto/tls.
func TestServeWWW(t *testing.T) {
	srv := startServe(t, "--www")
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}
	resp, err := client.Get("https://" + srv.addr + "/")
	if err != nil {
		t.Fatalf("GET: %v\nserve stderr:\n%s", err, srv.stderr.String())
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.Contains(string(body), "protocol: tlsv1.3\n") ||
		!strings.Contains(string(body), "cipher_suite: TLS_") {
		t.Errorf("GET: %s\n%s", resp.Status, body)
	}
	srv.terminate()
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve after SIGTERM: exit %d", code)
	}
}

func TestConnectClosedPort(t *testing.T) {
	r := gossl(t, "", "connect", closedPort(t), "--timeout", "5s")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "gossl connect: ") || len(strings.TrimSpace(r.stderr)) < 20 {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestOptionErrors checks that refused option values and planned options
// exit 1 with a sentence that names the option.
func TestOptionErrors(t *testing.T) {
	port := closedPort(t)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"connect", port, "--versions", "tlsv9"}, []string{"versions", "tlsv9"}},
		{[]string{"serve", "--port", "0", "--versions", "tlsv9"}, []string{"versions", "tlsv9"}},
		{[]string{"connect", port, "--ciphers", "NOT-A-SUITE"}, []string{"ciphers", "NOT-A-SUITE"}},
		{[]string{"connect", port, "--depth", "many"}, []string{"depth", "many"}},
		{[]string{"connect", port, "--verify", "sometimes"}, []string{"verify", "sometimes"}},
		{[]string{"connect", port, "--supported-groups", "sect163k1"}, []string{"supported_groups", "sect163k1"}},
		{[]string{"serve", "--port", "0", "--sni-hosts", "a.example"}, []string{"sni_hosts", "a.example"}},
		{[]string{"serve", "--port", "0", "--sni-hosts", "a.example=/nonexistent/a.pem"}, []string{"certfile", "/nonexistent/a.pem"}},
		{[]string{"connect", port, "--keylogfile", "/nonexistent/keylog"}, []string{"keylogfile", "/nonexistent/keylog"}},
		{[]string{"serve", "--port", "0", "--session-lifetime", "100000000"}, []string{"session_lifetime"}},
		{[]string{"serve", "--port", "0", "--signature-algs-cert", "nope"}, []string{"signature_algs_cert", "nope"}},
		{[]string{"connect", port, "--v2-hello-compatible"}, []string{"v2_hello_compatible", "server option"}},
		{[]string{"ciphers", "--versions", "tlsv9"}, []string{"versions", "tlsv9"}},
	}
	for _, c := range cases {
		r := gossl(t, "", c.args...)
		if r.code != 1 {
			t.Errorf("gossl %v: exit %d, want 1\nstderr: %s", c.args, r.code, r.stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("gossl %v: stderr lacks %q: %s", c.args, w, r.stderr)
			}
		}
	}
}
