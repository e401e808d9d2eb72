package testpeers

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// RedisServer starts redis-server on 127.0.0.1:port (a free port when
// port is 0) without persistence, so that a restart on the same port
// comes back empty, as a cache server does, and returns it with its
// address. Stop it with [Proc.Stop] (a test that restarts it calls
// RedisServer again with the same port). Call [Require](t,
// "redis-server") first.
func RedisServer(t testing.TB, port int) (p *Proc, addr string) {
	t.Helper()
	fixed := port != 0
	for attempt := 1; ; attempt++ {
		if !fixed {
			port = FreePort(t)
		}
		addr = fmt.Sprintf("127.0.0.1:%d", port)
		p = Start(t, "redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning")
		err := waitTCP(p, addr, ReadyTimeout)
		if err == nil {
			return p, addr
		}
		p.Stop()
		// A port freed a moment ago by the Redis we stopped may still
		// be held for a short while: retry the same one.
		if (!strings.Contains(p.Output(), "in use") && !fixed) || attempt == bindRetries {
			t.Fatalf("testpeers: redis-server not ready: %v\n%s", err, p.Output())
		}
	}
}
