package handshake

import (
	"bytes"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// TestNPNChoose: OTP's {Precedence, ClientPrefs[, Default]} selection.
func TestNPNChoose(t *testing.T) {
	adv := []string{"spdy/3", "http/1.1", "h2"}
	for _, tc := range []struct {
		pref NPNPreference
		adv  []string
		want string
	}{
		{NPNPreference{Prefs: []string{"h2", "http/1.1"}}, adv, "h2"},
		{NPNPreference{ServerPrecedence: true, Prefs: []string{"h2", "http/1.1"}}, adv, "http/1.1"},
		{NPNPreference{Prefs: []string{"x", "y"}}, adv, "x"},
		{NPNPreference{Prefs: []string{"x", "y"}, Default: "d"}, adv, "d"},
		{NPNPreference{ServerPrecedence: true, Prefs: []string{"x"}, Default: "d"}, nil, "d"},
		{NPNPreference{Prefs: []string{"x"}}, nil, "x"},
	} {
		if got := tc.pref.choose(tc.adv); got != tc.want {
			t.Errorf("%+v over %v: %q, want %q", tc.pref, tc.adv, got, tc.want)
		}
	}
}

func npnConfigs(t *testing.T) (cc, sc *Config) {
	cc, sc = testConfig(t, false), testConfig(t, true)
	cc.NPN = &NPNPreference{ServerPrecedence: true, Prefs: []string{"h2", "http/1.1"}}
	sc.NextProtocols = []string{"http/1.1", "h2"}
	return cc, sc
}

// TestNPNMachines: the client's choice reaches the server in a
// NextProtocol message, in a full and in a resumed handshake; ALPN, when
// agreed, wins; a renegotiation does not use NPN.
func TestNPNMachines(t *testing.T) {
	cc, sc := npnConfigs(t)
	cs, ss := sessions12(t)
	for _, resumed := range []bool{false, true} {
		c, s := NewClient(cc), NewServer(sc)
		c.Sessions, s.Sessions = cs, ss
		sawNP := false
		err := exchangeObserved(t, c, s, nil, func(to Machine, a Action) {
			sawNP = sawNP || a.Kind == SendMessage && a.Data[0] == wire.TypeNextProtocol
		})
		if err != nil {
			t.Fatalf("resumed=%v: %v", resumed, err)
		}
		if c.Info().Resumed != resumed || !sawNP {
			t.Fatalf("resumed %v (want %v), NextProtocol sent %v", c.Info().Resumed, resumed, sawNP)
		}
		if c.Info().NegotiatedProtocol != "http/1.1" || s.Info().NegotiatedProtocol != "http/1.1" {
			t.Fatalf("negotiated %q / %q", c.Info().NegotiatedProtocol, s.Info().NegotiatedProtocol)
		}
	}

	t.Run("alpn_wins", func(t *testing.T) {
		cc, sc := npnConfigs(t)
		cc.ALPNProtocols, sc.ALPNPreferred = []string{"h2"}, []string{"h2"}
		c, s := NewClient(cc), NewServer(sc)
		if err, side := exchange(t, c, s, nil); err != nil {
			t.Fatalf("%v (%T)", err, side)
		}
		if c.npn || s.npn || c.Info().NegotiatedProtocol != "h2" {
			t.Fatalf("NPN used beside ALPN: %v %v %q", c.npn, s.npn, c.Info().NegotiatedProtocol)
		}
	})

	t.Run("renegotiation", func(t *testing.T) {
		cc, sc := npnConfigs(t)
		for _, c := range []*Config{cc, sc} {
			c.Versions = []uint16{wire.VersionTLS12}
		}
		rc, rs := established(t, cc, sc)
		c, s := NewClient(cc), NewServer(sc)
		c.Reneg, s.Reneg = rc, rs
		if err, side := exchange(t, c, s, nil); err != nil {
			t.Fatalf("%v (%T)", err, side)
		}
		if c.hello.NextProtoNeg || c.npn || s.npn {
			t.Fatal("NPN in a renegotiation")
		}
	})
}

// TestNPNBadMessages: an empty protocol (illegal_parameter), a malformed
// NextProtocol (decode_error), a Finished in its place (unexpected_message),
// an answer to an NPN not offered (unsupported_extension), NPN answered
// beside ALPN (illegal_parameter).
func TestNPNBadMessages(t *testing.T) {
	onNextProtocol := func(f func([]byte) []byte) func([]byte) []byte {
		return func(msg []byte) []byte {
			if msg[0] != wire.TypeNextProtocol {
				return msg
			}
			return f(bytes.Clone(msg))
		}
	}
	empty, _ := (&wire.NextProtocol{}).Marshal()
	for _, tc := range []struct {
		name   string
		edit   func(cc, sc *Config)
		tamper func([]byte) []byte
		server bool
		desc   alert.Description
	}{
		{"empty protocol", nil, onNextProtocol(func([]byte) []byte { return empty }), true, alert.IllegalParameter},
		{"truncated", nil, onNextProtocol(func(m []byte) []byte { m[3]--; return m[:len(m)-1] }), true, alert.DecodeError},
		{"finished instead", nil, onNextProtocol(func(m []byte) []byte { m[0] = wire.TypeFinished; return m }), true, alert.UnexpectedMessage},
		{"not offered", func(cc, sc *Config) { cc.NPN = nil }, editHello(t, wire.TypeServerHello, nil, func(sh *wire.ServerHello) {
			sh.NextProtoNeg, sh.NextProtos = true, []string{"h2"}
		}), false, alert.UnsupportedExtension},
		{"beside alpn", func(cc, sc *Config) { cc.ALPNProtocols, sc.ALPNPreferred = []string{"h2"}, []string{"h2"} },
			editHello(t, wire.TypeServerHello, nil, func(sh *wire.ServerHello) {
				sh.NextProtoNeg, sh.NextProtos = true, []string{"h2"}
			}), false, alert.IllegalParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := npnConfigs(t)
			if tc.edit != nil {
				tc.edit(cc, sc)
			}
			c, s := NewClient(cc), NewServer(sc)
			err, side := exchange(t, c, s, tc.tamper)
			var want Machine = c
			if tc.server {
				want = s
			}
			wantAlertFrom(t, err, side, want, tc.desc)
		})
	}
}
