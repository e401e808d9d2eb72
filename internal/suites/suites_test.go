package suites

import (
	"crypto"
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
	if ByID(0x0031) != nil || ByName("DH-RSA-AES128-SHA") != nil {
		t.Error("an unimplemented suite was found")
	}
	// The legacy ciphers (RFC 5246, Appendix C) are in the table but never
	// default, and DES stops at TLS 1.1 (RFC 5469).
	for _, s := range All() {
		legacy := s.Cipher == Cipher3DESEDECBC || s.Cipher == CipherDESCBC || s.Cipher == CipherRC4128 || s.MAC == MACMD5
		if legacy && s.Default {
			t.Errorf("%s is a default suite", s.Name)
		}
		if s.Cipher == CipherDESCBC && s.SupportsVersion(wire.VersionTLS12) {
			t.Errorf("%s usable at TLS 1.2", s.Name)
		}
	}
	if s := ByName("RC4-MD5"); s == nil || s.ID != 0x0004 || s.MAC.Size() != 16 || s.MAC.ErlangName() != "md5" {
		t.Error("TLS_RSA_WITH_RC4_128_MD5")
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

func TestTLS13Suites(t *testing.T) {
	want := []struct {
		id     uint16
		name   string
		cipher Cipher
		hash   crypto.Hash
		def    bool
	}{
		{0x1302, "TLS_AES_256_GCM_SHA384", CipherAES256GCM, crypto.SHA384, true},
		{0x1301, "TLS_AES_128_GCM_SHA256", CipherAES128GCM, crypto.SHA256, true},
		{0x1303, "TLS_CHACHA20_POLY1305_SHA256", CipherChaCha20Poly1305, crypto.SHA256, true},
		{0x1304, "TLS_AES_128_CCM_SHA256", CipherAES128CCM, crypto.SHA256, true},
		{0x1305, "TLS_AES_128_CCM_8_SHA256", CipherAES128CCM8, crypto.SHA256, false},
	}
	for i, w := range want {
		s := All()[i]
		if s.ID != w.id || s.Name != w.name || s.OpenSSLName != w.name || s.Cipher != w.cipher ||
			s.Hash() != w.hash || s.Default != w.def || s.KX != KXAny || s.MAC != MACAEAD {
			t.Errorf("row %d: %+v", i, s)
		}
		if !s.TLS13() || !s.SupportsVersion(wire.VersionTLS13) || s.SupportsVersion(wire.VersionTLS12) {
			t.Errorf("%s: versions %#x..%#x", s.Name, s.MinVersion, s.MaxVersion)
		}
		if info := s.Cipher.Info(); info.IVLen13() != 12 || info.TagLen == 0 {
			t.Errorf("%s: %+v", s.Name, info)
		}
	}
	if got := ByID(0x1305).Cipher.Info(); got.ErlangName != "aes_128_ccm_8" || got.TagLen != 8 || got.KeyLen != 16 {
		t.Errorf("CCM_8: %+v", got)
	}
	if got := ByID(0x1304).ErlangMap(); got != "#{key_exchange => any, cipher => aes_128_ccm, mac => aead, prf => sha256}" {
		t.Errorf("ErlangMap %s", got)
	}
	// No TLS 1.3 suite leaks into an earlier version, nor the reverse.
	for _, s := range Defaults([]uint16{wire.VersionTLS12}) {
		if s.TLS13() {
			t.Errorf("%s offered at TLS 1.2", s.Name)
		}
	}
	d13 := Defaults([]uint16{wire.VersionTLS13})
	if len(d13) != 4 {
		t.Errorf("%d default TLS 1.3 suites", len(d13))
	}
	for _, s := range All() {
		if !s.TLS13() && s.SupportsVersion(wire.VersionTLS13) {
			t.Errorf("%s usable at TLS 1.3", s.Name)
		}
	}
	// PRFDefault suites hash with SHA-256 (the TLS 1.2 PRF).
	if h := ByID(0x002f).Hash(); h != crypto.SHA256 {
		t.Errorf("AES128-SHA hash %v", h)
	}
}

// TestSRPSuites: the SRP suites of RFC 5054 are known by their three
// names and are never default (TestLegacyFamilySuites has the 3DES
// ones).
func TestSRPSuites(t *testing.T) {
	for _, c := range []struct {
		id            uint16
		iana, openssl string
		kx            KeyExchange
		erlang        string
	}{
		{0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA", KXSRPAnon, "srp_anon"},
		{0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA", KXSRPAnon, "srp_anon"},
		{0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA", KXSRPRSA, "srp_rsa"},
		{0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA", KXSRPRSA, "srp_rsa"},
		{0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA", KXSRPDSS, "srp_dss"},
		{0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA", KXSRPDSS, "srp_dss"},
	} {
		s := ByID(c.id)
		if s == nil || s.Name != c.iana || ByName(c.openssl) != s || s.KX != c.kx || s.KX.ErlangName() != c.erlang || s.Default || !s.KX.SRP() {
			t.Errorf("%#04x: %+v", c.id, s)
		}
	}
	if !KXSRPRSA.Signed() || !KXSRPDSS.Signed() || KXSRPAnon.Signed() || KXSRPRSA.Ephemeral() || !KXSRPDSS.DSS() || KXSRPRSA.DSS() {
		t.Error("SRP_SHA_RSA and SRP_SHA_DSS sign their ServerKeyExchange, SRP_SHA does not, and none uses curves")
	}
}

// TestLegacyFamilySuites: 3DES and RC4 with the PSK family (RFC 4279,
// RFC 5489), 3DES with SRP (RFC 5054, 2.7), and RC4, 3DES and DES with
// the anonymous exchanges (RFC 5246, Appendix A.5; RFC 8422), by their
// IANA ids and both names; none is default, none exists in SSL 3.0, and
// DES stops at TLS 1.1.
func TestLegacyFamilySuites(t *testing.T) {
	for _, c := range []struct {
		id            uint16
		iana, openssl string
		kx            KeyExchange
		cipher        Cipher
		mac           MAC
	}{
		{0x008a, "TLS_PSK_WITH_RC4_128_SHA", "PSK-RC4-SHA", KXPSK, CipherRC4128, MACSHA1},
		{0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", "PSK-3DES-EDE-CBC-SHA", KXPSK, Cipher3DESEDECBC, MACSHA1},
		{0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA", "DHE-PSK-RC4-SHA", KXDHEPSK, CipherRC4128, MACSHA1},
		{0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", "DHE-PSK-3DES-EDE-CBC-SHA", KXDHEPSK, Cipher3DESEDECBC, MACSHA1},
		{0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", "RSA-PSK-RC4-SHA", KXRSAPSK, CipherRC4128, MACSHA1},
		{0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", "RSA-PSK-3DES-EDE-CBC-SHA", KXRSAPSK, Cipher3DESEDECBC, MACSHA1},
		{0xc033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", "ECDHE-PSK-RC4-SHA", KXECDHEPSK, CipherRC4128, MACSHA1},
		{0xc034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", "ECDHE-PSK-3DES-EDE-CBC-SHA", KXECDHEPSK, Cipher3DESEDECBC, MACSHA1},
		{0xc01a, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", "SRP-3DES-EDE-CBC-SHA", KXSRPAnon, Cipher3DESEDECBC, MACSHA1},
		{0xc01b, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", "SRP-RSA-3DES-EDE-CBC-SHA", KXSRPRSA, Cipher3DESEDECBC, MACSHA1},
		{0xc01c, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", "SRP-DSS-3DES-EDE-CBC-SHA", KXSRPDSS, Cipher3DESEDECBC, MACSHA1},
		{0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", "ADH-RC4-MD5", KXDHAnon, CipherRC4128, MACMD5},
		{0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA", "ADH-DES-CBC-SHA", KXDHAnon, CipherDESCBC, MACSHA1},
		{0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", "ADH-DES-CBC3-SHA", KXDHAnon, Cipher3DESEDECBC, MACSHA1},
		{0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA", "AECDH-RC4-SHA", KXECDHAnon, CipherRC4128, MACSHA1},
		{0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", "AECDH-DES-CBC3-SHA", KXECDHAnon, Cipher3DESEDECBC, MACSHA1},
	} {
		s := ByID(c.id)
		if s == nil || s.Name != c.iana || ByName(c.openssl) != s || s.KX != c.kx || s.Cipher != c.cipher || s.MAC != c.mac ||
			s.PRF != PRFDefault || s.Default || Planned(c.iana) {
			t.Errorf("%#04x %s: %+v", c.id, c.iana, s)
			continue
		}
		if s.SupportsVersion(wire.VersionSSL30) || !s.SupportsVersion(wire.VersionTLS10) ||
			s.SupportsVersion(wire.VersionTLS12) == (c.cipher == CipherDESCBC) {
			t.Errorf("%s: versions %#x..%#x", c.iana, s.MinVersion, s.MaxVersion)
		}
	}
}
