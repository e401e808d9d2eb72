package kx

import (
	"crypto/ecdh"
	"crypto/mlkem"
	cryptorand "crypto/rand"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Ephemeral keys made ahead of use.
//
// Every (EC)DHE handshake makes a fresh key pair, and it makes it on the
// handshake's critical path: the client before it can send its
// ClientHello, the server before it can answer one. On the reference
// 2-core machine that is about 58 µs for X25519 and 59 µs for an
// ML-KEM-768 key, against about 550 µs for a whole resumed TLS 1.3
// handshake. Nothing about the key depends on the connection, so a small
// process-wide pool per curve keeps a few keys made in advance: a
// handshake takes one (or makes one if the pool is empty), and a
// background goroutine, started only when a key has been taken, makes the
// pool full again and exits. On a machine with an idle core this takes
// key generation off the handshake's latency; on a saturated one the same
// work is done by another goroutine, so it gains nothing and costs a
// goroutine start per handshake.
//
// Safety: each key is handed out once and then forgotten by the pool, so
// no two handshakes share a key; keys come from the system's randomness
// as before. A key waiting in the pool protects nothing yet: reading it
// out of the process's memory gives no more than reading the key of a
// handshake in progress would. When the handshake's randomness is not the
// crypto/rand Reader the process started with (Options.Rand set, or a
// test's testing/cryptotest.SetGlobalRandom in effect), keys are made on
// the spot by crypto/ecdh and crypto/mlkem, as before, and the pool is
// left alone; PauseKeyPools also stops refills that could draw from a
// test's deterministic stream.

// ephemeralPoolSize is how many keys a pool keeps per curve: enough for
// a client or server that handshakes one connection after another, small
// enough that an idle process holds little (an ML-KEM-768 decapsulation
// key is the largest, a few KB).
const ephemeralPoolSize = 2

// keyPool is one curve's (or ML-KEM's) pool of ready keys.
type keyPool[K any] struct {
	gen     func() (K, error)
	mu      sync.Mutex
	keys    []K
	filling bool // a goroutine is filling the pool
}

func newKeyPool[K any](gen func() (K, error)) *keyPool[K] {
	return &keyPool[K]{gen: gen, keys: make([]K, 0, ephemeralPoolSize)}
}

// take returns a key that nobody else has been or will be given, and
// starts the pool's refill when it is not running.
func (p *keyPool[K]) take() (K, error) {
	var k K
	p.mu.Lock()
	n := len(p.keys)
	if n > 0 {
		k = p.keys[n-1]
		var zero K
		p.keys[n-1] = zero // the pool forgets it
		p.keys = p.keys[:n-1]
	}
	refill := !p.filling && paused.Load() == 0
	if refill {
		p.filling = true
	}
	p.mu.Unlock()
	if refill {
		go p.fill()
	}
	if n > 0 {
		return k, nil
	}
	return p.gen()
}

// fill makes keys until the pool is full (or PauseKeyPools stops it),
// then exits. A failure (the system's randomness failing) stops it; take
// then makes keys on the spot and reports the failure to its handshake.
func (p *keyPool[K]) fill() {
	for {
		p.mu.Lock()
		if len(p.keys) >= ephemeralPoolSize || paused.Load() > 0 {
			p.filling = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		k, err := p.gen()
		p.mu.Lock()
		if err != nil {
			p.filling = false
			p.mu.Unlock()
			return
		}
		p.keys = append(p.keys, k)
		p.mu.Unlock()
	}
}

// size reports how many keys are ready (tests).
func (p *keyPool[K]) size() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.keys)
}

// waitIdle waits until no refill is running.
func (p *keyPool[K]) waitIdle() {
	for {
		p.mu.Lock()
		filling := p.filling
		p.mu.Unlock()
		if !filling {
			return
		}
		time.Sleep(50 * time.Microsecond) // a refill takes about 100 µs
	}
}

// systemRand is crypto/rand's Reader as the process started: the pools
// draw from it, and only handshakes that use it take pooled keys. Read
// once, so that a test replacing crypto/rand.Reader changes neither.
var systemRand = cryptorand.Reader

func ecdhPool(c ecdh.Curve) *keyPool[*ecdh.PrivateKey] {
	return newKeyPool(func() (*ecdh.PrivateKey, error) { return c.GenerateKey(systemRand) })
}

var (
	x25519Pool = ecdhPool(ecdh.X25519())
	p256Pool   = ecdhPool(ecdh.P256())
	p384Pool   = ecdhPool(ecdh.P384())
	p521Pool   = ecdhPool(ecdh.P521())
	mlkem768   = newKeyPool(mlkem.GenerateKey768)

	allPools = []interface{ waitIdle() }{x25519Pool, p256Pool, p384Pool, p521Pool, mlkem768}
	paused   atomic.Int32 // PauseKeyPools calls not yet resumed
)

// PauseKeyPools makes every handshake make its keys on the spot and waits
// for the refills in progress to end, until resume is called. It is for
// tests that make the process's randomness deterministic
// (testing/cryptotest.SetGlobalRandom): crypto/ecdh and crypto/mlkem then
// draw from the test's stream, and a refill would draw from it at moments
// of its own. Calls nest.
func PauseKeyPools() (resume func()) {
	paused.Add(1)
	for _, p := range allPools {
		p.waitIdle()
	}
	var once sync.Once
	return func() { once.Do(func() { paused.Add(-1) }) }
}

// pooled reports whether keys for a handshake drawing randomness from
// rand may come from the pools.
func pooled(rand io.Reader) bool { return rand == systemRand && paused.Load() == 0 }

// ephemeralKey returns a fresh ephemeral key on curve (one of curveFor's).
func ephemeralKey(curve ecdh.Curve, rand io.Reader) (*ecdh.PrivateKey, error) {
	if pooled(rand) {
		switch curve {
		case ecdh.X25519():
			return x25519Pool.take()
		case ecdh.P256():
			return p256Pool.take()
		case ecdh.P384():
			return p384Pool.take()
		case ecdh.P521():
			return p521Pool.take()
		}
	}
	return curve.GenerateKey(rand)
}

// ephemeralMLKEM768 returns a fresh ML-KEM-768 decapsulation key.
func ephemeralMLKEM768(rand io.Reader) (*mlkem.DecapsulationKey768, error) {
	if pooled(rand) {
		return mlkem768.take()
	}
	return mlkem.GenerateKey768()
}
