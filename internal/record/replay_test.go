package record

import "testing"

func TestReplayWindow(t *testing.T) {
	var w ReplayWindow
	accept := func(seq uint64) {
		t.Helper()
		if !w.Check(seq) {
			t.Fatalf("fresh %d refused", seq)
		}
		w.Accept(seq)
	}
	refuse := func(seq uint64) {
		t.Helper()
		if w.Check(seq) {
			t.Fatalf("%d accepted again or too old", seq)
		}
	}
	accept(0)
	refuse(0)
	accept(5) // a gap: 1..4 still welcome
	accept(3)
	refuse(3)
	refuse(5)
	accept(1)
	// Checking alone never changes the window (forged records).
	//lint:ignore SA4000 calling Check twice is the test: the first call must not change the window
	if !w.Check(2) || !w.Check(2) {
		t.Fatal("Check changed the window")
	}
	accept(100) // slides: everything at or below 36 is now too old
	refuse(36)
	accept(37)
	accept(99)
	refuse(99)
	accept(100 + 63)
	refuse(99) // 163-99 = 64: just out of the window
	accept(100 + 63 + 1000)
	refuse(163)
	accept(1162) // inside the new window, never seen
	w.Reset()
	accept(0)
	accept(1 << 47) // 48-bit DTLS sequence numbers
	refuse(0)
}
