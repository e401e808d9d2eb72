package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// TestLegacySuitesMachines: 3DES, DES and RC4 suites complete a handshake
// between the machines when both sides name them (TLS 1.0 for DES, which
// TLS 1.2 forbids), their key blocks have the cipher's sizes, and a DTLS
// client never offers RC4 (RFC 6347, 4.1.2.2).
func TestLegacySuitesMachines(t *testing.T) {
	for _, name := range []string{"ECDHE-ECDSA-DES-CBC3-SHA", "ECDHE-ECDSA-RC4-SHA"} {
		for _, v := range []uint16{wire.VersionTLS12, wire.VersionTLS10} {
			cc, sc := testConfig(t, false), testConfig(t, true)
			for _, c := range []*Config{cc, sc} {
				c.Versions = []uint16{v}
				c.Suites = []*suites.Suite{suites.ByName(name)}
			}
			c, s := NewClient(cc), NewServer(sc)
			if err, side := exchange(t, c, s, nil); err != nil {
				t.Fatalf("%s at %s: %v (%T)", name, wire.VersionName(v), err, side)
			}
			k, _ := c.keys()
			info := k.Suite.Cipher.Info()
			if len(k.Key) != info.KeyLen || len(k.IV) != info.FixedIVLen || len(k.MACKey) != 20 {
				t.Fatalf("%s: key block %d/%d/%d", name, len(k.Key), len(k.IV), len(k.MACKey))
			}
		}
	}
	cfg := dtlsConfig(t, false)
	cfg.Suites = suites.Filter(suites.All(), cfg.Versions)
	c := NewClient(cfg)
	if _, err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for _, id := range c.hello.CipherSuites {
		if s := suites.ByID(id); s != nil && s.Cipher.Stream() {
			t.Fatalf("DTLS client offers %s", s.Name)
		}
	}
}
