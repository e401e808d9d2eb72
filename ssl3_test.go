package ssl

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// ssl3Echo connects with co to a gossl echo server with so, sends a
// message, checks the echo and the protocol, and returns the client's
// ConnectionInformation for items.
func ssl3Echo(t *testing.T, so, co *Options, items ...string) []InfoItem {
	t.Helper()
	port, done := startEcho(t, so)
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v (server: %v)", err, <-done)
	}
	// More than one record, to run the IV chain and the 1/n-1 split.
	msg := bytes.Repeat([]byte("sslv3 "), 5000)
	if err := s.Send(msg); err != nil {
		t.Fatal(err)
	}
	got, err := s.Recv(len(msg), 10*time.Second)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo: %v (%d bytes)", err, len(got))
	}
	info, err := s.ConnectionInformation(append([]string{"protocol"}, items...)...)
	if err != nil {
		t.Fatal(err)
	}
	if info[0].Value != string(SSLv3) {
		t.Fatalf("protocol %v, want sslv3", info[0].Value)
	}
	s.Close()
	if err := <-done; err != nil {
		t.Fatalf("server: %v", err)
	}
	return info[1:]
}

// TestSSL3Loopback: every suite gossl has for SSL 3.0, gossl to gossl,
// both sides with versions [sslv3]: RSA key transport (no length prefix
// on the encrypted premaster), DHE_RSA and DHE_DSS (signed as in TLS
// 1.0), the pad1/pad2 MAC with MD5 and SHA-1, RC4 and the CBC ciphers
// with SSL 3.0 padding, and the 36-byte Finished of RFC 6101, 5.6.9.
func TestSSL3Loopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	list := CipherSuites(SuitesAll, SSLv3)
	if len(list) == 0 {
		t.Fatal("no suite for sslv3")
	}
	for _, cs := range list {
		t.Run(cs.Name, func(t *testing.T) {
			so := serverOpts(p, "rsa")
			if cs.KeyExchange == "dhe_dss" {
				so = dssServer(p, t)
			}
			so.Versions, so.Ciphers = []Version{SSLv3}, []string{cs.Name}
			co := clientOpts(p)
			co.Versions, co.Ciphers = []Version{SSLv3}, []string{cs.Name}
			co.ReuseSessions = Bool(false)
			info := ssl3Echo(t, so, co, "cipher_suite")
			if info[0].Value != cs.Name {
				t.Fatalf("suite %v, want %s", info[0].Value, cs.Name)
			}
		})
	}
}

// TestSSL3SuitesAndDefaults: SSL 3.0 has no AEAD, ECDHE, PSK or SRP
// suite, and is never enabled unless named.
func TestSSL3SuitesAndDefaults(t *testing.T) {
	for _, cs := range CipherSuites(SuitesAll, SSLv3) {
		if strings.Contains(cs.KeyExchange, "ecdh") || strings.Contains(cs.KeyExchange, "psk") ||
			strings.Contains(cs.KeyExchange, "srp") || strings.Contains(cs.Cipher, "gcm") || cs.MAC == "aead" {
			t.Errorf("%s offered for SSL 3.0", cs.Name)
		}
	}
	for _, v := range defaultVersions {
		if v == SSLv3 {
			t.Fatal("sslv3 in the default versions")
		}
	}
	// A default server refuses an SSL 3.0 client.
	p := testpeers.NewPKI(t)
	co := clientOpts(p)
	co.Versions, co.Ciphers = []Version{SSLv3}, []string{"AES128-SHA"}
	cerr, serr := connectOnce(t, serverOpts(p, "rsa"), co)
	if !isAlert(unwrapAlert(serr), "protocol_version") || cerr == nil {
		t.Fatalf("client %v / server %v, want protocol_version", cerr, serr)
	}
}

// TestSSL3ClientAuth: the client's certificate with an SSL 3.0
// CertificateVerify (RFC 6101, 5.6.8, signed over the master secret and
// the messages), and a client without one answering the
// CertificateRequest with a no_certificate warning (5.6.6): accepted
// with fail_if_no_peer_cert false, handshake_failure with true.
func TestSSL3ClientAuth(t *testing.T) {
	p := testpeers.NewPKI(t)
	server := func(fail bool) *Options {
		so := serverOpts(p, "rsa")
		so.Versions, so.Ciphers = []Version{SSLv3}, []string{"AES128-SHA", "DHE-RSA-AES256-SHA"}
		so.Verify, so.CACertFile, so.FailIfNoPeerCert = VerifyPeer, p.CAFile, Bool(fail)
		return so
	}
	for _, key := range []string{"rsa", "ecdsa"} {
		co := clientOpts(p)
		co.Versions, co.ReuseSessions = []Version{SSLv3}, Bool(false)
		co.CertFile, co.KeyFile = p.CertFile(key), p.KeyFile(key)
		if cerr, serr := connectOnce(t, server(true), co); cerr != nil || serr != nil {
			t.Fatalf("%s client certificate: client %v, server %v", key, cerr, serr)
		}
	}
	// A certificate under a CA the server does not know: unknown_ca,
	// which SSL 3.0 does not have, reaches the client as bad_certificate
	// (alert.ForSSL30).
	co := clientOpts(p)
	co.Versions, co.ReuseSessions = []Version{SSLv3}, Bool(false)
	co.CertFile, co.KeyFile = p.CertFile("client-rsa"), p.KeyFile("client-rsa")
	stranger := server(true)
	stranger.CACertFile = p.CertFile("ecdsa")
	cerr, serr := connectOnce(t, stranger, co)
	if !isAlert(unwrapAlert(serr), "unknown_ca") || !isAlert(unwrapAlert(cerr), "bad_certificate") {
		t.Fatalf("unknown CA: client %v / server %v, want bad_certificate sent for unknown_ca", cerr, serr)
	}

	co = clientOpts(p)
	co.Versions, co.ReuseSessions = []Version{SSLv3}, Bool(false)
	ssl3Echo(t, server(false), co)
	cerr, serr = connectOnce(t, server(true), co)
	if !isAlert(unwrapAlert(serr), "handshake_failure") || cerr == nil {
		t.Fatalf("no certificate with fail_if_no_peer_cert: client %v / server %v, want handshake_failure", cerr, serr)
	}
}

// TestSSL3Negotiation: a client that offers TLS 1.2 down to SSL 3.0 (with
// its extensions) gets SSL 3.0 from an SSL 3.0-only server, which
// ignores the extensions but renegotiation_info; a session is resumed
// at SSL 3.0 (the abbreviated handshake's Finished too); and RFC 7507's
// fallback SCSV from an SSL 3.0 retry is refused by a server that has
// better, and accepted by one that has not.
func TestSSL3Negotiation(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "rsa")
	so.Versions, so.Ciphers = []Version{SSLv3}, []string{"DES-CBC3-SHA", "AES256-SHA"}
	co := clientOpts(p)
	co.Versions = []Version{TLSv1_2, TLSv1, SSLv3}
	co.Ciphers = []string{"ECDHE-RSA-AES128-GCM-SHA256", "AES256-SHA"}
	co.ReuseSessions = Bool(false)
	info := ssl3Echo(t, so, co, "cipher_suite", "secure_renegotiation")
	if info[0].Value != "TLS_RSA_WITH_AES_256_CBC_SHA" || info[1].Value != true {
		t.Fatalf("info %v, want AES256-SHA with secure renegotiation", info)
	}

	// Resumption: the second connection to the same listener resumes.
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	forgetNewPort(ls)
	co = clientOpts(p)
	co.Versions, co.Ciphers = []Version{SSLv3}, []string{"DES-CBC3-SHA"}
	var resumed []bool
	for i := 0; i < 2; i++ {
		done := make(chan error, 1)
		go func() {
			s, err := ls.TransportAccept(10 * time.Second)
			if err == nil {
				err = echoSocket(s, 10*time.Second)
			}
			done <- err
		}()
		s, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		in, _ := s.ConnectionInformation("session_resumption", "protocol")
		resumed = append(resumed, in[0].Value.(bool))
		if in[1].Value != string(SSLv3) {
			t.Fatalf("protocol %v", in[1].Value)
		}
		s.Send([]byte("x"))
		if _, err := s.Recv(1, 10*time.Second); err != nil {
			t.Fatalf("after resumption %d: %v", i, err)
		}
		s.Close()
		if err := <-done; err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
	}
	if resumed[0] || !resumed[1] {
		t.Fatalf("resumed %v, want [false true]", resumed)
	}

	// RFC 7507: an SSL 3.0 fallback to a server that has TLS 1.2.
	better := serverOpts(p, "rsa")
	better.Versions, better.Ciphers = []Version{TLSv1_2, SSLv3}, []string{"AES128-SHA"}
	fb := clientOpts(p)
	fb.Versions, fb.Fallback, fb.ReuseSessions = []Version{SSLv3}, true, Bool(false)
	fb.Ciphers = []string{"AES128-SHA"}
	cerr, serr := connectOnce(t, better, fb)
	if !isAlert(unwrapAlert(serr), "inappropriate_fallback") || cerr == nil {
		t.Fatalf("fallback: client %v / server %v, want inappropriate_fallback", cerr, serr)
	}
	only := serverOpts(p, "rsa")
	only.Versions, only.Ciphers = []Version{SSLv3}, []string{"AES128-SHA"}
	if cerr, serr := connectOnce(t, only, fb); cerr != nil || serr != nil {
		t.Fatalf("fallback to an SSL 3.0-only server: client %v, server %v", cerr, serr)
	}
}

// TestSSL3NoExporter: SSL 3.0's derivation has no labels, so neither
// ssl:prf/5 nor an exporter exists for it; both say so.
func TestSSL3NoExporter(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "rsa")
	so.Versions = []Version{SSLv3}
	co := clientOpts(p)
	co.Versions, co.ReuseSessions = []Version{SSLv3}, Bool(false)
	port, done := startEcho(t, so)
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close(); <-done }()
	if _, err := s.ExportKeyMaterials([]string{"EXPORTER-test"}, [][]byte{nil}, []int{16}); err == nil || !strings.Contains(err.Error(), "SSL 3.0") {
		t.Errorf("export: %v", err)
	}
	if _, err := s.PRF(nil, "label", []any{"client_random"}, 16); err == nil || !strings.Contains(err.Error(), "SSL 3.0") {
		t.Errorf("prf: %v", err)
	}
}
