// Package suites is the cipher-suite table: IANA id and names in the three
// spellings users meet (IANA, OpenSSL, Erlang), with the key exchange, bulk
// cipher, MAC and PRF each suite implies, and the versions it may be used
// with. Filters and orderings for the default and "all" lists live here too.
package suites

import (
	"crypto"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"

	"github.com/gossl/ssl/internal/wire"
)

// KeyExchange names the key-exchange algorithm of a suite.
type KeyExchange uint8

const (
	KXRSA KeyExchange = iota + 1
	KXECDHEECDSA
	KXECDHERSA
	// KXAny is the TLS 1.3 convention: the suite says nothing about the key
	// exchange.
	KXAny
	// The PSK family (RFC 4279, RFC 5489).
	KXPSK
	KXECDHEPSK
	KXDHEPSK
	KXRSAPSK
	// KXDHERSA is finite-field DHE signed with an RSA key (RFC 5246,
	// 7.4.3; RFC 7919).
	KXDHERSA
	// KXSRPAnon and KXSRPRSA are SRP_SHA and SRP_SHA_RSA (RFC 5054):
	// Erlang's srp_anon and srp_rsa.
	KXSRPAnon
	KXSRPRSA
	// KXSRPDSS is SRP_SHA_DSS (RFC 5054): Erlang's srp_dss.
	KXSRPDSS
	// KXDHEDSS is finite-field DHE signed with a DSA key (RFC 5246,
	// 7.4.3): Erlang's dhe_dss.
	KXDHEDSS
	// KXDHAnon and KXECDHAnon are unauthenticated (EC)DH: the server
	// sends no certificate and an unsigned ServerKeyExchange (RFC 5246,
	// 7.4.3; RFC 8422, 2.3). Erlang's dh_anon and ecdh_anon.
	KXDHAnon
	KXECDHAnon
	// KXECDHECDSA and KXECDHRSA are static ECDH (RFC 4492, 2.1 and 2.3):
	// the server's ECDH key is its certificate's, which a CA signed
	// with ECDSA or with RSA; no ServerKeyExchange. Erlang's ecdh_ecdsa
	// and ecdh_rsa.
	KXECDHECDSA
	KXECDHRSA
)

// ErlangName is the atom OTP uses for the key exchange.
func (k KeyExchange) ErlangName() string {
	switch k {
	case KXRSA:
		return "rsa"
	case KXECDHEECDSA:
		return "ecdhe_ecdsa"
	case KXECDHERSA:
		return "ecdhe_rsa"
	case KXAny:
		return "any"
	case KXPSK:
		return "psk"
	case KXECDHEPSK:
		return "ecdhe_psk"
	case KXDHEPSK:
		return "dhe_psk"
	case KXRSAPSK:
		return "rsa_psk"
	case KXDHERSA:
		return "dhe_rsa"
	case KXSRPAnon:
		return "srp_anon"
	case KXSRPRSA:
		return "srp_rsa"
	case KXSRPDSS:
		return "srp_dss"
	case KXDHEDSS:
		return "dhe_dss"
	case KXDHAnon:
		return "dh_anon"
	case KXECDHAnon:
		return "ecdh_anon"
	case KXECDHECDSA:
		return "ecdh_ecdsa"
	case KXECDHRSA:
		return "ecdh_rsa"
	}
	return "unknown"
}

// PSK reports whether the key exchange is one of the PSK family, whose
// peers need a pre-shared key (user_lookup_fun) to use it.
func (k KeyExchange) PSK() bool {
	return k == KXPSK || k == KXECDHEPSK || k == KXDHEPSK || k == KXRSAPSK
}

// Certless reports whether the server sends no Certificate under k: the
// PSK exchanges other than RSA_PSK (RFC 4279, Sections 2 and 3; RFC 5489,
// Section 2), SRP_SHA (RFC 5054, 2.7) and the anonymous exchanges. OTP
// lists such suites as anonymous.
func (k KeyExchange) Certless() bool {
	return k == KXPSK || k == KXECDHEPSK || k == KXDHEPSK || k == KXSRPAnon || k.Anon()
}

// Anon reports whether k is DH_anon or ECDH_anon: no authentication at
// all, so usable only when named in ciphers (RFC 5246, Appendix F.1.1.1).
func (k KeyExchange) Anon() bool { return k == KXDHAnon || k == KXECDHAnon }

// UsesCurves reports whether the key exchange runs over an elliptic-curve
// group the client names in supported_groups (RFC 8422, 5.1): ECDHE with
// a signature, ECDHE_PSK (RFC 5489, 2), ECDH_anon, and static ECDH, whose
// group is the server certificate's curve (RFC 4492, 2.1).
func (k KeyExchange) UsesCurves() bool {
	return k.ECDHE() || k == KXECDHEPSK || k == KXECDHAnon || k.StaticECDH()
}

// StaticECDH reports whether k is ECDH_ECDSA or ECDH_RSA (RFC 4492, 2.1
// and 2.3): the premaster secret is ECDH between the client's ephemeral
// key and the server certificate's key.
func (k KeyExchange) StaticECDH() bool { return k == KXECDHECDSA || k == KXECDHRSA }

// SRP reports whether the key exchange is SRP (RFC 5054), which needs a
// username and password (srp_identity) or a user database
// (user_lookup_fun).
func (k KeyExchange) SRP() bool { return k == KXSRPAnon || k == KXSRPRSA || k == KXSRPDSS }

// DSS reports whether the server signs with a DSA key under k:
// DHE_DSS (RFC 5246, 7.4.3) and SRP_SHA_DSS (RFC 5054, 2.7).
func (k KeyExchange) DSS() bool { return k == KXDHEDSS || k == KXSRPDSS }

// Signed reports whether the server signs its ServerKeyExchange with the
// certificate's key: (EC)DHE, SRP_SHA_RSA and SRP_SHA_DSS (RFC 5054, 2.7).
func (k KeyExchange) Signed() bool { return k.Ephemeral() || k == KXSRPRSA || k == KXSRPDSS }

// Ephemeral reports whether the key exchange is (EC)DHE and so needs a
// ServerKeyExchange signed with the certificate's key.
func (k KeyExchange) Ephemeral() bool { return k.ECDHE() || k.DHE() }

// ECDHE reports whether the key exchange is elliptic-curve DHE, which
// needs a common curve (RFC 8422).
func (k KeyExchange) ECDHE() bool { return k == KXECDHEECDSA || k == KXECDHERSA }

// FiniteField reports whether the key exchange runs finite-field DH,
// whose group a client may name in supported_groups (RFC 7919): DHE,
// signed, or DHE_PSK (RFC 4279, Section 3).
func (k KeyExchange) FiniteField() bool { return k.DHE() || k == KXDHEPSK || k == KXDHAnon }

// DHE reports whether the key exchange is finite-field DHE (RFC 5246;
// RFC 7919).
func (k KeyExchange) DHE() bool { return k == KXDHERSA || k == KXDHEDSS }

// Cipher names the bulk cipher of a suite.
type Cipher uint8

const (
	CipherAES128CBC Cipher = iota + 1
	CipherAES256CBC
	CipherAES128GCM
	CipherAES256GCM
	CipherChaCha20Poly1305
	// CipherAES128CCM and CipherAES128CCM8 are AES-CCM with a 16- and an
	// 8-byte tag (RFC 3610; RFC 8446, Appendix B.4).
	CipherAES128CCM
	CipherAES128CCM8
	// CipherAES256CCM and CipherAES256CCM8 exist only in TLS 1.2 (RFC
	// 6655, RFC 7251).
	CipherAES256CCM
	CipherAES256CCM8
	// Legacy ciphers, only when named in ciphers (RFC 5246, Appendix C):
	// 3DES-EDE and DES in CBC mode (8-byte blocks; DES not in TLS 1.2,
	// RFC 5469), and the RC4 stream cipher (RFC 7465 forbids it, which is
	// why it is never offered unasked).
	Cipher3DESEDECBC
	CipherDESCBC
	CipherRC4128
)

// CipherInfo gives the sizes the record layer and key expansion need.
type CipherInfo struct {
	ErlangName string
	KeyLen     int
	// FixedIVLen is the client_write_IV length from the TLS 1.2 key
	// block: the implicit nonce part of an AEAD (RFC 5288, 3: 4 bytes
	// for GCM; RFC 6655, 3: 4 bytes for CCM; RFC 7905: 12 bytes for
	// ChaCha20-Poly1305) or the CBC IV of TLS 1.0. TLS 1.3 derives a
	// 12-byte IV for every AEAD instead; see IVLen13.
	FixedIVLen int
	// BlockSize is the CBC block size, 0 for AEADs.
	BlockSize int
	AEAD      bool
	// TagLen is the AEAD tag length, 0 for CBC.
	TagLen int
}

// IVLen13 is the length of the TLS 1.3 write IV, which is the AEAD nonce
// length: 12 bytes for every TLS 1.3 AEAD (RFC 8446, Section 5.3 requires
// at least 8 and N_MIN; the RFC 5116 AEADs TLS 1.3 defines all use 12).
// The key schedule derives iv = HKDF-Expand-Label(secret, "iv", "",
// IVLen13()) (RFC 8446, Section 7.3).
func (c CipherInfo) IVLen13() int { return 12 }

var cipherInfo = map[Cipher]CipherInfo{
	CipherAES128CBC:        {ErlangName: "aes_128_cbc", KeyLen: 16, FixedIVLen: 16, BlockSize: 16},
	CipherAES256CBC:        {ErlangName: "aes_256_cbc", KeyLen: 32, FixedIVLen: 16, BlockSize: 16},
	CipherAES128GCM:        {ErlangName: "aes_128_gcm", KeyLen: 16, FixedIVLen: 4, AEAD: true, TagLen: 16},
	CipherAES256GCM:        {ErlangName: "aes_256_gcm", KeyLen: 32, FixedIVLen: 4, AEAD: true, TagLen: 16},
	CipherChaCha20Poly1305: {ErlangName: "chacha20_poly1305", KeyLen: 32, FixedIVLen: 12, AEAD: true, TagLen: 16},
	CipherAES128CCM:        {ErlangName: "aes_128_ccm", KeyLen: 16, FixedIVLen: 4, AEAD: true, TagLen: 16},
	CipherAES128CCM8:       {ErlangName: "aes_128_ccm_8", KeyLen: 16, FixedIVLen: 4, AEAD: true, TagLen: 8},
	CipherAES256CCM:        {ErlangName: "aes_256_ccm", KeyLen: 32, FixedIVLen: 4, AEAD: true, TagLen: 16},
	CipherAES256CCM8:       {ErlangName: "aes_256_ccm_8", KeyLen: 32, FixedIVLen: 4, AEAD: true, TagLen: 8},
	Cipher3DESEDECBC:       {ErlangName: "3des_ede_cbc", KeyLen: 24, FixedIVLen: 8, BlockSize: 8},
	CipherDESCBC:           {ErlangName: "des_cbc", KeyLen: 8, FixedIVLen: 8, BlockSize: 8},
	CipherRC4128:           {ErlangName: "rc4_128", KeyLen: 16},
}

// Info returns the sizes of c.
func (c Cipher) Info() CipherInfo { return cipherInfo[c] }

// CBC reports whether c is a block cipher in CBC mode, the only kind
// encrypt_then_mac changes (RFC 7366, Section 3).
func (c Cipher) CBC() bool { return c.Info().BlockSize > 0 }

// Stream reports whether c is a stream cipher (RC4), which DTLS cannot
// use: a lost datagram would desynchronise it (RFC 6347, 4.1.2.2).
func (c Cipher) Stream() bool { return c != 0 && !c.CBC() && !c.Info().AEAD }

// MAC names the record MAC of a suite; MACAEAD for AEAD suites.
type MAC uint8

const (
	MACAEAD MAC = iota + 1
	MACSHA1
	MACSHA256
	MACSHA384
	// MACMD5 is HMAC-MD5, of the legacy RC4 suite RSA_WITH_RC4_128_MD5.
	MACMD5
)

// ErlangName is OTP's atom for the MAC.
func (m MAC) ErlangName() string {
	switch m {
	case MACAEAD:
		return "aead"
	case MACSHA1:
		return "sha"
	case MACSHA256:
		return "sha256"
	case MACSHA384:
		return "sha384"
	case MACMD5:
		return "md5"
	}
	return "unknown"
}

// Size is the MAC length in bytes (0 for AEAD).
func (m MAC) Size() int {
	switch m {
	case MACSHA1:
		return 20
	case MACSHA256:
		return 32
	case MACSHA384:
		return 48
	case MACMD5:
		return 16
	}
	return 0
}

// New returns the hash the HMAC is built on, nil for AEAD.
func (m MAC) New() func() hash.Hash {
	switch m {
	case MACSHA1:
		return sha1.New
	case MACSHA256:
		return sha256.New
	case MACSHA384:
		return sha512.New384
	case MACMD5:
		return md5.New
	}
	return nil
}

// PRF names the PRF hash of a suite, as OTP names it. PRFDefault means
// the version's own PRF (so SHA-256 for the RFC 5246 suites that exist
// only in TLS 1.2, such as TLS_RSA_WITH_AES_128_CBC_SHA256, which OTP
// lists with default_prf); the version's own PRF is:
// MD5/SHA-1 before TLS 1.2, SHA-256 in TLS 1.2 (RFC 5246, 5).
type PRF uint8

const (
	PRFDefault PRF = iota + 1
	PRFSHA256
	PRFSHA384
)

// ErlangName is OTP's atom for the PRF.
func (p PRF) ErlangName() string {
	switch p {
	case PRFDefault:
		return "default_prf"
	case PRFSHA256:
		return "sha256"
	case PRFSHA384:
		return "sha384"
	}
	return "unknown"
}

// Suite is one row of the table.
type Suite struct {
	ID          uint16
	Name        string // IANA
	OpenSSLName string
	KX          KeyExchange
	Cipher      Cipher
	MAC         MAC
	PRF         PRF
	MinVersion  uint16
	MaxVersion  uint16
	// Default marks suites enabled when the user gives no ciphers option.
	Default bool
}

// Hash is the suite's hash: the PRF hash of TLS 1.2 and the HKDF and
// transcript hash of TLS 1.3 (RFC 8446, Appendix B.4). PRFDefault suites
// report SHA-256, the TLS 1.2 PRF hash (RFC 5246, Section 5); before TLS
// 1.2 the MD5/SHA-1 PRF does not use it.
func (s *Suite) Hash() crypto.Hash {
	if s.PRF == PRFSHA384 {
		return crypto.SHA384
	}
	return crypto.SHA256
}

// TLS13 reports whether s is a TLS 1.3 suite (RFC 8446, Appendix B.4):
// it names only the AEAD and the hash, and no earlier version can use it,
// nor TLS 1.3 any other suite.
func (s *Suite) TLS13() bool { return s.MinVersion >= wire.VersionTLS13 }

// ErlangMap renders the suite the way OTP's ssl:cipher_suites/2 prints it.
func (s *Suite) ErlangMap() string {
	return "#{key_exchange => " + Atom(s.KX.ErlangName()) +
		", cipher => " + Atom(s.Cipher.Info().ErlangName) +
		", mac => " + Atom(s.MAC.ErlangName()) +
		", prf => " + Atom(s.PRF.ErlangName()) + "}"
}

// Atom writes an Erlang atom as Erlang prints it: quoted when it does not
// start with a lower-case letter, as '3des_ede_cbc'.
func Atom(name string) string {
	if name != "" && name[0] >= 'a' && name[0] <= 'z' {
		return name
	}
	return "'" + name + "'"
}

// SupportsVersion reports whether the suite may be negotiated at v.
func (s *Suite) SupportsVersion(v uint16) bool {
	return v >= s.MinVersion && v <= s.MaxVersion
}

// SSL 3.0 (minimum v30) has the suites RFC 6101, Appendix A.6 defines
// that gossl implements (RSA, DHE_RSA, DHE_DSS with RC4, DES and 3DES)
// and the AES-CBC suites of RFC 3268, which OpenSSL and OTP also allowed
// with SSL 3.0. ECDHE (RFC 4492 defines it for TLS 1.0 on), PSK, SRP,
// the anonymous suites, AEAD and SHA-2 MACs are not offered with it, as
// in OTP's ssl_v3 list.
const (
	v30 = wire.VersionSSL30
	v10 = wire.VersionTLS10
	v11 = wire.VersionTLS11
	v12 = wire.VersionTLS12
	v13 = wire.VersionTLS13
)

// table is in gossl's order of preference: TLS 1.3 first, then forward
// secrecy, AEAD before CBC, stronger before faster, ECDSA before RSA.
var table = []*Suite{
	// TLS 1.3 (RFC 8446, Appendix B.4): OpenSSL spells these with the
	// IANA names. CCM_8's 64-bit tag is meant for constrained devices
	// (RFC 6655, Section 5), so it is only enabled on request.
	{0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", KXAny, CipherAES256GCM, MACAEAD, PRFSHA384, v13, v13, true},
	{0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", KXAny, CipherAES128GCM, MACAEAD, PRFSHA256, v13, v13, true},
	{0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", KXAny, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v13, v13, true},
	{0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256", KXAny, CipherAES128CCM, MACAEAD, PRFSHA256, v13, v13, true},
	{0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256", KXAny, CipherAES128CCM8, MACAEAD, PRFSHA256, v13, v13, false},
	{0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", KXECDHEECDSA, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, true},
	{0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", KXECDHERSA, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, true},
	{0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", KXECDHEECDSA, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v12, v12, true},
	{0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", KXECDHERSA, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v12, v12, true},
	{0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", KXECDHEECDSA, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, true},
	{0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", KXECDHERSA, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, true},
	{0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", KXECDHEECDSA, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, true},
	{0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", KXECDHERSA, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, true},
	{0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", KXECDHEECDSA, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, true},
	{0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", KXECDHERSA, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, true},
	{0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", KXECDHEECDSA, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, true},
	{0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", KXECDHERSA, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, true},
	{0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", KXECDHEECDSA, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, true},
	{0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", KXECDHERSA, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, true},
	// Finite-field DHE: in OTP 25's default TLS 1.2 list
	// (ssl:cipher_suites(default, 'tlsv1.2') lists these dhe_rsa
	// suites), so in gossl's, after every ECDHE suite. ChaCha20-Poly1305
	// is RFC 7905.
	{0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", KXDHERSA, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, true},
	{0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", KXDHERSA, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v12, v12, true},
	{0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", KXDHERSA, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, true},
	{0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256", KXDHERSA, CipherAES256CBC, MACSHA256, PRFDefault, v12, v12, true},
	{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256", KXDHERSA, CipherAES128CBC, MACSHA256, PRFDefault, v12, v12, true},
	{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA", KXDHERSA, CipherAES256CBC, MACSHA1, PRFDefault, v30, v12, true},
	{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", KXDHERSA, CipherAES128CBC, MACSHA1, PRFDefault, v30, v12, true},
	// AES-CCM in TLS 1.2 with ECDHE_ECDSA (RFC 7251): after the GCM
	// and ChaCha20 suites, only on request (CCM_8's 64-bit tag is meant
	// for constrained devices, RFC 6655, Section 5). OTP 25 lists them
	// with default_prf.
	{0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM", KXECDHEECDSA, CipherAES256CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM", KXECDHEECDSA, CipherAES128CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8", KXECDHEECDSA, CipherAES256CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8", KXECDHEECDSA, CipherAES128CCM8, MACAEAD, PRFDefault, v12, v12, false},
	// AES-CCM with DHE_RSA (RFC 6655, Section 3): only on request.
	// OpenSSL 3.0 has them in ALL but not in DEFAULT, and OTP 25 knows
	// the names (ssl:str_to_suite/1) but lists none of them, not even
	// in "all": gossl puts them in "all", never in the defaults.
	{0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM", KXDHERSA, CipherAES256CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM", KXDHERSA, CipherAES128CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8", KXDHERSA, CipherAES256CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8", KXDHERSA, CipherAES128CCM8, MACAEAD, PRFDefault, v12, v12, false},
	// DHE signed with DSA: legacy, in OTP's "all" list but not its
	// default one, so only when named in Ciphers. RFC 5246 (CBC, SHA-1
	// and SHA-256 MACs), RFC 5288 (GCM).
	{0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384", KXDHEDSS, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256", KXDHEDSS, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256", KXDHEDSS, CipherAES256CBC, MACSHA256, PRFDefault, v12, v12, false},
	{0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256", KXDHEDSS, CipherAES128CBC, MACSHA256, PRFDefault, v12, v12, false},
	{0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA", KXDHEDSS, CipherAES256CBC, MACSHA1, PRFDefault, v30, v12, false},
	{0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA", KXDHEDSS, CipherAES128CBC, MACSHA1, PRFDefault, v30, v12, false},
	// Anonymous (EC)DH: no server authentication, never in a default
	// list; OTP 25's ssl:cipher_suites(anonymous, 'tlsv1.2') lists these
	// (RFC 5246, RFC 5288 for GCM, RFC 8422 for ECDH_anon).
	{0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ADH-AES256-GCM-SHA384", KXDHAnon, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "ADH-AES128-GCM-SHA256", KXDHAnon, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "ADH-AES256-SHA256", KXDHAnon, CipherAES256CBC, MACSHA256, PRFSHA256, v12, v12, false},
	{0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "ADH-AES128-SHA256", KXDHAnon, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, false},
	{0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ADH-AES256-SHA", KXDHAnon, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA", KXDHAnon, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "AECDH-AES256-SHA", KXECDHAnon, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA", KXECDHAnon, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	// Static ECDH (RFC 4492; RFC 5289 for SHA-2 and GCM): no forward
	// secrecy, so never in a default list; OTP 25 lists them under
	// ssl:cipher_suites(all, 'tlsv1.2'), OpenSSL dropped them in 1.1.0.
	{0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", "ECDH-ECDSA-AES256-GCM-SHA384", KXECDHECDSA, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", "ECDH-RSA-AES256-GCM-SHA384", KXECDHRSA, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", "ECDH-ECDSA-AES256-SHA384", KXECDHECDSA, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, false},
	{0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", "ECDH-RSA-AES256-SHA384", KXECDHRSA, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, false},
	{0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "ECDH-ECDSA-AES128-GCM-SHA256", KXECDHECDSA, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", "ECDH-RSA-AES128-GCM-SHA256", KXECDHRSA, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", "ECDH-ECDSA-AES128-SHA256", KXECDHECDSA, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, false},
	{0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", "ECDH-RSA-AES128-SHA256", KXECDHRSA, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, false},
	{0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", "ECDH-ECDSA-AES256-SHA", KXECDHECDSA, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", "ECDH-RSA-AES256-SHA", KXECDHRSA, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", "ECDH-ECDSA-AES128-SHA", KXECDHECDSA, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", "ECDH-RSA-AES128-SHA", KXECDHRSA, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	// RSA key exchange: no forward secrecy, so only on request (as in
	// current OTP, whose default TLS 1.2 list has none).
	{0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", KXRSA, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", KXRSA, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	// AES-CCM with RSA key transport (RFC 6655, Section 3).
	{0xc09d, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM", KXRSA, CipherAES256CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc09c, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM", KXRSA, CipherAES128CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8", KXRSA, CipherAES256CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8", KXRSA, CipherAES128CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", KXRSA, CipherAES256CBC, MACSHA256, PRFDefault, v12, v12, false},
	{0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", KXRSA, CipherAES128CBC, MACSHA256, PRFDefault, v12, v12, false},
	{0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", KXRSA, CipherAES256CBC, MACSHA1, PRFDefault, v30, v12, false},
	{0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", KXRSA, CipherAES128CBC, MACSHA1, PRFDefault, v30, v12, false},
	// Legacy ciphers (RFC 5246, Appendix C; RFC 4492 for the ECC ones):
	// 3DES-EDE-CBC, DES-CBC and RC4-128 with HMAC-SHA1, and RC4 with
	// HMAC-MD5. OTP 25 lists them in ssl:cipher_suites(all, _), never in
	// its default list, and neither does gossl: they work only when
	// named in ciphers. DES is not allowed in TLS 1.2 (RFC 5246,
	// Appendix C; RFC 5469), RC4 not at all any more (RFC 7465).
	{0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA", KXECDHEECDSA, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA", KXECDHERSA, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "EDH-RSA-DES-CBC3-SHA", KXDHERSA, Cipher3DESEDECBC, MACSHA1, PRFDefault, v30, v12, false},
	{0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "EDH-DSS-DES-CBC3-SHA", KXDHEDSS, Cipher3DESEDECBC, MACSHA1, PRFDefault, v30, v12, false},
	{0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDH-ECDSA-DES-CBC3-SHA", KXECDHECDSA, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", "ECDH-RSA-DES-CBC3-SHA", KXECDHRSA, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", KXRSA, Cipher3DESEDECBC, MACSHA1, PRFDefault, v30, v12, false},
	{0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", "EDH-RSA-DES-CBC-SHA", KXDHERSA, CipherDESCBC, MACSHA1, PRFDefault, v30, v11, false},
	{0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "DES-CBC-SHA", KXRSA, CipherDESCBC, MACSHA1, PRFDefault, v30, v11, false},
	{0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA", KXECDHEECDSA, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA", KXECDHERSA, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", "ECDH-ECDSA-RC4-SHA", KXECDHECDSA, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA", "ECDH-RSA-RC4-SHA", KXECDHRSA, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", KXRSA, CipherRC4128, MACSHA1, PRFDefault, v30, v12, false},
	{0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5", KXRSA, CipherRC4128, MACMD5, PRFDefault, v30, v12, false},
	// The PSK family: usable only with a pre-shared key
	// (user_lookup_fun), so never in the default list, as in OTP.
	// ECDHE_PSK (RFC 5489; RFC 7905 for ChaCha20-Poly1305; RFC 8442 for
	// GCM, which OpenSSL does not implement and names no suite for: the
	// spelling below is the one its grammar would give).
	{0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305", KXECDHEPSK, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v12, v12, false},
	{0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384", "ECDHE-PSK-AES256-GCM-SHA384", KXECDHEPSK, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", "ECDHE-PSK-AES128-GCM-SHA256", KXECDHEPSK, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", "ECDHE-PSK-AES256-CBC-SHA384", KXECDHEPSK, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, false},
	{0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256", KXECDHEPSK, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, false},
	{0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA", KXECDHEPSK, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA", KXECDHEPSK, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	// RSA_PSK (RFC 4279, Section 4; RFC 5487; RFC 7905): the server has
	// an RSA certificate, so OTP lists these in "all".
	{0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384", KXRSAPSK, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305", KXRSAPSK, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v12, v12, false},
	{0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256", KXRSAPSK, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384", KXRSAPSK, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, false},
	{0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256", KXRSAPSK, CipherAES128CBC, MACSHA256, PRFDefault, v12, v12, false},
	{0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA", KXRSAPSK, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA", KXRSAPSK, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	// DHE_PSK (RFC 4279, Section 3; RFC 5487; RFC 7905), over the
	// finite-field groups of DHE_RSA.
	{0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305", KXDHEPSK, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v12, v12, false},
	{0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384", KXDHEPSK, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256", KXDHEPSK, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384", KXDHEPSK, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, false},
	{0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256", KXDHEPSK, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, false},
	{0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA", KXDHEPSK, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA", KXDHEPSK, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	// AES-CCM PSK suites: PSK and DHE_PSK (RFC 6655), ECDHE_PSK (RFC
	// 8442, which OpenSSL does not implement; the OpenSSL spelling is
	// its grammar's).
	{0xc0a5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM", KXPSK, CipherAES256CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM", KXPSK, CipherAES128CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8", KXPSK, CipherAES256CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8", KXPSK, CipherAES128CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a7, "TLS_DHE_PSK_WITH_AES_256_CCM", "DHE-PSK-AES256-CCM", KXDHEPSK, CipherAES256CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0a6, "TLS_DHE_PSK_WITH_AES_128_CCM", "DHE-PSK-AES128-CCM", KXDHEPSK, CipherAES128CCM, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0ab, "TLS_PSK_DHE_WITH_AES_256_CCM_8", "DHE-PSK-AES256-CCM8", KXDHEPSK, CipherAES256CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8", "DHE-PSK-AES128-CCM8", KXDHEPSK, CipherAES128CCM8, MACAEAD, PRFDefault, v12, v12, false},
	{0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", "ECDHE-PSK-AES128-CCM-SHA256", KXECDHEPSK, CipherAES128CCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0xd003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", "ECDHE-PSK-AES128-CCM8-SHA256", KXECDHEPSK, CipherAES128CCM8, MACAEAD, PRFSHA256, v12, v12, false},
	// Plain PSK (RFC 4279; RFC 5487 for GCM and CBC with SHA-2; RFC
	// 7905 for ChaCha20-Poly1305).
	{0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384", KXPSK, CipherAES256GCM, MACAEAD, PRFSHA384, v12, v12, false},
	{0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305", KXPSK, CipherChaCha20Poly1305, MACAEAD, PRFSHA256, v12, v12, false},
	{0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256", KXPSK, CipherAES128GCM, MACAEAD, PRFSHA256, v12, v12, false},
	{0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384", KXPSK, CipherAES256CBC, MACSHA384, PRFSHA384, v12, v12, false},
	{0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256", KXPSK, CipherAES128CBC, MACSHA256, PRFSHA256, v12, v12, false},
	{0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA", KXPSK, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA", KXPSK, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	// SRP (RFC 5054, 2.7): only on request, as in OTP, and only with
	// srp_identity or a server's user_lookup_fun.
	{0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA", KXSRPRSA, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA", KXSRPRSA, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA", KXSRPDSS, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA", KXSRPDSS, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA", KXSRPAnon, CipherAES256CBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA", KXSRPAnon, CipherAES128CBC, MACSHA1, PRFDefault, v10, v12, false},
	// Legacy ciphers of the PSK (RFC 4279; RFC 5489 for ECDHE_PSK), SRP
	// (RFC 5054, 2.7: 3DES only) and anonymous (RFC 5246, Appendix A.5;
	// RFC 8422 for ECDH_anon) families, last in each family's order.
	// OTP 25 lists them in ssl:cipher_suites(all | anonymous, _) by the
	// same rule as the other suites of their key exchange (certless ones
	// under anonymous), never in a default list. DES stops at TLS 1.1
	// (RFC 5246, Appendix C), as for RSA.
	{0xc034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", "ECDHE-PSK-3DES-EDE-CBC-SHA", KXECDHEPSK, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", "RSA-PSK-3DES-EDE-CBC-SHA", KXRSAPSK, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", "DHE-PSK-3DES-EDE-CBC-SHA", KXDHEPSK, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", "PSK-3DES-EDE-CBC-SHA", KXPSK, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", "ECDHE-PSK-RC4-SHA", KXECDHEPSK, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", "RSA-PSK-RC4-SHA", KXRSAPSK, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA", "DHE-PSK-RC4-SHA", KXDHEPSK, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0x008a, "TLS_PSK_WITH_RC4_128_SHA", "PSK-RC4-SHA", KXPSK, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0xc01b, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", "SRP-RSA-3DES-EDE-CBC-SHA", KXSRPRSA, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc01c, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", "SRP-DSS-3DES-EDE-CBC-SHA", KXSRPDSS, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc01a, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", "SRP-3DES-EDE-CBC-SHA", KXSRPAnon, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", "AECDH-DES-CBC3-SHA", KXECDHAnon, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", "ADH-DES-CBC3-SHA", KXDHAnon, Cipher3DESEDECBC, MACSHA1, PRFDefault, v10, v12, false},
	{0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA", "ADH-DES-CBC-SHA", KXDHAnon, CipherDESCBC, MACSHA1, PRFDefault, v10, v11, false},
	{0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA", "AECDH-RC4-SHA", KXECDHAnon, CipherRC4128, MACSHA1, PRFDefault, v10, v12, false},
	{0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", "ADH-RC4-MD5", KXDHAnon, CipherRC4128, MACMD5, PRFDefault, v10, v12, false},
}

var byID = func() map[uint16]*Suite {
	m := make(map[uint16]*Suite, len(table))
	for _, s := range table {
		m[s.ID] = s
	}
	return m
}()

// ByID returns the suite with IANA id id, or nil if gossl does not implement it.
func ByID(id uint16) *Suite { return byID[id] }

// ByName finds a suite by its IANA or OpenSSL name.
func ByName(name string) *Suite {
	if alias, ok := nameAliases[name]; ok {
		name = alias
	}
	for _, s := range table {
		if s.Name == name || s.OpenSSLName == name {
			return s
		}
	}
	return nil
}

// nameAliases are other spellings of IANA names: the registry (and RFC
// 6655) calls the DHE_PSK CCM_8 suites TLS_PSK_DHE_WITH_..., which OTP
// prints as TLS_DHE_PSK_WITH_....
var nameAliases = map[string]string{
	"TLS_DHE_PSK_WITH_AES_128_CCM_8": "TLS_PSK_DHE_WITH_AES_128_CCM_8",
	"TLS_DHE_PSK_WITH_AES_256_CCM_8": "TLS_PSK_DHE_WITH_AES_256_CCM_8",
}

// All returns every implemented suite in preference order. The slice is
// shared: do not modify it.
func All() []*Suite { return table }

// Anonymous returns the suites whose server sends no certificate, in
// preference order: what OTP 25's ssl:cipher_suites(anonymous, _) lists.
func Anonymous() []*Suite {
	var out []*Suite
	for _, s := range table {
		if s.KX.Certless() {
			out = append(out, s)
		}
	}
	return out
}

// Filter returns the suites of list usable at any version in versions.
func Filter(list []*Suite, versions []uint16) []*Suite {
	var out []*Suite
	for _, s := range list {
		for _, v := range versions {
			if s.SupportsVersion(v) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// Defaults returns the default suites usable at any of versions.
func Defaults(versions []uint16) []*Suite {
	var d []*Suite
	for _, s := range table {
		if s.Default {
			d = append(d, s)
		}
	}
	return Filter(d, versions)
}
