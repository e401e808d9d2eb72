package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// TestClientRefusesUnofferedAnonSuite: a ServerHello that picks an
// anonymous suite the client did not offer is refused with
// illegal_parameter (RFC 5246, 7.4.1.3; the OTP advisory where such a
// suite skipped server authentication): a default client (no anonymous
// suite offered), and a client that offers ECDH_anon but gets DH_anon.
func TestClientRefusesUnofferedAnonSuite(t *testing.T) {
	ecdhAnon := suites.ByName("TLS_ECDH_anon_WITH_AES_128_CBC_SHA")
	for _, c := range []struct {
		name   string
		offer  []*suites.Suite
		chosen uint16
	}{
		{"default client, DH_anon", nil, 0x00a6},
		{"default client, ECDH_anon", nil, 0xc018},
		{"ECDH_anon client, DH_anon", []*suites.Suite{ecdhAnon}, 0x0034},
	} {
		cfg := testConfig(t, false)
		if c.offer != nil {
			cfg.Suites = c.offer
		}
		client := NewClient(cfg)
		if _, err := client.Start(); err != nil {
			t.Fatal(err)
		}
		for _, id := range client.hello.CipherSuites {
			if s := suites.ByID(id); s != nil && s.KX.Anon() && c.offer == nil {
				t.Fatalf("%s: default client offers %s", c.name, s.Name)
			}
		}
		sh, err := (&wire.ServerHello{Version: wire.VersionTLS12, Random: make([]byte, 32), CipherSuite: c.chosen}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.HandleMessage(sh)
		t.Run(c.name, func(t *testing.T) { wantAlert(t, err, alert.IllegalParameter) })
	}
}

// TestAnonServerKeyExchangeBadInput: under ECDH_anon and DH_anon a
// client refuses a Certificate (the server has none to send:
// unexpected_message), an unsigned ServerKeyExchange with trailing
// bytes (decode_error) or cut short (decode_error), and a
// CertificateRequest (handshake_failure, RFC 5246, 7.4.4); the untouched
// exchange completes.
func TestAnonServerKeyExchangeBadInput(t *testing.T) {
	for _, name := range []string{"TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "TLS_DH_anon_WITH_AES_128_GCM_SHA256"} {
		for _, c := range []struct {
			name string
			mod  func([]byte) []byte
			want alert.Description
		}{
			{"good", nil, 0},
			{"trailing byte", func(b []byte) []byte { return append(b, 0) }, alert.DecodeError},
			{"truncated", func(b []byte) []byte { return b[:len(b)-1] }, alert.DecodeError},
			{"certificate", nil, alert.UnexpectedMessage},
			{"certificate request", nil, alert.HandshakeFailure},
		} {
			su := []*suites.Suite{suites.ByName(name)}
			ccfg, scfg := testConfig(t, false), testConfig(t, false)
			ccfg.Suites, scfg.Suites = su, su
			got := serverFlightToClient(t, ccfg, scfg, func(msg []byte) [][]byte {
				if msg[0] == wire.TypeCertificate {
					t.Fatalf("%s: anonymous server sent a Certificate", name)
				}
				if msg[0] != wire.TypeServerKeyExchange {
					return [][]byte{msg}
				}
				switch {
				case c.want == alert.UnexpectedMessage:
					msg, _ = (&wire.Certificate{}).Marshal()
				case c.want == alert.HandshakeFailure:
					// After the exchange, a CertificateRequest.
					cr, _ := (&wire.CertificateRequest{HasSignatureAlgorithms: true, CertificateTypes: []uint8{1},
						SignatureAlgorithms: []uint16{wire.SigRSAPKCS1SHA256}}).Marshal()
					return [][]byte{msg, cr}
				case c.mod != nil:
					var ske wire.ServerKeyExchange
					ske.Unmarshal(msg)
					msg, _ = (&wire.ServerKeyExchange{Key: c.mod(ske.Key)}).Marshal()
				}
				return [][]byte{msg}
			})
			if c.want == 0 {
				if got != nil {
					t.Errorf("%s %s: %v", name, c.name, got)
				}
				continue
			}
			t.Run(name+"/"+c.name, func(t *testing.T) { wantAlert(t, got, c.want) })
		}
	}
}

// serverFlightToClient starts a client and a server machine and hands
// the server's first flight to the client, each message through edit
// (which returns what to deliver in its place); it returns the client's
// first error.
func serverFlightToClient(t *testing.T, ccfg, scfg *Config, edit func(msg []byte) [][]byte) error {
	t.Helper()
	client, server := NewClient(ccfg), NewServer(scfg)
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	var cw, sr []*Keys
	for _, a := range deliver(t, acts, server, &cw, &sr) {
		if a.Kind != SendMessage {
			continue
		}
		for _, msg := range edit(a.Data) {
			if _, err := client.HandleMessage(msg); err != nil {
				return err
			}
		}
	}
	return nil
}
