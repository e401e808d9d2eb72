package session

import (
	"container/list"
	"strings"
	"sync"
	"time"
)

// ClientTicket is a TLS 1.3 ticket a client holds, with what it needs to
// use it (RFC 8446, 4.6.1 and 4.2.11).
type ClientTicket struct {
	Ticket       []byte
	Suite        uint16
	PSK          []byte
	Received     time.Time
	Lifetime     time.Duration
	AgeAdd       uint32
	MaxEarlyData uint32
	ALPN         string
	ServerCerts  [][]byte
}

// Expired reports whether the ticket's lifetime has passed at now.
func (t *ClientTicket) Expired(now time.Time) bool { return now.Sub(t.Received) >= t.Lifetime }

// ClientCache keeps tickets per server (host, port, SNI and options that
// matter), at most size servers, least recently used first out. Each
// ticket is used once (RFC 8446, C.4: reuse lets connections be linked).
type ClientCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of string keys, most recent at front
	items map[string]*cacheEntry
}

type cacheEntry struct {
	elem    *list.Element
	tickets []*ClientTicket
}

// maxTicketsPerServer bounds what one server can make a client keep.
const maxTicketsPerServer = 8

// NewClientCache returns a cache for size servers.
func NewClientCache(size int) *ClientCache {
	return &ClientCache{size: size, order: list.New(), items: map[string]*cacheEntry{}}
}

// Forget drops what is kept for every key that starts with prefix (tests
// use it: a server that reuses a port number must not find a ticket
// that another server made).
func (c *ClientCache) Forget(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.items {
		if strings.HasPrefix(k, prefix) {
			c.order.Remove(e.elem)
			delete(c.items, k)
		}
	}
}

// Put adds a ticket for key.
func (c *ClientCache) Put(key string, t *ClientTicket) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.items[key]
	if e == nil {
		e = &cacheEntry{elem: c.order.PushFront(key)}
		c.items[key] = e
		for c.order.Len() > c.size {
			last := c.order.Back()
			delete(c.items, last.Value.(string))
			c.order.Remove(last)
		}
	} else {
		c.order.MoveToFront(e.elem)
	}
	e.tickets = append(e.tickets, t)
	if len(e.tickets) > maxTicketsPerServer {
		e.tickets = e.tickets[1:]
	}
}

// Take removes and returns the newest unexpired ticket for key.
func (c *ClientCache) Take(key string, now time.Time) *ClientTicket {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.items[key]
	if e == nil {
		return nil
	}
	for len(e.tickets) > 0 {
		t := e.tickets[len(e.tickets)-1]
		e.tickets = e.tickets[:len(e.tickets)-1]
		if !t.Expired(now) {
			return t
		}
	}
	return nil
}
