package session

import (
	"sync"
	"time"
)

// ReplayFilter decides whether a ClientHello's early data is a first
// use (RFC 8446, 8): Fresh records binder and reports whether it had not
// been seen within the filter's window. A filter that cannot tell (a
// shared store out of reach) answers false, and the server rejects the
// early data: never wrong, only slower.
type ReplayFilter interface {
	Fresh(binder []byte, now time.Time) bool
}

// ReplayCache remembers the PSK binders of ClientHellos whose early data
// a server accepted, for as long as a replay could still pass the ticket
// age check (RFC 8446, 8.2): a binder seen twice in that window is a
// replay. It holds at most max entries; when full it refuses, which
// makes the server reject early data (never wrong, only slower).
type ReplayCache struct {
	mu     sync.Mutex
	window time.Duration
	max    int
	seen   map[string]time.Time
}

// NewReplayCache returns a cache for window with at most max entries.
func NewReplayCache(window time.Duration, max int) *ReplayCache {
	return &ReplayCache{window: window, max: max, seen: map[string]time.Time{}}
}

// Fresh records binder and reports whether it was not seen within the
// window; false means replayed, or the cache is full.
func (c *ReplayCache) Fresh(binder []byte, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) >= c.max {
		for k, t := range c.seen {
			if now.Sub(t) > c.window {
				delete(c.seen, k)
			}
		}
		if len(c.seen) >= c.max {
			return false
		}
	}
	k := string(binder)
	if t, ok := c.seen[k]; ok && now.Sub(t) <= c.window {
		return false
	}
	c.seen[k] = now
	return true
}
