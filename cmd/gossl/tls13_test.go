package main

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The flags of TLS 1.3 and the negotiation options, through serve and
// connect.

// wantLines checks that text has each of lines as a whole line.
func wantLines(t *testing.T, what, text string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains("\n"+text, "\n"+l+"\n") {
			t.Errorf("%s lacks the line %q:\n%s", what, l, text)
		}
	}
}

func TestServeConnectALPN(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--once", "--cert-out", cert, "--alpn-preferred-protocols", "h2,http/1.1")
	r := gossl(t, "alpn\n", "connect", srv.addr, "--cacertfile", cert, "--alpn-advertised-protocols", "http/1.1,h2", "--wait", "1s")
	if r.code != 0 || r.stdout != "alpn\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// The server's preference wins.
	wantLines(t, "connect's block", r.stderr, "negotiated_protocol: h2")
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}
	wantLines(t, "serve's block", srv.stdout.String(), "negotiated_protocol: h2")

	// No protocol in common: no_application_protocol, both sides.
	srv = startServe(t, "--once", "--alpn-preferred-protocols", "h2")
	r = gossl(t, "", "connect", srv.addr, "--verify", "verify_none", "--alpn-advertised-protocols", "spdy/3")
	if r.code != 1 || !strings.Contains(r.stderr, "No Application Protocol") {
		t.Errorf("connect without a common protocol: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if code := srv.wait(t, 10*time.Second); code != 1 || !strings.Contains(srv.stderr.String(), "No Application Protocol") {
		t.Errorf("serve: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}
}

func TestConnectGroups(t *testing.T) {
	cases := []struct {
		args  []string
		lines []string
	}{
		{nil, []string{"protocol: tlsv1.3", "selected_group: x25519mlkem768"}},
		{[]string{"--supported-groups", "x25519"}, []string{"protocol: tlsv1.3", "selected_group: x25519"}},
		// Key shares go for the first two groups; the server takes
		// secp384r1 through a HelloRetryRequest.
		{[]string{"--supported-groups", "x25519mlkem768,x25519,secp384r1", "--no-middlebox-comp-mode"}, nil},
		{[]string{"--supported-groups", "secp521r1", "--no-middlebox-comp-mode"}, []string{"selected_group: secp521r1"}},
		{[]string{"--versions", "tlsv1.2", "--eccs", "secp384r1"}, []string{"protocol: tlsv1.2", "selected_group: secp384r1"}},
	}
	for _, c := range cases {
		srv := startServe(t, "--once")
		args := append([]string{"connect", srv.addr, "--verify", "verify_none", "--wait", "1s"}, c.args...)
		r := gossl(t, "groups\n", args...)
		if r.code != 0 || r.stdout != "groups\n" {
			t.Fatalf("gossl %v: exit %d, stdout %q\nstderr:\n%s", args, r.code, r.stdout, r.stderr)
		}
		wantLines(t, "connect's block", r.stderr, c.lines...)
		srv.wait(t, 10*time.Second)
	}
	// A binary curve, named on both sides (never a default).
	srv := startServe(t, "--once", "--versions", "tlsv1.2", "--eccs", "sect283k1")
	r := gossl(t, "binary\n", "connect", srv.addr, "--verify", "verify_none", "--wait", "1s",
		"--versions", "tlsv1.2", "--eccs", "sect283k1")
	if r.code != 0 || r.stdout != "binary\n" {
		t.Fatalf("connect --eccs sect283k1: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantLines(t, "connect's block", r.stderr, "selected_group: sect283k1")
	srv.wait(t, 10*time.Second)
	// The server's own list: secp384r1 only, so the client's shares
	// do not fit and it asks for one (HelloRetryRequest).
	srv = startServe(t, "--once", "--supported-groups", "secp384r1")
	r = gossl(t, "hrr\n", "connect", srv.addr, "--verify", "verify_none", "--wait", "1s")
	if r.code != 0 || r.stdout != "hrr\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantLines(t, "connect's block", r.stderr, "selected_group: secp384r1")
	srv.wait(t, 10*time.Second)
}

func TestConnectKeyUpdate(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--once", "--cert-out", cert)
	// The echo after the update crosses the new keys of both directions
	// (the server answers update_requested with its own KeyUpdate).
	r := gossl(t, "after the key update\n", "connect", srv.addr, "--cacertfile", cert, "--key-update", "--wait", "1s")
	if r.code != 0 || r.stdout != "after the key update\n" {
		t.Fatalf("connect --key-update: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	wantLines(t, "connect's block", r.stderr, "protocol: tlsv1.3", "key_update: read_write")
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}

	// TLS 1.2 has no KeyUpdate: notsup, exit 1.
	srv = startServe(t, "--once")
	r = gossl(t, "", "connect", srv.addr, "--verify", "verify_none", "--versions", "tlsv1.2", "--key-update")
	if r.code != 1 || !strings.Contains(r.stderr, "key update") || !strings.Contains(r.stderr, "notsup") {
		t.Errorf("connect --key-update over TLS 1.2: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	srv.wait(t, 10*time.Second)
}

// writeLeafFiles writes the certificate (PEM) and key (PKCS#8 PEM) of a
// leaf for host issued by ca.
func writeLeafFiles(t *testing.T, ca *authority, host, keyType string) (certFile, keyFile string) {
	t.Helper()
	l, err := ca.issue(host, keyType)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(l.key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, host+".pem"), filepath.Join(dir, host+".key")
	if err := os.WriteFile(certFile, certPEM(l.chain), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestServeSNIHosts(t *testing.T) {
	ca, err := newAuthority("gossl test CA")
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, certPEM([][]byte{ca.der}), 0o644); err != nil {
		t.Fatal(err)
	}
	aCert, aKey := writeLeafFiles(t, ca, "a.example", "ecdsa")
	bCert, bKey := writeLeafFiles(t, ca, "b.example", "rsa")
	srv := startServe(t, "--sni-hosts", "a.example="+aCert+":"+aKey, "--sni-hosts", "b.example="+bCert+":"+bKey)
	for _, c := range []struct{ name, sig string }{
		{"a.example", "ecdsa_secp256r1_sha256"},
		{"b.example", "rsa_pss_rsae_sha256"},
	} {
		for _, v := range []string{"tlsv1.3", "tlsv1.2"} {
			// The client checks the certificate against the name it
			// asked for: each name gets its own.
			r := gossl(t, "sni\n", "connect", srv.addr, "--cacertfile", caFile, "--server-name-indication", c.name,
				"--versions", v, "--wait", "1s")
			if r.code != 0 || r.stdout != "sni\n" {
				t.Fatalf("connect to %s over %s: exit %d, stdout %q\nstderr:\n%s", c.name, v, r.code, r.stdout, r.stderr)
			}
			wantLines(t, "connect's block", r.stderr, "protocol: "+v, "peer_certificate: CN="+c.name+",O=gossl")
			if !strings.Contains(r.stderr, "signature_algorithm: "+c.sig[:5]) {
				t.Errorf("signature_algorithm of %s, want %s:\n%s", c.name, c.sig, r.stderr)
			}
		}
	}
	// Another name gets the ephemeral self-signed localhost
	// certificate, which this CA did not issue.
	r := gossl(t, "", "connect", srv.addr, "--cacertfile", caFile, "--server-name-indication", "localhost")
	if r.code != 1 || !strings.Contains(r.stderr, "selfsigned_peer") {
		t.Errorf("connect as localhost: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	eventually(t, "serve's sni_hostname lines", func() bool {
		out := srv.stdout.String()
		return strings.Contains(out, "sni_hostname: a.example\n") && strings.Contains(out, "sni_hostname: b.example\n")
	})
	srv.terminate()
	srv.wait(t, 10*time.Second)
}

func TestKeyLogFileAndKeepSecrets(t *testing.T) {
	dir := t.TempDir()
	srvLog, cliLog := filepath.Join(dir, "server.keys"), filepath.Join(dir, "client.keys")
	srv := startServe(t, "--once", "--keylogfile", srvLog)
	r := gossl(t, "secret\n", "connect", srv.addr, "--verify", "verify_none", "--keylogfile", cliLog, "--keep-secrets", "--wait", "1s")
	if r.code != 0 || r.stdout != "secret\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	srv.wait(t, 10*time.Second)
	// A second connection's lines are appended.
	srv = startServe(t, "--once")
	r = gossl(t, "", "connect", srv.addr, "--verify", "verify_none", "--versions", "tlsv1.2", "--keylogfile", cliLog, "--wait", "0")
	if r.code != 0 {
		t.Fatalf("second connect: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	srv.wait(t, 10*time.Second)

	cli, _ := os.ReadFile(cliLog)
	srvb, _ := os.ReadFile(srvLog)
	lines := strings.Split(strings.TrimSuffix(string(cli), "\n"), "\n")
	var labels []string
	for _, l := range lines {
		labels = append(labels, strings.Fields(l)[0])
	}
	want := "CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0 EXPORTER_SECRET CLIENT_RANDOM"
	if strings.Join(labels, " ") != want {
		t.Errorf("client key log labels %v; want %s\n%s", labels, want, cli)
	}
	// Both ends logged the first connection's secrets alike.
	if !strings.HasPrefix(string(cli), string(srvb)) || len(srvb) == 0 {
		t.Errorf("server key log\n%s\nis not the start of the client's\n%s", srvb, cli)
	}
}
