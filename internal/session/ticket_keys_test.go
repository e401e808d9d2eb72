package session

import (
	"bytes"
	"testing"
	"time"
)

// TestTicketKeysShared: shared keys seal from their NotBefore on and
// open at once; the process's own keys seal while no shared key may, and
// keep opening their tickets for keep rotations only.
func TestTicketKeysShared(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	k := NewTicketKeys(time.Hour, 3, func() time.Time { return now })
	own, err := k.Seal([]byte("own"))
	if err != nil {
		t.Fatal(err)
	}
	future := SharedKey{Name: [keyNameLen]byte{1}, Secret: [32]byte{1}, NotBefore: now.Add(time.Minute)}
	if err := k.SetKeys([]SharedKey{future}); err != nil {
		t.Fatal(err)
	}
	early, _ := k.Seal([]byte("early"))
	if bytes.Equal(early[:keyNameLen], future.Name[:]) {
		t.Fatal("a shared key sealed before its NotBefore")
	}
	now = now.Add(time.Minute)
	shared, _ := k.Seal([]byte("shared"))
	if !bytes.Equal(shared[:keyNameLen], future.Name[:]) {
		t.Fatal("the shared key does not seal once due")
	}
	for _, tk := range [][]byte{own, early, shared} {
		if _, err := k.Open(tk); err != nil {
			t.Fatalf("a ticket no longer opens: %v", err)
		}
	}
	// Another process holding the shared key opens the shared ticket,
	// not ours.
	other := NewTicketKeys(time.Hour, 3, func() time.Time { return now })
	other.SetKeys([]SharedKey{future})
	if _, err := other.Open(shared); err != nil {
		t.Fatal("the shared ticket does not open elsewhere")
	}
	if _, err := other.Open(own); err == nil {
		t.Fatal("a ticket of our own key opened elsewhere")
	}
	now = now.Add(3 * time.Hour)
	if _, err := k.Open(own); err == nil {
		t.Fatal("our own key still opens after keep rotations")
	}
	if _, err := k.Open(shared); err != nil {
		t.Fatal("a shared key stops opening only when the source drops it")
	}
}
