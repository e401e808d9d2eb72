package testpeers_test

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestGnuTLSServer: gnutls-serv in echo mode, crypto/tls client.
func TestGnuTLSServer(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	for _, tc := range []struct {
		name     string
		args     []string
		version  uint16
		chainLen int
	}{
		{"TLS1.3-ECDSA", []string{"--x509certfile", pki.CertFile("ecdsa"), "--x509keyfile", pki.KeyFile("ecdsa")},
			tls.VersionTLS13, 1},
		{"TLS1.2-RSA-chain", []string{"--x509certfile", pki.ChainFile("rsa"), "--x509keyfile", pki.KeyFile("rsa"),
			"--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.2"}, tls.VersionTLS12, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, addr := testpeers.GnuTLSServer(t, append([]string{"--echo"}, tc.args...)...)
			_, client := testpeers.TLSConfigs(pki)
			st := goClientEcho(t, addr, client, "hello gnutls\n", "hello gnutls\n")
			if st.Version != tc.version || len(st.PeerCertificates) != tc.chainLen {
				t.Errorf("version %s, %d certificates", tls.VersionName(st.Version), len(st.PeerCertificates))
			}
		})
	}
}

// TestGnuTLSClient: crypto/tls server, gnutls-cli verifying it.
func TestGnuTLSClient(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	server, _ := testpeers.TLSConfigs(pki)
	addr, states := goEchoServer(t, server)
	c := testpeers.GnuTLSClient(t, addr, "--x509cafile", pki.CAFile)
	awaitHandshake(t, states)
	if err := c.WaitFor("- Handshake was completed", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Output(), "- Description: (TLS1.3-") {
		t.Errorf("gnutls-cli did not report TLS 1.3")
	}
	if _, err := c.Stdin.Write([]byte("ping-from-gnutls\n")); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor("ping-from-gnutls\n", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	c.Stdin.Close()
	if err := c.Wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
}
