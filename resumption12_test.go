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

	"github.com/gossl/ssl/internal/testpeers"
)

// echoListener runs a gossl echo server until the test ends.
func echoListener(t *testing.T, so *Options) *ListenSocket {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	go func() {
		for {
			c, err := ls.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				io.Copy(c, c)
			}()
		}
	}()
	return ls
}

type conn12 struct {
	resumed bool
	id      string
}

// connectN connects n times with co and reports each connection's
// session_resumption and session_id.
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
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); c.SetDeadline(time.Now().Add(10 * time.Second)); io.Copy(c, c) }()
		}
	}()
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
		go func() {
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
		}()
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
