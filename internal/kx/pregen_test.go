package kx

import (
	"bytes"
	"crypto/ecdh"
	cryptorand "crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"
)

// settle waits until p's refill has stopped.
func settle(t *testing.T, p interface{ waitIdle() }) {
	t.Helper()
	done := make(chan struct{})
	go func() { p.waitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the pool's refill did not stop")
	}
}

func TestKeyPoolHandsOutEachKeyOnce(t *testing.T) {
	const workers, each = 4, 50
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				k, err := x25519Pool.take()
				if err != nil {
					t.Error(err)
					return
				}
				pub := string(k.PublicKey().Bytes())
				mu.Lock()
				if seen[pub] {
					t.Error("a pooled key was handed out twice")
				}
				seen[pub] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != workers*each {
		t.Fatalf("%d distinct keys, want %d", len(seen), workers*each)
	}
	settle(t, x25519Pool)
	if n := x25519Pool.size(); n != ephemeralPoolSize {
		t.Fatalf("pool holds %d keys after refilling, want %d", n, ephemeralPoolSize)
	}
}

func TestKeyPoolRefillsAfterTake(t *testing.T) {
	if _, err := p256Pool.take(); err != nil {
		t.Fatal(err)
	}
	settle(t, p256Pool)
	if n := p256Pool.size(); n != ephemeralPoolSize {
		t.Fatalf("pool holds %d keys, want %d", n, ephemeralPoolSize)
	}
	k1, _ := ephemeralKey(ecdh.P256(), cryptorand.Reader)
	k2, _ := ephemeralKey(ecdh.P256(), cryptorand.Reader)
	if k1.Curve() != ecdh.P256() || k2.Curve() != ecdh.P256() {
		t.Fatal("pooled key on the wrong curve")
	}
	if bytes.Equal(k1.PublicKey().Bytes(), k2.PublicKey().Bytes()) {
		t.Fatal("two takes gave the same key")
	}
}

// A handshake with its own randomness (Options.Rand) makes its keys on
// the spot and leaves the pools alone.
func TestKeyPoolNotUsedWithOwnRand(t *testing.T) {
	if _, err := p384Pool.take(); err != nil {
		t.Fatal(err)
	}
	settle(t, p384Pool)
	own := bytes.NewReader(bytes.Repeat([]byte{7}, 4096))
	for range 3 {
		if _, err := ephemeralKey(ecdh.P384(), own); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, mlkem768)
	before := mlkem768.size()
	if _, err := ephemeralMLKEM768(own); err != nil {
		t.Fatal(err)
	}
	mlkem768.mu.Lock()
	after, filling := len(mlkem768.keys), mlkem768.filling
	mlkem768.mu.Unlock()
	if n := p384Pool.size(); n != ephemeralPoolSize {
		t.Fatalf("P-384 pool holds %d keys, want %d untouched", n, ephemeralPoolSize)
	}
	if after != before || filling {
		t.Fatalf("ML-KEM pool went from %d to %d keys (refilling %v): it must be left alone", before, after, filling)
	}
}

func TestKeyPoolGenerationFailure(t *testing.T) {
	fail := errors.New("no entropy")
	calls := 0
	var mu sync.Mutex
	p := newKeyPool(func() (int, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return 0, fail
	})
	if _, err := p.take(); !errors.Is(err, fail) {
		t.Fatalf("take: %v, want the generator's error", err)
	}
	settle(t, p)
	if n := p.size(); n != 0 {
		t.Fatalf("pool holds %d keys after failures", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls > 2 {
		t.Fatalf("generator called %d times: the refill must stop at its first failure", calls)
	}
}

// PauseKeyPools: no pooled key is handed out and no refill runs until
// resume; a handshake with the process's randomness then makes its keys on
// the spot, as under testing/cryptotest.SetGlobalRandom.
func TestPauseKeyPools(t *testing.T) {
	if _, err := x25519Pool.take(); err != nil {
		t.Fatal(err)
	}
	resume := PauseKeyPools()
	x25519Pool.mu.Lock()
	filling, before := x25519Pool.filling, len(x25519Pool.keys)
	x25519Pool.mu.Unlock()
	if filling {
		resume()
		t.Fatal("a refill runs after PauseKeyPools returned")
	}
	for range 3 {
		if _, err := ephemeralKey(ecdh.X25519(), cryptorand.Reader); err != nil {
			t.Fatal(err)
		}
	}
	x25519Pool.mu.Lock()
	filling, after := x25519Pool.filling, len(x25519Pool.keys)
	x25519Pool.mu.Unlock()
	resume()
	resume() // a second call does nothing
	if filling || after != before {
		t.Fatalf("paused pool went from %d to %d keys (refilling %v)", before, after, filling)
	}
	if paused.Load() != 0 {
		t.Fatalf("paused count %d after resume", paused.Load())
	}
	if _, err := x25519Pool.take(); err != nil {
		t.Fatal(err)
	}
	settle(t, x25519Pool)
	if n := x25519Pool.size(); n != ephemeralPoolSize {
		t.Fatalf("pool holds %d keys after resuming, want %d", n, ephemeralPoolSize)
	}
}
