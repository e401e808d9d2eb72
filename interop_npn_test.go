package ssl

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// npnServer accepts one connection, reports its negotiated protocol
// ("" for none) on proto and echoes n bytes.
func npnServer(t *testing.T, so *Options, n int) (port int, proto <-chan string, done <-chan error) {
	got := make(chan string, 1)
	port, done = acceptOne(t, so, func(s *Socket) error {
		p, _ := s.NegotiatedProtocol()
		got <- p
		if n == 0 {
			return nil
		}
		data, err := s.Recv(n, 20*time.Second)
		if err != nil {
			return err
		}
		return s.Send(data)
	})
	return port, got, done
}

func npnClientOpts(p *testpeers.PKI, pref *NextProtocolPreference) *Options {
	co := clientOpts(p)
	co.Versions = []Version{TLSv1_2}
	co.ReuseSessions = Bool(false)
	co.ClientPreferredNextProtocols = pref
	return co
}

// TestInteropNPNOpenSSL: Next Protocol Negotiation with openssl 3.0
// -nextprotoneg in both roles. A gossl client with each precedence (and
// with a default, when nothing is in common) tells s_server its choice;
// s_client's choice reaches a gossl server, even one the server did not
// advertise (NPN lets the client pick any).
func TestInteropNPNOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range []struct {
		pref NextProtocolPreference
		want string
	}{
		{NextProtocolPreference{NPNClient, []string{"h2", "http/1.1"}, ""}, "h2"},
		{NextProtocolPreference{NPNServer, []string{"h2", "http/1.1"}, ""}, "http/1.1"},
		{NextProtocolPreference{NPNServer, []string{"spdy/2"}, ""}, "spdy/2"},
		{NextProtocolPreference{NPNClient, []string{"spdy/2"}, "fallback"}, "fallback"},
	} {
		t.Run(fmt.Sprintf("gossl-client/%s/%s", tc.pref.Precedence, tc.want), func(t *testing.T) {
			srv, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"),
				"-nextprotoneg", "http/1.1,h2")
			s, err := Connect("127.0.0.1", portOf(t, addr), npnClientOpts(p, &tc.pref), 10*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			if got, err := s.NegotiatedProtocol(); got != tc.want {
				t.Fatalf("gossl negotiated %q (%v), want %q", got, err, tc.want)
			}
			if err := srv.WaitFor("NEXTPROTO is "+tc.want, 10*time.Second); err != nil {
				t.Fatalf("s_server: %v\n%s", err, srv.Output())
			}
		})
	}
	for _, tc := range []struct{ client, want string }{{"spdy/2,h2,http/1.1", "h2"}, {"foo", "foo"}} {
		t.Run("gossl-server/"+tc.client, func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.NextProtocolsAdvertised = []string{"h2", "http/1.1"}
			port, proto, done := npnServer(t, so, 0)
			out := sClientAgainst(t, port, done, "", "-tls1_2", "-nextprotoneg", tc.client, "-servername", "localhost", "-ign_eof")
			if got := <-proto; got != tc.want {
				t.Fatalf("gossl server negotiated %q, want %q", got, tc.want)
			}
			if !strings.Contains(out, "Next protocol: (") || !strings.Contains(out, ") "+tc.want) {
				t.Fatalf("s_client's choice is not %q:\n%s", tc.want, out)
			}
		})
	}
	t.Run("gossl-client/server-without-npn", func(t *testing.T) {
		_, addr := testpeers.OpenSSLServer(t, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"))
		s, err := Connect("127.0.0.1", portOf(t, addr), npnClientOpts(p, &NextProtocolPreference{NPNClient, []string{"h2"}, "d"}), 10*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer s.Close()
		if got, err := s.NegotiatedProtocol(); err != ErrProtocolNotNegotiated {
			t.Fatalf("negotiated %q, %v; want ErrProtocolNotNegotiated", got, err)
		}
	})
}

// TestInteropNPNErlang: NPN with Erlang/OTP 25 in both roles.
func TestInteropNPNErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	t.Run("erlang-server", func(t *testing.T) {
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},
			{next_protocols_advertised,[<<"http/1.1">>,<<"h2">>]}]`, p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
		s, err := Connect("127.0.0.1", portOf(t, addr), npnClientOpts(p, &NextProtocolPreference{NPNClient, []string{"h2", "http/1.1"}, ""}), 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		defer s.Close()
		if got, _ := s.NegotiatedProtocol(); got != "h2" {
			t.Fatalf("gossl negotiated %q", got)
		}
		if _, err := srv.WaitLine("NEGOTIATED h2", 20*time.Second); err != nil {
			t.Fatalf("Erlang server: %v\n%s", err, srv.Output())
		}
	})
	t.Run("erlang-client", func(t *testing.T) {
		so := serverOpts(p, "ecdsa")
		so.NextProtocolsAdvertised = []string{"http/1.1", "h2"}
		payload := "erlang npn"
		port, proto, done := npnServer(t, so, len(payload))
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(`[{versions,['tlsv1.2']},{verify,verify_peer},
			{cacertfile,%q},{server_name_indication,"localhost"},
			{client_preferred_next_protocols,{server,[<<"h2">>,<<"http/1.1">>],<<"x">>}}]`, p.CAFile), payload)
		if _, _, err := testpeers.ErlangHandshake(c, 60*time.Second); err != nil {
			t.Fatalf("Erlang client: %v\n%s", err, c.Output())
		}
		if _, err := c.WaitLine("NEGOTIATED http/1.1", 20*time.Second); err != nil {
			t.Fatalf("Erlang client: %v\n%s", err, c.Output())
		}
		if got := <-proto; got != "http/1.1" {
			t.Fatalf("gossl server negotiated %q", got)
		}
		if _, err := c.WaitLine("ECHO ok", 20*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, c.Output())
		}
		if err := <-done; err != nil {
			t.Fatalf("gossl server: %v", err)
		}
	})
}

// TestNPNOptions: an empty protocol name anywhere, an empty preference
// list, an unknown precedence, or an option given to the wrong role is an
// option error naming the option.
func TestNPNOptions(t *testing.T) {
	p := testpeers.NewPKI(t)
	pref := func(prec NPNPrecedence, def string, prefs ...string) *NextProtocolPreference {
		return &NextProtocolPreference{Precedence: prec, ClientPrefs: prefs, Default: def}
	}
	checkOptionErrors(t, p, []optionCase{
		{roleServer, Options{NextProtocolsAdvertised: []string{"h2", ""}}, "next_protocols_advertised"},
		{roleServer, Options{NextProtocolsAdvertised: []string{strings.Repeat("a", 256)}}, "next_protocols_advertised"},
		{roleClient, Options{NextProtocolsAdvertised: []string{"h2"}}, "next_protocols_advertised"},
		{roleClient, Options{ClientPreferredNextProtocols: pref(NPNClient, "", "h2", "")}, "client_preferred_next_protocols"},
		{roleClient, Options{ClientPreferredNextProtocols: pref(NPNClient, "")}, "client_preferred_next_protocols"},
		{roleClient, Options{ClientPreferredNextProtocols: pref("both", "", "h2")}, "client_preferred_next_protocols"},
		{roleClient, Options{ClientPreferredNextProtocols: pref(NPNServer, strings.Repeat("d", 256), "h2")}, "client_preferred_next_protocols"},
		{roleServer, Options{ClientPreferredNextProtocols: pref(NPNServer, "", "h2")}, "client_preferred_next_protocols"},
	})
}
