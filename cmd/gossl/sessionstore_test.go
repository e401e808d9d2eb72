package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestServeSessionStore: three "gossl serve --session-store redis://..."
// processes with one certificate behind a round-robin forwarder; "gossl
// connect --reconnect 5" resumes every reconnection, each on another
// server than the last, for TLS 1.2 session IDs, TLS 1.2 tickets and
// TLS 1.3 tickets. Without the store, none resumes.
func TestServeSessionStore(t *testing.T) {
	testpeers.Require(t, "redis-server")
	_, raddr := testpeers.RedisServer(t, 0)
	p := testpeers.NewPKI(t)
	for _, tc := range []struct {
		name       string
		serve, cli []string
		store      bool
	}{
		{"tls1.2 ids", []string{"--versions", "tlsv1.2", "--session-tickets", "disabled"}, []string{"--versions", "tlsv1.2", "--session-tickets", "disabled"}, true},
		{"tls1.2 tickets", []string{"--versions", "tlsv1.2", "--no-reuse-sessions"}, []string{"--versions", "tlsv1.2"}, true},
		{"tls1.3 tickets", []string{"--versions", "tlsv1.3"}, []string{"--versions", "tlsv1.3"}, true},
		{"tls1.3, no store", []string{"--versions", "tlsv1.3"}, []string{"--versions", "tlsv1.3"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var backends []string
			for i := 0; i < 3; i++ {
				args := append([]string{"--certfile", p.CertFile("ecdsa"), "--keyfile", p.KeyFile("ecdsa")}, tc.serve...)
				if tc.store {
					args = append(args, "--session-store", "redis://"+raddr)
				}
				backends = append(backends, startServe(t, args...).addr)
			}
			fw := testpeers.RoundRobin(t, backends...)
			r := gossl(t, "", append([]string{"connect", fw.Addr, "--cacertfile", p.CAFile, "--server-name-indication", "localhost",
				"--reconnect", "5", "--wait", "1s"}, tc.cli...)...)
			if r.code != 0 {
				t.Fatalf("connect: exit %d\n%s", r.code, r.stderr)
			}
			resumed := len(regexp.MustCompile(`(?m)^reconnect \d: session_resumption: true$`).FindAllString(r.stderr, -1))
			want := map[bool]int{true: 5, false: 0}[tc.store]
			if resumed != want {
				t.Fatalf("%d of 5 reconnections resumed, want %d:\n%s", resumed, want, r.stderr)
			}
		})
	}
}

// TestServeSessionStoreErrors: the flag needs a key to seal with and a
// redis:// URL; the key flag needs the store.
func TestServeSessionStoreErrors(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--session-store", "redis://127.0.0.1:1"}, "needs --keyfile or --session-store-key"},
		{[]string{"--certfile", p.CertFile("ecdsa"), "--keyfile", p.KeyFile("ecdsa"), "--session-store", "http://x"}, "redis"},
		{[]string{"--session-store-key", p.KeyFile("ecdsa")}, "needs --session-store"},
	} {
		r := gossl(t, "", append([]string{"serve", "--port", "0", "--once"}, tc.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("serve %v: exit %d, stderr %q; want an error naming %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}
