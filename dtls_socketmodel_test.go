package ssl

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// TestDTLSSocketOptions: on a DTLS socket the socket model's options
// work where a datagram protocol gives them a meaning (active modes,
// mode, header) and are refused with a clear error where it does not
// (packet other than raw, delay_send), at Connect and Listen and at
// Setopts, which then changes nothing.
func TestDTLSSocketOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(o *Options)
		ok   bool
	}{
		{"active true", func(o *Options) { o.Active = true }, true},
		{"active once", func(o *Options) { o.Active = ActiveOnce }, true},
		{"active N", func(o *Options) { o.Active = 5 }, true},
		{"mode list", func(o *Options) { o.Mode = "list" }, true},
		{"header", func(o *Options) { o.Header = 2 }, true},
		{"packet raw", func(o *Options) { o.Packet = "raw" }, true},
		{"packet 0", func(o *Options) { o.Packet = 0 }, true},
		{"packet 2", func(o *Options) { o.Packet = 2 }, false},
		{"packet line", func(o *Options) { o.Packet = "line" }, false},
		{"delay_send", func(o *Options) { o.DelaySend = true }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			so, _ := modelOptsFor(t, "dtls")
			tc.set(so)
			ls, err := Listen(0, so)
			if ls != nil {
				ls.Close()
			}
			if tc.ok != (err == nil) {
				t.Fatalf("Listen: %v, want ok %v", err, tc.ok)
			}
			var oe *OptionError
			if err != nil && !errors.As(err, &oe) {
				t.Fatalf("Listen: %v is not an OptionError", err)
			}
		})
	}

	so, co := modelOptsFor(t, "dtls")
	c, _ := pair(t, so, co)
	for _, bad := range []SockOpt{{"packet", 4}, {"packet", "line"}, {"delay_send", true}} {
		err := c.Setopts(SockOpt{"active", true}, bad)
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Name != bad.Name {
			t.Fatalf("Setopts %v: %v", bad, err)
		}
	}
	o, err := c.Getopts("active", "packet", "delay_send")
	if err != nil || o[0].Value != false || o[1].Value != 0 || o[2].Value != false {
		t.Fatalf("after refused Setopts: %v %v", o, err)
	}
	if err := c.Setopts(SockOpt{"packet", 0}, SockOpt{"mode", "list"}, SockOpt{"header", 1}); err != nil {
		t.Fatal(err)
	}
}

// TestDTLSActiveErrorMessage: a peer's fatal alert reaches an active
// DTLS socket's owner as SSLError, and nothing follows it.
func TestDTLSActiveErrorMessage(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, "dtls")
	co.Active = true
	c, s := pair(t, so, co)
	s.sendFatal(alert.New(alert.InternalError, "test"))
	m := recvMsg(t, c.Messages())
	e, ok := m.(SSLError)
	var a *Alert
	if !ok || !errors.As(e.Reason, &a) || a.Description != "internal_error" || !a.Received {
		t.Fatalf("got %#v, want SSLError internal_error", m)
	}
	noMsg(t, c.Messages())
}

// dtlsHandshakeMsg is a whole DTLS handshake message of type typ with
// message_seq seq.
func dtlsHandshakeMsg(typ uint8, seq uint16, body []byte) []byte {
	h := wire.DTLSHeader{Type: typ, Length: uint32(len(body)), MessageSeq: seq, FragmentLength: uint32(len(body))}
	return append(wire.AppendDTLSHeader(nil, h), body...)
}

// TestDTLSDowngradeNotSupported: a DTLS association has no plaintext to
// downgrade to; Downgrade says it is not supported. (Renegotiation is:
// dtls_reneg_test.go.)
func TestDTLSDowngradeNotSupported(t *testing.T) {
	so, co := modelOptsFor(t, "dtls")
	c, s := pair(t, so, co)
	defer c.Close()
	defer s.Close()
	if _, _, err := s.Downgrade(time.Second); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("Downgrade: %v", err)
	}
}

// TestDTLSInteropActiveErlang: Erlang/OTP 25 DTLS 1.2 with gossl in
// active mode, both roles: a gossl client with {active, N} against an
// Erlang echo server (ssl_passive seen and re-armed), and an Erlang
// client against a gossl server with {active, true} that echoes each
// message.
func TestDTLSInteropActiveErlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	t.Run("gossl-active-client", func(t *testing.T) {
		checkGoroutines(t)
		srv, addr := testpeers.ErlangServer(t, fmt.Sprintf(`[{protocol,dtls},{certfile,%q},{keyfile,%q}]`, p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		co := dtlsClientOpts(p, 0)
		co.Active = 2
		s, err := Connect("127.0.0.1", n, co, 30*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		passive := 0
		for i := range 5 {
			msg := fmt.Sprintf("active message %d", i)
			if err := s.Send([]byte(msg)); err != nil {
				t.Fatal(err)
			}
		wait:
			for {
				switch m := recvMsg(t, s.Messages()).(type) {
				case SSLData:
					if string(m.Data) != msg {
						t.Fatalf("echo %q, want %q\n%s", m.Data, msg, srv.Output())
					}
					break wait
				case SSLPassive:
					passive++
					s.Setopts(SockOpt{"active", 2})
				default:
					t.Fatalf("got %#v\n%s", m, srv.Output())
				}
			}
		}
		if passive == 0 {
			t.Fatal("no SSLPassive after {active, 2}")
		}
	})
	t.Run("erlang-client-gossl-active-server", func(t *testing.T) {
		checkGoroutines(t)
		so := dtlsServerOpts(p, "ecdsa", 0)
		so.Active = true
		ls, err := Listen(0, so)
		if err != nil {
			t.Fatal(err)
		}
		defer ls.Close()
		done := activeEchoServer(ls)
		cl := testpeers.ErlangClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()),
			fmt.Sprintf(`[{protocol,dtls},{verify,verify_peer},{cacertfile,%q},{server_name_indication,"localhost"}]`, p.CAFile),
			strings.Repeat("erlang->gossl dtls active ", 40))
		if proto, _, err := testpeers.ErlangHandshake(cl, 30*time.Second); err != nil || proto != "dtlsv1.2" {
			t.Fatalf("Erlang side: %q %v\n%s", proto, err, cl.Output())
		}
		if _, err := cl.WaitLine("ECHO ok", 30*time.Second); err != nil {
			t.Fatalf("Erlang echo: %v\n%s", err, cl.Output())
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("gossl server did not see the close")
		}
	})
}
