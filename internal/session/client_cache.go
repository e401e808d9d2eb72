package session

import (
	"time"

	"golang.org/x/crypto/cryptobyte"
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
	lru serverLRU[[]*ClientTicket]
}

// maxTicketsPerServer bounds what one server can make a client keep.
const maxTicketsPerServer = 8

// NewClientCache returns a cache for size servers.
func NewClientCache(size int) *ClientCache {
	return &ClientCache{lru: newServerLRU[[]*ClientTicket](size)}
}

// Forget drops the tickets of every key that starts with prefix.
func (c *ClientCache) Forget(prefix string) { c.lru.forget(prefix) }

// Put adds a ticket for key.
func (c *ClientCache) Put(key string, t *ClientTicket) {
	c.lru.mu.Lock()
	defer c.lru.mu.Unlock()
	e := c.lru.use(key)
	e.val = append(e.val, t)
	if len(e.val) > maxTicketsPerServer {
		e.val = e.val[1:]
	}
}

// Take removes and returns the newest unexpired ticket for key.
func (c *ClientCache) Take(key string, now time.Time) *ClientTicket {
	c.lru.mu.Lock()
	defer c.lru.mu.Unlock()
	e := c.lru.items[key]
	if e == nil {
		return nil
	}
	for len(e.val) > 0 {
		t := e.val[len(e.val)-1]
		e.val = e.val[:len(e.val)-1]
		if !t.Expired(now) {
			return t
		}
	}
	return nil
}

// Marshal encodes the ticket for the application of a client with
// session_tickets manual, which keeps it (it holds the resumption PSK:
// keep it as secret as a private key) and gives it back to use_ticket.
func (t *ClientTicket) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	addLabel(&b, labelClient13)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(t.Ticket) })
	b.AddUint16(t.Suite)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(t.PSK) })
	b.AddUint64(uint64(t.Received.UnixMilli()))
	b.AddUint32(uint32(t.Lifetime / time.Second))
	b.AddUint32(t.AgeAdd)
	b.AddUint32(t.MaxEarlyData)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(t.ALPN)) })
	addCertList(&b, t.ServerCerts)
	return b.Bytes()
}

// Unmarshal decodes what Marshal made; false for anything malformed.
func (t *ClientTicket) Unmarshal(data []byte) bool {
	in := cryptobyte.String(data)
	var ticket, psk, alpn, certs cryptobyte.String
	var received uint64
	var lifetime uint32
	if !readLabel(&in, labelClient13) || !in.ReadUint16LengthPrefixed(&ticket) || !in.ReadUint16(&t.Suite) ||
		!in.ReadUint8LengthPrefixed(&psk) || !in.ReadUint64(&received) || !in.ReadUint32(&lifetime) ||
		!in.ReadUint32(&t.AgeAdd) || !in.ReadUint32(&t.MaxEarlyData) || !in.ReadUint8LengthPrefixed(&alpn) ||
		!in.ReadUint24LengthPrefixed(&certs) || !in.Empty() || len(ticket) == 0 || len(psk) == 0 {
		return false
	}
	t.Ticket, t.PSK, t.ALPN = append([]byte(nil), ticket...), append([]byte(nil), psk...), string(alpn)
	t.Received = time.UnixMilli(int64(received))
	t.Lifetime = time.Duration(lifetime) * time.Second
	var ok bool
	t.ServerCerts, ok = readCertList(certs)
	return ok
}
