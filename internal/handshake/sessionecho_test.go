package handshake

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"slices"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// A TLS 1.3 client sends a random legacy_session_id (RFC 8446, D.4) that
// names no session. A TLS 1.2 server that echoes it claims to resume a
// session the client never offered (RFC 5246, 7.4.1.3): the client must
// abort with illegal_parameter, not go on with a full handshake under a
// session ID it did not choose. Found by BoringSSL's
// EchoTLS13CompatibilitySessionID and TLS12-NoTicket-NoOffer tests.
func TestClientRefusesEchoOfUnofferedSessionID(t *testing.T) {
	c := NewClient(testConfig13(t, false))
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if len(c.hello.SessionID) == 0 {
		t.Fatal("no compatibility session ID sent")
	}
	var suite uint16
	for _, s := range c.cfg.Suites {
		if s.ID>>8 == 0xc0 { // an ECDHE suite of TLS 1.2
			suite = s.ID
			break
		}
	}
	sh := marshalTest(t, &wire.ServerHello{
		Version: wire.VersionTLS12, Random: bytes.Repeat([]byte{7}, 32), SessionID: c.hello.SessionID,
		CipherSuite: suite, ExtendedMasterSecret: true, SecureRenegotiationValid: true,
	})
	_, err := c.HandleMessage(sh)
	wantAlert(t, err, alert.IllegalParameter)
}

// Some TLS 1.2 servers echo supported_groups in their ServerHello. The
// client sent it (RFC 5246, 7.4.1.4 forbids only answers to extensions
// not sent), and it has no ServerHello meaning in TLS 1.2 (RFC 8422,
// 5.2): it is ignored, as BoringSSL does, rather than refused with
// unsupported_extension. BoringSSL's SupportedCurves-ServerHello-TLS12.
func TestClientIgnoresSupportedGroupsInServerHello12(t *testing.T) {
	c := NewClient(testConfig(t, false))
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	suite := c.cfg.Suites[0].ID
	sh := marshalTest(t, &wire.ServerHello{
		Version: wire.VersionTLS12, Random: bytes.Repeat([]byte{7}, 32),
		CipherSuite: suite, ExtendedMasterSecret: true, SecureRenegotiationValid: true,
		Unknown: []wire.Extension{{Type: wire.ExtSupportedGroups, Data: []byte{0, 2, 0, 29}}},
	})
	if _, err := c.HandleMessage(sh); err != nil {
		t.Fatalf("ServerHello with supported_groups refused: %v", err)
	}
	// An extension the client did not send is still refused.
	c = NewClient(testConfig(t, false))
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	sh = marshalTest(t, &wire.ServerHello{
		Version: wire.VersionTLS12, Random: bytes.Repeat([]byte{7}, 32),
		CipherSuite: suite, ExtendedMasterSecret: true, SecureRenegotiationValid: true,
		Unknown: []wire.Extension{{Type: 0x7f, Data: nil}},
	})
	_, err := c.HandleMessage(sh)
	wantAlert(t, err, alert.UnsupportedExtension)
}

// RFC 8422, 5.1.2: "If the client sends the extension and the extension
// does not contain the uncompressed point format, and the client has
// used the Supported Groups extension to indicate support for any of the
// curves defined in this specification, then the server MUST abort the
// handshake and return an illegal_parameter alert." The server went on
// with a suite without ECC. BoringSSL's
// PointFormat-Server-MissingUncompressed.
func TestServerRefusesPointFormatsWithoutUncompressed(t *testing.T) {
	client := NewClient(testConfig(t, false))
	if _, err := client.Start(); err != nil {
		t.Fatal(err)
	}
	ch := *client.hello
	ch.ECPointFormats, ch.Raw = []uint8{1}, nil       // ansiX962_compressed_prime only
	ch.CipherSuites = append(ch.CipherSuites, 0x009c) // and an RSA suite to fall back on
	cfg := testConfig(t, false)
	cfg.Suites = append(cfg.Suites, suites.ByID(0x009c))
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Certs = []CertKey{selfSigned(t, key, "rsa")}
	_, err = NewServer(cfg).HandleMessage(marshalTest(t, &ch))
	wantAlert(t, err, alert.IllegalParameter)
}

// TestServerRefusesInvalidServerName: a server_name the wire parser
// reports as breaking RFC 6066 (two host_names, control or non-ASCII
// bytes) ends the handshake with illegal_parameter, in TLS 1.2 and 1.3
// alike, before sni_fun sees the name; the server had gone on with it
// (tlsfuzzer's test-invalid-server-name-extension).
func TestServerRefusesInvalidServerName(t *testing.T) {
	for i, config := range []func(*testing.T, bool) *Config{testConfig, testConfig13} {
		tls13 := i == 1
		client := NewClient(config(t, false))
		if _, err := client.Start(); err != nil {
			t.Fatal(err)
		}
		ch := *client.hello
		ch.ServerName, ch.Raw = "host\x1b[31m\nACCEPT 1.2.3.4:5", nil
		raw := marshalTest(t, &ch)
		var parsed wire.ClientHello
		if !parsed.Unmarshal(raw) || parsed.ServerNameInvalid == "" {
			t.Fatalf("TLS 1.3 %v: the parser did not flag the name", tls13)
		}
		cfg := config(t, true)
		cfg.ForServerName = func(name string) (*Config, error) {
			t.Errorf("sni_fun called with %q", name)
			return nil, nil
		}
		_, err := NewServer(cfg).HandleMessage(raw)
		wantAlert(t, err, alert.IllegalParameter)
	}
}

// TestServerRefusesResumptionWithoutTheSessionsSuite: a ClientHello that
// asks to resume a session the server holds (by session ID or ticket)
// must list the session's cipher suite (RFC 5246, 7.4.1.2); without it
// the server answers illegal_parameter, where it had gone on with a
// full handshake (tlsfuzzer's test-resumption-with-wrong-ciphers).
func TestServerRefusesResumptionWithoutTheSessionsSuite(t *testing.T) {
	cc, sc := testConfig(t, false), testConfig(t, true)
	cs, ss := sessions12(t)
	c, s := NewClient(cc), NewServer(sc)
	c.Sessions, s.Sessions = cs, ss
	if err, side := exchange(t, c, s, nil); err != nil {
		t.Fatalf("%v (%T)", err, side)
	}
	suite := c.Info().Suite.ID
	c = NewClient(cc)
	c.Sessions = cs
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	ch := *c.hello
	if len(ch.SessionID) == 0 && len(ch.SessionTicket) == 0 {
		t.Fatal("the client offers no session")
	}
	var others []uint16
	for _, id := range ch.CipherSuites {
		if id != suite {
			others = append(others, id)
		}
	}
	ch.CipherSuites, ch.Raw = others, nil
	s = NewServer(sc)
	s.Sessions = ss
	_, err := s.HandleMessage(marshalTest(t, &ch))
	wantAlert(t, err, alert.IllegalParameter)
}

// TestServerWithoutSupportedGroupsPicksP256: a TLS 1.2 client that offers
// ECDHE without supported_groups gets P-256 when the server has it, not
// the first of the server's groups (x25519 by default), which such a
// client most likely does not know (tlsfuzzer's test-x25519, "default to
// P-256 when no groups specified").
func TestServerWithoutSupportedGroupsPicksP256(t *testing.T) {
	cfg := testConfig(t, true)
	cfg.Groups = []uint16{wire.GroupX25519, wire.GroupSecp384r1, wire.GroupSecp256r1}
	if g := NewServer(cfg).chooseGroup(&wire.ClientHello{}); g != wire.GroupSecp256r1 {
		t.Fatalf("chose group %#x, want secp256r1", g)
	}
	cfg.Groups = []uint16{wire.GroupX25519, wire.GroupSecp384r1}
	if g := NewServer(cfg).chooseGroup(&wire.ClientHello{}); g != wire.GroupX25519 {
		t.Fatalf("without P-256: chose group %#x, want the server's first", g)
	}
}

// TestServerRefusesLegacyVersionBelowTLS: RFC 8446, D.5. A ClientHello
// whose legacy_version is below SSL 3.0, or SSL 3.0 beside
// supported_versions, is refused with protocol_version even when
// supported_versions offers TLS 1.3 or 1.2; the server had negotiated
// (tlsfuzzer's test-tls13-legacy-version).
func TestServerRefusesLegacyVersionBelowTLS(t *testing.T) {
	for i, config := range []func(*testing.T, bool) *Config{testConfig, testConfig13} {
		for _, legacy := range []uint16{0x0000, 0x0002, 0x0100, 0x0203, 0x0300} {
			client := NewClient(config(t, false))
			if _, err := client.Start(); err != nil {
				t.Fatal(err)
			}
			ch := *client.hello
			ch.Version, ch.Raw = legacy, nil
			if ch.SupportedVersions == nil {
				ch.SupportedVersions = []uint16{wire.VersionTLS12}
			}
			_, err := NewServer(config(t, true)).HandleMessage(marshalTest(t, &ch))
			var a *alert.Error
			if !errors.As(err, &a) || a.Desc != alert.ProtocolVersion {
				t.Errorf("config %d, legacy_version %#04x: %v, want protocol_version", i, legacy, err)
			}
		}
	}
}

// A resumed TLS 1.2 session reports the (EC)DHE group of the handshake
// that made it, in both roles, by session ID and by ticket: the session
// keeps it (sess.State12.Group), as BoringSSL's does. It reported none.
// BoringSSL's CurveID-Resume-Client and CurveID-Resume-Server.
func TestResumed12ReportsTheSessionsGroup(t *testing.T) {
	for _, byTicket := range []bool{false, true} {
		cs, ss := sessions12(t)
		cs.Tickets = byTicket
		if !byTicket {
			ss.TicketKeys = nil
		}
		cc, sc := testConfig(t, false), testConfig(t, true)
		cc.Groups = []uint16{wire.GroupSecp384r1, wire.GroupSecp256r1}
		var groups []uint16
		for i := 0; i < 2; i++ {
			c, s := NewClient(cc), NewServer(sc)
			c.Sessions, s.Sessions = cs, ss
			runMachines(t, c, s)
			if c.Info().Resumed != (i == 1) || s.Info().Resumed != (i == 1) {
				t.Fatalf("ticket %v, connection %d: resumed %v/%v", byTicket, i+1, c.Info().Resumed, s.Info().Resumed)
			}
			groups = append(groups, c.Info().Group, s.Info().Group)
		}
		want := []uint16{wire.GroupSecp384r1, wire.GroupSecp384r1, wire.GroupSecp384r1, wire.GroupSecp384r1}
		if !slices.Equal(groups, want) {
			t.Errorf("ticket %v: groups (client, server; full, resumed) %#04x, want %#04x", byTicket, groups, want)
		}
	}
}
