package testpeers_test

import (
	"crypto/tls"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestErlangServer: Erlang/OTP ssl server, crypto/tls client, TLS 1.2 and
// TLS 1.3.
func TestErlangServer(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	for _, tc := range []struct {
		name      string
		opts      string
		version   uint16
		suite     uint16
		erlSuite  string
		chainLen  int
		clientCrt bool
	}{
		{
			name: "TLS1.2-RSA",
			// Erlang strings: quote paths with %q.
			opts: fmt.Sprintf(`[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},
				{ciphers,[#{key_exchange=>ecdhe_rsa,cipher=>aes_128_gcm,mac=>aead,prf=>sha256}]}]`,
				pki.CertFile("rsa"), pki.KeyFile("rsa")),
			version:  tls.VersionTLS12,
			suite:    tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			erlSuite: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
			chainLen: 1,
		},
		{
			name: "TLS1.3-ECDSA-chain-clientauth",
			opts: fmt.Sprintf(`[{versions,['tlsv1.3']},{certfile,%q},{keyfile,%q},
				{verify,verify_peer},{fail_if_no_peer_cert,true},{cacertfile,%q}]`,
				pki.ChainFile("ecdsa"), pki.KeyFile("ecdsa"), pki.CAFile),
			version:   tls.VersionTLS13,
			erlSuite:  "TLS_",
			chainLen:  2,
			clientCrt: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, addr := testpeers.ErlangServer(t, tc.opts)
			_, client := testpeers.TLSConfigs(pki)
			st := goClientEcho(t, addr, client, "hello erlang", "hello erlang")
			if st.Version != tc.version || (tc.suite != 0 && st.CipherSuite != tc.suite) {
				t.Errorf("got %s %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
			}
			if len(st.PeerCertificates) != tc.chainLen {
				t.Errorf("server sent %d certificates, want %d", len(st.PeerCertificates), tc.chainLen)
			}
			proto, suite, err := testpeers.ErlangHandshake(srv, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if proto != map[uint16]string{tls.VersionTLS12: "tlsv1.2", tls.VersionTLS13: "tlsv1.3"}[tc.version] ||
				!strings.HasPrefix(suite, tc.erlSuite) || suite != tls.CipherSuiteName(st.CipherSuite) {
				t.Errorf("Erlang saw %s %s", proto, suite)
			}
			// The client closed (deferred in goClientEcho): the server
			// reports the bytes it echoed.
			if _, err := srv.WaitLine("CLOSED 12", 10*time.Second); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestErlangClient: crypto/tls server, Erlang/OTP ssl client verifying it,
// with a client certificate.
func TestErlangClient(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	for _, version := range []string{"tlsv1.2", "tlsv1.3"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			server, _ := testpeers.TLSConfigs(pki)
			server.ClientAuth = tls.RequireAndVerifyClientCert
			addr, states := goEchoServer(t, server)
			opts := fmt.Sprintf(`[{versions,[%q]},{verify,verify_peer},{cacertfile,%q},
				{server_name_indication,"localhost"},{certfile,%q},{keyfile,%q}]`,
				version, pki.CAFile, pki.CertFile("client-rsa"), pki.KeyFile("client-rsa"))
			// %q gives "tlsv1.2", an Erlang string; versions wants atoms.
			opts = strings.Replace(opts, `"`+version+`"`, `'`+version+`'`, 1)
			c := testpeers.ErlangClient(t, addr, opts, "payload from erlang")
			st := awaitHandshake(t, states)
			// Erlang sends the root from cacertfile after its own
			// certificate: only the first one is checked.
			if len(st.PeerCertificates) == 0 || st.PeerCertificates[0].Subject.CommonName != "client-rsa" {
				t.Errorf("client certificate not received")
			}
			proto, _, err := testpeers.ErlangHandshake(c, 20*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if proto != version {
				t.Errorf("Erlang negotiated %s", proto)
			}
			if _, err := c.WaitLine("ECHO ok 19", 10*time.Second); err != nil {
				t.Fatal(err)
			}
			if err := c.Wait(10 * time.Second); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestErlangDTLS: Erlang/OTP ssl DTLS 1.2 server, openssl s_client. DTLS
// tests follow the same pattern as TLS ones, on a UDP port.
func TestErlangDTLS(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{protocol,dtls},{certfile,%q},{keyfile,%q}]`,
		pki.CertFile("ecdsa"), pki.KeyFile("ecdsa")))
	c := testpeers.OpenSSLClient(t, addr, "-dtls1_2", "-CAfile", pki.CAFile, "-verify_return_error")
	if _, err := c.Stdin.Write([]byte("over udp\n")); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor("over udp\n", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	proto, _, err := testpeers.ErlangHandshake(srv, 10*time.Second)
	if err != nil || proto != "dtlsv1.2" {
		t.Fatalf("Erlang: %s, %v", proto, err)
	}
	c.Stdin.Close()
	if err := c.Wait(10 * time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestErlangServerRefuses shows a failing handshake: the Erlang server
// allows only TLS 1.3, the crypto/tls client only TLS 1.2. Erlang's reason
// names the alert as gossl must.
func TestErlangServerRefuses(t *testing.T) {
	t.Parallel()
	pki := testpeers.NewPKI(t)
	srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{versions,['tlsv1.3']},{certfile,%q},{keyfile,%q}]`,
		pki.CertFile("ecdsa"), pki.KeyFile("ecdsa")))
	_, client := testpeers.TLSConfigs(pki)
	client.MaxVersion = tls.VersionTLS12
	if c, err := tls.Dial("tcp", addr, client); err == nil {
		c.Close()
		t.Fatal("handshake succeeded")
	}
	_, _, err := testpeers.ErlangHandshake(srv, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "{tls_alert,{protocol_version,") {
		t.Fatalf("Erlang reason: %v", err)
	}
}
