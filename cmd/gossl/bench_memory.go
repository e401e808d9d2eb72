package main

import (
	"io"
	"net"
	"runtime"
	"sync"
	"time"
)

// idle establishes cfg.idleConns TLS connections over loopback, each
// server end with an echoing goroutine blocked in Read, and reports the
// heap per end (KB, after a GC) shortly after the last traffic and again
// once the connections have been idle for idleWait, and the goroutines
// per connection. Every
// connection first carries one request and its echo, so both ends have
// used their keys in both directions: an idle connection in the real
// world has carried traffic, and one that never did could look smaller
// than it will be.
func (b *bench) idle(ct bool, p profile) ([]float64, error) {
	n := b.cfg.idleConns
	type pair struct{ rc, rs, c, s net.Conn }
	var pairs []pair
	var wg sync.WaitGroup
	defer func() {
		for _, x := range pairs {
			x.rc.Close()
			x.rs.Close()
		}
		wg.Wait()
		for _, x := range pairs {
			x.c.Close()
			x.s.Close()
		}
	}()
	settle := func() (uint64, int) {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc, runtime.NumGoroutine()
	}
	cfg := b.pairConfigs(p)
	h0, g0 := settle()
	for i := 0; i < n; i++ {
		rc, rs, err := rawPair("loopback")
		if err != nil {
			return nil, err
		}
		c, s, err := b.tlsPair(ct, p, cfg, rc, rs)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, pair{rc, rs, c, s})
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 512)
			for {
				n, err := s.Read(buf)
				if err != nil {
					return
				}
				if _, err := s.Write(buf[:n]); err != nil {
					return
				}
			}
		}()
		if err := request(c); err != nil {
			return nil, err
		}
	}
	// Recently used: every connection carries a request again (the first
	// ones were set up long enough ago to be released by now), then the
	// wait is long enough for hibernate_after (and the readers to block),
	// well short of an idle release.
	for _, x := range pairs {
		if err := request(x.c); err != nil {
			return nil, err
		}
	}
	time.Sleep(4*p.hib + 100*time.Millisecond)
	h1, _ := settle()
	// Idle: past gossl's default ReleaseIdleAfter (one second, counted in
	// quarter-second ticks).
	time.Sleep(idleWait)
	h2, g2 := settle()
	perSide := func(h uint64) float64 { return (float64(h) - float64(h0)) / float64(2*n) / 1000 }
	return []float64{perSide(h1), perSide(h2), float64(g2-g0) / float64(n)}, nil
}

// idleWait is how long connections go without traffic before the idle
// rows measure them.
const idleWait = 2 * time.Second

// request sends a 64-byte request on c and reads its echo.
func request(c net.Conn) error {
	req := make([]byte, 64)
	if _, err := c.Write(req); err != nil {
		return err
	}
	_, err := io.ReadFull(c, req)
	return err
}
