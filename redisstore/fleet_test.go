package redisstore

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ssl "github.com/gossl/ssl"
	"github.com/gossl/ssl/internal/testpeers"
)

// fleetMode is what the servers resume with: TLS 1.2 session IDs (in
// the store, no tickets), TLS 1.2 tickets (no session IDs kept), or TLS
// 1.3 tickets.
type fleetMode struct {
	name    string
	version ssl.Version
	tickets bool
}

var fleetModes = []fleetMode{
	{"tls1.2-ids", ssl.TLSv1_2, false},
	{"tls1.2-tickets", ssl.TLSv1_2, true},
	{"tls1.3-tickets", ssl.TLSv1_3, true},
}

// serverOptions are a fleet server's options for mode, with st's
// sessions, ticket keys and anti-replay.
func serverOptions(p *testpeers.PKI, st *Store, m fleetMode) *ssl.Options {
	o := &ssl.Options{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa"), Versions: []ssl.Version{m.version}}
	if st != nil {
		st.Apply(o)
	} else {
		// A server that shares nothing (in one test process, servers
		// would otherwise share the process's caches and keys).
		o.SessionStore, o.TicketKeys = ssl.NewMemorySessionStore(100), ssl.NewTicketKeyRing()
	}
	if m.version == ssl.TLSv1_2 {
		if m.tickets {
			o.ReuseSessions = ssl.Bool(false) // only the ticket can resume
		} else {
			o.SessionTickets = "disabled"
		}
	}
	return o
}

// startFleet runs three gossl servers, each with its own Store on the
// Redis at addr (as three processes would; with addr "", sharing
// nothing), behind a round-robin forwarder; the servers echo a line on
// each connection.
func startFleet(t *testing.T, p *testpeers.PKI, redisAddr string, m fleetMode, cfg Config) (*testpeers.Forwarder, []*Store) {
	t.Helper()
	var backends []string
	var stores []*Store
	for i := 0; i < 3; i++ {
		var st *Store
		if redisAddr != "" {
			st = newStore(t, redisAddr, cfg)
			stores = append(stores, st)
		}
		ls, err := ssl.Listen(0, serverOptions(p, st, m))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ls.Close() })
		go echoEach(ls)
		backends = append(backends, fmt.Sprintf("127.0.0.1:%d", ls.Port()))
	}
	return testpeers.RoundRobin(t, backends...), stores
}

// echoEach accepts until ls closes, echoes the first read of each
// connection (within ten seconds) and closes it.
func echoEach(ls *ssl.ListenSocket) {
	testpeers.ServeEach(ls, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 1024)
		if n, err := c.Read(buf); err == nil {
			c.Write(buf[:n])
		}
	})
}

// gosslRounds connects n times through the forwarder with a gossl client
// and returns how many connections resumed; the first is always full.
func gosslRounds(t *testing.T, p *testpeers.PKI, fw *testpeers.Forwarder, m fleetMode, n int) (resumed int) {
	t.Helper()
	co := &ssl.Options{CACertFile: p.CAFile, ServerNameIndication: "localhost", Versions: []ssl.Version{m.version}}
	if !m.tickets {
		co.SessionTickets = "disabled"
	}
	for i := 0; i < n; i++ {
		if gosslConnect(t, fw.Port(), co) {
			resumed++
		}
	}
	return resumed
}

// gosslConnect makes one connection, echoes a line, and reports whether
// it resumed; a failed handshake fails the test.
func gosslConnect(t *testing.T, port int, co *ssl.Options) bool {
	t.Helper()
	s, err := ssl.Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatalf("gossl client: %v", err)
	}
	defer s.Close()
	if err := s.Send([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(5, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	s.WaitSessionTicket(time.Second)
	info, _ := s.ConnectionInformation("session_resumption")
	return info[0].Value.(bool)
}

// opensslRounds returns how many reconnections of openssl s_client it
// made and how many resumed. TLS 1.2: `s_client -reconnect` (one full
// handshake and five resumptions) runs times. TLS 1.3: s_client
// -reconnect does not read a TLS 1.3 ticket before it reconnects (it
// resumes nothing even against openssl s_server), so one s_client saves
// its session with -sess_out and 5 × runs more resume it with -sess_in.
func opensslRounds(t *testing.T, p *testpeers.PKI, fw *testpeers.Forwarder, m fleetMode, runs int) (total, resumed int) {
	t.Helper()
	args := []string{"-CAfile", p.CAFile, "-servername", "localhost"}
	if m.version == ssl.TLSv1_3 {
		sess := filepath.Join(t.TempDir(), "sess.pem")
		for i := 0; i <= 5*runs; i++ {
			more := []string{"-tls1_3", "-ign_eof", "-sess_in", sess}
			if i == 0 {
				more[2] = "-sess_out"
			}
			out := runSClient(t, fw.Addr, "ping\n", append(args, more...)...)
			if i > 0 {
				total++
				resumed += strings.Count(out, "Reused, TLSv1.3")
			}
		}
		return total, resumed
	}
	args = append(args, "-tls1_2", "-reconnect")
	if !m.tickets {
		args = append(args, "-no_ticket")
	}
	for i := 0; i < runs; i++ {
		out := runSClient(t, fw.Addr, "", args...)
		total += strings.Count(out, ", TLSv1.2,") - 1
		resumed += strings.Count(out, "Reused, TLSv1.2")
	}
	return total, resumed
}

// runSClient runs s_client with args, writes input to it, and returns its
// output once it exits (the server closes after one echo).
func runSClient(t *testing.T, addr, input string, args ...string) string {
	t.Helper()
	c := testpeers.OpenSSLClient(t, addr, args...)
	if input != "" {
		c.Stdin.Write([]byte(input))
	} else {
		c.Stdin.Close()
	}
	if err := c.Wait(30 * time.Second); err != nil {
		t.Fatalf("s_client: %v\n%s", err, c.Output())
	}
	return c.Output()
}

// erlangRounds connects n times with one Erlang/OTP client (TLS 1.3
// only: OTP 25 has no TLS 1.2 tickets, and its client offered no TLS 1.2
// session, even to OpenSSL) and returns how many resumed.
func erlangRounds(t *testing.T, p *testpeers.PKI, fw *testpeers.Forwarder, n int) (resumed int) {
	t.Helper()
	testpeers.Require(t, "escript")
	script := filepath.Join(t.TempDir(), "resume.escript")
	src, err := os.ReadFile("testdata/resume.escript")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(script, src, 0o700)
	c := testpeers.Start(t, "escript", script, fmt.Sprint(fw.Port()), "tlsv1.3", fmt.Sprint(n), p.CAFile)
	lines, err := c.WaitLines("CONN ", n, 90*time.Second)
	if err != nil {
		t.Fatalf("Erlang client: %v\n%s", err, c.Output())
	}
	for _, l := range lines {
		switch {
		case strings.HasSuffix(l, " true"):
			resumed++
		case !strings.HasSuffix(l, " false"):
			t.Fatalf("Erlang client: %s\n%s", l, c.Output())
		}
	}
	return resumed
}

// TestFleetResumption: clients resume on a different server of the fleet
// than the one that issued their session or ticket, through Redis.
func TestFleetResumption(t *testing.T) {
	_, addr := startRedis(t)
	testpeers.Require(t, "openssl")
	p := testpeers.NewPKI(t)
	for _, m := range fleetModes {
		// The control: servers that share nothing resume nothing, since
		// each connection reaches another server than the last.
		fw, _ := startFleet(t, p, "", m, Config{})
		if r := gosslRounds(t, p, fw, m, 7); r != 0 {
			t.Fatalf("%s: %d of 6 resumed without a shared store", m.name, r)
		}
		t.Run(m.name, func(t *testing.T) {
			fw, stores := startFleet(t, p, addr, m, Config{Prefix: "fleet-" + m.name + ":"})
			const n = 31
			rates := map[string][2]int{"gossl": {n - 1, gosslRounds(t, p, fw, m, n)}}
			tot, res := opensslRounds(t, p, fw, m, 4)
			rates["openssl"] = [2]int{tot, res}
			if m.version == ssl.TLSv1_3 {
				rates["erlang"] = [2]int{n - 1, erlangRounds(t, p, fw, n)}
			}
			for client, r := range rates {
				t.Logf("%s, %s client: %d of %d reconnections resumed", m.name, client, r[1], r[0])
				if r[0] <= 0 || r[1]*100 < r[0]*95 {
					t.Errorf("%s client: %d of %d reconnections resumed, want at least 95 %%", client, r[1], r[0])
				}
			}
			if counts := fw.Counts(); counts[0] == 0 || counts[1] == 0 || counts[2] == 0 {
				t.Errorf("connections per server %v: the forwarder did not spread them", counts)
			}
			if !m.tickets {
				var hits int64
				for _, st := range stores {
					hits += st.Stats().Hits
				}
				if hits == 0 {
					t.Error("no session was read from Redis")
				}
			}
		})
	}
}
