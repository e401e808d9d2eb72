package main

import (
	"crypto/rand"
	"fmt"
	"os/exec"
	"sync"
	"time"

	"github.com/gossl/ssl/redisstore"
)

// The resumed/redis/ rows: resumption through the Redis store
// (redisstore, as serve --session-store uses it) against the in-memory
// store, both gossl, in the same run. The gossl column is the Redis
// store, the crypto/tls column gossl's in-memory store, and the ratio
// Redis / memory. The Redis is --session-store's, or a redis-server the
// bench starts on 127.0.0.1 (n/a rows when there is none).

// benchRedis is the bench's Redis store, made at the first row that
// needs it.
type benchRedis struct {
	once  sync.Once
	store *redisstore.Store
	proc  *peerProc
	err   error
}

// redisStore returns the store, starting redis-server if need be.
func (b *bench) redisStore() (*redisstore.Store, error) {
	r := &b.redis
	r.once.Do(func() {
		url := b.cfg.sessionStore
		if url == "" {
			if _, err := exec.LookPath("redis-server"); err != nil {
				r.err = peerNA{"redis-server not found (or give --session-store redis://HOST:PORT)"}
				return
			}
			port, err := freePort()
			if err != nil {
				r.err = err
				return
			}
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			r.proc, err = startPeerProc("redis-server", []string{"--port", fmt.Sprint(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no"}, "")
			if err == nil {
				err = r.proc.waitTCP(addr, b.cfg.peerStart)
			}
			if err != nil {
				r.err = err
				return
			}
			url = "redis://" + addr
		}
		key := make([]byte, 32)
		rand.Read(key)
		// The bench's own prefix: a shared Redis keeps its other keys.
		r.store, r.err = redisstore.New(redisstore.Config{URL: url, SealKey: key, Prefix: fmt.Sprintf("gossl-bench-%d:", time.Now().UnixNano())})
	})
	return r.store, r.err
}

// stopRedis closes the store and stops the redis-server the bench
// started.
func (b *bench) stopRedis() {
	if b.redis.store != nil {
		b.redis.store.Close()
	}
	if b.redis.proc != nil {
		b.redis.proc.stop()
	}
}

func (b *bench) redisGroups() []benchGroup {
	var gs []benchGroup
	for _, r := range []struct {
		name string
		p    profile
	}{
		{"resumed/redis/tls13-ticket", withResume(hsECDSA13, "ticket")},
		{"resumed/redis/tls12-session-id", withResume(hsECDSA12, "session-id")},
		{"resumed/redis/tls12-ticket", withResume(hsECDSA12, "ticket")},
	} {
		p := r.p
		gs = append(gs, benchGroup{names: []string{r.name}, units: []string{"handshakes/s"}, sliceDur: b.hsSlice(),
			setup: func() error { _, err := b.redisStore(); return err },
			newG: func() (meter, error) {
				rp := p
				rp.redis = b.redis.store
				return b.newHsMeter(false, rp, nil)
			},
			newC:  func() (meter, error) { return b.newHsMeter(false, p, nil) },
			notes: []string{"gossl with the Redis store (the gossl column) against gossl with its in-memory store (the crypto/tls column); the ratio is Redis / memory"},
		})
	}
	return gs
}
