package ssl

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestDTLSInteropEncryptThenMAC: encrypt-then-MAC (RFC 7366) is
// negotiated over DTLS for a CBC suite with OpenSSL in both roles, at
// DTLS 1.2 and 1.0: gossl reports it, OpenSSL's -trace shows the
// extension in the ServerHello, and data flows both ways. With -no_etm on
// the OpenSSL side the records fall back to MAC-then-encrypt.
func TestDTLSInteropEncryptThenMAC(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []struct {
		v    Version
		flag string
	}{{DTLSv1_2, "-dtls1_2"}, {DTLSv1, "-dtls1"}} {
		for _, etm := range []bool{true, false} {
			extra := []string{"-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", "-trace"}
			if !etm {
				extra = append(extra, "-no_etm")
			}
			name := fmt.Sprintf("%s/etm=%v", v.v, etm)
			t.Run("gossl-client/"+name, func(t *testing.T) {
				srv, addr := testpeers.OpenSSLServer(t, append([]string{v.flag, "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa")}, extra...)...)
				_, port, _ := net.SplitHostPort(addr)
				n, _ := strconv.Atoi(port)
				co := dtlsClientOpts(p, 0)
				co.Versions = []Version{v.v}
				co.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}
				s, err := Connect("127.0.0.1", n, co, 20*time.Second)
				if err != nil {
					t.Fatalf("Connect: %v\n%s", err, srv.Output())
				}
				defer s.Close()
				if got := s.connInfo().EncryptThenMAC; got != etm {
					t.Fatalf("gossl client: encrypt-then-MAC %v, want %v", got, etm)
				}
				if err := s.Send([]byte("hello from gossl\n")); err != nil {
					t.Fatal(err)
				}
				if err := srv.WaitFor("hello from gossl", 10*time.Second); err != nil {
					t.Fatalf("s_server did not print the data: %v\n%s", err, srv.Output())
				}
				srv.Stdin.Write([]byte("hello from openssl\n"))
				if b, err := s.Recv(0, 10*time.Second); err != nil || string(b) != "hello from openssl\n" {
					t.Fatalf("Recv: %q %v", b, err)
				}
				if got := serverHelloExtension(srv.Output(), "encrypt_then_mac(22)"); got != etm {
					t.Fatalf("openssl's ServerHello has encrypt_then_mac: %v, want %v\n%s", got, etm, srv.Output())
				}
			})
			t.Run("gossl-server/"+name, func(t *testing.T) {
				so := dtlsServerOpts(p, "ecdsa", 0)
				so.Versions = []Version{DTLSv1_2, DTLSv1}
				so.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}
				ls, err := Listen(0, so)
				if err != nil {
					t.Fatal(err)
				}
				defer ls.Close()
				cl := testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()), append([]string{v.flag}, extra...)...)
				serveOneLineCheck(t, ls, cl, func(s *Socket) {
					if got := s.connInfo().EncryptThenMAC; got != etm {
						t.Errorf("gossl server: encrypt-then-MAC %v, want %v", got, etm)
					}
				})
				if got := serverHelloExtension(cl.Output(), "encrypt_then_mac(22)"); got != etm {
					t.Fatalf("gossl's ServerHello has encrypt_then_mac: %v, want %v\n%s", got, etm, cl.Output())
				}
			})
		}
	}
}

// recvRecords receives n bytes on s, one record per Recv, and returns the
// largest record seen.
func recvRecords(t *testing.T, s *Socket, n int) int {
	t.Helper()
	largest := 0
	for got := 0; got < n; {
		b, err := s.Recv(0, 10*time.Second)
		if err != nil {
			t.Fatalf("Recv after %d of %d bytes: %v", got, n, err)
		}
		got += len(b)
		largest = max(largest, len(b))
	}
	return largest
}

// TestDTLSRecordLimits: max_fragment_length (RFC 6066) and
// record_size_limit (RFC 8449) over DTLS: each side's records, Recv
// showing one at a time, keep to the limit the other side asked for; a
// protected record over our limit is record_overflow.
func TestDTLSRecordLimits(t *testing.T) {
	for _, tc := range []struct {
		name         string
		set          func(so, co *Options)
		toClient     int // the largest record the server may send
		toServer     int // and the client
		overflowSide string
	}{
		{"max_fragment_length 512", func(so, co *Options) { co.MaxFragmentLength = 512 }, 512, 512, "client"},
		{"record_size_limit 256 on the client", func(so, co *Options) { co.RecordSizeLimit = 256 }, 256, 1400, "client"},
		{"record_size_limit both", func(so, co *Options) { co.RecordSizeLimit = 300; so.RecordSizeLimit = 200 }, 300, 200, "server"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGoroutines(t)
			so, co := modelOptsFor(t, "dtls")
			tc.set(so, co)
			c, s := pair(t, so, co)
			data := make([]byte, 3000)
			if err := s.Send(data); err != nil {
				t.Fatal(err)
			}
			if got := recvRecords(t, c, len(data)); got > tc.toClient {
				t.Fatalf("server sent a record of %d bytes, limit %d", got, tc.toClient)
			}
			if err := c.Send(data); err != nil {
				t.Fatal(err)
			}
			if got := recvRecords(t, s, len(data)); got > tc.toServer {
				t.Fatalf("client sent a record of %d bytes, limit %d", got, tc.toServer)
			}
			// A peer that ignores the limit: record_overflow.
			from, to := s, c
			if tc.overflowSide == "server" {
				from, to = c, s
			}
			w := from.dtls()
			w.wmu.Lock()
			w.w.SetMaxFragment(0)
			w.wmu.Unlock()
			from.Send(data[:1000])
			_, err := to.Recv(0, 10*time.Second)
			var a *Alert
			if !errors.As(err, &a) || a.Description != "record_overflow" {
				t.Fatalf("over the limit: %v, want record_overflow", err)
			}
		})
	}
}

// TestDTLSInteropMaxFragmentLength: max_fragment_length 512 over DTLS
// 1.2 with OpenSSL in both roles: OpenSSL's -trace shows the extension
// in the ServerHello, data goes both ways, and
// 1500 bytes from gossl, cut into records that fit, reach OpenSSL (which
// refuses a longer record). OpenSSL does not cut a write to the limit
// itself over DTLS (it fails with "exceeds max fragment size"), so it
// sends a shorter line.
func TestDTLSInteropMaxFragmentLength(t *testing.T) {
	p := testpeers.NewPKI(t)
	long := strings.Repeat("m", 1500) + "END"
	short := strings.Repeat("s", 400) + "END"
	t.Run("gossl-client", func(t *testing.T) {
		srv, addr := testpeers.OpenSSLServer(t, "-dtls1_2", "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-trace")
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		co := dtlsClientOpts(p, 0)
		co.MaxFragmentLength = 512
		s, err := Connect("127.0.0.1", n, co, 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		if err := s.Send([]byte(long + "\n")); err != nil {
			t.Fatal(err)
		}
		if err := srv.WaitFor("mEND", 10*time.Second); err != nil {
			t.Fatalf("s_server did not print the data: %v\n%s", err, srv.Output())
		}
		srv.Stdin.Write([]byte(short + "\n"))
		if got := recvRecords(t, s, len(short)+1); got > 512 {
			t.Fatalf("s_server sent a record of %d bytes", got)
		}
		if !serverHelloExtension(srv.Output(), "max_fragment_length(1)") {
			t.Fatalf("no max_fragment_length in the ServerHello\n%s", srv.Output())
		}
	})
	t.Run("gossl-server", func(t *testing.T) {
		ls, err := Listen(0, dtlsServerOpts(p, "ecdsa", 0))
		if err != nil {
			t.Fatal(err)
		}
		defer ls.Close()
		cl := testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()), "-dtls1_2", "-maxfraglen", "512", "-trace")
		s, err := ls.TransportAccept(20 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Handshake(20 * time.Second); err != nil {
			t.Fatalf("Handshake: %v\n%s", err, cl.Output())
		}
		cl.Stdin.Write([]byte(short + "\n"))
		if got := recvRecords(t, s, len(short)+1); got > 512 {
			t.Fatalf("s_client sent a record of %d bytes", got)
		}
		if err := s.Send([]byte(long + "\n")); err != nil {
			t.Fatal(err)
		}
		if err := cl.WaitFor("mEND", 10*time.Second); err != nil {
			t.Fatalf("s_client did not print the data: %v\n%s", err, cl.Output())
		}
		if !serverHelloExtension(cl.Output(), "max_fragment_length(1)") {
			t.Fatalf("no max_fragment_length in gossl's ServerHello\n%s", cl.Output())
		}
	})
}

// TestDTLSNPN: Next Protocol Negotiation over DTLS 1.2, whose
// NextProtocol message goes in the client's last flight between its
// ChangeCipherSpec and Finished: gossl in both roles against itself, and
// against OpenSSL's -nextprotoneg in both roles.
func TestDTLSNPN(t *testing.T) {
	p := testpeers.NewPKI(t)
	pref := &NextProtocolPreference{NPNClient, []string{"h2", "http/1.1"}, ""}
	t.Run("gossl-gossl", func(t *testing.T) {
		so, co := modelOptsFor(t, "dtls")
		so.NextProtocolsAdvertised = []string{"http/1.1", "h2"}
		co.ClientPreferredNextProtocols = pref
		c, s := pair(t, so, co)
		for _, sock := range []*Socket{c, s} {
			if got, err := sock.NegotiatedProtocol(); got != "h2" {
				t.Fatalf("negotiated %q (%v), want h2", got, err)
			}
		}
	})
	t.Run("gossl-client", func(t *testing.T) {
		srv, addr := testpeers.OpenSSLServer(t, "-dtls1_2", "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-nextprotoneg", "http/1.1,h2")
		_, port, _ := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		co := dtlsClientOpts(p, 300)
		co.ClientPreferredNextProtocols = pref
		s, err := Connect("127.0.0.1", n, co, 20*time.Second)
		if err != nil {
			t.Fatalf("Connect: %v\n%s", err, srv.Output())
		}
		defer s.Close()
		if got, err := s.NegotiatedProtocol(); got != "h2" {
			t.Fatalf("gossl negotiated %q (%v), want h2", got, err)
		}
		if err := srv.WaitFor("NEXTPROTO is h2", 10*time.Second); err != nil {
			t.Fatalf("s_server: %v\n%s", err, srv.Output())
		}
	})
	t.Run("gossl-server", func(t *testing.T) {
		so := dtlsServerOpts(p, "ecdsa", 300)
		so.NextProtocolsAdvertised = []string{"h2", "http/1.1"}
		ls, err := Listen(0, so)
		if err != nil {
			t.Fatal(err)
		}
		defer ls.Close()
		cl := testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()), "-dtls1_2", "-mtu", "300", "-nextprotoneg", "spdy/2,http/1.1")
		// OpenSSL's DTLS client offers NPN but sends no NextProtocol
		// message (it does over TLS): the handshake completes without a
		// protocol rather than fail.
		serveOneLineCheck(t, ls, cl, func(s *Socket) {
			if got, err := s.NegotiatedProtocol(); !errors.Is(err, ErrProtocolNotNegotiated) {
				t.Errorf("gossl server negotiated %q (%v), want none", got, err)
			}
		})
	})
}
