package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// limitsSeen runs a handshake and returns the record limits each side
// told its driver to apply (nil: none).
func limitsSeen(t *testing.T, cc, sc *Config) (client, server *RecordLimits, err error) {
	t.Helper()
	c, s := NewClient(cc), NewServer(sc)
	err = exchangeObserved(t, c, s, nil, func(to Machine, a Action) {
		// An action of the side that gave it, which is not to.
		if a.Kind == SetRecordLimits && to == Machine(s) {
			client = a.Limits
		} else if a.Kind == SetRecordLimits {
			server = a.Limits
		}
	})
	return client, server, err
}

// TestRecordLimitsNegotiation: max_fragment_length (RFC 6066, 4) and
// record_size_limit (RFC 8449, 4) in TLS 1.2 and 1.3, and the limits each
// side applies; record_size_limit wins over max_fragment_length.
func TestRecordLimitsNegotiation(t *testing.T) {
	for _, tc := range []struct {
		name        string
		tls13       bool
		mfl, rslC   int
		rslS        int
		client, srv *RecordLimits
	}{
		{name: "none"},
		{name: "mfl 512 tls1.2", mfl: 512, client: &RecordLimits{512, 512}, srv: &RecordLimits{512, 512}},
		{name: "mfl 4096 tls1.3", tls13: true, mfl: 4096, client: &RecordLimits{4095, 4096}, srv: &RecordLimits{4095, 4096}},
		{name: "rsl tls1.2", rslC: 1000, client: &RecordLimits{16384, 1000}, srv: &RecordLimits{1000, 16384}},
		{name: "rsl both tls1.2", rslC: 1000, rslS: 300, client: &RecordLimits{300, 1000}, srv: &RecordLimits{1000, 300}},
		{name: "rsl tls1.3", tls13: true, rslC: 64, rslS: 2000, client: &RecordLimits{1999, 63}, srv: &RecordLimits{63, 1999}},
		{name: "rsl over mfl", mfl: 512, rslC: 1000, client: &RecordLimits{16384, 1000}, srv: &RecordLimits{1000, 16384}},
		{name: "server limit only", rslS: 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := testConfig(t, false), testConfig(t, true)
			if tc.tls13 {
				cc, sc = testConfig13(t, false), testConfig13(t, true)
			}
			cc.MaxFragmentLength, cc.RecordSizeLimit, sc.RecordSizeLimit = tc.mfl, tc.rslC, tc.rslS
			gotC, gotS, err := limitsSeen(t, cc, sc)
			if err != nil {
				t.Fatal(err)
			}
			if (gotC == nil) != (tc.client == nil) || gotC != nil && *gotC != *tc.client {
				t.Errorf("client limits %+v, want %+v", gotC, tc.client)
			}
			if (gotS == nil) != (tc.srv == nil) || gotS != nil && *gotS != *tc.srv {
				t.Errorf("server limits %+v, want %+v", gotS, tc.srv)
			}
		})
	}
}

// TestRecordLimitsBadValues: out-of-range values and answers to requests
// never made are refused with the alerts the RFCs name.
func TestRecordLimitsBadValues(t *testing.T) {
	setCH := func(l wire.RecordLimits) func(*wire.ClientHello) {
		return func(ch *wire.ClientHello) { ch.Limits = l }
	}
	setSH := func(l wire.RecordLimits) func(*wire.ServerHello) {
		return func(sh *wire.ServerHello) { sh.Limits = l }
	}
	for _, tc := range []struct {
		name     string
		mfl, rsl int // the client's configuration
		tamper   func(t *testing.T) func([]byte) []byte
		server   bool // the server refuses (else the client)
		desc     alert.Description
	}{
		{"mfl code 0", 0, 0, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeClientHello, setCH(wire.RecordLimits{MaxFragmentLength: 0, HasMaxFragmentLength: true}), nil)
		}, true, alert.IllegalParameter},
		{"mfl code 5", 0, 0, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeClientHello, setCH(wire.RecordLimits{MaxFragmentLength: 5, HasMaxFragmentLength: true}), nil)
		}, true, alert.IllegalParameter},
		{"rsl 63 from client", 0, 0, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeClientHello, setCH(wire.RecordLimits{RecordSizeLimit: 63, HasRecordSizeLimit: true}), nil)
		}, true, alert.IllegalParameter},
		{"rsl 0 from client", 0, 0, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeClientHello, setCH(wire.RecordLimits{RecordSizeLimit: 0, HasRecordSizeLimit: true}), nil)
		}, true, alert.IllegalParameter},
		{"rsl 63 from server", 0, 1000, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeServerHello, nil, setSH(wire.RecordLimits{RecordSizeLimit: 63, HasRecordSizeLimit: true}))
		}, false, alert.IllegalParameter},
		{"rsl not asked", 0, 0, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeServerHello, nil, setSH(wire.RecordLimits{RecordSizeLimit: 1000, HasRecordSizeLimit: true}))
		}, false, alert.UnsupportedExtension},
		{"mfl not asked", 0, 0, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeServerHello, nil, setSH(wire.RecordLimits{MaxFragmentLength: 1, HasMaxFragmentLength: true}))
		}, false, alert.UnsupportedExtension},
		{"mfl changed", 1024, 0, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeServerHello, nil, setSH(wire.RecordLimits{MaxFragmentLength: 1, HasMaxFragmentLength: true}))
		}, false, alert.IllegalParameter},
		{"both answered", 1024, 1000, func(t *testing.T) func([]byte) []byte {
			return editHello(t, wire.TypeServerHello, nil, setSH(wire.RecordLimits{MaxFragmentLength: 2, HasMaxFragmentLength: true,
				RecordSizeLimit: 1000, HasRecordSizeLimit: true}))
		}, false, alert.IllegalParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, sc := testConfig(t, false), testConfig(t, true)
			cc.MaxFragmentLength, cc.RecordSizeLimit = tc.mfl, tc.rsl
			c, s := NewClient(cc), NewServer(sc)
			err, side := exchange(t, c, s, tc.tamper(t))
			var want Machine = c
			if tc.server {
				want = s
			}
			wantAlertFrom(t, err, side, want, tc.desc)
		})
	}
}
