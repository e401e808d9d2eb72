package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/testpeers"
)

// ticketServer is a TLS 1.3 server that sends tickets, with the connect
// flags that trust it; addr starts it when needed.
type ticketServer struct {
	name string
	addr func(t *testing.T) string
	args []string
}

// ticketServers are gossl serve, openssl s_server and an Erlang/OTP
// server (started by the subtest that uses it), all TLS 1.3 only.
func ticketServers(t *testing.T) []ticketServer {
	p := testpeers.NewPKI(t)
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--cert-out", cert, "--versions", "tlsv1.3")
	_, opensslAddr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_3")
	trustCA := []string{"--cacertfile", p.CAFile, "--server-name-indication", "localhost"}
	return []ticketServer{
		{"gossl serve", func(*testing.T) string { return srv.addr }, []string{"--cacertfile", cert}},
		{"openssl s_server", func(*testing.T) string { return opensslAddr }, trustCA},
		{"erlang", func(t *testing.T) string {
			_, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{certfile,%q},{keyfile,%q},{versions,['tlsv1.3']},{session_tickets,stateless}]",
				p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
			return addr
		}, trustCA},
	}
}

// TestConnectReconnect13: connect --reconnect resumes TLS 1.3 with the
// ticket it waited for, against gossl serve, openssl s_server and an
// Erlang/OTP server.
func TestConnectReconnect13(t *testing.T) {
	for _, tc := range ticketServers(t) {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"connect", tc.addr(t), "--versions", "tlsv1.3", "--reconnect", "2", "--wait", "0s"}, tc.args...)
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
