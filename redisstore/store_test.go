package redisstore

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// rawClient talks to the test's Redis directly, to see what the store
// wrote there.
func rawClient(t *testing.T, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, DisableIdentity: true})
	t.Cleanup(func() { c.Close() })
	return c
}

func TestSessionsSealedWithTTL(t *testing.T) {
	_, addr := startRedis(t)
	a := newStore(t, addr, Config{})
	b := newStore(t, addr, Config{})
	id := []byte("session-id-0123456789abcdef01234")
	secret := []byte("master secret: 48 bytes of it, and more state...")
	a.Put(id, secret, time.Now().Add(90*time.Second))
	got, ok := b.Get(id)
	if !ok || !bytes.Equal(got, secret) {
		t.Fatalf("another store of the fleet got %q, %v", got, ok)
	}
	ctx := context.Background()
	raw := rawClient(t, addr)
	name := "gossl:s:" + hexOf(id)
	ttl, err := raw.PTTL(ctx, name).Result()
	if err != nil || ttl <= 80*time.Second || ttl > 90*time.Second {
		t.Fatalf("the session's TTL in Redis is %v (%v), want its lifetime, 90 s", ttl, err)
	}
	val, _ := raw.Get(ctx, name).Bytes()
	if bytes.Contains(val, secret[:16]) {
		t.Fatal("the session is in Redis in the clear")
	}
	// A value moved to another ID does not open: the name is sealed with it.
	other := []byte("another-session-id")
	raw.Set(ctx, "gossl:s:"+hexOf(other), val, time.Minute)
	if _, ok := b.Get(other); ok {
		t.Fatal("a session moved to another ID in Redis was accepted")
	}
	// A server with another seal key cannot read the fleet's sessions.
	c := newStore(t, addr, Config{SealKey: bytes.Repeat([]byte{8}, 32)})
	if _, ok := c.Get(id); ok {
		t.Fatal("a session opened under another seal key")
	}
	a.Delete(id)
	if _, ok := b.Get(id); ok {
		t.Fatal("a deleted session is still there")
	}
	// An expired lifetime is not stored at all.
	a.Put(id, secret, time.Now().Add(-time.Second))
	if _, ok := b.Get(id); ok {
		t.Fatal("an expired session was stored")
	}
	if st := a.Stats(); st.Puts != 1 || st.Errors != 0 {
		t.Fatalf("stats %+v, want one put and no errors", st)
	}
}

func TestFirstUseIsFleetWide(t *testing.T) {
	_, addr := startRedis(t)
	a := newStore(t, addr, Config{})
	b := newStore(t, addr, Config{})
	binder := bytes.Repeat([]byte{0xb1}, 32)
	if first, err := a.FirstUse(binder, 300*time.Millisecond); !first || err != nil {
		t.Fatalf("first use: %v, %v", first, err)
	}
	if first, err := b.FirstUse(binder, 300*time.Millisecond); first || err != nil {
		t.Fatalf("a replay on another server: first %v, %v", first, err)
	}
	if !eventually(2*time.Second, func() bool { f, _ := b.FirstUse(binder, time.Second); return f }) {
		t.Fatal("the binder is still remembered after its window")
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{URL: "redis://127.0.0.1:1"},
		{URL: "http://127.0.0.1:1", SealKey: testSealKey},
		{URL: "redis://127.0.0.1:1", SealKey: testSealKey, TicketKeep: 1},
		{URL: "redis://127.0.0.1:1", SealKey: testSealKey, TicketRotation: time.Second, TicketPoll: time.Second},
	} {
		if s, err := New(cfg); err == nil {
			s.Close()
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	if _, err := SealKeyFrom([]byte("short")); err == nil {
		t.Error("a seal key from a 5-byte secret")
	}
	k1, _ := SealKeyFrom(bytes.Repeat([]byte{1}, 32))
	k2, _ := SealKeyFrom(bytes.Repeat([]byte{1}, 32))
	if len(k1) != 32 || !bytes.Equal(k1, k2) {
		t.Error("SealKeyFrom is not a 32-byte function of its secret")
	}
}
