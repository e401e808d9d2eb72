package redisstore

import (
	"bytes"
	"encoding/hex"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

func TestMain(m *testing.M) { testpeers.Main(m) }

// testSealKey is the fleet's seal key in these tests.
var testSealKey = bytes.Repeat([]byte{7}, 32)

// startRedis runs a redis-server for the test (skipped without one,
// failed under GOSSL_REQUIRE_PEERS=1).
func startRedis(t *testing.T) (*testpeers.Proc, string) {
	t.Helper()
	testpeers.Require(t, "redis-server")
	return testpeers.RedisServer(t, 0)
}

// newStore opens a store on addr with cfg's other fields, closed when
// the test ends.
func newStore(t *testing.T, addr string, cfg Config) *Store {
	t.Helper()
	cfg.URL = "redis://" + addr
	if cfg.Timeout == 0 {
		// The test machine may be loaded far beyond its cores: a
		// loopback command can then take longer than the 100 ms default.
		cfg.Timeout = time.Second
	}
	if cfg.SealKey == nil {
		cfg.SealKey = testSealKey
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// eventually polls cond until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// portOf is addr's port.
func portOf(t *testing.T, addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}
