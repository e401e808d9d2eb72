package testpeers_test

import (
	"bytes"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestOpenSSLServer: openssl s_server with the PKI's ECDSA and RSA
// certificates, crypto/tls as the client.
func TestOpenSSLServer(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	for _, tc := range []struct {
		name    string
		cert    string
		chain   bool
		version uint16
		args    []string
	}{
		{"ecdsa-TLS1.3", "ecdsa", false, tls.VersionTLS13, []string{"-tls1_3"}},
		{"rsa-TLS1.2", "rsa", false, tls.VersionTLS12, []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"}},
		{"rsa-chain-TLS1.2", "rsa", true, tls.VersionTLS12, []string{"-tls1_2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// -rev: echo each line back reversed.
			args := []string{"-cert", pki.CertFile(tc.cert), "-key", pki.KeyFile(tc.cert), "-rev"}
			if tc.chain {
				// s_server -cert reads only the first certificate of a
				// file: the intermediate goes in -cert_chain.
				args = []string{"-cert", pki.ChainFile(tc.cert), "-cert_chain", pki.IntermediateFile,
					"-key", pki.KeyFile(tc.cert), "-rev"}
			}
			_, addr := testpeers.OpenSSLServer(t, append(args, tc.args...)...)
			_, client := testpeers.TLSConfigs(pki)
			st := goClientEcho(t, addr, client, "hello\n", "olleh\n")
			if st.Version != tc.version {
				t.Errorf("version %s, want %s", tls.VersionName(st.Version), tls.VersionName(tc.version))
			}
			want, _ := pki.Cert(tc.cert)
			wantLen := 1
			if tc.chain {
				chain, _ := pki.Chain(tc.cert)
				want, wantLen = chain[0], 2
			}
			if !bytes.Equal(st.PeerCertificates[0].Raw, want) || len(st.PeerCertificates) != wantLen {
				t.Errorf("server sent an unexpected certificate chain")
			}
		})
	}
}

// TestOpenSSLClient: crypto/tls server, openssl s_client verifying it
// against the PKI and sending a client certificate.
func TestOpenSSLClient(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	server, _ := testpeers.TLSConfigs(pki)
	server.ClientAuth = tls.RequireAndVerifyClientCert
	addr, states := goEchoServer(t, server)
	c := testpeers.OpenSSLClient(t, addr, "-CAfile", pki.CAFile, "-verify_return_error",
		"-servername", "localhost", "-verify_hostname", "localhost",
		"-cert", pki.CertFile("client-rsa"), "-key", pki.KeyFile("client-rsa"))
	st := awaitHandshake(t, states)
	if st.Version != tls.VersionTLS13 || st.PeerCertificates[0].Subject.CommonName != "client-rsa" {
		t.Errorf("version %s, client %v", tls.VersionName(st.Version), st.PeerCertificates[0].Subject)
	}
	if _, err := c.Stdin.Write([]byte("ping-from-openssl\n")); err != nil {
		t.Fatal(err)
	}
	// The echo comes back on s_client's stdout, not necessarily at the
	// start of a line (s_client prints session tickets without a newline).
	if err := c.WaitFor("ping-from-openssl\n", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	c.Stdin.Close() // EOF: s_client closes the connection and exits
	if err := c.Wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Output(), "Verify return code: 0 (ok)") {
		t.Errorf("s_client did not verify the server")
	}
}
