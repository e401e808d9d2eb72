package ssl

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestSignatureAlgsCert covers {signature_algs_cert, ...} (RFC 8446,
// 4.2.3) at TLS 1.3 and 1.2:
//   - a client whose list leaves out the scheme of the server's chain (the
//     test PKI signs with rsa_pkcs1_sha256) refuses it with
//     bad_certificate, and accepts it when the list names it;
//   - a TLS 1.3 server with two chains, one signed with RSA and one with
//     ECDSA (an OpenSSL P-256 CA), sends the one the client's
//     signature_algorithms_cert allows, whichever comes first;
//   - a server's list is checked against a client's chain the same way.
func TestSignatureAlgsCert(t *testing.T) {
	p := testpeers.NewPKI(t)
	ecChain := testpeers.OpenSSLCurveChain(t, "prime256v1", "prime256v1")
	for _, v := range []Version{TLSv1_3, TLSv1_2} {
		t.Run(string(v)+"/refused", func(t *testing.T) {
			port, done := startEcho(t, serverOpts(p, "ecdsa"))
			co := clientOpts(p)
			co.Versions, co.ReuseSessions = []Version{v}, Bool(false)
			co.SignatureAlgsCert = []string{"ecdsa_secp256r1_sha256"}
			_, err := Connect("127.0.0.1", port, co, 20*time.Second)
			var a *Alert
			if !errors.As(err, &a) || a.Description != "bad_certificate" || !strings.Contains(err.Error(), "signature_algs_cert") {
				t.Fatalf("Connect: %v, want bad_certificate for signature_algs_cert", err)
			}
			<-done
		})
		t.Run(string(v)+"/allowed", func(t *testing.T) {
			port, done := startEcho(t, serverOpts(p, "ecdsa"))
			co := clientOpts(p)
			co.Versions, co.ReuseSessions = []Version{v}, Bool(false)
			co.SignatureAlgsCert = []string{"rsa_pss_rsae_sha256", "rsa_pkcs1_sha256"}
			s, err := Connect("127.0.0.1", port, co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			echo(t, s)
			s.Close()
			<-done
		})
	}
	for _, tc := range []struct {
		certAlgs []string
		wantCA   string
	}{
		{[]string{"ecdsa_secp256r1_sha256"}, "curve CA prime256v1"},
		{[]string{"rsa_pkcs1_sha256"}, "gossl test root CA"},
	} {
		t.Run("selection/"+tc.certAlgs[0], func(t *testing.T) {
			so := &Options{IP: net.IPv4(127, 0, 0, 1), Versions: []Version{TLSv1_3}, CertsKeys: []CertKeyPair{
				{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")},
				{CertFile: ecChain.CertFile, KeyFile: ecChain.KeyFile},
			}}
			if tc.wantCA == "gossl test root CA" {
				so.CertsKeys[0], so.CertsKeys[1] = so.CertsKeys[1], so.CertsKeys[0]
			}
			port, done := startEcho(t, so)
			co := &Options{Versions: []Version{TLSv1_3}, ReuseSessions: Bool(false), SignatureAlgsCert: tc.certAlgs, Verify: VerifyNone}
			s, err := Connect("127.0.0.1", port, co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			der, _ := s.Peercert()
			c, err := x509.ParseCertificate(der)
			if err != nil || c.Issuer.CommonName != tc.wantCA {
				t.Fatalf("peer certificate issued by %v (%v), want %s", c.Issuer, err, tc.wantCA)
			}
			echo(t, s)
			s.Close()
			<-done
		})
	}
	t.Run("server-checks-client", func(t *testing.T) {
		so := serverOpts(p, "ecdsa")
		so.Versions, so.Verify, so.CACertFile = []Version{TLSv1_3}, VerifyPeer, p.CAFile
		so.SignatureAlgsCert = []string{"ecdsa_secp256r1_sha256"}
		port, done := startEcho(t, so)
		co := clientOpts(p)
		co.Versions, co.ReuseSessions = []Version{TLSv1_3}, Bool(false)
		co.CertFile, co.KeyFile = p.CertFile("client-ecdsa"), p.KeyFile("client-ecdsa")
		if s, err := Connect("127.0.0.1", port, co, 20*time.Second); err == nil {
			s.Recv(0, 5*time.Second) // TLS 1.3: the server's alert follows our Finished
			s.Close()
		}
		err := <-done
		var a *Alert
		if !errors.As(err, &a) || a.Description != "bad_certificate" {
			t.Fatalf("server: %v, want bad_certificate", err)
		}
	})
	t.Run("bad-option", func(t *testing.T) {
		for _, l := range [][]string{{}, {"nope"}} {
			co := clientOpts(p)
			co.SignatureAlgsCert = l
			if _, err := co.compile(roleClient, "localhost"); err == nil {
				t.Errorf("signature_algs_cert %v accepted", l)
			}
		}
	})
}

// TestInteropSignatureAlgsCertErlang: an Erlang/OTP 25 client with
// {signature_algs_cert, [ecdsa_secp256r1_sha256]} that trusts only the
// ECDSA-signed chain gets it from a TLS 1.3 gossl server whose first chain
// is RSA-signed; and a gossl client whose signature_algs_cert leaves out
// the Erlang server's chain refuses it with bad_certificate.
func TestInteropSignatureAlgsCertErlang(t *testing.T) {
	testpeers.Require(t, "erl")
	p := testpeers.NewPKI(t)
	ecChain := testpeers.OpenSSLCurveChain(t, "prime256v1", "prime256v1")
	t.Run("erlang-client", func(t *testing.T) {
		so := &Options{IP: net.IPv4(127, 0, 0, 1), Versions: []Version{TLSv1_3}, CertsKeys: []CertKeyPair{
			{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa")},
			{CertFile: ecChain.CertFile, KeyFile: ecChain.KeyFile},
		}}
		port, done := startEcho(t, so)
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
			"[{versions,['tlsv1.3']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"},{signature_algs_cert,[ecdsa_secp256r1_sha256]}]",
			ecChain.CAFile), "signature_algs_cert")
		if _, _, err := testpeers.ErlangHandshake(c, 30*time.Second); err != nil {
			t.Fatalf("Erlang client: %v (gossl server: %v)\n%s", err, <-done, c.Output())
		}
		if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
	t.Run("erlang-server", func(t *testing.T) {
		_, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.3']},{certfile,%q},{keyfile,%q}]",
			p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
		co := clientOpts(p)
		co.Versions, co.ReuseSessions = []Version{TLSv1_3}, Bool(false)
		co.SignatureAlgsCert = []string{"ecdsa_secp256r1_sha256"}
		_, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
		var a *Alert
		if !errors.As(err, &a) || a.Description != "bad_certificate" {
			t.Fatalf("Connect: %v, want bad_certificate", err)
		}
	})
}
