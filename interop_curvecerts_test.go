package ssl

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// curveCertCase is a certificate chain made by OpenSSL and the version
// and signature scheme it is used with.
type curveCertCase struct {
	ca, leaf string
	version  Version
	scheme   string // the signature_algorithm gossl reports
}

// curveCertCases: brainpool, secp256k1 and binary-curve (sect*) ECDSA
// certificates in TLS 1.2
// (any ECDSA scheme: the hash is the client's choice), Ed448 in TLS 1.2
// and 1.3. In TLS 1.2 the client's supported_groups must list an ECDSA
// certificate's curve (RFC 8422, 5.1; OpenSSL enforces it in both
// roles), so each side names the leaf's curve beside x25519. OpenSSL 3.0 has no TLS 1.3 brainpool schemes (RFC 8734;
// 3.2 added them): TestCurveCerts13Loopback covers those.
var curveCertCases = []curveCertCase{
	{"brainpoolP384r1", "brainpoolP256r1", TLSv1_2, "ecdsa_secp521r1_sha512"},
	{"brainpoolP512r1", "brainpoolP512r1", TLSv1_2, "ecdsa_secp521r1_sha512"},
	{"secp256k1", "secp256k1", TLSv1_2, "ecdsa_secp521r1_sha512"},
	{"sect571r1", "sect283k1", TLSv1_2, "ecdsa_secp521r1_sha512"},
	{"sect409k1", "sect233r1", TLSv1_2, "ecdsa_secp521r1_sha512"},
	{"ed448", "ed448", TLSv1_2, "eddsa_ed448"},
	{"ed448", "ed448", TLSv1_3, "eddsa_ed448"},
}

// eccsFor is x25519 and the curve of a leaf key kind (x25519 alone for
// EdDSA).
func eccsFor(leaf string) []string {
	if strings.HasPrefix(leaf, "ed") {
		return []string{"x25519"}
	}
	return []string{"x25519", leaf}
}

// TestInteropCurveCertsOpenSSL: certificates on keys crypto/x509 cannot
// parse, made by OpenSSL, in both roles: a gossl client verifies an
// openssl s_server's chain, and openssl s_client verifies a gossl
// server's; the server signs with the leaf's key.
func TestInteropCurveCertsOpenSSL(t *testing.T) {
	for _, c := range curveCertCases {
		name := fmt.Sprintf("%s/%s/%s", c.ca, c.leaf, c.version)
		ch := testpeers.OpenSSLCurveChain(t, c.ca, c.leaf)
		vflag := map[Version]string{TLSv1_2: "-tls1_2", TLSv1_3: "-tls1_3"}[c.version]
		t.Run("openssl-server/"+name, func(t *testing.T) {
			_, addr := testpeers.OpenSSLServer(t, "-cert", ch.CertFile, "-key", ch.KeyFile, vflag, "-www")
			co := &Options{CACertFile: ch.CAFile, ServerNameIndication: "localhost",
				Versions: []Version{c.version}, ReuseSessions: Bool(false), Eccs: eccsFor(c.leaf)}
			s, err := Connect("127.0.0.1", port(addr), co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			if info, _ := s.ConnectionInformation("signature_algorithm"); len(info) != 1 || info[0].Value != c.scheme {
				t.Errorf("signature_algorithm %v, want %s", info, c.scheme)
			}
			s.Send([]byte("GET / HTTP/1.0\r\n\r\n"))
			s.SetReadDeadline(time.Now().Add(10 * time.Second))
			if page, _ := io.ReadAll(s); !strings.Contains(string(page), "Cipher is") {
				t.Fatalf("page:\n%s", page)
			}
		})
		t.Run("openssl-client/"+name, func(t *testing.T) {
			so := &Options{CertFile: ch.CertFile, KeyFile: ch.KeyFile, IP: net.IPv4(127, 0, 0, 1), Versions: []Version{c.version}, Eccs: eccsFor(c.leaf)}
			port, done := startReplyServer(t, so)
			cl := testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), vflag, "-groups", strings.Join(eccsFor(c.leaf), ":"),
				"-CAfile", ch.CAFile, "-verify_return_error", "-servername", "localhost", "-ign_eof")
			io.WriteString(cl.Stdin, "hello\n")
			cl.Stdin.Close()
			if err := cl.Wait(20 * time.Second); err != nil {
				t.Fatalf("s_client: %v\n%s", err, cl.Output())
			}
			if !strings.Contains(cl.Stdout(), "gossl says") {
				t.Fatalf("no reply:\n%s", cl.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}

// TestCurveCerts13Loopback: brainpool certificates in TLS 1.3 (RFC 8734
// schemes) between a gossl client and server, the client also sending a
// brainpool certificate; a secp256k1 certificate, which has no TLS 1.3
// scheme, makes a TLS 1.3-only server fail the handshake.
func TestCurveCerts13Loopback(t *testing.T) {
	for _, curve := range []string{"brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1"} {
		t.Run(curve, func(t *testing.T) {
			ch := testpeers.OpenSSLCurveChain(t, curve, curve)
			// The RFC 8734 schemes are not in the default signature_algs
			// (kx.DefaultSignatureSchemes says why): both sides name them.
			algs := []string{"ecdsa_brainpoolP512r1tls13_sha512", "ecdsa_brainpoolP384r1tls13_sha384",
				"ecdsa_brainpoolP256r1tls13_sha256", "ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256"}
			so := &Options{CertFile: ch.CertFile, KeyFile: ch.KeyFile, IP: net.IPv4(127, 0, 0, 1),
				Versions: []Version{TLSv1_3}, Verify: VerifyPeer, FailIfNoPeerCert: Bool(true), CACertFile: ch.CAFile, SignatureAlgs: algs}
			port, done := startEcho(t, so)
			co := &Options{CACertFile: ch.CAFile, ServerNameIndication: "localhost", CertFile: ch.CertFile, KeyFile: ch.KeyFile,
				Versions: []Version{TLSv1_3}, ReuseSessions: Bool(false), SignatureAlgs: algs}
			s, err := Connect("127.0.0.1", port, co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			want := "ecdsa_" + curve + "tls13_sha" + curve[len(curve)-4:len(curve)-2]
			if info, _ := s.ConnectionInformation("signature_algorithm"); len(info) != 1 || !strings.HasPrefix(fmt.Sprint(info[0].Value), "ecdsa_"+curve+"tls13_sha") {
				t.Errorf("signature_algorithm %v, want %s...", info, want)
			}
			echo(t, s)
			s.Close()
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
	t.Run("secp256k1", func(t *testing.T) {
		ch := testpeers.OpenSSLCurveChain(t, "secp256k1", "secp256k1")
		so := &Options{CertFile: ch.CertFile, KeyFile: ch.KeyFile, IP: net.IPv4(127, 0, 0, 1), Versions: []Version{TLSv1_3}}
		port, done := startEcho(t, so)
		co := &Options{CACertFile: ch.CAFile, ServerNameIndication: "localhost", Versions: []Version{TLSv1_3}, ReuseSessions: Bool(false)}
		if s, err := Connect("127.0.0.1", port, co, 20*time.Second); err == nil {
			s.Close()
			t.Fatal("TLS 1.3 with a secp256k1 certificate succeeded")
		}
		if err := <-done; err == nil {
			t.Fatal("server succeeded")
		}
	})
}

// TestBrainpoolSchemesOnlyInTLS13: the RFC 8734 schemes are TLS 1.3's.
// A client offering TLS 1.3 and 1.2 lists them; a server that
// negotiates TLS 1.2 with a brainpool certificate signs under an ecdsa_*
// code point instead, and the client's certificate is asked for without
// them. Before, the server signed its ServerKeyExchange with
// ecdsa_brainpoolP256r1tls13_sha256 and listed the three in its TLS 1.2
// CertificateRequest (found by tlsfuzzer's sanity check of the request),
// which a peer that knows the code points refuses.
func TestBrainpoolSchemesOnlyInTLS13(t *testing.T) {
	ch := testpeers.OpenSSLCurveChain(t, "brainpoolP256r1", "brainpoolP256r1")
	algs := []string{"ecdsa_brainpoolP256r1tls13_sha256", "ecdsa_secp256r1_sha256", "rsa_pss_rsae_sha256"}
	so := &Options{CertFile: ch.CertFile, KeyFile: ch.KeyFile, IP: net.IPv4(127, 0, 0, 1),
		Versions: []Version{TLSv1_2}, Verify: VerifyPeer, FailIfNoPeerCert: Bool(true), CACertFile: ch.CAFile, SignatureAlgs: algs}
	port, done := startEcho(t, so)
	co := &Options{CACertFile: ch.CAFile, ServerNameIndication: "localhost", CertFile: ch.CertFile, KeyFile: ch.KeyFile,
		Versions: []Version{TLSv1_3, TLSv1_2}, ReuseSessions: Bool(false), SignatureAlgs: algs}
	s, err := Connect("127.0.0.1", port, co, 20*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer s.Close()
	if info, _ := s.ConnectionInformation("signature_algorithm"); len(info) != 1 || fmt.Sprint(info[0].Value) != "ecdsa_secp256r1_sha256" {
		t.Errorf("TLS 1.2 signature_algorithm %v, want ecdsa_secp256r1_sha256", info)
	}
	echo(t, s)
	s.Close()
	if err := <-done; err != nil {
		t.Fatalf("gossl server: %v", err)
	}
}

// TestInteropCurveCertsErlang: brainpool, secp256k1 and sect* certificates in
// TLS 1.2 and Ed448 in TLS 1.3 with Erlang/OTP 25 in both roles, each
// side verifying the server's chain. Left out: an OTP 25 server with an
// Ed448 certificate in TLS 1.3, which labels its CertificateVerify
// eddsa_ed25519 (0x0807) and so is refused with illegal_parameter (RFC
// 8446, 4.4.3: the scheme must match the key); and Ed448 in TLS 1.2, which
// OTP 25 does not do (TestInteropCurveCertsOpenSSL covers it).
func TestInteropCurveCertsErlang(t *testing.T) {
	testpeers.Require(t, "erl")
	for _, c := range []curveCertCase{
		{"brainpoolP384r1", "brainpoolP256r1", TLSv1_2, ""},
		{"secp256k1", "secp256k1", TLSv1_2, ""},
		{"sect571r1", "sect283k1", TLSv1_2, ""},
		{"ed448", "ed448", TLSv1_3, ""},
	} {
		name := fmt.Sprintf("%s/%s/%s", c.ca, c.leaf, c.version)
		ch := testpeers.OpenSSLCurveChain(t, c.ca, c.leaf)
		eccs := strings.Join(eccsFor(c.leaf), ",")
		t.Run("erlang-server/"+name, func(t *testing.T) {
			if c.leaf == "ed448" && c.version == TLSv1_3 {
				t.Skip("OTP 25 labels an Ed448 TLS 1.3 CertificateVerify eddsa_ed25519")
			}
			srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['%s']},{certfile,%q},{keyfile,%q},{eccs,[%s]}]",
				c.version, ch.CertFile, ch.KeyFile, eccs))
			co := &Options{CACertFile: ch.CAFile, ServerNameIndication: "localhost",
				Versions: []Version{c.version}, ReuseSessions: Bool(false), Eccs: eccsFor(c.leaf)}
			s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v\n%s", err, srv.Output())
			}
			defer s.Close()
			echo(t, s)
		})
		t.Run("erlang-client/"+name, func(t *testing.T) {
			so := &Options{CertFile: ch.CertFile, KeyFile: ch.KeyFile, IP: net.IPv4(127, 0, 0, 1),
				Versions: []Version{c.version}, Eccs: eccsFor(c.leaf)}
			port, done := startEcho(t, so)
			cl := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
				"[{versions,['%s']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"},{eccs,[%s]}]",
				c.version, ch.CAFile, eccs), "curve certificate")
			if _, _, err := testpeers.ErlangHandshake(cl, 30*time.Second); err != nil {
				t.Fatalf("Erlang client: %v (gossl server: %v)\n%s", err, <-done, cl.Output())
			}
			if _, err := cl.WaitLine("ECHO ok", 20*time.Second); err != nil {
				t.Fatalf("Erlang echo: %v\n%s", err, cl.Output())
			}
			if err := <-done; err != nil {
				t.Fatalf("gossl server: %v", err)
			}
		})
	}
}
