package handshake

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// extPSKConfigs are a TLS 1.3 client and a certificate-less server that
// share one SHA-256 external PSK, with the given psk_key_exchange_modes.
func extPSKConfigs(t *testing.T, clientModes, serverModes []uint8) (*Config, *Config) {
	t.Helper()
	key := bytes.Repeat([]byte{0x42}, 32)
	psk := &ExternalPSK13{Identity: []byte("dev-1"), Key: key, Hash: crypto.SHA256}
	cc, sc := testConfig13(t, false), testConfig13(t, false)
	cc.Versions, sc.Versions = []uint16{wire.VersionTLS13}, []uint16{wire.VersionTLS13}
	cc.Suites, sc.Suites = suites.Defaults(cc.Versions), suites.Defaults(sc.Versions)
	cc.ClientPSK13 = func() (*ExternalPSK13, error) { return psk, nil }
	sc.ServerPSK13 = func(id []byte) (*ExternalPSK13, error) {
		if bytes.Equal(id, psk.Identity) {
			return psk, nil
		}
		return nil, nil
	}
	cc.PSKModes13, sc.PSKModes13 = clientModes, serverModes
	return cc, sc
}

// TestMachinesTLS13PSKModes: the server takes the first of its modes
// the client offered (RFC 8446, 4.2.9). With psk_ke there is no key
// share in the ServerHello and no group on either side; with psk_dhe_ke
// there is.
func TestMachinesTLS13PSKModes(t *testing.T) {
	plain, dhe := PSKModePlain, PSKModeDHE
	for _, tc := range []struct {
		name           string
		client, server []uint8
		wantPlain      bool
	}{
		{"psk_ke", []uint8{plain}, []uint8{plain}, true},
		{"client both, server default", []uint8{plain, dhe}, nil, false},
		{"client both, server prefers psk_ke", []uint8{dhe, plain}, []uint8{plain, dhe}, true},
		{"client both, server prefers psk_dhe_ke", []uint8{plain, dhe}, []uint8{dhe, plain}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := extPSKConfigs(t, tc.client, tc.server)
			client, server := NewClient(cc), NewServer(sc)
			runMachines(t, client, server)
			ci, si := client.Info(), server.Info()
			if !bytes.Equal(ci.ClientTrafficSecret, si.ClientTrafficSecret) {
				t.Fatal("traffic secrets differ")
			}
			if ci.PeerCertificates != nil || ci.Resumed {
				t.Fatal("the external PSK was not used")
			}
			if plainUsed := ci.Group == 0; plainUsed != tc.wantPlain || si.Group != ci.Group {
				t.Fatalf("client group %#x, server group %#x; want psk_ke %v", ci.Group, si.Group, tc.wantPlain)
			}
		})
	}
}

// TestServer13PSKKEWithoutGroups: RFC 8446, 9.2 lets a ClientHello with
// pre_shared_key leave out both supported_groups and key_share. A server
// that takes psk_ke answers it without a key share; one that would need
// (EC)DHE refuses it with missing_extension, and one given only one of
// the two extensions too.
func TestServer13PSKKEWithoutGroups(t *testing.T) {
	for _, tc := range []struct {
		name        string
		serverModes []uint8
		keepGroups  bool
		want        alert.Description // 0: accepted
	}{
		{"psk_ke", []uint8{PSKModePlain}, false, 0},
		{"server wants psk_dhe_ke", nil, false, alert.MissingExtension},
		{"groups without key_share", []uint8{PSKModePlain}, true, alert.MissingExtension},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := extPSKConfigs(t, []uint8{PSKModePlain, PSKModeDHE}, tc.serverModes)
			client := NewClient(cc)
			if _, err := client.Start(); err != nil {
				t.Fatal(err)
			}
			ch := *client.hello
			ch.KeyShares, ch.KeySharesPresent, ch.Raw = nil, false, nil
			if !tc.keepGroups {
				ch.SupportedGroups = nil
			}
			raw := marshalTest(t, &ch)
			// The binder over the new hello alone (RFC 8446, 4.2.11.2).
			truncated := raw[:len(raw)-ch.PSKBindersLen()]
			sum := sha256.Sum256(truncated)
			binderKey := prf.NewSchedule13(crypto.SHA256, client.ticket.PSK).BinderKey(false)
			copy(raw[len(raw)-32:], prf.FinishedVerifyData13(crypto.SHA256, binderKey, sum[:]))
			server := NewServer(sc)
			acts, err := server.HandleMessage(raw)
			if tc.want != 0 {
				wantAlert(t, err, tc.want)
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			var sh *wire.ServerHello
			for _, a := range acts {
				if a.Kind == SendMessage && a.Data[0] == wire.TypeServerHello {
					sh = &wire.ServerHello{}
					if !sh.Unmarshal(a.Data) {
						t.Fatal("bad ServerHello")
					}
				}
			}
			if sh == nil || !sh.PSKSelected || sh.KeyShare.Group != 0 || server.Info().Group != 0 {
				t.Fatalf("want a psk_ke ServerHello, got %+v", sh)
			}
		})
	}
}

// TestClient13PSKModeOfServerHello: the client accepts only a mode it
// offered. A ServerHello without key_share is psk_ke: refused
// (missing_extension) unless a PSK is selected and psk_ke was offered; a
// key share with a PSK offered for psk_ke only is illegal_parameter.
func TestClient13PSKModeOfServerHello(t *testing.T) {
	const suite = 0x1301
	plain, dhe := PSKModePlain, PSKModeDHE
	for _, tc := range []struct {
		name  string
		modes []uint8
		share bool
		id    int
		want  alert.Description // 0: accepted
	}{
		{"dhe offered, no share", []uint8{dhe}, false, 0, alert.MissingExtension},
		{"psk_ke offered, share", []uint8{plain}, true, 0, alert.IllegalParameter},
		{"psk_ke offered, no share, no PSK", []uint8{plain}, false, -1, alert.MissingExtension},
		{"psk_ke offered, no share", []uint8{plain}, false, 0, 0},
		{"dhe offered, share", []uint8{dhe}, true, 0, 0},
		{"both offered, no share", []uint8{dhe, plain}, false, 0, 0},
		{"both offered, share", []uint8{plain, dhe}, true, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, _ := extPSKConfigs(t, tc.modes, nil)
			cc.KeyShareGroups = []uint16{wire.GroupX25519}
			client := NewClient(cc)
			if _, err := client.Start(); err != nil {
				t.Fatal(err)
			}
			group := uint16(0)
			if tc.share {
				group = wire.GroupX25519
			}
			_, err := client.HandleMessage(hostileServerHello(t, client, suite, group, tc.id))
			if tc.want != 0 {
				wantAlert(t, err, tc.want)
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got := client.Info().Group; got != group {
				t.Fatalf("group %#x, want %#x", got, group)
			}
		})
	}
}
