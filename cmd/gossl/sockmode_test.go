package main

import (
	"path/filepath"
	"testing"
	"time"
)

// TestServeConnectSocketModel: serve and connect in active mode with
// packet framing: lines echoed one packet at a time.
func TestServeConnectSocketModel(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--once", "--cert-out", cert, "--active", "once", "--packet", "line")
	r := gossl(t, "one\ntwo\n", "connect", srv.addr, "--cacertfile", cert, "--wait", "2s", "--active", "2", "--packet", "line", "--mode", "list")
	if r.code != 0 || r.stdout != "one\ntwo\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if code := srv.wait(t, 10*time.Second); code != 0 {
		t.Errorf("serve --once: exit %d\nstderr:\n%s", code, srv.stderr.String())
	}
}
