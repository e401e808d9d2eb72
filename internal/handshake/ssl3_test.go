package handshake

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

var ssl3RSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// ssl3Config is testConfig with an RSA certificate (SSL 3.0 has no
// ECDSA suite) and the versions and suite given.
func ssl3Config(t *testing.T, versions []uint16, suite string) *Config {
	cfg := testConfig(t, false)
	cfg.Certs = []CertKey{selfSigned(t, ssl3RSA(), "ssl3")}
	cfg.Versions = versions
	cfg.Suites = []*suites.Suite{suites.ByName(suite), suites.ByName("ECDHE-RSA-AES128-GCM-SHA256")}
	return cfg
}

// TestSSL3Hellos: an SSL 3.0-only client's ClientHello has no extensions
// and carries TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746, 3.3); a
// server that negotiates SSL 3.0 with a client offering TLS 1.2 and
// extensions answers with renegotiation_info alone (RFC 5746, 4.5) and
// a 36-byte Finished (RFC 6101, 5.6.9); a client refuses any other
// extension in an SSL 3.0 ServerHello.
func TestSSL3Hellos(t *testing.T) {
	ssl3 := []uint16{wire.VersionSSL30}
	c := NewClient(ssl3Config(t, ssl3, "AES128-SHA"))
	acts, err := c.Start()
	if err != nil {
		t.Fatal(err)
	}
	var ch wire.ClientHello
	if !ch.Unmarshal(acts[0].Data) {
		t.Fatal("unparsable ClientHello")
	}
	// Four header bytes, version, random, session_id, suites, one
	// compression method: nothing after.
	if n := 4 + 2 + 32 + 1 + len(ch.SessionID) + 2 + 2*len(ch.CipherSuites) + 2; len(acts[0].Data) != n {
		t.Fatalf("SSL 3.0 ClientHello of %d bytes has extensions (%d without)", len(acts[0].Data), n)
	}
	if ch.Version != wire.VersionSSL30 || !containsU16(ch.CipherSuites, wire.SCSVRenegotiation) {
		t.Fatalf("version %x, suites %x: want SSL 3.0 and the SCSV", ch.Version, ch.CipherSuites)
	}
	for _, id := range ch.CipherSuites {
		if s := suites.ByID(id); s != nil && !s.SupportsVersion(wire.VersionSSL30) {
			t.Fatalf("SSL 3.0 client offers %s", s.Name)
		}
	}

	wide := []uint16{wire.VersionTLS12, wire.VersionSSL30}
	var sawSH, sawFin bool
	err = exchangeObserved(t, NewClient(ssl3Config(t, wide, "AES128-SHA")), NewServer(ssl3Config(t, ssl3, "AES128-SHA")), nil,
		func(to Machine, a Action) {
			if a.Kind != SendMessage {
				return
			}
			switch a.Data[0] {
			case wire.TypeServerHello:
				var sh wire.ServerHello
				sawSH = sh.Unmarshal(a.Data) && sh.Version == wire.VersionSSL30 && sh.SecureRenegotiationValid &&
					checkSSL3ServerHello(&sh) == nil
			case wire.TypeFinished:
				sawFin = len(a.Data) == 4+36
			}
		})
	if err != nil || !sawSH || !sawFin {
		t.Fatalf("TLS 1.2 client, SSL 3.0 server: %v (ServerHello ok %v, Finished ok %v)", err, sawSH, sawFin)
	}

	err, _ = exchange(t, NewClient(ssl3Config(t, wide, "AES128-SHA")), NewServer(ssl3Config(t, ssl3, "AES128-SHA")),
		editHello(t, wire.TypeServerHello, nil, func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = true }))
	if ae, ok := err.(*alert.Error); !ok || ae.Desc != alert.UnsupportedExtension {
		t.Fatalf("extended_master_secret in an SSL 3.0 ServerHello: %v, want unsupported_extension", err)
	}
}

// TestSSL3NoCertificate: asked for a certificate it does not have, an
// SSL 3.0 client sends a no_certificate warning alert and no Certificate
// message (RFC 6101, 5.6.6); the server takes the alert for an empty
// Certificate, or refuses it under fail_if_no_peer_cert. At TLS 1.0 the
// client sends an empty Certificate, and the alert is no answer.
func TestSSL3NoCertificate(t *testing.T) {
	for _, v := range []uint16{wire.VersionSSL30, wire.VersionTLS10} {
		for _, fail := range []bool{false, true} {
			cc, sc := ssl3Config(t, []uint16{v}, "AES128-SHA"), ssl3Config(t, []uint16{v}, "AES128-SHA")
			cc.Certs = nil
			sc.Verify, sc.FailIfNoPeerCert = true, fail
			c, s := NewClient(cc), NewServer(sc)
			var alerts, certs int
			var noCertErr error
			err := exchangeObserved(t, c, s, nil, func(to Machine, a Action) {
				switch {
				case a.Kind == SendWarningAlert && a.Data[0] == byte(alert.NoCertificate):
					alerts++
					_, noCertErr = s.HandleNoCertificate()
				case a.Kind == SendMessage && a.Data[0] == wire.TypeCertificate && to == Machine(s):
					certs++
				}
			})
			if err == nil {
				err = noCertErr
			}
			wantAlerts, wantCerts := 1, 0
			if v != wire.VersionSSL30 {
				wantAlerts, wantCerts = 0, 1
			}
			if alerts != wantAlerts || certs != wantCerts {
				t.Fatalf("%s: %d no_certificate alerts, %d Certificate messages", wire.VersionName(v), alerts, certs)
			}
			if fail {
				if ae, ok := err.(*alert.Error); !ok || ae.Desc != alert.HandshakeFailure {
					t.Fatalf("%s fail_if_no_peer_cert: %v, want handshake_failure", wire.VersionName(v), err)
				}
			} else if err != nil {
				t.Fatalf("%s: %v", wire.VersionName(v), err)
			}
		}
	}
}
