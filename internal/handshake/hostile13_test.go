package handshake

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// A hostile TLS 1.3 server, played by hand against the client machine:
// the HelloRetryRequest and ServerHello are built here, so they can say
// what no honest server would.

// hostileClient13 is a TLS 1.3 client machine that shares an x25519 key,
// also supports secp256r1 (which a HelloRetryRequest can ask for) and,
// when ticketSuite is not zero, holds a ticket of that suite to offer.
// It has sent its ClientHello.
func hostileClient13(t testing.TB, ticketSuite uint16) *Client {
	t.Helper()
	return newClient13(t, ticketSuite, nil, rand.Reader, time.Now())
}

// newClient13 is hostileClient13 with its random source (the hello
// random and session id) and clock given, and 0-RTT data to send when
// early is not empty (the ticket then allows it).
func newClient13(t testing.TB, ticketSuite uint16, early []byte, rnd io.Reader, now time.Time) *Client {
	t.Helper()
	cfg := client13Config(early, rnd, now)
	if ticketSuite != 0 {
		cfg.TicketCache, cfg.CacheKey = sess.NewClientCache(1), "hostile"
		cfg.TicketCache.Put(cfg.CacheKey, &sess.ClientTicket{
			Ticket: []byte("a ticket"), Suite: ticketSuite, PSK: make([]byte, suites.ByID(ticketSuite).Hash().Size()),
			Received: now, Lifetime: time.Hour, MaxEarlyData: uint32(len(early)),
		})
	}
	c := NewClient(cfg)
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if ticketSuite != 0 && len(c.hello.PSKIdentities) != 1 {
		t.Fatal("the client did not offer its ticket")
	}
	return c
}

// client13Config is a TLS 1.3 client's configuration: an x25519 share,
// secp256r1 supported too.
func client13Config(early []byte, rnd io.Reader, now time.Time) *Config {
	return &Config{
		Versions:         []uint16{wire.VersionTLS13},
		Suites:           suites.Defaults([]uint16{wire.VersionTLS13}),
		Groups13:         []uint16{wire.GroupX25519, wire.GroupSecp256r1},
		KeyShareGroups:   []uint16{wire.GroupX25519},
		SignatureSchemes: kx.DefaultSignatureSchemes(),
		MaxHandshakeSize: wire.DefaultMaxHandshakeSize,
		MiddleboxCompat:  true,
		EarlyData:        early,
		Rand:             rnd,
		Now:              func() time.Time { return now },
	}
}

// hostileHRR is a HelloRetryRequest for the client's hello that asks
// for a secp256r1 share under suite.
func hostileHRR(t testing.TB, c *Client, suite uint16) []byte {
	t.Helper()
	return marshalTest(t, &wire.ServerHello{
		Version: wire.VersionTLS12, Random: wire.HelloRetryRequestRandom[:], SessionID: c.hello.SessionID,
		CipherSuite: suite, SupportedVersion: wire.VersionTLS13, SelectedGroup: wire.GroupSecp256r1,
	})
}

// hostileServerHello is a ServerHello with a valid key share for group
// (which the client must have shared) that selects PSK identity id when
// id is not negative.
func hostileServerHello(t testing.TB, c *Client, suite, group uint16, id int) []byte {
	t.Helper()
	// A fixed key: the messages are the same every time (fuzz seeds).
	curve := ecdh.X25519()
	if group == wire.GroupSecp256r1 {
		curve = ecdh.P256()
	}
	key, err := curve.NewPrivateKey(bytes.Repeat([]byte{0x5e}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return marshalTest(t, &wire.ServerHello{
		Version: wire.VersionTLS12, Random: bytes.Repeat([]byte{7}, 32), SessionID: c.hello.SessionID,
		CipherSuite: suite, SupportedVersion: wire.VersionTLS13,
		KeyShare:    wire.KeyShare{Group: group, Data: key.PublicKey().Bytes()},
		PSKSelected: id >= 0, PSKIdentity: uint16(max(id, 0)),
	})
}

func marshalTest(t testing.TB, m wire.Message) []byte {
	t.Helper()
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantAlert checks that err is a handshake error carrying desc.
func wantAlert(t *testing.T, err error, desc alert.Description) {
	t.Helper()
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Desc != desc {
		t.Fatalf("got %v, want the alert %d", err, desc)
	}
}

// RFC 8446, 4.2.11: "Clients MUST verify that the server's
// selected_identity is within the range supplied by the client, that the
// server selected a cipher suite indicating a Hash associated with the
// PSK [...]. If these values are not consistent, the client MUST abort
// the handshake with an "illegal_parameter" alert." This holds after a
// HelloRetryRequest too, where the offer may have been dropped: the
// client used to dereference a ticket it no longer had.
func TestClient13RefusesPSKNotOffered(t *testing.T) {
	const sha256Suite, sha384Suite = 0x1301, 0x1302
	for _, tc := range []struct {
		name        string
		ticketSuite uint16 // 0: no ticket offered
		hrr         bool
		id          int
		ok          bool
	}{
		// The ticket's hash is SHA-384, the HRR's suite SHA-256: the
		// second ClientHello offers no PSK, and the server picks one.
		{name: "hrr_ticket_dropped_for_hash", ticketSuite: sha384Suite, hrr: true, id: 0},
		{name: "hrr_no_ticket", hrr: true, id: 0},
		{name: "hrr_identity_out_of_range", ticketSuite: sha256Suite, hrr: true, id: 1},
		{name: "no_ticket", id: 0},
		{name: "identity_out_of_range", ticketSuite: sha256Suite, id: 1},
		{name: "hash_mismatch", ticketSuite: sha384Suite, id: 0},
		// Controls: a PSK that was offered is taken, on both paths.
		{name: "hrr_offered", ticketSuite: sha256Suite, hrr: true, id: 0, ok: true},
		{name: "offered", ticketSuite: sha256Suite, id: 0, ok: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := hostileClient13(t, tc.ticketSuite)
			group := uint16(wire.GroupX25519)
			if tc.hrr {
				if _, err := c.HandleMessage(hostileHRR(t, c, sha256Suite)); err != nil {
					t.Fatalf("HelloRetryRequest refused: %v", err)
				}
				group = wire.GroupSecp256r1
			}
			_, err := c.HandleMessage(hostileServerHello(t, c, sha256Suite, group, tc.id))
			if tc.ok {
				if err != nil || !c.Info().Resumed {
					t.Fatalf("offered PSK refused: %v (resumed %v)", err, c.Info().Resumed)
				}
				return
			}
			wantAlert(t, err, alert.IllegalParameter)
		})
	}
}
