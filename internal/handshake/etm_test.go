package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// cbcConfigs returns a TLS 1.2 client and server that agree on a CBC
// suite (ECDHE_ECDSA_WITH_AES_128_CBC_SHA256).
func cbcConfigs(t *testing.T) (cc, sc *Config) {
	cc, sc = testConfig(t, false), testConfig(t, true)
	cbc := suites.ByID(0xc023)
	for _, c := range []*Config{cc, sc} {
		c.Versions = []uint16{wire.VersionTLS12}
		c.Suites = []*suites.Suite{cbc}
	}
	return cc, sc
}

// TestEncryptThenMACNegotiation: a CBC suite gets encrypt-then-MAC when
// both sides have it (RFC 7366), in the full and the resumed handshake,
// and its keys say so; an AEAD suite never does; a ServerHello that
// accepts it without an offer, or with an AEAD suite, is refused.
func TestEncryptThenMACNegotiation(t *testing.T) {
	t.Run("cbc", func(t *testing.T) {
		cc, sc := cbcConfigs(t)
		c, s := NewClient(cc), NewServer(sc)
		if err, side := exchange(t, c, s, nil); err != nil {
			t.Fatalf("%v (%T)", err, side)
		}
		if !c.Info().EncryptThenMAC || !s.Info().EncryptThenMAC {
			t.Fatal("encrypt-then-MAC not negotiated for a CBC suite")
		}
		ck, sk := c.keys()
		if !ck.EncryptThenMAC || !sk.EncryptThenMAC {
			t.Fatal("the record keys do not carry encrypt-then-MAC")
		}
	})
	t.Run("server_without_it", func(t *testing.T) {
		// The server does not answer an encrypt_then_mac it was not
		// offered (the edited hello then fails at Finished, as it must).
		cc, sc := cbcConfigs(t)
		c, s := NewClient(cc), NewServer(sc)
		answered := true
		exchange(t, c, s, func(msg []byte) []byte {
			switch msg[0] {
			case wire.TypeClientHello:
				return editHello(t, wire.TypeClientHello, func(ch *wire.ClientHello) {
					if !ch.EncryptThenMAC {
						t.Fatal("a client with a CBC suite did not offer encrypt_then_mac")
					}
					ch.EncryptThenMAC = false
				}, nil)(msg)
			case wire.TypeServerHello:
				var sh wire.ServerHello
				answered = !sh.Unmarshal(msg) || sh.EncryptThenMAC
			}
			return msg
		})
		if answered {
			t.Fatal("the server accepted encrypt_then_mac though not offered")
		}
	})
	t.Run("aead", func(t *testing.T) {
		cc, sc := testConfig(t, false), testConfig(t, true)
		cc.Suites = append(cc.Suites, suites.ByID(0xc023)) // offered, but the server prefers GCM
		c, s := NewClient(cc), NewServer(sc)
		if err, side := exchange(t, c, s, nil); err != nil {
			t.Fatalf("%v (%T)", err, side)
		}
		if c.Info().Suite.Cipher.CBC() || c.Info().EncryptThenMAC || s.Info().EncryptThenMAC {
			t.Fatalf("suite %s, encrypt-then-MAC %v", c.Info().Suite.Name, c.Info().EncryptThenMAC)
		}
	})
	t.Run("accepted_with_aead", func(t *testing.T) {
		cc, sc := testConfig(t, false), testConfig(t, true)
		cc.Suites = append(cc.Suites, suites.ByID(0xc023))
		c, s := NewClient(cc), NewServer(sc)
		err, side := exchange(t, c, s, editHello(t, wire.TypeServerHello, nil, func(sh *wire.ServerHello) { sh.EncryptThenMAC = true }))
		wantAlertFrom(t, err, side, c, alert.IllegalParameter)
	})
	t.Run("accepted_without_offer", func(t *testing.T) {
		cc, sc := testConfig(t, false), testConfig(t, true)
		cc.Suites = []*suites.Suite{suites.ByID(0xc02b)} // AEAD only: no offer
		c, s := NewClient(cc), NewServer(sc)
		err, side := exchange(t, c, s, editHello(t, wire.TypeServerHello, nil, func(sh *wire.ServerHello) { sh.EncryptThenMAC = true }))
		wantAlertFrom(t, err, side, c, alert.UnsupportedExtension)
	})
}

// TestEncryptThenMACRenegotiationDowngrade: a renegotiation of a
// connection that used encrypt-then-MAC may not fall back to
// MAC-then-encrypt (RFC 7366, 3.1), whichever side drops it.
func TestEncryptThenMACRenegotiationDowngrade(t *testing.T) {
	cc, sc := cbcConfigs(t)
	setup := func() (*Client, *Server) {
		rc, rs := established(t, cc, sc)
		rc.EncryptThenMAC, rs.EncryptThenMAC = true, true
		c, s := NewClient(cc), NewServer(sc)
		c.Reneg, s.Reneg = rc, rs
		return c, s
	}
	c, s := setup()
	if err, side := exchange(t, c, s, nil); err != nil {
		t.Fatalf("renegotiation keeping encrypt-then-MAC: %v (%T)", err, side)
	}
	c, s = setup()
	err, side := exchange(t, c, s, editHello(t, wire.TypeClientHello, func(ch *wire.ClientHello) { ch.EncryptThenMAC = false }, nil))
	wantAlertFrom(t, err, side, s, alert.HandshakeFailure)
	c, s = setup()
	err, side = exchange(t, c, s, editHello(t, wire.TypeServerHello, nil, func(sh *wire.ServerHello) { sh.EncryptThenMAC = false }))
	wantAlertFrom(t, err, side, c, alert.HandshakeFailure)
}
