package redisstore

import (
	"testing"
	"time"

	ssl "github.com/gossl/ssl"
	"github.com/gossl/ssl/internal/testpeers"
)

// heldKeys is a copy of what s holds, by period.
func heldKeys(s *Store) map[int64][]ssl.TicketKey {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	m := map[int64][]ssl.TicketKey{}
	for x, k := range s.keys.held {
		m[x] = append([]ssl.TicketKey(nil), k...)
	}
	return m
}

// sameFleetKey reports whether a and b hold the same fleet key for
// period x.
func sameFleetKey(a, b *Store, x int64) bool {
	ka, kb := heldKeys(a)[x], heldKeys(b)[x]
	return len(ka) > 0 && len(kb) > 0 && ka[0] == kb[0]
}

func TestTicketKeysPublishedAheadAndRotated(t *testing.T) {
	_, addr := startRedis(t)
	cfg := Config{TicketRotation: 400 * time.Millisecond, TicketKeep: 3, TicketPoll: 50 * time.Millisecond}
	a := newStore(t, addr, cfg)
	b := newStore(t, addr, cfg)
	cur := a.keys.period(time.Now())
	// Both servers hold the current and the next period's key from the
	// start, the same ones: one of them generated each, the other read it.
	for _, x := range []int64{cur, cur + 1} {
		if !eventually(time.Second, func() bool { return sameFleetKey(a, b, x) }) {
			t.Fatalf("period %d: the servers hold different keys: %v / %v", x, heldKeys(a)[x], heldKeys(b)[x])
		}
	}
	first := heldKeys(a)[cur][0]
	if !first.NotBefore.Equal(a.keys.start(cur)) {
		t.Fatalf("NotBefore %v, want the period's start %v", first.NotBefore, a.keys.start(cur))
	}
	// Three periods on, the first key is gone (its tickets are too old)
	// and the newer ones are still the same on both servers.
	if !eventually(3*time.Second, func() bool { return a.keys.period(time.Now()) >= cur+3 }) {
		t.Fatal("time stands still")
	}
	time.Sleep(150 * time.Millisecond)
	now := a.keys.period(time.Now())
	held := heldKeys(a)
	if _, ok := held[cur]; ok {
		t.Fatalf("period %d's key is still held in period %d with TicketKeep 3", cur, now)
	}
	for x := now - 1; x <= now+1; x++ {
		if !sameFleetKey(a, b, x) {
			t.Fatalf("period %d (now %d): keys differ or are missing: %v / %v", x, now, heldKeys(a)[x], heldKeys(b)[x])
		}
	}
}

// TestTicketKeysSurviveRedisRestart restarts Redis empty: the servers
// keep their keys through the outage, then publish them again, and the
// fleet's key of the period stays the one they held.
func TestTicketKeysSurviveRedisRestart(t *testing.T) {
	p, addr := startRedis(t)
	cfg := Config{TicketRotation: time.Hour, TicketPoll: 50 * time.Millisecond, RetryAfter: 100 * time.Millisecond}
	a := newStore(t, addr, cfg)
	b := newStore(t, addr, cfg)
	cur := a.keys.period(time.Now())
	if !eventually(2*time.Second, func() bool { return sameFleetKey(a, b, cur) }) {
		t.Fatal("the servers disagree before the restart")
	}
	before := heldKeys(a)[cur][0]
	p.Stop()
	time.Sleep(200 * time.Millisecond)
	if heldKeys(a)[cur][0] != before {
		t.Fatal("a Redis outage changed the keys in memory")
	}
	testpeers.RedisServer(t, portOf(t, addr))
	if !eventually(3*time.Second, func() bool { return a.Stats().Errors > 0 && sameFleetKey(a, b, cur) }) {
		t.Fatal("the servers did not agree again after Redis came back")
	}
	if got := heldKeys(a)[cur][0]; got != before {
		t.Fatalf("the key held by both servers was replaced by %x after the restart", got.Name)
	}
}
