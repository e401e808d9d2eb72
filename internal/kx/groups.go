package kx

import (
	"crypto/ecdh"

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
	22:                       "secp256k1",
	wire.GroupSecp256r1:      "secp256r1",
	wire.GroupSecp384r1:      "secp384r1",
	wire.GroupSecp521r1:      "secp521r1",
	26:                       "brainpoolP256r1",
	27:                       "brainpoolP384r1",
	28:                       "brainpoolP512r1",
	wire.GroupX25519:         "x25519",
	wire.GroupX448:           "x448",
	31:                       "brainpoolP256r1tls13",
	32:                       "brainpoolP384r1tls13",
	33:                       "brainpoolP512r1tls13",
	wire.GroupFFDHE2048:      "ffdhe2048",
	wire.GroupFFDHE3072:      "ffdhe3072",
	258:                      "ffdhe4096",
	259:                      "ffdhe6144",
	260:                      "ffdhe8192",
	0x11eb:                   "secp256r1mlkem768",
	wire.GroupX25519MLKEM768: "x25519mlkem768",
	0x11ed:                   "secp384r1mlkem1024",
}

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

// GroupByName is GroupName's inverse.
func GroupByName(name string) (uint16, bool) {
	g, ok := groupsByName[name]
	return g, ok
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

// SupportedGroups returns the (EC)DHE groups gossl implements, in default
// preference order. The caller owns the returned slice.
func SupportedGroups() []uint16 { return append([]uint16(nil), supported...) }

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
