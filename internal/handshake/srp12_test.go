package handshake

import (
	"crypto/x509"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// srpConfigs are a client (user alice, password) and a server that knows
// alice with password "secret" in srp_1024, both with only suite.
func srpConfigs(t *testing.T, suite uint16, password string) (*Config, *Config) {
	cc, sc := testConfig(t, false), testConfig(t, false)
	cc.Suites = []*suites.Suite{suites.ByID(suite)}
	sc.Suites = cc.Suites
	cc.Versions, sc.Versions = []uint16{wire.VersionTLS12}, []uint16{wire.VersionTLS12}
	cc.SRPUser, cc.SRPPassword = "alice", password
	grp := kx.SRPGroupByName("srp_1024")
	salt := []byte("salt of alice")
	sc.ServerSRP = func(user []byte) (*kx.SRPUser, error) {
		if string(user) != "alice" {
			return kx.SimulatedSRPUser([]byte("k"), grp, user), nil
		}
		return &kx.SRPUser{Group: grp, Salt: salt, Verifier: grp.Verifier(kx.SRPDerivedKey(salt, "alice", "secret"))}, nil
	}
	return cc, sc
}

func TestSRPMachines(t *testing.T) {
	cc, sc := srpConfigs(t, 0xc01d, "secret") // TLS_SRP_SHA_WITH_AES_128_CBC_SHA
	client, server := NewClient(cc), NewServer(sc)
	runMachines(t, client, server)
	if server.hello == nil || string(server.hello.SRPIdentity) != "alice" {
		t.Fatal("the ClientHello did not carry the SRP username")
	}
}

func wantMachineAlert(t *testing.T, err error, want alert.Description) {
	t.Helper()
	var a *alert.Error
	if !errors.As(err, &a) || a.Desc != want {
		t.Fatalf("got %v, want alert %v", err, want)
	}
}

// TestSRPWithoutUsername: RFC 5054, 2.5.1.2: a ClientHello with SRP
// suites but no srp extension gets unknown_psk_identity.
func TestSRPWithoutUsername(t *testing.T) {
	cc, sc := srpConfigs(t, 0xc01d, "secret")
	acts, err := NewClient(cc).Start()
	if err != nil {
		t.Fatal(err)
	}
	var ch wire.ClientHello
	if !ch.Unmarshal(acts[0].Data) || string(ch.SRPIdentity) != "alice" {
		t.Fatal("no username in the ClientHello")
	}
	ch.SRPIdentity = nil
	raw, err := ch.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewServer(sc).HandleMessage(raw)
	wantMachineAlert(t, err, alert.UnknownPSKIdentity)
}

// TestSRPBadClientKeyExchange: the server refuses A = 0 and A = N with
// illegal_parameter, and a truncated ClientKeyExchange with decode_error.
func TestSRPBadClientKeyExchange(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []byte
		want alert.Description
	}{
		{"A=0", []byte{0, 1, 0}, alert.IllegalParameter},
		{"A=N", srpNBody(t), alert.IllegalParameter},
		{"truncated", []byte{0, 9, 1}, alert.DecodeError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := srpConfigs(t, 0xc01d, "secret")
			client, server := NewClient(cc), NewServer(sc)
			acts, _ := client.Start()
			var w, r []*Keys
			acts = deliver(t, acts, server, &w, &r)
			acts = deliver(t, acts, client, &w, &r)
			sent := false
			for _, a := range acts {
				sent = sent || (a.Kind == SendMessage && a.Data[0] == wire.TypeClientKeyExchange)
			}
			if !sent {
				t.Fatal("the client sent no ClientKeyExchange")
			}
			cke, _ := (&wire.ClientKeyExchange{Key: tc.body}).Marshal()
			_, err := server.HandleMessage(cke)
			wantMachineAlert(t, err, tc.want)
		})
	}
}

// srpNBody is a ClientKeyExchange body with A = N of srp_1024.
func srpNBody(t *testing.T) []byte {
	t.Helper()
	cc, sc := srpConfigs(t, 0xc01d, "secret")
	acts, _ := NewClient(cc).Start()
	server := NewServer(sc)
	out, err := server.HandleMessage(acts[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out {
		if a.Kind == SendMessage && a.Data[0] == wire.TypeServerKeyExchange {
			var ske wire.ServerKeyExchange
			ske.Unmarshal(a.Data)
			n := ske.Key[2 : 2+int(ske.Key[0])<<8|int(ske.Key[1])]
			return append([]byte{byte(len(n) >> 8), byte(len(n))}, n...)
		}
	}
	t.Fatal("no ServerKeyExchange")
	return nil
}

// TestSRPWrongPasswordFailsAtFinished: a wrong password and an unknown
// user both get through the key exchange and fail at the client's
// Finished (bad_record_mac at the record layer; here, the Finished check),
// so neither tells the client which it was.
func TestSRPWrongPasswordFailsAtFinished(t *testing.T) {
	for _, tc := range []struct{ user, password string }{{"alice", "wrong"}, {"mallory", "secret"}} {
		cc, sc := srpConfigs(t, 0xc01e, tc.password) // TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA
		cc.SRPUser = tc.user
		p := newBenchPKI(t, "rsa")
		leaf, _ := x509.ParseCertificate(p.chain[0])
		sc.Certs = []CertKey{{Chain: p.chain, Leaf: leaf, Key: p.key}}
		client, server := NewClient(cc), NewServer(sc)
		acts, _ := client.Start()
		var w, r []*Keys
		acts = deliver(t, acts, server, &w, &r)
		acts = deliver(t, acts, client, &w, &r)
		// The client's flight: ClientKeyExchange, ChangeCipherSpec, keys,
		// Finished. The server accepts all but the Finished.
		var err error
		for _, a := range acts {
			switch a.Kind {
			case SendMessage:
				_, err = server.HandleMessage(a.Data)
			case SendChangeCipherSpec:
				_, err = server.HandleChangeCipherSpec()
			}
			if err != nil {
				break
			}
		}
		if err == nil {
			t.Fatalf("%s/%s: handshake succeeded", tc.user, tc.password)
		}
		if server.State() != "finished" {
			t.Fatalf("%s/%s: failed in state %s: %v", tc.user, tc.password, server.State(), err)
		}
	}
}

// TestSRPBadServerKeyExchange: the client refuses B = 0 and B = N with
// illegal_parameter, an unknown group with insufficient_security, and
// truncated or oversized (trailing bytes, srp_anon has no signature)
// params with decode_error.
func TestSRPBadServerKeyExchange(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(params []byte) []byte
		want alert.Description
	}{
		{"B=0", func(p []byte) []byte { return srpWithB(p, []byte{0}) }, alert.IllegalParameter},
		{"B=N", func(p []byte) []byte { return srpWithB(p, p[2:2+int(p[0])<<8|int(p[1])]) }, alert.IllegalParameter},
		{"other N", func(p []byte) []byte { q := append([]byte(nil), p...); q[3] ^= 1; return q }, alert.InsufficientSecurity},
		{"truncated", func(p []byte) []byte { return p[:len(p)-1] }, alert.DecodeError},
		{"trailing", func(p []byte) []byte { return append(append([]byte(nil), p...), 0) }, alert.DecodeError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := srpConfigs(t, 0xc01d, "secret")
			client, server := NewClient(cc), NewServer(sc)
			acts, _ := client.Start()
			out, err := server.HandleMessage(acts[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range out {
				if a.Kind != SendMessage {
					continue
				}
				msg := a.Data
				if msg[0] == wire.TypeServerKeyExchange {
					var ske wire.ServerKeyExchange
					ske.Unmarshal(msg)
					msg, _ = (&wire.ServerKeyExchange{Key: tc.edit(ske.Key)}).Marshal()
				}
				if _, err = client.HandleMessage(msg); err != nil {
					break
				}
			}
			wantMachineAlert(t, err, tc.want)
		})
	}
}

// srpWithB replaces srp_B at the end of ServerSRPParams.
func srpWithB(params, b []byte) []byte {
	n := 2 + (int(params[0])<<8 | int(params[1]))
	g := 2 + (int(params[n])<<8 | int(params[n+1]))
	s := 1 + int(params[n+g])
	out := append([]byte(nil), params[:n+g+s]...)
	out = append(out, byte(len(b)>>8), byte(len(b)))
	return append(out, b...)
}
