package ssl

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// echoListener runs a gossl echo server until the test ends.
func echoListener(t *testing.T, so *Options) *ListenSocket {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	forgetClientSessions(ls.Port())
	go serveEcho(ls)
	return ls
}

type conn12 struct {
	resumed bool
	id      string
}

// connectN connects n times with co and reports each connection's
// session_resumption and session_id.
// forgetClientSessions drops what the process's client caches (TLS 1.2
// sessions, TLS 1.3 tickets) keep for 127.0.0.1:port, so that the first
// connection to a new listener is full even when its port number is one
// an earlier test's server used: every server of the test binary has the
// same certificate and so would resume what another one made.
func forgetClientSessions(port int) {
	prefix := fmt.Sprintf("127.0.0.1:%d|", port)
	defaultClientSessions.Forget(prefix)
	defaultTicketCache.Forget(prefix)
}

func connectN(t *testing.T, port, n int, co *Options) []conn12 {
	t.Helper()
	var out []conn12
	for i := 0; i < n; i++ {
		s, err := Connect("127.0.0.1", port, co, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		echo(t, s)
		info, _ := s.ConnectionInformation("session_resumption", "session_id", "protocol")
		var c conn12
		for _, it := range info {
			switch it.Key {
			case "session_resumption":
				c.resumed = it.Value.(bool)
			case "session_id":
				c.id = it.Value.(string)
			case "protocol":
				if v := fmt.Sprint(it.Value); v != "tlsv1.2" && v != "tlsv1.1" && v != "tlsv1" {
					t.Fatalf("protocol %v", it.Value)
				}
			}
		}
		out = append(out, c)
		s.Close()
	}
	return out
}

func resumedPattern(cs []conn12) string {
	var b strings.Builder
	for _, c := range cs {
		if c.resumed {
			b.WriteByte('R')
		} else {
			b.WriteByte('F')
		}
	}
	return b.String()
}

func opts12(o *Options) *Options {
	o.Versions = []Version{TLSv1_2}
	return o
}

func TestResumption12GosslBothRoles(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range []struct {
		name         string
		server, cl   func(*Options)
		want         string
		sameID       bool
		versionsBoth []Version
	}{
		{name: "session-id", server: func(o *Options) { o.SessionTickets = "disabled" }, cl: func(o *Options) { o.SessionTickets = "disabled" }, want: "FRR", sameID: true},
		{name: "ticket", server: func(o *Options) {}, cl: func(o *Options) {}, want: "FRR"},
		{name: "ticket-no-store", server: func(o *Options) { f := false; o.ReuseSessions = &f }, cl: func(o *Options) {}, want: "FRR"},
		{name: "client-reuse-false", server: func(o *Options) {}, cl: func(o *Options) { f := false; o.ReuseSessions = &f }, want: "FFF"},
		{name: "server-reuse-false-no-tickets", server: func(o *Options) { f := false; o.ReuseSessions = &f; o.SessionTickets = "disabled" }, cl: func(o *Options) {}, want: "FFF"},
		{name: "save", server: func(o *Options) {}, cl: func(o *Options) { o.ReuseSessionsSave = true }, want: "FFF"},
		{name: "reuse_session-fun-refuses", server: func(o *Options) {
			o.SessionTickets = "disabled"
			o.ReuseSession = func(id, cert []byte, comp int, suite string) bool { return false }
		}, cl: func(o *Options) {}, want: "FFF"},
		{name: "tls1.1", server: func(o *Options) { o.Versions = []Version{TLSv1_1} }, cl: func(o *Options) { o.Versions = []Version{TLSv1_2, TLSv1_1} }, want: "FRR"},
		{name: "client-offers-1.3", server: func(o *Options) { o.SessionTickets = "disabled" }, cl: func(o *Options) { o.Versions = []Version{TLSv1_3, TLSv1_2} }, want: "FRR", sameID: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			so := opts12(serverOpts(p, "ecdsa"))
			tc.server(so)
			ls := echoListener(t, so)
			co := opts12(clientOpts(p))
			tc.cl(co)
			got := connectN(t, ls.Port(), 3, co)
			if resumedPattern(got) != tc.want {
				t.Fatalf("resumption %s, want %s", resumedPattern(got), tc.want)
			}
			if tc.sameID && (got[0].id == "" || got[1].id != got[0].id || got[2].id != got[0].id) {
				t.Fatalf("session IDs %v", got)
			}
		})
	}
}

// A session is resumed only by the listener that made it (certificates
// and verification), and only with the SNI it was made with.
func TestResumption12Scope(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := opts12(serverOpts(p, "ecdsa"))
	so.SessionTickets = "disabled"
	a := echoListener(t, so)
	co := opts12(clientOpts(p))
	co.SessionTickets = "disabled"
	s, err := Connect("127.0.0.1", a.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	id, data := s.SessionData()
	s.Close()
	if len(id) != 32 || len(data) == 0 {
		t.Fatalf("SessionData: %x, %d bytes", id, len(data))
	}
	// Another listener (other certificate) is offered the session
	// explicitly and does a full handshake.
	so2 := opts12(serverOpts(p, "rsa"))
	so2.SessionTickets = "disabled"
	b := echoListener(t, so2)
	co2 := opts12(clientOpts(p))
	co2.SessionTickets = "disabled"
	co2.ReuseSessionID, co2.ReuseSessionData = id, data
	if got := resumedPattern(connectN(t, b.Port(), 1, co2)); got != "F" {
		t.Fatalf("other listener: %s", got)
	}
	// The explicit session resumes on the listener that made it.
	if got := resumedPattern(connectN(t, a.Port(), 1, co2)); got != "R" {
		t.Fatalf("reuse_session {id, data}: %s", got)
	}
	// With only the ID, the cached session of that ID.
	co3 := opts12(clientOpts(p))
	co3.SessionTickets = "disabled"
	co3.ReuseSessionID = id
	if got := resumedPattern(connectN(t, a.Port(), 1, co3)); got != "R" {
		t.Fatalf("reuse_session id: %s", got)
	}
}

// countingStore is a SessionStore as a fleet would plug one.
type countingStore struct {
	SessionStore
	puts, hits atomic.Int32
}

func (c *countingStore) Put(id, s []byte, exp time.Time) {
	c.puts.Add(1)
	c.SessionStore.Put(id, s, exp)
}
func (c *countingStore) Get(id []byte) ([]byte, bool) {
	b, ok := c.SessionStore.Get(id)
	if ok {
		c.hits.Add(1)
	}
	return b, ok
}

func TestResumption12StoreAndLifetime(t *testing.T) {
	p := testpeers.NewPKI(t)
	store := &countingStore{SessionStore: NewMemorySessionStore(10)}
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	so := opts12(serverOpts(p, "ecdsa"))
	so.SessionTickets = "disabled"
	so.SessionStore = store
	so.Time = clock
	// Two listeners sharing a store: a fleet.
	a := echoListener(t, so)
	b := echoListener(t, so)
	co := opts12(clientOpts(p))
	co.SessionTickets = "disabled"
	co.Time = clock
	connectN(t, a.Port(), 1, co)
	co.ServerNameIndication = "localhost" // same SNI, another port: use the explicit session
	s, err := Connect("127.0.0.1", a.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	id, data := s.SessionData()
	s.Close()
	co2 := *co
	co2.ReuseSessionID, co2.ReuseSessionData = id, data
	if got := resumedPattern(connectN(t, b.Port(), 1, &co2)); got != "R" {
		t.Fatalf("resumption on the other server of the fleet: %s", got)
	}
	if store.puts.Load() != 1 || store.hits.Load() < 2 {
		t.Fatalf("store puts %d hits %d", store.puts.Load(), store.hits.Load())
	}
	// After session_lifetime (7200 s by default) the session is gone.
	now.Add(7201)
	if got := resumedPattern(connectN(t, a.Port(), 2, co)); got != "FR" {
		t.Fatalf("after the lifetime: %s", got)
	}
}

func TestResumption12GoTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	certDER, key := p.Cert("rsa")
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}}, MaxVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go serveEcho(ln)
	if got := resumedPattern(connectN(t, ln.Addr().(*net.TCPAddr).Port, 3, clientOpts(p))); got != "FRR" {
		t.Fatalf("gossl client against crypto/tls (tickets): %s", got)
	}

	ls := echoListener(t, opts12(serverOpts(p, "ecdsa")))
	cfg := &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost", ClientSessionCache: tls.NewLRUClientSessionCache(4), MaxVersion: tls.VersionTLS12}
	var pattern string
	for i := 0; i < 3; i++ {
		c, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", ls.Port()), cfg)
		if err != nil {
			t.Fatal(err)
		}
		echo(t, c)
		if c.ConnectionState().DidResume {
			pattern += "R"
		} else {
			pattern += "F"
		}
		c.Close()
	}
	if pattern != "FRR" {
		t.Fatalf("crypto/tls client against gossl (tickets): %s", pattern)
	}
}

func TestResumption12OpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	n := 0
	for _, tickets := range []bool{false, true} {
		so := opts12(serverOpts(p, "ecdsa"))
		ls, err := Listen(0, so)
		if err != nil {
			t.Fatal(err)
		}
		defer ls.Close()
		go sayHelloAndClose(ls)
		addr := fmt.Sprintf("127.0.0.1:%d", ls.Port())
		extra := []string{"-no_ticket"}
		if tickets {
			extra = nil
		}
		// -reconnect: one full handshake and five resumptions.
		c := testpeers.OpenSSLClient(t, addr, append([]string{"-tls1_2", "-CAfile", p.CAFile, "-servername", "localhost", "-reconnect"}, extra...)...)
		c.Stdin.Close()
		c.Wait(15 * time.Second)
		out := c.Output()
		if r := strings.Count(out, "Reused, TLSv1.2"); r != 5 {
			t.Fatalf("tickets %v: s_client -reconnect resumed %d times, want 5:\n%s", tickets, r, out)
		}
		n++
		// -sess_out / -sess_in.
		sess := t.TempDir() + "/sess.pem"
		for i, args := range [][]string{{"-sess_out", sess}, {"-sess_in", sess}} {
			c := testpeers.OpenSSLClient(t, addr, append(append([]string{"-tls1_2", "-CAfile", p.CAFile, "-servername", "localhost", "-ign_eof"}, extra...), args...)...)
			c.Stdin.Close()
			c.Wait(10 * time.Second)
			out := c.Output()
			if i == 1 && !strings.Contains(out, "Reused, TLSv1.2") {
				t.Fatalf("tickets %v: s_client -sess_in did not resume:\n%s", tickets, out)
			}
		}
		n++

		// gossl client against openssl s_server.
		sargs := []string{"-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-tls1_2", "-rev"}
		if !tickets {
			sargs = append(sargs, "-no_ticket")
		}
		_, saddr := testpeers.OpenSSLServer(t, sargs...)
		co := opts12(clientOpts(p))
		var pattern string
		var ids [][]byte
		for i := 0; i < 3; i++ {
			s, err := Connect("127.0.0.1", port(saddr), co, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			s.Send([]byte("abc\n"))
			if _, err := s.Recv(4, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			info, _ := s.ConnectionInformation("session_resumption")
			if info[0].Value.(bool) {
				pattern += "R"
			} else {
				pattern += "F"
			}
			id, _ := s.SessionData()
			ids = append(ids, id)
			s.Close()
		}
		if pattern != "FRR" {
			t.Fatalf("tickets %v: gossl client against s_server: %s", tickets, pattern)
		}
		if !tickets && (!bytes.Equal(ids[0], ids[1]) || len(ids[0]) == 0) {
			t.Fatalf("session IDs %x", ids)
		}
		n++
	}
	t.Logf("TLS 1.2 resumption with OpenSSL: %d scenarios", n)
}

// TestResumption12Erlang: session-ID resumption against an Erlang/OTP
// server (OTP 25 has no TLS 1.2 tickets).
func TestResumption12Erlang(t *testing.T) {
	p := testpeers.NewPKI(t)
	testpeers.Require(t, "erl")
	// gossl client against an OTP server.
	srv, addr := testpeers.ErlangServer(t, fmt.Sprintf("[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},{reuse_sessions,true}]",
		p.CertFile("ecdsa"), p.KeyFile("ecdsa")))
	co := opts12(clientOpts(p))
	var pattern string
	for i := 0; i < 3; i++ {
		s, err := Connect("127.0.0.1", port(addr), co, 30*time.Second)
		if err != nil {
			t.Fatalf("%v\n%s", err, srv.Output())
		}
		echo(t, s)
		info, _ := s.ConnectionInformation("session_resumption")
		if info[0].Value.(bool) {
			pattern += "R"
		} else {
			pattern += "F"
		}
		s.Close()
		// OTP registers a new session asynchronously.
		time.Sleep(100 * time.Millisecond)
	}
	if pattern != "FRR" {
		t.Fatalf("gossl client against Erlang/OTP: %s", pattern)
	}
	// The other direction is not tested: an OTP 25 client with
	// {reuse_sessions, true} (or reuse_session {Id, Data}) offered no
	// session ID on its next connection, not even to an OTP server.
}

// A ServerHello that resumes the offered session may change neither
// version, suite nor the extended master secret (RFC 5246, 7.4.1.3; RFC
// 7627, 5.3).
func TestResumption12ClientRefusesChanges(t *testing.T) {
	const suiteID = 0xc02f // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
	id := bytes.Repeat([]byte{7}, 32)
	data := func(ems bool, v uint16) []byte {
		st := session.State12{Version: v, Suite: suiteID, Master: bytes.Repeat([]byte{1}, 48), EMS: ems,
			Created: time.Now(), SessionID: id}
		b, err := st.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name, desc string
		ems        bool
		version    uint16
		mod        func(sh *wire.ServerHello)
	}{
		{"other_suite", "illegal_parameter", true, wire.VersionTLS12, func(sh *wire.ServerHello) { sh.CipherSuite = 0xc030 }},
		{"other_version", "illegal_parameter", true, wire.VersionTLS11, func(sh *wire.ServerHello) {}},
		{"ems_dropped", "handshake_failure", true, wire.VersionTLS12, func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = false }},
		{"ems_added", "handshake_failure", false, wire.VersionTLS12, func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = true }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := &Options{Verify: VerifyNone, Versions: []Version{TLSv1_2, TLSv1_1}, SessionTickets: "disabled",
				Ciphers:        []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
				ReuseSessionID: id, ReuseSessionData: data(c.ems, c.version)}
			runRefusal(t, o, c.desc, func(ch *wire.ClientHello) []byte {
				if !bytes.Equal(ch.SessionID, id) {
					panic("the session was not offered")
				}
				sh := acceptableServerHello(ch)
				sh.SessionID = ch.SessionID
				sh.CipherSuite = suiteID
				c.mod(sh)
				return marshalAll(t, sh)
			})
		})
	}
}

// A server refuses a ClientHello that offers a session made with the
// extended master secret without it (RFC 7627, 5.3), and falls back to a
// full handshake for one that adds it.
func TestResumption12ServerEMS(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := opts12(serverOpts(p, "ecdsa"))
	so.SessionTickets = "disabled"
	ls := echoListener(t, so)
	co := opts12(clientOpts(p))
	co.SessionTickets = "disabled"
	s, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := s.SessionData()
	s.Close()
	hello := func(ems bool) []byte {
		ch := &wire.ClientHello{Version: wire.VersionTLS12, Random: bytes.Repeat([]byte{3}, 32), SessionID: id,
			CipherSuites: []uint16{0xc02b, 0xc02c}, CompressionMethods: []uint8{0}, ExtendedMasterSecret: ems,
			SecureRenegotiationValid: true, SupportedGroups: []uint16{wire.GroupX25519, wire.GroupSecp256r1}, ECPointFormats: []uint8{0},
			SignatureAlgorithms: []uint16{wire.SigECDSAP256SHA256}, ServerName: "localhost"}
		b, err := ch.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", ls.Port()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	msg := hello(false)
	conn.Write(append([]byte{22, 3, 1, byte(len(msg) >> 8), byte(len(msg))}, msg...))
	reply, _ := io.ReadAll(conn)
	wantAlertReply(t, reply, NewAlert("handshake_failure").Code)
}

// Resuming never extends a session past session_lifetime: the ticket a
// resumed handshake issues keeps the session's birth.
func TestResumption12LifetimeNotExtended(t *testing.T) {
	p := testpeers.NewPKI(t)
	var now atomic.Int64
	now.Store(time.Now().Unix())
	clock := func() time.Time { return time.Unix(now.Load(), 0) }
	so := opts12(serverOpts(p, "ecdsa"))
	so.Time = clock
	co := opts12(clientOpts(p))
	co.Time = clock
	ls := echoListener(t, so)
	pattern := resumedPattern(connectN(t, ls.Port(), 1, co))
	now.Add(4000)
	pattern += resumedPattern(connectN(t, ls.Port(), 1, co))
	now.Add(4000)
	pattern += resumedPattern(connectN(t, ls.Port(), 1, co))
	if pattern != "FRF" {
		t.Fatalf("resumption over 8000 s with a 7200 s lifetime: %s, want FRF", pattern)
	}
}

// sayHelloAndClose serves ls until it closes: each connection gets
// "hello\n" and is closed, which ends an openssl s_client -ign_eof. A
// TLS 1.3 ticket (stateless, or stateful after the client's Finished)
// has gone out before the hello.
func sayHelloAndClose(ls *ListenSocket) {
	for {
		c, err := ls.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			c.Write([]byte("hello\n"))
		}()
	}
}
