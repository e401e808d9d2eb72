package ssl

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

func randomTicketKey(notBefore time.Time) TicketKey {
	k := TicketKey{NotBefore: notBefore}
	rand.Read(k.Name[:])
	rand.Read(k.Secret[:])
	return k
}

// ringWith returns a ring holding keys.
func ringWith(t *testing.T, keys ...TicketKey) *TicketKeyRing {
	r := NewTicketKeyRing()
	if err := r.SetKeys(keys); err != nil {
		t.Fatal(err)
	}
	return r
}

// fleetPattern runs one echo listener per ring behind a round-robin
// forwarder and connects n times through it with co, returning F/R per
// connection. TLS 1.2 servers keep no session IDs, so only tickets
// resume.
func fleetPattern(t *testing.T, p *testpeers.PKI, co *Options, n int, rings ...*TicketKeyRing) string {
	t.Helper()
	var backends []string
	for _, r := range rings {
		so := serverOpts(p, "ecdsa")
		so.TicketKeys = r
		so.ReuseSessions = Bool(false)
		backends = append(backends, fmt.Sprintf("127.0.0.1:%d", startServingEcho(t, so)))
	}
	fw := testpeers.RoundRobin(t, backends...)
	forgetClientSessions(fw.Port())
	var b strings.Builder
	for i := 0; i < n; i++ {
		s, err := Connect("127.0.0.1", fw.Port(), co, 10*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		echo(t, s)
		s.WaitSessionTicket(time.Second)
		info, _ := s.ConnectionInformation("session_resumption")
		b.WriteString(map[bool]string{false: "F", true: "R"}[info[0].Value.(bool)])
		s.Close()
	}
	return b.String()
}

// TestTicketKeyRingShared: servers whose rings hold the same keys resume
// each other's TLS 1.2 and TLS 1.3 tickets; a server with an empty ring
// seals with keys of its own, which no other server opens; a key whose
// NotBefore is ahead opens but does not seal yet.
func TestTicketKeyRingShared(t *testing.T) {
	p := testpeers.NewPKI(t)
	now := time.Now()
	k0, k1 := randomTicketKey(now.Add(-time.Minute)), randomTicketKey(now.Add(time.Hour))
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		co := clientOpts(p)
		co.Versions = []Version{v}
		if got := fleetPattern(t, p, co, 4, ringWith(t, k0), ringWith(t, k0)); got != "FRRR" {
			t.Errorf("%v: shared ring: %s, want FRRR", v, got)
		}
		if got := fleetPattern(t, p, co, 4, ringWith(t, k0), NewTicketKeyRing()); got != "FFFF" {
			t.Errorf("%v: a ring of its own: %s, want FFFF", v, got)
		}
		// The first server seals with k0, not k1 (ahead of its time),
		// so the second, which lacks k1, opens its tickets; its own
		// tickets (k0) open on the first.
		if got := fleetPattern(t, p, co, 4, ringWith(t, k1, k0), ringWith(t, k0)); got != "FRRR" {
			t.Errorf("%v: a key not yet due: %s, want FRRR", v, got)
		}
	}
}

// fakeReplay is an AntiReplay that records its calls and answers as told.
type fakeReplay struct {
	mu     sync.Mutex
	calls  int
	window time.Duration
	first  bool
	err    error
}

func (f *fakeReplay) FirstUse(key []byte, window time.Duration) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.window = window
	return f.first, f.err
}

// TestAntiReplayShared: a server with an AntiReplay asks it once per
// ClientHello with early data and takes the data only on a first use; an
// error (the store out of reach) rejects the data and the handshake goes
// on. Shared ticket keys without a shared AntiReplay are refused.
func TestAntiReplayShared(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.AcceptEarlyData = true
	so.TicketKeys = NewTicketKeyRing()
	if _, err := Listen(0, so); err == nil || !strings.Contains(err.Error(), "AntiReplay") {
		t.Fatalf("shared ticket keys with early data and no shared replay check: %v", err)
	}
	for _, c := range []struct {
		name string
		fake *fakeReplay
		want string
	}{
		{"first use", &fakeReplay{first: true}, "accepted"},
		{"replay", &fakeReplay{first: false}, "rejected"},
		{"store down", &fakeReplay{first: true, err: errors.New("unreachable")}, "rejected"},
	} {
		so.AntiReplay = c.fake
		port := startEarlyServer(t, so)
		forgetClientSessions(port)
		co := clientOpts(p)
		co.EarlyData = []byte("GET /")
		var got []string
		for i := 0; i < 2; i++ {
			_, early := earlyRound(t, port, co)
			got = append(got, early)
		}
		c.fake.mu.Lock()
		calls, window := c.fake.calls, c.fake.window
		c.fake.mu.Unlock()
		if got[1] != c.want || calls != 1 || window != antiReplayWindow {
			t.Errorf("%s: early data %v, %d calls with window %v; want %s, one call, %v",
				c.name, got, calls, window, c.want, antiReplayWindow)
		}
	}
}
