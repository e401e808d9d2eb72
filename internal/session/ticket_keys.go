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
// ticket lives at least (keep-1) × rotation. Safe for concurrent use.
type TicketKeys struct {
	mu       sync.RWMutex
	keys     []*ticketKey // newest first
	rotation time.Duration
	keep     int
	rand     io.Reader
	now      func() time.Time
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
	block, err := aes.NewCipher(secret[:])
	if err != nil {
		return nil, err
	}
	if key.aead, err = cipher.NewGCM(block); err != nil {
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
	k.mu.RLock()
	defer k.mu.RUnlock()
	for _, key := range k.keys {
		if subtle.ConstantTimeCompare(key.name[:], ticket[:keyNameLen]) == 1 {
			plain, err := key.aead.Open(nil, ticket[keyNameLen:keyNameLen+12], ticket[keyNameLen+12:], ticket[:keyNameLen])
			if err != nil {
				return nil, ErrBadTicket
			}
			return plain, nil
		}
	}
	return nil, ErrBadTicket
}
