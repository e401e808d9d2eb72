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
		cert    string
		version uint16
		args    []string
	}{
		{"ecdsa", tls.VersionTLS13, []string{"-tls1_3"}},
		{"rsa", tls.VersionTLS12, []string{"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"}},
		{"rsa", tls.VersionTLS12, []string{"-tls1_2", "-chain"}},
	} {
		t.Run(tc.cert+"/"+tls.VersionName(tc.version), func(t *testing.T) {
			// -rev: echo each line back reversed.
			args := []string{"-cert", pki.CertFile(tc.cert), "-key", pki.KeyFile(tc.cert), "-rev"}
			if len(tc.args) > 1 && tc.args[1] == "-chain" {
				// s_server -cert reads only the first certificate of a
				// file: the intermediate goes in -cert_chain.
				args = []string{"-cert", pki.ChainFile(tc.cert), "-cert_chain", pki.IntermediateFile,
					"-key", pki.KeyFile(tc.cert), "-rev"}
				tc.args = tc.args[:1]
			}
			args = append(args, tc.args...)
			_, addr := testpeers.OpenSSLServer(t, args...)
			_, client := testpeers.TLSConfigs(pki)
			st := goClientEcho(t, addr, client, "hello\n", "olleh\n")
			if st.Version != tc.version {
				t.Errorf("version %s, want %s", tls.VersionName(st.Version), tls.VersionName(tc.version))
			}
			der, _ := pki.Cert(tc.cert)
			chain, _ := pki.Chain(tc.cert)
			if got := st.PeerCertificates[0].Raw; !bytes.Equal(got, der) &&
				!(bytes.Equal(got, chain[0]) && len(st.PeerCertificates) == 2) {
				t.Errorf("server sent an unexpected certificate chain")
			}
		})
	}
}

// TestOpenSSLClient: crypto/tls server, openssl s_client verifying it
// against the PKI.
func TestOpenSSLClient(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	server, _ := testpeers.TLSConfigs(pki)
	addr, states := goEchoServer(t, server)
	c := testpeers.OpenSSLClient(t, addr, "-CAfile", pki.CAFile, "-verify_return_error",
		"-servername", "localhost", "-verify_hostname", "localhost",
		"-cert", pki.CertFile("client-rsa"), "-key", pki.KeyFile("client-rsa"))
	st := awaitHandshake(t, states)
	if st.Version != tls.VersionTLS13 {
		t.Errorf("version %s", tls.VersionName(st.Version))
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
