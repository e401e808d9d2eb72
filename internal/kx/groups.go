package kx

import (
	"crypto/ecdh"
	"strings"

	"github.com/gossl/ssl/internal/wire"
)

// groupNames are the Erlang/OTP atoms for the IANA "TLS Supported Groups"
// (RFC 8422, 5.1.1; RFC 7919; RFC 8446, 4.2.7; RFC 8734), including groups
// gossl does not implement, so that what a peer offers can be printed.
var groupNames = map[uint16]string{
	1: "sect163k1", 2: "sect163r1", 3: "sect163r2",
	4: "sect193r1", 5: "sect193r2", 6: "sect233k1", 7: "sect233r1",
	8: "sect239k1", 9: "sect283k1", 10: "sect283r1", 11: "sect409k1",
	12: "sect409r1", 13: "sect571k1", 14: "sect571r1",
	15: "secp160k1", 16: "secp160r1", 17: "secp160r2",
	18: "secp192k1", 19: "secp192r1", 20: "secp224k1", 21: "secp224r1",
	22:                        "secp256k1",
	wire.GroupSecp256r1:       "secp256r1",
	wire.GroupSecp384r1:       "secp384r1",
	wire.GroupSecp521r1:       "secp521r1",
	groupBrainpoolP256r1:      "brainpoolP256r1",
	27:                        "brainpoolP384r1",
	28:                        "brainpoolP512r1",
	wire.GroupX25519:          "x25519",
	wire.GroupX448:            "x448",
	groupBrainpoolP256r1TLS13: "brainpoolP256r1tls13",
	groupBrainpoolP384r1TLS13: "brainpoolP384r1tls13",
	groupBrainpoolP512r1TLS13: "brainpoolP512r1tls13",
	wire.GroupFFDHE2048:       "ffdhe2048",
	wire.GroupFFDHE3072:       "ffdhe3072",
	258:                       "ffdhe4096",
	259:                       "ffdhe6144",
	260:                       "ffdhe8192",
	groupMLKEM512:             "mlkem512",
	groupMLKEM768:             "mlkem768",
	groupMLKEM1024:            "mlkem1024",
	groupSecP256r1MLKEM768:    "secp256r1mlkem768",
	wire.GroupX25519MLKEM768:  "x25519mlkem768",
	groupSecP384r1MLKEM1024:   "secp384r1mlkem1024",
}

// Code points named here but not in package wire, because gossl only
// names them (RFC 8734; draft-ietf-tls-mlkem; draft-ietf-tls-ecdhe-mlkem).
const (
	groupBrainpoolP256r1      uint16 = 26 // RFC 7027; 27 and 28 follow
	groupBrainpoolP256r1TLS13 uint16 = 31
	groupBrainpoolP384r1TLS13 uint16 = 32
	groupBrainpoolP512r1TLS13 uint16 = 33
	groupMLKEM512             uint16 = 0x0200
	groupMLKEM768             uint16 = 0x0201
	groupMLKEM1024            uint16 = 0x0202
	groupSecP256r1MLKEM768    uint16 = 0x11eb
	groupSecP384r1MLKEM1024   uint16 = 0x11ed
)

// GroupIsElliptic reports whether g is an elliptic curve of the TLS
// Supported Groups registry: the binary and prime curves of RFC 4492 and
// RFC 7027 (1-28), X25519 and X448 (29, 30), and the brainpool TLS 1.3
// code points of RFC 8734 (31-33).
func GroupIsElliptic(g uint16) bool { return g >= 1 && g <= groupBrainpoolP512r1TLS13 }

// groupIsPureMLKEM reports whether g is a pure ML-KEM group.
func groupIsPureMLKEM(g uint16) bool { return g >= groupMLKEM512 && g <= groupMLKEM1024 }

var groupsByName = func() map[string]uint16 {
	m := make(map[string]uint16, len(groupNames))
	for g, n := range groupNames {
		m[n] = g
	}
	return m
}()

// GroupName returns Erlang's atom for named group g ("x25519",
// "secp256r1", ...), or "unknown" when g has no name.
func GroupName(g uint16) string {
	if n, ok := groupNames[g]; ok {
		return n
	}
	return "unknown"
}

// GroupByName is GroupName's inverse. It also takes the IANA registry's
// mixed-case spellings of the hybrids ("X25519MLKEM768",
// "SecP256r1MLKEM768", "SecP384r1MLKEM1024") and of the pure ML-KEM groups
// ("MLKEM768"), which OpenSSL and Go print.
func GroupByName(name string) (uint16, bool) {
	if g, ok := groupsByName[name]; ok {
		return g, true
	}
	if g, ok := groupsByName[strings.ToLower(name)]; ok && (GroupIsHybrid(g) || groupIsPureMLKEM(g)) {
		return g, true
	}
	return 0, false
}

// supported is the default preference order: X25519 first (fast, and
// without the point-validation pitfalls of the NIST curves), then the NIST
// curves smallest first, as most TLS stacks order them.
var supported = []uint16{
	wire.GroupX25519,
	wire.GroupSecp256r1,
	wire.GroupSecp384r1,
	wire.GroupSecp521r1,
}

// SupportedGroups returns the default (EC)DHE groups for TLS 1.0-1.2,
// in preference order. The caller owns the returned slice.
func SupportedGroups() []uint16 { return append([]uint16(nil), supported...) }

// legacyGroups are the curves gossl implements beyond the defaults, for
// eccs only: X448 (RFC 7748), then the brainpool curves (RFC 7027), then
// the SEC 2 curves that RFC 8422, 5.1.1 deprecates, largest first: the
// prime ones, then the binary ones (RFC 4492, 5.1.1). internal/ec
// implements all but X448 (circl).
var legacyGroups = []uint16{
	wire.GroupX448,
	28, 27, groupBrainpoolP256r1, // brainpoolP512r1, P384r1, P256r1
	22, 21, 20, 19, 18, 17, 16, 15, // secp256k1 ... secp160k1
	14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, // sect571r1 ... sect163k1
}

// ImplementedGroups returns every (EC)DHE group gossl can use at TLS
// 1.0-1.2 (ssl:eccs/0): SupportedGroups, then the groups used only when
// eccs names them. The caller owns the returned slice.
func ImplementedGroups() []uint16 { return append(SupportedGroups(), legacyGroups...) }

// curveFor returns the crypto/ecdh curve of group g, or nil.
func curveFor(g uint16) ecdh.Curve {
	switch g {
	case wire.GroupX25519:
		return ecdh.X25519()
	case wire.GroupSecp256r1:
		return ecdh.P256()
	case wire.GroupSecp384r1:
		return ecdh.P384()
	case wire.GroupSecp521r1:
		return ecdh.P521()
	}
	return nil
}
