package main

import (
	"strings"
	"testing"
)

// TestConnectLogAlert: the library logs nothing by itself, and serve and
// connect keep their alert lines: without --log-alert a failed
// verification prints no "log_alert:" line; with it, the alert appears
// as it always did; --log-level debug adds the handshake messages.
func TestConnectLogAlert(t *testing.T) {
	srv := startServe(t)
	r := gossl(t, "", "connect", srv.addr, "--wait", "1s")
	if r.code == 0 || strings.Contains(r.stderr, "log_alert:") {
		t.Errorf("connect without --log-alert: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	r = gossl(t, "", "connect", srv.addr, "--wait", "1s", "--log-alert")
	if !strings.Contains(r.stderr, "log_alert: TLS client: In state ") ||
		!strings.Contains(r.stderr, " generated CLIENT ALERT: Fatal - ") {
		t.Errorf("connect --log-alert: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	r = gossl(t, "", "connect", srv.addr, "--wait", "1s", "--log-level", "debug")
	if !strings.Contains(r.stderr, "log: TLS client: sent handshake message client_hello (") ||
		!strings.Contains(r.stderr, "log_alert: TLS client: In state ") {
		t.Errorf("connect --log-level debug: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	if r := gossl(t, "", "connect", srv.addr, "--log-level", "loud"); r.code == 0 || !strings.Contains(r.stderr, "notice") {
		t.Errorf("--log-level loud: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}
