package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

var machinePSK = []byte("sixteen byte key")

// pskConfigs are a client (identity "c1") and a certificate-less server
// that knows it, both with only suite, the server with hint.
func pskConfigs(t *testing.T, suite uint16, hint string) (*Config, *Config) {
	cc, sc := testConfig(t, false), testConfig(t, false)
	cc.Suites = []*suites.Suite{suites.ByID(suite)}
	sc.Suites = cc.Suites
	cc.Versions, sc.Versions = []uint16{wire.VersionTLS12}, []uint16{wire.VersionTLS12}
	cc.ClientPSK = func([]byte) ([]byte, []byte, error) { return []byte("c1"), machinePSK, nil }
	sc.ServerPSK = func(id []byte) ([]byte, error) {
		if string(id) == "c1" {
			return machinePSK, nil
		}
		return nil, nil
	}
	sc.PSKHint = []byte(hint)
	return cc, sc
}

// TestPSKMachines runs psk (with and without a hint), ecdhe_psk and
// dhe_psk between the machines, the server without a certificate.
func TestPSKMachines(t *testing.T) {
	for _, tc := range []struct {
		suite uint16
		hint  string
	}{{0x00a8, ""}, {0x00a8, "hint"}, {0xccac, ""}, {0x00aa, "h"}} {
		cc, sc := pskConfigs(t, tc.suite, tc.hint)
		runMachines(t, NewClient(cc), NewServer(sc))
	}
}

// serverFlight returns the server's first flight for a PSK ClientHello.
func pskServerFlight(t *testing.T, cc, sc *Config) (*Client, []Action) {
	client, server := NewClient(cc), NewServer(sc)
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	var w, r []*Keys
	return client, deliver(t, acts, server, &w, &r)
}

// feed gives the client the flight's messages, edited by edit (nil:
// dropped), and returns the first error.
func feed(client *Client, acts []Action, edit func(msg []byte) []byte) error {
	for _, a := range acts {
		if a.Kind != SendMessage {
			continue
		}
		msg := edit(append([]byte(nil), a.Data...))
		if msg == nil {
			continue
		}
		if _, err := client.HandleMessage(msg); err != nil {
			return err
		}
	}
	return nil
}

// withBody rebuilds a handshake message with a new body.
func withBody(typ uint8, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// TestPSKClientRefusesBadServerMessages: the PSK ServerKeyExchange is
// unsigned, so a trailing byte (a signature, say) is decode_error, and
// so are truncated ones; ECDHE_PSK without a ServerKeyExchange and a
// Certificate under a certificate-less suite are unexpected messages.
func TestPSKClientRefusesBadServerMessages(t *testing.T) {
	ske := func(f func(body []byte) []byte) func([]byte) []byte {
		return func(m []byte) []byte {
			if m[0] == wire.TypeServerKeyExchange {
				return withBody(m[0], f(m[4:]))
			}
			return m
		}
	}
	for _, tc := range []struct {
		name  string
		suite uint16
		hint  string
		edit  func([]byte) []byte
		want  alert.Description
	}{
		{"trailing byte", 0x00a8, "hint", ske(func(b []byte) []byte { return append(b, 0) }), alert.DecodeError},
		{"truncated hint", 0x00a8, "hint", ske(func(b []byte) []byte { return b[:3] }), alert.DecodeError},
		{"ecdhe truncated", 0xccac, "", ske(func(b []byte) []byte { return b[:len(b)-1] }), alert.DecodeError},
		{"ecdhe trailing", 0xccac, "", ske(func(b []byte) []byte { return append(b, 1, 2) }), alert.DecodeError},
		{"ecdhe without ServerKeyExchange", 0xccac, "", func(m []byte) []byte {
			if m[0] == wire.TypeServerKeyExchange {
				return nil
			}
			return m
		}, alert.UnexpectedMessage},
		{"certificate", 0x00a8, "", func(m []byte) []byte {
			if m[0] == wire.TypeServerHelloDone {
				cert, _ := (&wire.Certificate{}).Marshal()
				return cert
			}
			return m
		}, alert.UnexpectedMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := pskConfigs(t, tc.suite, tc.hint)
			client, acts := pskServerFlight(t, cc, sc)
			wantMachineAlert(t, feed(client, acts, tc.edit), tc.want)
		})
	}
}

// TestPSKServerRefusesBadClientKeyExchange: truncated and oversized
// ClientKeyExchange bodies are decode_error at the server.
func TestPSKServerRefusesBadClientKeyExchange(t *testing.T) {
	for _, body := range [][]byte{{}, {0}, {0, 3, 'c', '1'}, {0, 2, 'c', '1', 0}, {0xff, 0xff, 'c'}} {
		cc, sc := pskConfigs(t, 0x00a8, "")
		client, server := NewClient(cc), NewServer(sc)
		acts, _ := client.Start()
		var w, r []*Keys
		deliver(t, acts, server, &w, &r)
		_, err := server.HandleMessage(withBody(wire.TypeClientKeyExchange, body))
		wantMachineAlert(t, err, alert.DecodeError)
	}
}
