package session

import (
	"testing"
	"time"
)

// The two kinds of state are sealed with the same ticket keys: each
// starts with its own label, and neither opens as the other.
func TestStateKindsDoNotMix(t *testing.T) {
	s12, err := (&State12{Version: 0x0303, Suite: 0xc02f, Master: make([]byte, 48), Created: time.Unix(1, 0),
		ConfigKey: "k"}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s13, err := (&State13{Suite: 0x1301, PSK: make([]byte, 32), Created: time.Unix(1, 0), ServerName: "a",
		ConfigKey: "k"}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if s12[0] == s13[0] {
		t.Fatalf("both kinds start with the label %#x", s12[0])
	}
	var a State12
	var b State13
	if !a.Unmarshal(s12) || !b.Unmarshal(s13) || a.ConfigKey != "k" || b.ConfigKey != "k" || b.ServerName != "a" {
		t.Fatal("a state does not open as its own kind")
	}
	if a.Unmarshal(s13) || b.Unmarshal(s12) {
		t.Fatal("a state opened as the other kind")
	}
	// A truncated state opens as neither kind.
	for _, data := range [][]byte{s12, s13} {
		for i := 1; i < len(data); i++ {
			if a.Unmarshal(data[:i]) || b.Unmarshal(data[:i]) {
				t.Fatalf("a truncated state (%d of %d bytes) opened", i, len(data))
			}
		}
	}
}
