package ssl

import (
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of DSA certificates
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// dsaServerSigAlgs is a server's signature_algs that accepts DSA client
// certificates: DSA is out of the default list, so a server names it.
var dsaServerSigAlgs = []string{"rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256", "rsa_pkcs1_sha256", "dsa_sha256"}

// dsaClientServer returns options for a gossl server (RSA certificate)
// that requires a client certificate at version v.
func dsaClientServer(p *testpeers.PKI, v Version, sigAlgs []string) *Options {
	so := serverOpts(p, "rsa")
	so.Verify = VerifyPeer
	so.CACertFile = p.CAFile
	so.Versions = []Version{v}
	so.SignatureAlgs = sigAlgs
	return so
}

// TestDSAClientCertificate: a gossl client authenticates with a DSA key to
// a gossl server, at TLS 1.2 (a {sha256,dsa} CertificateVerify) and at TLS
// 1.1 and 1.0 (DSA over SHA-1 of the handshake, RFC 4346, 7.4.8), and the
// server sees the DSA certificate. A server whose signature_algs has no
// DSA pair does not ask for DSA (no dss_sign, no DSA scheme), so the client
// sends no certificate and the server fails the handshake.
func TestDSAClientCertificate(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	for _, v := range []Version{TLSv1_2, TLSv1_1, TLSv1} {
		t.Run(string(v), func(t *testing.T) {
			ls, err := Listen(0, dsaClientServer(p, v, dsaServerSigAlgs))
			if err != nil {
				t.Fatal(err)
			}
			defer ls.Close()
			got := make(chan error, 1)
			go func() {
				s, err := ls.TransportAccept(10 * time.Second)
				if err == nil {
					defer s.Close()
					err = s.Handshake(10 * time.Second)
				}
				if err == nil {
					var der []byte
					if der, err = s.Peercert(); err == nil {
						c, _ := x509.ParseCertificate(der)
						if _, ok := c.PublicKey.(*dsa.PublicKey); !ok {
							err = fmt.Errorf("peer certificate key %T", c.PublicKey)
						}
					}
					s.Send([]byte("ok"))
				}
				got <- err
			}()
			co := clientOpts(p)
			co.Versions = []Version{v}
			co.CertFile, co.KeyFile = certFile, keyFile
			c, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if b, err := c.Recv(2, 10*time.Second); err != nil || string(b) != "ok" {
				t.Fatalf("%q %v", b, err)
			}
			if err := <-got; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
	for _, v := range []Version{TLSv1_2, TLSv1_1} {
		t.Run("not enabled/"+string(v), func(t *testing.T) {
			port, done := startEcho(t, dsaClientServer(p, v, nil))
			co := clientOpts(p)
			co.Versions = []Version{v}
			co.CertFile, co.KeyFile = certFile, keyFile
			c, err := Connect("127.0.0.1", port, co, 10*time.Second)
			if err == nil {
				// TLS 1.2: the client learns of the failure on its first read.
				_, err = c.Recv(0, 10*time.Second)
				c.Close()
			}
			var a *Alert
			if serr := <-done; !errors.As(serr, &a) || a.Description != "handshake_failure" {
				t.Fatalf("server: %v, want handshake_failure (no certificate)", serr)
			}
			if err == nil {
				t.Fatal("client: no error")
			}
		})
	}
}

// TestInteropDSAClientCertificateOpenSSL: DSA client authentication with
// OpenSSL both ways: gossl's DSA CertificateVerify to "s_server -Verify"
// at TLS 1.2 and (at @SECLEVEL=0, SHA-1) TLS 1.1; and OpenSSL's to a gossl
// server that lists a DSA scheme.
func TestInteropDSAClientCertificateOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	for _, v := range []struct {
		v    Version
		flag string
	}{{TLSv1_2, "-tls1_2"}, {TLSv1_1, "-tls1_1"}} {
		t.Run("openssl-server/"+string(v.v), func(t *testing.T) {
			srv, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), v.flag,
				"-cipher", "DEFAULT:@SECLEVEL=0", "-Verify", "1", "-CAfile", p.CAFile, "-verify_return_error", "-www")
			co := clientOpts(p)
			co.Versions = []Version{v.v}
			co.CertFile, co.KeyFile = certFile, keyFile
			wwwPage(t, addr, co)
			if !strings.Contains(srv.Output(), "CN = dsa\nverify return:1") {
				t.Fatalf("s_server did not verify the DSA client certificate:\n%s", srv.Output())
			}
		})
		t.Run("openssl-client/"+string(v.v), func(t *testing.T) {
			so := dsaClientServer(p, v.v, dsaServerSigAlgs)
			port, done := startReplyServer(t, so)
			c := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), v.flag, "-cipher", "DEFAULT:@SECLEVEL=0",
				"-CAfile", p.CAFile, "-cert", certFile, "-key", keyFile, "-ign_eof")
			io.WriteString(c.Stdin, "hi\n")
			c.Stdin.Close()
			if err := c.Wait(15 * time.Second); err != nil {
				t.Fatalf("s_client: %v\n%s", err, c.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v\n%s", err, c.Output())
			}
		})
	}
}

// TestInteropDSAClientCertificateErlang: DSA client authentication with
// Erlang/OTP 25 both ways at TLS 1.2 ({sha256,dsa}).
func TestInteropDSAClientCertificateErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	sigAlgs := "{signature_algs,[rsa_pss_rsae_sha256,{sha256,rsa},{sha256,ecdsa},{sha256,dsa}]}"
	t.Run("erlang-server", func(t *testing.T) {
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(
			"[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{verify,verify_peer},{fail_if_no_peer_cert,true},{cacertfile,%q},%s]",
			p.CertFile("ecdsa"), p.KeyFile("ecdsa"), p.CAFile, sigAlgs))
		co := clientOpts(p)
		co.Versions = []Version{TLSv1_2}
		co.CertFile, co.KeyFile = certFile, keyFile
		s, err := Connect("127.0.0.1", portOf(t, addr), co, 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		echo(t, s)
	})
	t.Run("erlang-client", func(t *testing.T) {
		port, done := startEcho(t, dsaClientServer(p, TLSv1_2, dsaServerSigAlgs))
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
			"[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{cacertfile,%q},{verify,verify_peer},{server_name_indication,\"localhost\"},%s]",
			certFile, keyFile, p.CAFile, sigAlgs), "dsa client")
		if err := c.Wait(30 * time.Second); err != nil {
			t.Fatalf("erlang client: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}

// TestDSAOptions: a DSA key loads and is accepted (it was refused with
// ErrNotSupported before DSA signing existed). With signature_algs not
// given, the DSA pairs without SHA-1 join the default list; an explicit
// signature_algs is kept as given, and dsa_sha256 and {sha256,dsa} name
// the same pair. A server whose only certificate is DSA leaves TLS 1.3
// out, and refuses to run with TLS 1.3 alone.
func TestDSAOptions(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	dsaPairs := []uint16{wire.SigDSASHA256, wire.SigDSASHA384, wire.SigDSASHA512, wire.SigDSASHA224}

	so := &Options{CertFile: certFile, KeyFile: keyFile}
	res, err := so.compile(roleServer, "")
	if err != nil {
		t.Fatalf("server with a DSA key: %v", err)
	}
	if got := res.hs.SignatureSchemes; !slices.Equal(got[len(got)-4:], dsaPairs) || slices.Contains(got, wire.SigDSASHA1) {
		t.Errorf("server schemes %v", got)
	}
	if slices.Contains(res.hs.Versions, wire.VersionTLS13) || !slices.Contains(res.hs.Versions, wire.VersionTLS12) {
		t.Errorf("DSA-only server versions %v", res.hs.Versions)
	}
	both := &Options{CertFile: certFile, KeyFile: keyFile, CertsKeys: []CertKeyPair{{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")}}}
	if res, err := both.compile(roleServer, ""); err != nil || !slices.Contains(res.hs.Versions, wire.VersionTLS13) {
		t.Errorf("server with DSA and ECDSA keys: %v", err)
	}
	only13 := &Options{CertFile: certFile, KeyFile: keyFile, Versions: []Version{TLSv1_3}}
	if _, err := only13.compile(roleServer, ""); err == nil {
		t.Error("a TLS 1.3-only server with a DSA key compiled")
	}

	co := clientOpts(p)
	co.CertFile, co.KeyFile = certFile, keyFile
	co.SignatureAlgs = []string{"rsa_pss_rsae_sha256", "dsa_sha256", "{sha,dsa}", "sha512+dsa"}
	res, err = co.compile(roleClient, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint16{wire.SigRSAPSSRSAESHA256, wire.SigDSASHA256, wire.SigDSASHA1, wire.SigDSASHA512}; !slices.Equal(res.hs.SignatureSchemes, want) {
		t.Errorf("explicit signature_algs %v", res.hs.SignatureSchemes)
	}
	if res, err := clientOpts(p).compile(roleClient, "localhost"); err != nil || slices.ContainsFunc(res.hs.SignatureSchemes, func(s uint16) bool { return s&0xff == 2 }) {
		t.Errorf("a client without DSA offers DSA: %v", err)
	}
}
