package handshake

import (
	"errors"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
)

// ticketPair is a client and a server configuration that share ticket
// keys: the first handshake leaves a ticket in the client's cache.
func ticketPair(t *testing.T) (cc, sc *Config) {
	cc, sc = testConfig13(t, false), testConfig13(t, true)
	cc.TicketCache, cc.CacheKey = sess.NewClientCache(4), "scope"
	sc.TicketKeys, sc.TicketLifetime = sess.NewTicketKeys(time.Hour, 2, time.Now), time.Hour
	sc.ConfigKey = "listener-a"
	return cc, sc
}

// A TLS 1.3 ticket resumes only under the configuration that issued it
// (the same ConfigKey) and for exactly the same server name, none
// included, and never where the server requires a client certificate
// the session lacks.
func TestTicket13Scope(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(cc, sc *Config)
		resume bool
		fails  alert.Description // the full handshake's refusal, if any
	}{
		{name: "same", change: func(cc, sc *Config) {}, resume: true},
		{name: "other configuration", change: func(cc, sc *Config) { sc.ConfigKey = "listener-b" }},
		{name: "no name, then a name", change: func(cc, sc *Config) { cc.ServerName = "example.com" }},
		{name: "a name, then none", change: func(cc, sc *Config) { cc.ServerName = "" }},
		{name: "a name, then another", change: func(cc, sc *Config) { cc.ServerName = "example.net" }},
		{name: "client certificate required", change: func(cc, sc *Config) {
			sc.Verify, sc.FailIfNoPeerCert = true, true
		}, fails: alert.CertificateRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := ticketPair(t)
			if tc.name == "a name, then none" || tc.name == "a name, then another" {
				cc.ServerName = "example.com"
			}
			benchPair(t, cc, sc) // the ticket
			tc.change(cc, sc)
			c, s, err := pairOrFail(t, cc, sc)
			if tc.fails != 0 {
				var a *alert.Error
				if !errors.As(err, &a) || a.Desc != tc.fails || s.Info().Resumed {
					t.Fatalf("got %v (resumed %v), want the full handshake to fail with %v", err, s.Info().Resumed, tc.fails)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Info().Resumed != tc.resume || s.Info().Resumed != tc.resume {
				t.Fatalf("resumed %v/%v, want %v", c.Info().Resumed, s.Info().Resumed, tc.resume)
			}
		})
	}
}

// A sealed TLS 1.2 session offered as a TLS 1.3 ticket (both are sealed
// with the same keys) does not open as one: a full handshake follows.
func TestTicket13RefusesSession12(t *testing.T) {
	cc, sc := ticketPair(t)
	st := &sess.State12{Version: 0x0303, Suite: 0x1301, Master: make([]byte, 48), Created: time.Now(),
		Lifetime: time.Hour, ConfigKey: sc.ConfigKey}
	sealed := sealState(t, sc, st)
	cc.TicketCache.Put(cc.CacheKey, &sess.ClientTicket{Ticket: sealed, Suite: 0x1301, PSK: make([]byte, 32),
		Received: time.Now(), Lifetime: time.Hour})
	c, s, err := pairOrFail(t, cc, sc)
	if err != nil {
		t.Fatal(err)
	}
	if c.Info().Resumed || s.Info().Resumed {
		t.Fatal("a TLS 1.2 session resumed as a TLS 1.3 ticket")
	}
}

// sealState seals a session state with sc's ticket keys.
func sealState(t *testing.T, sc *Config, st interface{ Marshal() ([]byte, error) }) []byte {
	t.Helper()
	plain, err := st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := sc.TicketKeys.Seal(plain)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

// A TLS 1.3 ticket resumes under any suite of its hash that the client
// offers now (RFC 8446, 4.2.11: "Each PSK is associated with a single
// Hash algorithm"; 4.6.1: a ticket resumes "with a cipher suite that has
// the same KDF hash algorithm"), and the suite chosen is one the client
// offered, never the ticket's. A ticket of another hash gives a full
// handshake. BoringSSL's Resume-Server-UnofferedCipher-TLS13 expects no
// resumption in the first case: its own policy, which the runner's
// comment names as such ("Servers may resume at another cipher if the
// PRF matches ..., but BoringSSL will always decline").
func TestTicket13ResumesUnderAnOfferedSuite(t *testing.T) {
	const aes128, aes256, chacha = 0x1301, 0x1302, 0x1303
	for _, tc := range []struct {
		name   string
		ticket uint16 // the suite of the handshake that made the ticket
		resume bool
	}{
		{"same hash", chacha, true},
		{"other hash", aes256, false},
	} {
		cc, sc := ticketPair(t)
		cc.Suites = []*suites.Suite{suites.ByID(tc.ticket)}
		benchPair(t, cc, sc) // the ticket
		// The client now offers AES-128-GCM alone, and offers the
		// ticket all the same (gossl's client would not: it offers a
		// ticket only with the ticket's suite).
		ticket := cc.TicketCache.Take(cc.CacheKey, time.Now())
		if ticket == nil {
			t.Fatalf("%s: no ticket", tc.name)
		}
		ticket.Suite = aes128
		cc.TicketCache.Put(cc.CacheKey, ticket)
		cc.Suites = []*suites.Suite{suites.ByID(aes128)}
		c, s := benchPair(t, cc, sc)
		if len(c.hello.PSKIdentities) != 1 {
			t.Fatalf("%s: the client offered no ticket", tc.name)
		}
		if s.Info().Resumed != tc.resume || c.Info().Resumed != tc.resume {
			t.Errorf("%s: resumed %v/%v, want %v", tc.name, c.Info().Resumed, s.Info().Resumed, tc.resume)
		}
		if s.Info().Suite.ID != aes128 {
			t.Errorf("%s: suite %s, not the one offered", tc.name, s.Info().Suite.Name)
		}
	}
}
