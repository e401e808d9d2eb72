// Package session holds what outlives a connection: the keys that seal
// session tickets (rotated, shared by TLS 1.2 and 1.3), the state a
// ticket carries, and the client's cache of tickets.
package session

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"io"
	"sync"
	"time"
)

// keyNameLen is the length of the key name that starts every ticket, so
// a server finds the key that sealed it (RFC 5077, 4 recommends one).
const keyNameLen = 16

// ticketKey is one AES-256-GCM key with its name and birth.
type ticketKey struct {
	name    [keyNameLen]byte
	aead    cipher.AEAD
	created time.Time
}

// TicketKeys seals and opens tickets. A new key is made every rotation
// period; tickets sealed with any of the last keep keys still open, so a
// ticket lives at least (keep-1) × rotation. Keys given with SetKeys (a
// fleet's shared keys) come first; the process's own rotating keys are
// the fallback when none of them may seal yet. Safe for concurrent use.
type TicketKeys struct {
	mu       sync.RWMutex
	keys     []*ticketKey // newest first
	shared   []*ticketKey // from SetKeys, in order of preference
	rotation time.Duration
	keep     int
	rand     io.Reader
	now      func() time.Time
}

// SharedKey is a ticket key given from outside (a fleet's key ring):
// Secret is the AES-256-GCM key, Name starts every ticket it seals, and
// NotBefore is when it may start sealing (it opens at once, so that
// every server holds a key before any of them seals with it).
type SharedKey struct {
	Name      [keyNameLen]byte
	Secret    [32]byte
	NotBefore time.Time
}

// SetKeys replaces the shared keys with keys, in order of preference:
// the first whose NotBefore has passed seals, all of them open. Keys the
// process made itself keep opening their tickets for their lifetime.
func (k *TicketKeys) SetKeys(keys []SharedKey) error {
	shared := make([]*ticketKey, 0, len(keys))
	for i := range keys {
		key := &ticketKey{name: keys[i].Name, created: keys[i].NotBefore}
		aead, err := newTicketAEAD(keys[i].Secret[:])
		if err != nil {
			return err
		}
		key.aead = aead
		shared = append(shared, key)
	}
	k.mu.Lock()
	k.shared = shared
	k.mu.Unlock()
	return nil
}

func newTicketAEAD(secret []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(secret)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// sharedSealer is the first shared key allowed to seal at now, if any.
func (k *TicketKeys) sharedSealer(now time.Time) *ticketKey {
	for _, key := range k.shared {
		if !now.Before(key.created) {
			return key
		}
	}
	return nil
}

// NewTicketKeys returns keys that rotate every rotation and keep keep
// generations (at least 2).
func NewTicketKeys(rotation time.Duration, keep int, now func() time.Time) *TicketKeys {
	if keep < 2 {
		keep = 2
	}
	if now == nil {
		now = time.Now
	}
	return &TicketKeys{rotation: rotation, keep: keep, rand: rand.Reader, now: now}
}

func (k *TicketKeys) current() (*ticketKey, error) {
	now := k.now()
	k.mu.RLock()
	if key := k.sharedSealer(now); key != nil {
		k.mu.RUnlock()
		return key, nil
	}
	if len(k.keys) > 0 && now.Sub(k.keys[0].created) < k.rotation {
		key := k.keys[0]
		k.mu.RUnlock()
		return key, nil
	}
	k.mu.RUnlock()
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) > 0 && now.Sub(k.keys[0].created) < k.rotation {
		return k.keys[0], nil
	}
	var secret [32]byte
	key := &ticketKey{created: now}
	if _, err := io.ReadFull(k.rand, secret[:]); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(k.rand, key.name[:]); err != nil {
		return nil, err
	}
	var err error
	if key.aead, err = newTicketAEAD(secret[:]); err != nil {
		return nil, err
	}
	k.keys = append([]*ticketKey{key}, k.keys...)
	if len(k.keys) > k.keep {
		k.keys = k.keys[:k.keep]
	}
	return key, nil
}

// Seal encrypts state into a ticket: name ‖ nonce ‖ AES-GCM(state), the
// name also authenticated.
func (k *TicketKeys) Seal(state []byte) ([]byte, error) {
	key, err := k.current()
	if err != nil {
		return nil, err
	}
	out := make([]byte, keyNameLen+12, keyNameLen+12+len(state)+16)
	copy(out, key.name[:])
	if _, err := io.ReadFull(k.rand, out[keyNameLen:]); err != nil {
		return nil, err
	}
	return key.aead.Seal(out, out[keyNameLen:], state, out[:keyNameLen]), nil
}

// ErrBadTicket means a ticket is not ours, is too old for every key kept,
// or was tampered with. A server falls back to a full handshake.
var ErrBadTicket = errors.New("session: ticket cannot be opened")

// Open decrypts a ticket sealed by Seal with a key still kept.
func (k *TicketKeys) Open(ticket []byte) ([]byte, error) {
	if len(ticket) < keyNameLen+12+16 {
		return nil, ErrBadTicket
	}
	now := k.now()
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, key := range k.shared {
		if subtle.ConstantTimeCompare(key.name[:], ticket[:keyNameLen]) == 1 {
			return key.open(ticket)
		}
	}
	for _, key := range k.keys {
		if subtle.ConstantTimeCompare(key.name[:], ticket[:keyNameLen]) == 1 {
			// A key of our own opens for keep rotations from its
			// birth, even when no newer one was made since (a ring
			// whose shared keys took over sealing).
			if now.Sub(key.created) >= time.Duration(k.keep)*k.rotation {
				return nil, ErrBadTicket
			}
			return key.open(ticket)
		}
	}
	return nil, ErrBadTicket
}

func (key *ticketKey) open(ticket []byte) ([]byte, error) {
	plain, err := key.aead.Open(nil, ticket[keyNameLen:keyNameLen+12], ticket[keyNameLen+12:], ticket[:keyNameLen])
	if err != nil {
		return nil, ErrBadTicket
	}
	return plain, nil
}
