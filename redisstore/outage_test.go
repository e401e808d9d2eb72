package redisstore

import (
	"testing"
	"time"

	ssl "github.com/gossl/ssl"
	"github.com/gossl/ssl/internal/testpeers"
)

// timedRounds connects n times through fw with a gossl client, and
// returns how many resumed and the longest handshake; every handshake
// must succeed.
func timedRounds(t *testing.T, fw *testpeers.Forwarder, co *ssl.Options, n int) (resumed int, longest time.Duration) {
	t.Helper()
	for i := 0; i < n; i++ {
		start := time.Now()
		if gosslConnect(t, fw.Port(), co) {
			resumed++
		}
		longest = max(longest, time.Since(start))
	}
	return resumed, longest
}

func clientOptions(p *testpeers.PKI, m fleetMode) *ssl.Options {
	co := &ssl.Options{CACertFile: p.CAFile, ServerNameIndication: "localhost", Versions: []ssl.Version{m.version}}
	if !m.tickets {
		co.SessionTickets = "disabled"
	}
	return co
}

// TestFleetRedisOutage kills redis-server under a fleet and starts it
// again, empty, on the same port. While it is down every handshake
// succeeds, none waits for Redis; TLS 1.2 sessions (kept only in Redis)
// are not resumed, TLS 1.3 tickets still are (the ticket keys are held
// in memory). When it is back, resumption of sessions returns by itself.
func TestFleetRedisOutage(t *testing.T) {
	proc, addr := startRedis(t)
	p := testpeers.NewPKI(t)
	// Timeout as in production would do here, but a test machine loaded
	// far beyond its cores can take longer than 100 ms for a loopback
	// command, and each such timeout is a RetryAfter pause.
	cfg := Config{Timeout: 500 * time.Millisecond, RetryAfter: 200 * time.Millisecond,
		TicketRotation: time.Hour, TicketPoll: 100 * time.Millisecond}
	ids, tickets := fleetModes[0], fleetModes[2]
	fwIDs, _ := startFleet(t, p, addr, ids, cfg)
	fwTickets, _ := startFleet(t, p, addr, tickets, cfg)
	coIDs, coTickets := clientOptions(p, ids), clientOptions(p, tickets)
	if r, _ := timedRounds(t, fwIDs, coIDs, 10); r < 9 {
		t.Fatalf("before the outage: %d of 9 sessions resumed", r)
	}
	timedRounds(t, fwTickets, coTickets, 1)

	proc.Stop()
	r, longest := timedRounds(t, fwIDs, coIDs, 10)
	t.Logf("Redis down: TLS 1.2 IDs %d of 10 resumed, longest handshake %v", r, longest)
	if r != 0 {
		t.Errorf("Redis down: %d of 10 resumed on other servers, with the sessions only in Redis", r)
	}
	// Each server waits at most one Timeout per command, then leaves
	// Redis alone for RetryAfter (a handshake makes two commands: Get
	// and Put).
	if longest > 2*cfg.Timeout+time.Second {
		t.Errorf("Redis down: a handshake took %v", longest)
	}
	if r, _ := timedRounds(t, fwTickets, coTickets, 10); r < 10 {
		t.Errorf("Redis down: %d of 10 TLS 1.3 tickets resumed, want all (keys in memory)", r)
	}

	testpeers.RedisServer(t, portOf(t, addr))
	// Back, and empty: once each server's pause is over, a new session
	// goes to Redis again and the fleet resumes it. Wait for five
	// resumptions in a row.
	back := time.Now()
	for run := 0; run < 5; {
		if time.Since(back) > 20*time.Second {
			t.Fatal("Redis back: sessions are still not resumed after 20 s")
		}
		if gosslConnect(t, fwIDs.Port(), coIDs) {
			run++
		} else {
			run = 0
		}
	}
	t.Logf("Redis back: five sessions in a row resumed %v after the restart", time.Since(back).Round(time.Millisecond))
	if r, _ := timedRounds(t, fwTickets, coTickets, 10); r < 10 {
		t.Errorf("Redis back: %d of 10 TLS 1.3 tickets resumed", r)
	}
}

// TestFleetTicketRotation rotates the fleet's ticket keys every second
// while a client reconnects without pause for four seconds: every
// reconnection resumes, on a server other than the issuer, whatever
// period its ticket was sealed in.
func TestFleetTicketRotation(t *testing.T) {
	_, addr := startRedis(t)
	p := testpeers.NewPKI(t)
	cfg := Config{TicketRotation: time.Second, TicketKeep: 3, TicketPoll: 100 * time.Millisecond}
	for _, m := range fleetModes[1:] {
		cfg.Prefix = "rot-" + m.name + ":"
		fw, stores := startFleet(t, p, addr, m, cfg)
		co := clientOptions(p, m)
		first := stores[0].keys.period(time.Now())
		total, resumed := 0, 0
		gosslConnect(t, fw.Port(), co)
		for end := time.Now().Add(4 * time.Second); time.Now().Before(end); total++ {
			if gosslConnect(t, fw.Port(), co) {
				resumed++
			}
		}
		periods := stores[0].keys.period(time.Now()) - first
		t.Logf("%s: %d of %d reconnections resumed over %d key rotations", m.name, resumed, total, periods)
		if periods < 3 || resumed*100 < total*95 {
			t.Errorf("%s: %d of %d resumed over %d rotations; want >= 95 %% over >= 3", m.name, resumed, total, periods)
		}
	}
}
