package ssl

import (
	"time"

	"github.com/gossl/ssl/internal/session"
)

// TicketKey is one key of a fleet's ticket key ring (RFC 5077, 4 and
// RFC 8446, 4.6.1 leave the ticket format to the server: gossl seals a
// ticket as Name ‖ nonce ‖ AES-256-GCM(Secret, state)). Every server of
// a fleet must hold the same keys, so that a ticket one of them issued
// opens on all of them.
type TicketKey struct {
	// Name starts every ticket the key seals, so that a server finds
	// the key of a ticket without trying them all; make it random.
	Name [16]byte
	// Secret is the AES-256-GCM key; make it random, keep it secret.
	Secret [32]byte
	// NotBefore is when the key may start sealing new tickets. It opens
	// tickets as soon as it is set: publish a key ahead of its
	// NotBefore, and every server can open the tickets any of them seals
	// with it.
	NotBefore time.Time
}

// TicketKeyRing holds the keys a server seals and opens its session
// tickets with (TLS 1.2 tickets and TLS 1.3 tickets alike), for
// Options.TicketKeys. Without one, a server uses the keys of its
// process: made at random, a new one each hour, three kept; no other
// process can open its tickets.
//
// A fleet gives every server a ring and keeps the rings equal: a key
// source (package redisstore has one) generates a key once per period,
// publishes it before its NotBefore, and calls SetKeys on each server
// with the keys still in their lifetime. The ring never waits for the
// source: while it holds no key whose NotBefore has passed (at start,
// or when the source is out of reach for long), it seals with keys of
// its own process, and those keep opening their tickets for three hours
// after the source's keys take over. Safe for concurrent use.
type TicketKeyRing struct {
	keys *session.TicketKeys
}

// NewTicketKeyRing returns an empty ring.
func NewTicketKeyRing() *TicketKeyRing {
	return &TicketKeyRing{keys: session.NewTicketKeys(time.Hour, 3, nil)}
}

// SetKeys replaces the ring's keys with keys, in order of preference:
// the first whose NotBefore has passed seals new tickets, and every one
// of them opens tickets. A ticket whose key is left out stops opening
// (its client gets a full handshake), so keep a key in the ring for as
// long as its tickets live: TicketLifetime (TLS 1.3) and SessionLifetime
// (TLS 1.2) after it last sealed.
func (r *TicketKeyRing) SetKeys(keys []TicketKey) error {
	shared := make([]session.SharedKey, len(keys))
	for i, k := range keys {
		shared[i] = session.SharedKey{Name: k.Name, Secret: k.Secret, NotBefore: k.NotBefore}
	}
	return r.keys.SetKeys(shared)
}

// AntiReplay is a TLS 1.3 0-RTT replay check shared by every server of
// a fleet, for Options.AntiReplay (RFC 8446, 8). Early data is accepted
// only once per ClientHello; a server checks that in its own memory
// unless it has an AntiReplay, and a replay sent to another server of
// the fleet passes that check. Servers that share ticket keys
// (Options.TicketKeys) and accept early data must therefore share an
// AntiReplay too.
//
// FirstUse records key (the ClientHello's PSK binder, unique to it) for
// window and reports whether key had not been recorded within window:
// atomically across the fleet (Redis's SET NX PX does it). An error
// means the check could not be made; the server then rejects the early
// data, and the handshake goes on at 1-RTT (the client sends the data
// again). FirstUse is called on the handshake path: bound its time.
type AntiReplay interface {
	FirstUse(key []byte, window time.Duration) (bool, error)
}

// antiReplayWindow is how long a binder is remembered: a replay of a
// ClientHello passes the ticket age check (RFC 8446, 8.3) for 10 s on
// either side of the real age, so twice that.
const antiReplayWindow = 20 * time.Second

// sharedReplay adapts an AntiReplay to the handshake's filter.
type sharedReplay struct{ a AntiReplay }

func (s sharedReplay) Fresh(binder []byte, _ time.Time) bool {
	ok, err := s.a.FirstUse(binder, antiReplayWindow)
	return err == nil && ok
}
