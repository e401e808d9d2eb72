package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestConnectReconnect13: connect --reconnect resumes TLS 1.3 with the
// ticket it waited for, against gossl serve, openssl s_server and an
// Erlang/OTP server.
func TestConnectReconnect13(t *testing.T) {
	p := testpeers.NewPKI(t)
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--cert-out", cert, "--versions", "tlsv1.3")
	_, opensslAddr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_3")
	for _, tc := range []struct {
		name, addr string
		args       []string
	}{
		{"gossl serve", srv.addr, []string{"--cacertfile", cert}},
		{"openssl s_server", opensslAddr, []string{"--cacertfile", p.CAFile, "--server-name-indication", "localhost"}},
		{"erlang", "", []string{"--cacertfile", p.CAFile, "--server-name-indication", "localhost"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := tc.addr
			if addr == "" {
				_, addr = testpeers.ErlangServer(t, fmt.Sprintf("[{certfile,%q},{keyfile,%q},{versions,['tlsv1.3']},{session_tickets,stateless}]",
					p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
			}
			args := append([]string{"connect", addr, "--versions", "tlsv1.3", "--reconnect", "2", "--wait", "0s"}, tc.args...)
			r := gossl(t, "", args...)
			if r.code != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
			}
			for _, i := range []string{"1", "2"} {
				if !strings.Contains(r.stderr, "reconnect "+i+": session_resumption: true") {
					t.Fatalf("reconnect %s did not resume:\n%s", i, r.stderr)
				}
			}
		})
	}
}
