// Package redisstore keeps the TLS state a fleet of gossl servers shares
// in Redis: TLS 1.0–1.2 sessions by ID, the ticket keys of TLS 1.2 and
// TLS 1.3 tickets, and the TLS 1.3 0-RTT anti-replay record. Servers
// behind a load balancer then resume a client's session whichever of
// them issued it.
//
//	st, err := redisstore.New(redisstore.Config{URL: "redis://10.0.0.5:6379", SealKey: key})
//	...
//	defer st.Close()
//	opts := &ssl.Options{CertFile: "cert.pem", KeyFile: "key.pem"}
//	st.Apply(opts) // SessionStore, TicketKeys and AntiReplay
//
// Everything written to Redis is sealed with AES-256-GCM under SealKey,
// which the servers hold and Redis never sees: a session holds its master
// secret, a ticket key opens every ticket of its period. The Redis key
// name is authenticated with each value, so values cannot be moved from
// one key to another.
//
// Redis is a cache here, never a dependency of a handshake: each command
// is bounded by Config.Timeout, and after a failure the store leaves
// Redis alone for Config.RetryAfter, during which a session lookup
// misses (a full handshake), a session is not stored, the ticket keys in
// memory go on sealing and opening, and 0-RTT data is rejected (the
// handshake goes on at 1-RTT). The next command after that pause tries
// Redis again, so recovery needs nothing from the operator.
package redisstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	ssl "github.com/gossl/ssl"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Config says where Redis is and how the store uses it.
type Config struct {
	// URL is redis://[user:password@]host:port[/db] (or rediss:// for
	// TLS to Redis).
	URL string
	// SealKey is the 32-byte AES-256-GCM key every value is sealed with
	// before it goes to Redis; all servers of a fleet need the same one.
	// SealKeyFrom derives one from a secret the servers already share.
	SealKey []byte
	// Prefix starts every Redis key of the store; "gossl:" when empty.
	// Fleets that must not share state use different prefixes.
	Prefix string
	// Timeout bounds each Redis command (dial, write and read); 100 ms
	// when zero. A handshake waits for Redis at most this long per
	// lookup.
	Timeout time.Duration
	// RetryAfter is how long the store leaves Redis alone after a
	// failed command; 1 s when zero.
	RetryAfter time.Duration
	// TicketRotation is the period of the fleet's ticket keys: one key
	// seals the tickets of each period; 1 hour when zero.
	TicketRotation time.Duration
	// TicketKeep is how many periods a key opens tickets for, its own
	// included (at least 2; 3 when zero): a ticket opens for at least
	// (TicketKeep-1) × TicketRotation, which must cover the servers'
	// TicketLifetime and SessionLifetime (2 hours by default).
	TicketKeep int
	// TicketPoll is how often a server reads the keys from Redis; a
	// quarter of TicketRotation, at most 5 s, when zero. The next
	// period's key is published one period ahead, so a server that
	// misses a few polls still holds it in time.
	TicketPoll time.Duration
}

// SealKeyFrom derives a SealKey from a secret the servers of a fleet
// already share and Redis does not hold, such as the private key file of
// the certificate they all serve, with HKDF-SHA256 (RFC 5869).
func SealKeyFrom(secret []byte) ([]byte, error) {
	if len(secret) < 16 {
		return nil, errors.New("redisstore: a seal key needs a secret of at least 16 bytes")
	}
	return hkdf.Key(sha256.New, secret, nil, "gossl redisstore seal key", 32)
}

// Store is a fleet's shared TLS state in Redis. Its methods are safe for
// concurrent use.
type Store struct {
	rdb     *redis.Client
	aead    cipher.AEAD
	prefix  string
	timeout time.Duration
	retry   time.Duration
	// downUntil (Unix ns) is when Redis may be tried again after a
	// failure.
	downUntil atomic.Int64
	stats     counters

	ring   *ssl.TicketKeyRing
	keys   keySchedule
	stop   chan struct{}
	done   chan struct{}
	closed sync.Once
}

// New connects the store (lazily: Redis need not be up yet) and starts
// following the fleet's ticket keys. Close stops it.
func New(cfg Config) (*Store, error) {
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	if len(cfg.SealKey) != 32 {
		return nil, errors.New("redisstore: SealKey must be 32 bytes")
	}
	block, err := aes.NewCipher(cfg.SealKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	s := &Store{aead: aead, prefix: cfg.Prefix, timeout: cfg.Timeout, retry: cfg.RetryAfter,
		ring: ssl.NewTicketKeyRing(), stop: make(chan struct{}), done: make(chan struct{})}
	if s.prefix == "" {
		s.prefix = "gossl:"
	}
	if s.timeout <= 0 {
		s.timeout = 100 * time.Millisecond
	}
	if s.retry <= 0 {
		s.retry = time.Second
	}
	if err := s.keys.init(cfg); err != nil {
		return nil, err
	}
	// Every wait bounded by Timeout (the context of each command): a
	// slow or absent Redis costs a handshake one Timeout at most, then
	// RetryAfter of nothing. One retry, at once, so that a pooled
	// connection Redis closed (it restarted) costs no pause. RESP2 and
	// no identity or maintenance handshakes keep a new connection to one
	// round trip.
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout = s.timeout, s.timeout, s.timeout, s.timeout
	opt.ContextTimeoutEnabled = true
	opt.MaxRetries, opt.MinRetryBackoff, opt.MaxRetryBackoff = 1, time.Millisecond, time.Millisecond
	opt.Protocol = 2
	opt.DisableIdentity = true
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	s.rdb = redis.NewClient(opt)
	s.keys.timeout = max(time.Second, s.timeout)
	go s.followKeys(s.refreshKeys(time.Now()))
	return s, nil
}

// Close stops following the ticket keys and closes the connections to
// Redis.
func (s *Store) Close() error {
	s.closed.Do(func() { close(s.stop) })
	<-s.done
	return s.rdb.Close()
}

// Apply sets o's SessionStore, TicketKeys and AntiReplay to the store's.
func (s *Store) Apply(o *ssl.Options) {
	o.SessionStore = s
	o.TicketKeys = s.ring
	o.AntiReplay = s
}

// TicketKeys is the ring the store keeps equal to the fleet's keys.
func (s *Store) TicketKeys() *ssl.TicketKeyRing { return s.ring }

// errDown is returned while the store leaves Redis alone.
var errDown = errors.New("redisstore: Redis unreachable, retrying later")

// do runs fn against Redis within Timeout, unless Redis failed less than
// RetryAfter ago. A failure (other than a missing key) starts a pause.
func (s *Store) do(fn func(ctx context.Context, rdb *redis.Client) error) error {
	return s.doWithin(s.timeout, fn)
}

// doWithin is do with another bound than Timeout (the ticket keys'
// refresh is off the handshake path, and may wait longer).
func (s *Store) doWithin(timeout time.Duration, fn func(ctx context.Context, rdb *redis.Client) error) error {
	if now := time.Now().UnixNano(); now < s.downUntil.Load() {
		s.stats.skipped.Add(1)
		return errDown
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := fn(ctx, s.rdb)
	if err != nil && !errors.Is(err, redis.Nil) {
		s.stats.errors.Add(1)
		s.downUntil.Store(time.Now().Add(s.retry).UnixNano())
	}
	return err
}

// seal encrypts plain for the Redis key name: nonce ‖ AES-GCM(plain),
// the name authenticated.
func (s *Store) seal(name string, plain []byte) []byte {
	out := make([]byte, 12, 12+len(plain)+16)
	if _, err := rand.Read(out); err != nil {
		panic(err) // crypto/rand does not fail (Go 1.24+)
	}
	return s.aead.Seal(out, out, plain, []byte(name))
}

// open decrypts what seal made for name; false when it was not.
func (s *Store) open(name string, sealed []byte) ([]byte, bool) {
	if len(sealed) < 12+16 {
		return nil, false
	}
	plain, err := s.aead.Open(nil, sealed[:12], sealed[12:], []byte(name))
	return plain, err == nil
}

// sessionKey names a TLS 1.2 session in Redis.
func (s *Store) sessionKey(id []byte) string { return s.prefix + "s:" + hex.EncodeToString(id) }

// Put stores a TLS 1.0–1.2 session under its ID until expires (the
// Redis TTL), sealed. A failure leaves the session unshared: its client
// gets a full handshake on the other servers.
func (s *Store) Put(id, session []byte, expires time.Time) {
	ttl := time.Until(expires)
	if len(id) == 0 || ttl < time.Millisecond {
		return
	}
	name := s.sessionKey(id)
	val := s.seal(name, session)
	if s.do(func(ctx context.Context, rdb *redis.Client) error { return rdb.Set(ctx, name, val, ttl).Err() }) == nil {
		s.stats.puts.Add(1)
	}
}

// Get returns the session stored under id; false when it is absent,
// expired, not sealed with our key, or Redis is out of reach.
func (s *Store) Get(id []byte) ([]byte, bool) {
	name := s.sessionKey(id)
	var val []byte
	err := s.do(func(ctx context.Context, rdb *redis.Client) (err error) {
		val, err = rdb.Get(ctx, name).Bytes()
		return err
	})
	if err != nil {
		return nil, false
	}
	plain, ok := s.open(name, val)
	if ok {
		s.stats.hits.Add(1)
	}
	return plain, ok
}

// Delete forgets a session (a server does so when it must not be
// resumed again, e.g. after a fatal alert).
func (s *Store) Delete(id []byte) {
	name := s.sessionKey(id)
	s.do(func(ctx context.Context, rdb *redis.Client) error { return rdb.Del(ctx, name).Err() })
}

// Stats are the store's counters since New.
type Stats struct {
	Puts    int64 // sessions stored
	Hits    int64 // sessions found and opened
	Errors  int64 // Redis commands that failed
	Skipped int64 // commands not sent while Redis was left alone
}

type counters struct{ puts, hits, errors, skipped atomic.Int64 }

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{Puts: s.stats.puts.Load(), Hits: s.stats.hits.Load(),
		Errors: s.stats.errors.Load(), Skipped: s.stats.skipped.Load()}
}
