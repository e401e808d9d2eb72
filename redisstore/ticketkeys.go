package redisstore

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	ssl "github.com/gossl/ssl"
	"github.com/redis/go-redis/v9"
)

// The fleet's ticket keys follow a schedule that needs no leader: time
// is cut into periods of TicketRotation, and period x has one key, under
// the Redis key <prefix>tk:<x>. Whichever server first finds a period's
// key missing generates one and publishes it with SET NX; every other
// server reads the one that won. A server publishes the next period's
// key a whole period ahead, so each server holds a key before any of
// them seals with it (ssl.TicketKey.NotBefore is the period's start),
// and keeps each key for TicketKeep periods, which is also the key's TTL
// in Redis.
//
// When Redis is out of reach the keys in memory go on as they are (the
// next period's is there already). Should Redis come back empty (it was
// restarted without persistence), the servers publish again the keys they
// hold, SET NX picks one per period, and a server whose key lost keeps it
// for opening the tickets it sealed until the key's time is up.

// keySchedule is a server's view of the fleet's keys.
type keySchedule struct {
	rotation time.Duration
	keep     int64
	poll     time.Duration
	// timeout bounds each command of a refresh: at least 1 s, since a
	// refresh is off the handshake path.
	timeout time.Duration

	mu sync.Mutex
	// held maps a period to its keys: the fleet's first, then keys of
	// ours that lost a race to publish (they only open).
	held map[int64][]ssl.TicketKey
}

func (k *keySchedule) init(cfg Config) error {
	k.rotation, k.keep, k.poll = cfg.TicketRotation, int64(cfg.TicketKeep), cfg.TicketPoll
	if k.rotation == 0 {
		k.rotation = time.Hour
	}
	if k.keep == 0 {
		k.keep = 3
	}
	if k.rotation < 100*time.Millisecond || k.keep < 2 {
		return errors.New("redisstore: TicketRotation must be at least 100 ms and TicketKeep at least 2")
	}
	if k.poll <= 0 {
		k.poll = min(k.rotation/4, 5*time.Second)
	}
	if k.poll >= k.rotation {
		return errors.New("redisstore: TicketPoll must be shorter than TicketRotation")
	}
	k.held = map[int64][]ssl.TicketKey{}
	return nil
}

func (k *keySchedule) period(t time.Time) int64 { return t.UnixNano() / int64(k.rotation) }
func (k *keySchedule) start(x int64) time.Time  { return time.Unix(0, x*int64(k.rotation)) }

// ttl is how long period x's key still opens tickets: until period
// x+keep starts.
func (k *keySchedule) ttl(x int64, now time.Time) time.Duration {
	return k.start(x + k.keep).Sub(now)
}

// keyName is period x's key in Redis.
func (s *Store) keyName(x int64) string { return s.prefix + "tk:" + strconv.FormatInt(x, 10) }

// encodeKey and decodeKey are a key's form inside its sealed value:
// name ‖ secret (its period is the Redis key's name).
func encodeKey(k ssl.TicketKey) []byte { return append(k.Name[:], k.Secret[:]...) }

func (s *Store) decodeKey(name string, sealed []byte, notBefore time.Time) (ssl.TicketKey, bool) {
	var k ssl.TicketKey
	plain, ok := s.open(name, sealed)
	if !ok || len(plain) != len(k.Name)+len(k.Secret) {
		return k, false
	}
	copy(k.Name[:], plain)
	copy(k.Secret[:], plain[len(k.Name):])
	k.NotBefore = notBefore
	return k, true
}

func newKey(notBefore time.Time) ssl.TicketKey {
	k := ssl.TicketKey{NotBefore: notBefore}
	rand.Read(k.Name[:])
	rand.Read(k.Secret[:])
	return k
}

// followKeys refreshes the keys every TicketPoll until Close; after a
// refresh that failed, sooner (RetryAfter), so that a server that found
// Redis slow or away at start, when it holds no fleet key yet, does not
// seal tickets with its own keys for a whole TicketPoll.
func (s *Store) followKeys(synced bool) {
	defer close(s.done)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		next := s.keys.poll
		if !synced {
			next = min(next, s.retry)
		}
		t.Reset(next)
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			synced = s.refreshKeys(now)
		}
	}
}

// refreshKeys reads the keys of the periods still open from Redis,
// publishes the current and next periods' keys where missing, and gives
// the ring what it holds. On a Redis failure the ring keeps its keys,
// less those whose time is up. It reports whether Redis answered.
func (s *Store) refreshKeys(now time.Time) bool {
	k := &s.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	cur := k.period(now)
	lo, hi := cur-k.keep+1, cur+1
	synced := s.syncKeys(now, lo, hi)
	var ring []ssl.TicketKey
	for x := range k.held {
		if x < lo {
			delete(k.held, x)
		}
	}
	for x := hi; x >= lo; x-- {
		ring = append(ring, k.held[x]...)
	}
	s.ring.SetKeys(ring)
	return synced
}

// syncKeys brings k.held for periods lo..hi in line with Redis; it stops
// at the first failed command, and reports false then.
func (s *Store) syncKeys(now time.Time, lo, hi int64) bool {
	k := &s.keys
	names := make([]string, 0, hi-lo+1)
	for x := lo; x <= hi; x++ {
		names = append(names, s.keyName(x))
	}
	var vals []any
	if s.doWithin(k.timeout, func(ctx context.Context, rdb *redis.Client) (err error) {
		vals, err = rdb.MGet(ctx, names...).Result()
		return err
	}) != nil {
		return false
	}
	for i, v := range vals {
		x := lo + int64(i)
		if str, ok := v.(string); ok {
			if key, ok := s.decodeKey(names[i], []byte(str), k.start(x)); ok {
				k.adopt(x, key)
			}
			continue
		}
		if x < hi-1 {
			continue // past periods: nothing to publish any more
		}
		// Publish what we hold for the period (Redis lost it), or a
		// new key; SET NX lets one server win.
		cand := newKey(k.start(x))
		if held := k.held[x]; len(held) > 0 {
			cand = held[0]
		}
		val := s.seal(names[i], encodeKey(cand))
		var won bool
		if s.doWithin(k.timeout, func(ctx context.Context, rdb *redis.Client) (err error) {
			won, err = rdb.SetNX(ctx, names[i], val, k.ttl(x, now)).Result()
			return err
		}) != nil {
			return false
		}
		if won {
			k.adopt(x, cand)
			continue
		}
		var got []byte
		if s.doWithin(k.timeout, func(ctx context.Context, rdb *redis.Client) (err error) {
			got, err = rdb.Get(ctx, names[i]).Bytes()
			return err
		}) != nil {
			return false
		}
		if key, ok := s.decodeKey(names[i], got, k.start(x)); ok {
			k.adopt(x, key)
		}
	}
	return true
}

// adopt makes key the fleet's key of period x; a different key held
// for x stays behind it, for opening only.
func (k *keySchedule) adopt(x int64, key ssl.TicketKey) {
	held := k.held[x]
	if len(held) > 0 && held[0].Name == key.Name {
		return
	}
	held = slices.DeleteFunc(held, func(h ssl.TicketKey) bool { return h.Name == key.Name })
	k.held[x] = append([]ssl.TicketKey{key}, held...)
}
