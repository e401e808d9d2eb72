package handshake

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/wire"
)

// hrrHellos returns a first ClientHello that makes a server of
// hrrServerConfig answer with a HelloRetryRequest for secp384r1 (it
// offers an x25519 share only), and the second ClientHello that answers
// it correctly, as a function that builds it with a change applied.
func hrrHellos(t *testing.T) (first *wire.ClientHello, second func(func(*wire.ClientHello)) []byte) {
	t.Helper()
	share, err := kx.GenerateKeyShare(wire.GroupSecp384r1, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	x, err := kx.GenerateKeyShare(wire.GroupX25519, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	base := func() *wire.ClientHello {
		return &wire.ClientHello{
			Version:                 wire.VersionTLS12,
			Random:                  bytes.Repeat([]byte{7}, 32),
			SessionID:               bytes.Repeat([]byte{9}, 32),
			CipherSuites:            []uint16{0x1301, 0x1302, 0x1303},
			CompressionMethods:      []uint8{0},
			ServerName:              "example.com",
			SupportedVersions:       []uint16{wire.VersionTLS13, wire.VersionTLS12},
			SupportedGroups:         []uint16{wire.GroupX25519, wire.GroupSecp384r1},
			KeyShares:               []wire.KeyShare{{Group: wire.GroupX25519, Data: x.Public()}},
			KeySharesPresent:        true,
			SignatureAlgorithms:     []uint16{wire.SigECDSAP256SHA256, wire.SigRSAPSSRSAESHA256},
			SignatureAlgorithmsCert: []uint16{wire.SigECDSAP256SHA256},
			ALPNProtocols:           []string{"h2", "http/1.1"},
			PSKModes:                []uint8{pskModeDHE},
			// A GREASE extension (RFC 8701) and padding (RFC 7685).
			Unknown:       []wire.Extension{{Type: 0x0a0a, Data: []byte{1}}, {Type: extPadding, Data: make([]byte, 12)}},
			PSKIdentities: []wire.PSKIdentity{{Identity: []byte("ticket-1"), ObfuscatedTicketAge: 1}, {Identity: []byte("ticket-2"), ObfuscatedTicketAge: 2}},
			PSKBinders:    [][]byte{make([]byte, 32), make([]byte, 32)},
		}
	}
	first = base()
	raw, err := first.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !first.Unmarshal(raw) {
		t.Fatal("first ClientHello does not parse")
	}
	second = func(change func(*wire.ClientHello)) []byte {
		ch := base()
		ch.KeyShares = []wire.KeyShare{{Group: wire.GroupSecp384r1, Data: share.Public()}}
		change(ch)
		msg, err := ch.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return msg
	}
	return first, second
}

// serverAtHRR is a server machine that has answered first with a
// HelloRetryRequest for secp384r1.
func serverAtHRR(t *testing.T, first *wire.ClientHello) *Server {
	t.Helper()
	sc := testConfig13(t, true)
	sc.Groups13 = []uint16{wire.GroupSecp384r1}
	sc.ALPNPreferred = []string{"h2"}
	s := NewServer(sc)
	acts, err := s.HandleMessage(first.Raw)
	if err != nil {
		t.Fatal(err)
	}
	var hrr wire.ServerHello
	if len(acts) < 2 || acts[1].Kind != SendMessage || !hrr.Unmarshal(acts[1].Data) ||
		!bytes.Equal(hrr.Random, wire.HelloRetryRequestRandom[:]) || hrr.SelectedGroup != wire.GroupSecp384r1 {
		t.Fatalf("no HelloRetryRequest for secp384r1: %+v", acts)
	}
	return s
}

// swapExtensions exchanges two extensions (by type) of a marshalled
// ClientHello, leaving everything else in place.
func swapExtensions(t *testing.T, msg []byte, a, b uint16) []byte {
	t.Helper()
	h, ok := parseHelloLayout(msg)
	if !ok {
		t.Fatal("ClientHello does not parse")
	}
	ia, ib := -1, -1
	for i, e := range h.exts {
		switch e.Type {
		case a:
			ia = i
		case b:
			ib = i
		}
	}
	if ia < 0 || ib < 0 {
		t.Fatalf("extensions %d and %d not both present", a, b)
	}
	h.exts[ia], h.exts[ib] = h.exts[ib], h.exts[ia]
	var bld cryptobyte.Builder
	bld.AddUint8(wire.TypeClientHello)
	bld.AddUint24LengthPrefixed(func(bld *cryptobyte.Builder) {
		bld.AddBytes(h.fixed)
		bld.AddUint16LengthPrefixed(func(bld *cryptobyte.Builder) {
			for _, e := range h.exts {
				bld.AddUint16(e.Type)
				bld.AddUint16LengthPrefixed(func(bld *cryptobyte.Builder) { bld.AddBytes(e.Data) })
			}
		})
	})
	return bld.BytesOrPanic()
}

// TestSecondClientHelloChanges: after a HelloRetryRequest the server
// takes a second ClientHello that changes only what RFC 8446, 4.1.2
// allows (the key share, for the group asked; padding; PSK identities
// pruned, with new ages and binders) and refuses any other change with
// illegal_parameter.
func TestSecondClientHelloChanges(t *testing.T) {
	first, second := hrrHellos(t)
	allowed := map[string]func(*wire.ClientHello){
		"nothing else":   func(ch *wire.ClientHello) {},
		"padding longer": func(ch *wire.ClientHello) { ch.Unknown[1].Data = make([]byte, 40) },
		"padding removed": func(ch *wire.ClientHello) {
			ch.Unknown = ch.Unknown[:1]
		},
		"PSK pruned, new ages and binders": func(ch *wire.ClientHello) {
			ch.PSKIdentities = []wire.PSKIdentity{{Identity: []byte("ticket-2"), ObfuscatedTicketAge: 99}}
			ch.PSKBinders = [][]byte{bytes.Repeat([]byte{1}, 32)}
		},
		"PSK removed": func(ch *wire.ClientHello) { ch.PSKIdentities, ch.PSKBinders = nil, nil },
	}
	for name, change := range allowed {
		t.Run("allowed/"+name, func(t *testing.T) {
			s := serverAtHRR(t, first)
			if _, err := s.HandleMessage(second(change)); err != nil {
				t.Fatalf("refused: %v", err)
			}
		})
	}
	refused := map[string]func(*wire.ClientHello){
		"server_name":                    func(ch *wire.ClientHello) { ch.ServerName = "other.example" },
		"server_name removed":            func(ch *wire.ClientHello) { ch.ServerName = "" },
		"ALPN":                           func(ch *wire.ClientHello) { ch.ALPNProtocols = []string{"http/1.1"} },
		"ALPN removed":                   func(ch *wire.ClientHello) { ch.ALPNProtocols = nil },
		"signature_algorithms":           func(ch *wire.ClientHello) { ch.SignatureAlgorithms = ch.SignatureAlgorithms[:1] },
		"signature_algorithms_cert":      func(ch *wire.ClientHello) { ch.SignatureAlgorithmsCert = []uint16{wire.SigRSAPSSRSAESHA256} },
		"cipher suites reordered":        func(ch *wire.ClientHello) { ch.CipherSuites = []uint16{0x1302, 0x1301, 0x1303} },
		"cipher suite dropped":           func(ch *wire.ClientHello) { ch.CipherSuites = []uint16{0x1301, 0x1302} },
		"psk_key_exchange_modes":         func(ch *wire.ClientHello) { ch.PSKModes = []uint8{0, pskModeDHE} },
		"supported_versions":             func(ch *wire.ClientHello) { ch.SupportedVersions = []uint16{wire.VersionTLS13} },
		"supported_groups":               func(ch *wire.ClientHello) { ch.SupportedGroups = []uint16{wire.GroupSecp384r1} },
		"legacy_session_id":              func(ch *wire.ClientHello) { ch.SessionID = bytes.Repeat([]byte{8}, 32) },
		"random":                         func(ch *wire.ClientHello) { ch.Random = bytes.Repeat([]byte{6}, 32) },
		"legacy_version":                 func(ch *wire.ClientHello) { ch.Version = wire.VersionTLS10 },
		"compression_methods":            func(ch *wire.ClientHello) { ch.CompressionMethods = []uint8{0, 1} },
		"extension added":                func(ch *wire.ClientHello) { ch.StatusRequest = true },
		"extension removed":              func(ch *wire.ClientHello) { ch.SignatureAlgorithmsCert = nil },
		"unknown extension changed":      func(ch *wire.ClientHello) { ch.Unknown[0].Data = []byte{2} },
		"cookie the server did not send": func(ch *wire.ClientHello) { ch.TLS13Cookie = []byte{1, 2, 3} },
		"early_data":                     func(ch *wire.ClientHello) { ch.EarlyData = true },
		"key share for another group":    func(ch *wire.ClientHello) { ch.KeyShares[0].Group = wire.GroupX25519 },
		"a second key share":             func(ch *wire.ClientHello) { ch.KeyShares = append(ch.KeyShares, first.KeyShares[0]) },
		"PSK identity added":             func(ch *wire.ClientHello) { addPSK(ch, "ticket-3") },
		"PSK identities reordered": func(ch *wire.ClientHello) {
			ch.PSKIdentities[0], ch.PSKIdentities[1] = ch.PSKIdentities[1], ch.PSKIdentities[0]
		},
		"PSK identity replaced":            func(ch *wire.ClientHello) { ch.PSKIdentities[1].Identity = []byte("ticket-X") },
		"extended_master_secret added":     func(ch *wire.ClientHello) { ch.ExtendedMasterSecret = true },
		"renegotiation_info added":         func(ch *wire.ClientHello) { ch.SecureRenegotiationValid = true },
		"certificate_authorities added":    func(ch *wire.ClientHello) { ch.CertificateAuthorities = [][]byte{{0x30, 0}} },
		"session_ticket extension added":   func(ch *wire.ClientHello) { ch.SessionTicketExt = true },
		"ec_point_formats extension added": func(ch *wire.ClientHello) { ch.ECPointFormats = []uint8{0} },
	}
	for name, change := range refused {
		t.Run("refused/"+name, func(t *testing.T) {
			s := serverAtHRR(t, first)
			wantIllegal(t, s, second(change))
		})
	}
	t.Run("refused/extensions reordered", func(t *testing.T) {
		s := serverAtHRR(t, first)
		wantIllegal(t, s, swapExtensions(t, second(func(*wire.ClientHello) {}), wire.ExtServerName, wire.ExtALPN))
	})
}

func addPSK(ch *wire.ClientHello, identity string) {
	ch.PSKIdentities = append(ch.PSKIdentities, wire.PSKIdentity{Identity: []byte(identity)})
	ch.PSKBinders = append(ch.PSKBinders, make([]byte, 32))
}

func wantIllegal(t *testing.T, s *Server, msg []byte) {
	t.Helper()
	_, err := s.HandleMessage(msg)
	var a *alert.Error
	if !errors.As(err, &a) || a.Desc != alert.IllegalParameter {
		t.Fatalf("got %v, want illegal_parameter", err)
	}
}
