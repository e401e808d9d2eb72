package suites

import (
	"testing"

	"github.com/gossl/ssl/internal/wire"
)

func TestTableConsistency(t *testing.T) {
	ids, names := map[uint16]bool{}, map[string]bool{}
	for _, s := range All() {
		if ids[s.ID] || names[s.Name] || names[s.OpenSSLName] {
			t.Errorf("duplicate suite %#04x %s", s.ID, s.Name)
		}
		ids[s.ID], names[s.Name], names[s.OpenSSLName] = true, true, true
		if ByID(s.ID) != s || ByName(s.Name) != s || ByName(s.OpenSSLName) != s {
			t.Errorf("%s: lookups disagree", s.Name)
		}
		info := s.Cipher.Info()
		if info.KeyLen == 0 || (info.AEAD != (s.MAC == MACAEAD)) {
			t.Errorf("%s: cipher %v and MAC %v do not fit", s.Name, s.Cipher, s.MAC)
		}
		// AEAD and SHA-2 MAC suites exist only from TLS 1.2 (RFC 5246,
		// Appendix A.5; RFC 5288).
		if (info.AEAD || s.MAC == MACSHA256 || s.MAC == MACSHA384) && s.MinVersion < wire.VersionTLS12 {
			t.Errorf("%s: usable below TLS 1.2", s.Name)
		}
		if s.MinVersion > s.MaxVersion {
			t.Errorf("%s: empty version range", s.Name)
		}
	}
	if ByID(0x0005) != nil || ByName("RC4-SHA") != nil {
		t.Error("an unimplemented suite was found")
	}
}

func TestDefaultsExcludeRSAKeyExchange(t *testing.T) {
	for _, s := range Defaults([]uint16{wire.VersionTLS10, wire.VersionTLS11, wire.VersionTLS12}) {
		if s.KX == KXRSA {
			t.Errorf("%s is a default suite", s.Name)
		}
	}
	for _, s := range Defaults([]uint16{wire.VersionTLS10}) {
		if !s.SupportsVersion(wire.VersionTLS10) {
			t.Errorf("%s offered for TLS 1.0", s.Name)
		}
	}
}
