package session

import (
	"container/list"
	"sync"
	"time"
)

// Store is a server's TLS 1.0–1.2 session cache, keyed by session ID
// (the counterpart of OTP's ssl_session_cache_api). Values are opaque
// encoded sessions; they hold the master secret, so a shared store must
// keep them as secret as the servers' private keys. Put may drop entries
// at will (a cache, not a database); Get of an absent or expired ID
// returns false, and the server then does a full handshake. Safe for
// concurrent use by every connection of a listener.
type Store interface {
	Put(id, session []byte, expires time.Time)
	Get(id []byte) ([]byte, bool)
	Delete(id []byte)
}

// MemoryStore is the default Store: at most max sessions in memory, each
// until its expiry, the oldest dropped first when full.
type MemoryStore struct {
	mu    sync.Mutex
	max   int
	now   func() time.Time
	order *list.List // of *memEntry, oldest at back
	items map[string]*list.Element
}

type memEntry struct {
	id      string
	data    []byte
	expires time.Time
}

// NewMemoryStore returns a store of at most max sessions (max ≤ 0: none).
func NewMemoryStore(max int, now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{max: max, now: now, order: list.New(), items: map[string]*list.Element{}}
}

// Put stores session under id until expires.
func (m *MemoryStore) Put(id, session []byte, expires time.Time) {
	if m.max <= 0 || len(id) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.items[string(id)]; ok {
		m.order.Remove(e)
		delete(m.items, string(id))
	}
	// Drop the expired from the back first, then the oldest.
	now := m.now()
	for back := m.order.Back(); back != nil && !back.Value.(*memEntry).expires.After(now); back = m.order.Back() {
		m.remove(back)
	}
	for m.order.Len() >= m.max {
		m.remove(m.order.Back())
	}
	ent := &memEntry{id: string(id), data: append([]byte(nil), session...), expires: expires}
	m.items[ent.id] = m.order.PushFront(ent)
}

func (m *MemoryStore) remove(e *list.Element) {
	delete(m.items, e.Value.(*memEntry).id)
	m.order.Remove(e)
}

// Get returns the session stored under id, unless it has expired.
func (m *MemoryStore) Get(id []byte) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[string(id)]
	if !ok {
		return nil, false
	}
	ent := e.Value.(*memEntry)
	if !ent.expires.After(m.now()) {
		m.remove(e)
		return nil, false
	}
	return ent.data, true
}

// Take returns the session stored under id and forgets it, in one step:
// of two handshakes that present the same id at once, one gets it. It
// is what makes a TLS 1.3 stateful ticket usable once (RFC 8446, 8.1).
func (m *MemoryStore) Take(id []byte) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[string(id)]
	if !ok {
		return nil, false
	}
	ent := e.Value.(*memEntry)
	m.remove(e)
	if !ent.expires.After(m.now()) {
		return nil, false
	}
	return ent.data, true
}

// Delete forgets id.
func (m *MemoryStore) Delete(id []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.items[string(id)]; ok {
		m.remove(e)
	}
}

// Len is the number of sessions held (expired ones included until
// they are looked up or pushed out).
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

// ClientSessions is a client's TLS 1.0–1.2 session cache: the latest
// session per server key (host, port, SNI and the options that matter),
// at most size servers, least recently used first out. A session is
// offered again until it expires or the server stops resuming it.
type ClientSessions struct {
	lru serverLRU[*State12]
}

// NewClientSessions returns a cache for size servers.
func NewClientSessions(size int) *ClientSessions {
	return &ClientSessions{lru: newServerLRU[*State12](size)}
}

// Forget drops the sessions of every key that starts with prefix.
func (c *ClientSessions) Forget(prefix string) { c.lru.forget(prefix) }

// Put keeps st as the session for key.
func (c *ClientSessions) Put(key string, st *State12) {
	c.lru.mu.Lock()
	defer c.lru.mu.Unlock()
	c.lru.use(key).val = st
}

// Get returns the session for key (nil when none).
func (c *ClientSessions) Get(key string) *State12 {
	c.lru.mu.Lock()
	defer c.lru.mu.Unlock()
	if e := c.lru.items[key]; e != nil {
		return e.val
	}
	return nil
}

// ByID returns a session with this session ID whatever its server (for
// the client's reuse_session option given only an ID).
func (c *ClientSessions) ByID(id []byte) *State12 {
	c.lru.mu.Lock()
	defer c.lru.mu.Unlock()
	for _, e := range c.lru.items {
		if len(id) > 0 && string(e.val.SessionID) == string(id) {
			return e.val
		}
	}
	return nil
}

// Delete forgets the session for key if it is still st.
func (c *ClientSessions) Delete(key string, st *State12) {
	c.lru.mu.Lock()
	defer c.lru.mu.Unlock()
	if e := c.lru.items[key]; e != nil && e.val == st {
		c.lru.remove(key, e)
	}
}
