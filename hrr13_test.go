package ssl

import (
	"crypto/tls"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// TestSecondHelloMustNotChange: over a real connection, a second
// ClientHello that changes what RFC 8446, 4.1.2 does not let it change
// gets illegal_parameter after the HelloRetryRequest (the field-by-field
// table is internal/handshake TestSecondClientHelloChanges).
func TestSecondHelloMustNotChange(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.ALPNPreferredProtocols = []string{"h2", "http/1.1"}
	srv := startHandshakeServer(t, so)
	h := newTLS13Hello(t)
	hello := func(change func(*wire.ClientHello), share ...wire.KeyShare) []byte {
		return tlsRecord(wire.TypeHandshake, wire.VersionTLS10, h.marshal(t, func(ch *wire.ClientHello) {
			ch.ServerName = "localhost"
			ch.ALPNProtocols = []string{"h2", "http/1.1"}
			ch.PSKModes = []uint8{1}
			ch.SupportedGroups = []uint16{wire.GroupSecp256r1, wire.GroupX25519}
			ch.KeyShares = share
			change(ch)
		}))
	}
	same := func(*wire.ClientHello) {}
	for name, change := range map[string]func(*wire.ClientHello){
		"server_name":            func(ch *wire.ClientHello) { ch.ServerName = "other.example" },
		"alpn":                   func(ch *wire.ClientHello) { ch.ALPNProtocols = []string{"http/1.1"} },
		"signature_algorithms":   func(ch *wire.ClientHello) { ch.SignatureAlgorithms = ch.SignatureAlgorithms[1:] },
		"cipher_suites":          func(ch *wire.ClientHello) { ch.CipherSuites = []uint16{0x1303, 0x1302, 0x1301} },
		"psk_key_exchange_modes": func(ch *wire.ClientHello) { ch.PSKModes = []uint8{0, 1} },
	} {
		t.Run(name, func(t *testing.T) {
			data := append(hello(same), hello(change, h.share(wire.GroupSecp256r1))...)
			reply, local := sendRaw(t, srv.port, data, false)
			recs := wantPlainAlertAfter(t, reply, "illegal_parameter")
			var sh wire.ServerHello
			if len(recs) == 0 || !sh.Unmarshal(recs[0].payload) || sh.SelectedGroup != wire.GroupSecp256r1 {
				t.Fatalf("no HelloRetryRequest before the alert: %+v", recs)
			}
			wantSentAlert(t, srv.result(t, local).err, "illegal_parameter")
		})
	}
}

// TestHelloRetryRequestClients: real clients answer a gossl server's
// HelloRetryRequest, on a full handshake and on one that resumes a
// ticket (the second ClientHello updates its pre_shared_key), and the
// server takes their second ClientHellos as unchanged.
func TestHelloRetryRequestClients(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.SupportedGroups = []string{"secp384r1"} // no client sends a share for it first
	so.Versions = []Version{TLSv1_3}
	port := startServingEcho(t, so)
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	t.Run("gossl", func(t *testing.T) {
		co := clientOpts(p)
		co.SupportedGroups = []string{"x25519", "secp384r1"}
		if got := connectTwice(t, port, co); got != [2]bool{false, true} {
			t.Fatalf("session_resumption %v, want [false true]", got)
		}
	})
	t.Run("crypto/tls", func(t *testing.T) {
		cfg := &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost", ClientSessionCache: tls.NewLRUClientSessionCache(4),
			CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP384}}
		for i := 0; i < 2; i++ {
			c, err := tls.Dial("tcp", addr, cfg)
			if err != nil {
				t.Fatalf("connection %d: %v", i+1, err)
			}
			echo(t, c)
			if st := c.ConnectionState(); st.DidResume != (i == 1) || st.CurveID != tls.CurveP384 {
				t.Fatalf("connection %d: resumed %v, group %v", i+1, st.DidResume, st.CurveID)
			}
			c.Close()
		}
	})
	t.Run("openssl", func(t *testing.T) {
		sess := t.TempDir() + "/sess.pem"
		for i, args := range [][]string{{"-sess_out", sess}, {"-sess_in", sess}} {
			c := testpeers.OpenSSLClient(t, addr, append([]string{"-tls1_3", "-CAfile", p.CAFile, "-servername", "localhost",
				"-groups", "X25519:secp384r1"}, args...)...)
			// The echo coming back means the tickets, which precede it,
			// are in too.
			io.WriteString(c.Stdin, "ping-after-hrr\n")
			if err := c.WaitFor("ping-after-hrr", 10*time.Second); err != nil {
				t.Fatalf("s_client %d: %v\n%s", i+1, err, c.Output())
			}
			c.Stdin.Close()
			c.Wait(10 * time.Second)
			out := c.Output()
			want := "New, TLSv1.3"
			if i == 1 {
				want = "Reused, TLSv1.3"
			}
			if !strings.Contains(out, want) {
				t.Fatalf("s_client %d: no %q:\n%s", i+1, want, out)
			}
		}
	})
	t.Run("gnutls", func(t *testing.T) {
		c := testpeers.GnuTLSClient(t, addr, "--x509cafile", p.CAFile, "--verify-hostname", "localhost",
			"--priority", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP384R1", "--resume")
		c.Stdin.Close()
		c.Wait(15 * time.Second)
		if !strings.Contains(c.Output(), "This is a resumed session") {
			t.Fatalf("gnutls-cli did not resume after a HelloRetryRequest:\n%s", c.Output())
		}
	})
	t.Run("erlang", func(t *testing.T) {
		c := testpeers.ErlangClient(t, addr, fmt.Sprintf(
			"[{versions,['tlsv1.3']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"},"+
				"{supported_groups,[x25519,secp384r1]}]", p.CAFile), "erlang after a HelloRetryRequest")
		if proto, _, err := testpeers.ErlangHandshake(c, 60*time.Second); err != nil || proto != "tlsv1.3" {
			t.Fatalf("Erlang client: %s %v\n%s", proto, err, c.Output())
		}
		if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
	})
}

// TestServer13CompatCCSFollowsSessionID: the server sends its dummy
// change_cipher_spec after the ServerHello (or HelloRetryRequest) when
// the client's non-empty legacy_session_id asks for middlebox
// compatibility mode (RFC 8446, D.4), and not otherwise: echoing an
// empty session ID, the handshake looks like no TLS 1.2 resumption to a
// middlebox, with the record or without. OpenSSL's, BoringSSL's and Go's
// servers always send it (BoringSSL's EmptySessionID-TLS13 checks that
// policy); every TLS 1.3 client drops it either way (5).
func TestServer13CompatCCSFollowsSessionID(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startHandshakeServer(t, serverOpts(p, "ecdsa"))
	h := newTLS13Hello(t)
	for _, tc := range []struct {
		name      string
		sessionID []byte
		groups    []uint16 // secp256r1 first, with an x25519 share: a HelloRetryRequest
		ccs       bool
	}{
		{"session_id", h.sessionID, nil, true},
		{"no_session_id", nil, nil, false},
		{"session_id_hrr", h.sessionID, []uint16{wire.GroupSecp256r1, wire.GroupX25519}, true},
		{"no_session_id_hrr", nil, []uint16{wire.GroupSecp256r1, wire.GroupX25519}, false},
	} {
		hello := tlsRecord(wire.TypeHandshake, wire.VersionTLS10, h.marshal(t, func(ch *wire.ClientHello) {
			ch.SessionID = tc.sessionID
			if tc.groups != nil {
				ch.SupportedGroups, ch.KeyShares = tc.groups, nil
			}
		}))
		reply, _ := sendRaw(t, srv.port, hello, true)
		recs, err := splitRecords(reply)
		if err != nil || len(recs) == 0 || recs[0].typ != wire.TypeHandshake || recs[0].payload[0] != wire.TypeServerHello {
			t.Fatalf("%s: reply %x (%v); want a ServerHello first", tc.name, reply, err)
		}
		if ccs := len(recs) > 1 && recs[1].typ == wire.TypeChangeCipherSpec; ccs != tc.ccs {
			t.Errorf("%s: change_cipher_spec after the ServerHello: %v, want %v", tc.name, ccs, tc.ccs)
		}
	}
}
