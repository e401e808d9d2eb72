package handshake

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// extPadding is the padding extension (RFC 7685), which a client may
// change between its two ClientHellos.
const extPadding uint16 = 21

// checkSecondHello compares the ClientHello that answers a
// HelloRetryRequest with the first one. RFC 8446, 4.1.2: the client
// "MUST send the same ClientHello without modification, except as
// follows":
//   - key_share: a single share, for the group the HelloRetryRequest
//     selected;
//   - early_data: removed;
//   - cookie: added when the HelloRetryRequest carried one (a gossl
//     server's never does, so any cookie is a change);
//   - pre_shared_key: obfuscated ticket ages and binders recomputed, and
//     identities removed (those incompatible with the chosen suite), but
//     none added;
//   - padding (RFC 7685): free.
//
// Everything else (legacy_version, random, legacy_session_id, the
// cipher suites, compression, and every other extension's type, place
// and contents: server_name, ALPN, signature algorithms, groups,
// versions, PSK modes, unknown ones) must be byte for byte the same.
// The server chose its configuration (SNI), suite, group, ALPN and
// certificate from the first hello, and resumption and 0-RTT decisions
// rest on it: a change would have the handshake go on under choices
// the second hello does not support. Any change is illegal_parameter.
func checkSecondHello(first, second *wire.ClientHello, group uint16) error {
	bad := func(what string) error {
		return alert.New(alert.IllegalParameter, "second ClientHello changes "+what+" (RFC 8446, 4.1.2)")
	}
	h1, ok1 := parseHelloLayout(first.Raw)
	h2, ok2 := parseHelloLayout(second.Raw)
	if !ok1 || !ok2 {
		return alert.New(alert.DecodeError, "malformed ClientHello")
	}
	switch {
	case !bytes.Equal(h1.fixed, h2.fixed):
		// legacy_version, random, legacy_session_id, cipher_suites and
		// compression_methods, in one run of bytes.
		return bad("its version, random, session ID, cipher suites or compression methods")
	case len(second.KeyShares) != 1 || second.KeyShares[0].Group != group:
		return alert.New(alert.IllegalParameter, "second ClientHello does not send one key share for the group the HelloRetryRequest asked for")
	case second.EarlyData || h2.has(wire.ExtEarlyData):
		return alert.New(alert.IllegalParameter, "early_data in the ClientHello after a HelloRetryRequest")
	case h2.has(wire.ExtCookie):
		return alert.New(alert.IllegalParameter, "cookie in the second ClientHello, where the HelloRetryRequest sent none")
	case !pskIdentitiesKept(first.PSKIdentities, second.PSKIdentities):
		return bad("the pre_shared_key identities")
	}
	e1, e2 := h1.kept(), h2.kept()
	if len(e1) != len(e2) {
		return bad("its extensions")
	}
	for i := range e1 {
		if e1[i].Type != e2[i].Type {
			return bad("its extensions")
		}
		if !bytes.Equal(e1[i].Data, e2[i].Data) {
			return bad(extensionName(e1[i].Type))
		}
	}
	return nil
}

// pskIdentitiesKept reports whether the second hello's PSK identities
// are the first's, in order, some perhaps left out.
func pskIdentitiesKept(first, second []wire.PSKIdentity) bool {
	i := 0
	for _, id := range second {
		for i < len(first) && !bytes.Equal(first[i].Identity, id.Identity) {
			i++
		}
		if i == len(first) {
			return false
		}
		i++
	}
	return true
}

// helloLayout is a ClientHello's body split into the fields before the
// extensions and the extensions in their order.
type helloLayout struct {
	fixed []byte
	exts  []wire.Extension
}

// parseHelloLayout splits a whole ClientHello message (header
// included), which wire.ClientHello.Unmarshal has already accepted.
func parseHelloLayout(msg []byte) (helloLayout, bool) {
	var h helloLayout
	if len(msg) < 4 {
		return h, false
	}
	body := cryptobyte.String(msg[4:])
	start := len(body)
	var field cryptobyte.String
	if !body.Skip(2+32) || !body.ReadUint8LengthPrefixed(&field) ||
		!body.ReadUint16LengthPrefixed(&field) || !body.ReadUint8LengthPrefixed(&field) {
		return h, false
	}
	h.fixed = msg[4 : 4+start-len(body)]
	if body.Empty() {
		return h, true
	}
	var block cryptobyte.String
	if !body.ReadUint16LengthPrefixed(&block) || !body.Empty() {
		return h, false
	}
	for !block.Empty() {
		var e wire.Extension
		var data cryptobyte.String
		if !block.ReadUint16(&e.Type) || !block.ReadUint16LengthPrefixed(&data) {
			return h, false
		}
		e.Data = data
		h.exts = append(h.exts, e)
	}
	return h, true
}

func (h helloLayout) has(typ uint16) bool {
	for _, e := range h.exts {
		if e.Type == typ {
			return true
		}
	}
	return false
}

// kept is the extensions a second ClientHello must repeat unchanged: all
// but those RFC 8446, 4.1.2 (and RFC 7685 for padding) lets it change,
// which checkSecondHello checks on their own.
func (h helloLayout) kept() []wire.Extension {
	var out []wire.Extension
	for _, e := range h.exts {
		switch e.Type {
		case wire.ExtKeyShare, wire.ExtEarlyData, wire.ExtCookie, wire.ExtPreSharedKey, extPadding:
			continue
		}
		out = append(out, e)
	}
	return out
}

// extensionNames name the extensions a second ClientHello is most
// often caught changing, for the alert's reason.
var extensionNames = map[uint16]string{
	wire.ExtServerName:              "server_name",
	wire.ExtALPN:                    "application_layer_protocol_negotiation",
	wire.ExtSignatureAlgorithms:     "signature_algorithms",
	wire.ExtSignatureAlgorithmsCert: "signature_algorithms_cert",
	wire.ExtSupportedGroups:         "supported_groups",
	wire.ExtSupportedVersions:       "supported_versions",
	wire.ExtPSKModes:                "psk_key_exchange_modes",
}

func extensionName(t uint16) string {
	if n, ok := extensionNames[t]; ok {
		return n
	}
	return "an extension"
}
