package dtls

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// dtlsMsg returns a whole message in the unfragmented DTLS form with a
// body of n bytes counting from seed.
func dtlsMsg(typ uint8, seq uint16, n int, seed byte) []byte {
	body := make([]byte, n)
	for i := range body {
		body[i] = seed + byte(i)
	}
	out := wire.AppendDTLSHeader(nil, wire.DTLSHeader{Type: typ, Length: uint32(n), MessageSeq: seq, FragmentLength: uint32(n)})
	return append(out, body...)
}

// frag cuts the fragment [off, off+n) out of a whole message.
func frag(msg []byte, off, n int) []byte {
	h, _ := wire.ParseDTLSHeader(msg)
	return appendFragment(nil, h, msg[wire.DTLSHeaderLen:], off, n)
}

func mustAdd(t *testing.T, r *Reassembler, payload []byte) bool {
	t.Helper()
	old, err := r.Add(payload)
	if err != nil {
		t.Fatal(err)
	}
	return old
}

func expectNext(t *testing.T, r *Reassembler, want []byte) {
	t.Helper()
	got, ok := r.Next()
	if !ok {
		t.Fatal("message not complete")
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("reassembled %x\nwant %x", got, want)
	}
}

// TestReassemblyOverlapsAndDuplicates: fragments out of order,
// overlapping, repeated and split across records all give back the
// message, in its unfragmented form, exactly once.
func TestReassemblyOverlapsAndDuplicates(t *testing.T) {
	m := dtlsMsg(wire.TypeCertificate, 0, 1000, 3)
	r := NewReassembler(0, 0)
	for _, f := range [][2]int{{500, 300}, {0, 100}, {50, 100}, {500, 300}, {790, 210}} {
		mustAdd(t, r, frag(m, f[0], f[1]))
		if _, ok := r.Next(); ok {
			t.Fatal("message delivered with a gap at 150..500")
		}
	}
	// Two fragments in one record, one of them a duplicate.
	mustAdd(t, r, append(frag(m, 140, 400), frag(m, 0, 10)...))
	expectNext(t, r, m)
	if _, ok := r.Next(); ok {
		t.Fatal("message delivered twice")
	}
	if !mustAdd(t, r, frag(m, 0, 10)) {
		t.Fatal("a fragment of a delivered message is not reported as a retransmission")
	}
}

// TestReassemblyOrder: messages come out in message_seq order whatever
// order they arrive in, and the reassembler starts where it is told (a
// server after the cookie exchange starts at the ClientHello's seq).
func TestReassemblyOrder(t *testing.T) {
	r := NewReassembler(1, 0)
	msgs := [][]byte{dtlsMsg(wire.TypeClientHello, 1, 60, 0), dtlsMsg(wire.TypeCertificate, 2, 300, 1), dtlsMsg(wire.TypeServerHelloDone, 3, 0, 0)}
	mustAdd(t, r, msgs[2])
	mustAdd(t, r, msgs[1])
	if _, ok := r.Next(); ok {
		t.Fatal("delivered before message 1")
	}
	mustAdd(t, r, msgs[0])
	for _, m := range msgs {
		expectNext(t, r, m)
	}
	if r.NextSeq() != 4 || r.Pending() {
		t.Fatalf("next %d pending %v", r.NextSeq(), r.Pending())
	}
}

// TestReassemblyRandom: random fragmentations of a flight, shuffled and
// with duplicates, always reassemble to the flight.
func TestReassemblyRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 300; round++ {
		var msgs, frags [][]byte
		for i := 0; i < 1+rng.IntN(6); i++ {
			m := dtlsMsg(uint8(1+rng.IntN(20)), uint16(i), rng.IntN(3000), byte(round+i))
			msgs = append(msgs, m)
			n := len(m) - wire.DTLSHeaderLen
			for off := 0; ; {
				k := min(n-off, 1+rng.IntN(700))
				frags = append(frags, frag(m, off, k))
				// An overlapping fragment now and then.
				if rng.IntN(4) == 0 && n > 0 {
					o := rng.IntN(n)
					frags = append(frags, frag(m, o, rng.IntN(n-o+1)))
				}
				if off += k; off >= n {
					break
				}
			}
		}
		frags = append(frags, frags[:len(frags)/3]...)
		rng.Shuffle(len(frags), func(i, j int) { frags[i], frags[j] = frags[j], frags[i] })
		r := NewReassembler(0, 0)
		var got [][]byte
		for _, f := range frags {
			mustAdd(t, r, f)
			for m, ok := r.Next(); ok; m, ok = r.Next() {
				got = append(got, m)
			}
		}
		if len(got) != len(msgs) {
			t.Fatalf("round %d: %d of %d messages", round, len(got), len(msgs))
		}
		for i := range msgs {
			if !bytes.Equal(got[i], msgs[i]) {
				t.Fatalf("round %d: message %d differs", round, i)
			}
		}
	}
}

// TestReassemblyTooLarge: a fragment claiming a message over
// max_handshake_size is refused with handshake_failure before any memory
// is set aside for it, however small the fragment.
func TestReassemblyTooLarge(t *testing.T) {
	r := NewReassembler(0, 1000)
	h := wire.DTLSHeader{Type: wire.TypeCertificate, Length: 1<<24 - 1, FragmentLength: 1}
	_, err := r.Add(append(wire.AppendDTLSHeader(nil, h), 0))
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Desc != alert.HandshakeFailure {
		t.Fatalf("error %v, want handshake_failure", err)
	}
	if r.Pending() {
		t.Fatal("state kept for an oversized message")
	}
	mustAdd(t, r, frag(dtlsMsg(wire.TypeCertificate, 0, 1000, 0), 0, 10))
}

// TestReassemblyMemoryBound: messages just under the limit, one fragment
// each, in every window slot: only about twice max_handshake_size is
// held, the rest dropped.
func TestReassemblyMemoryBound(t *testing.T) {
	const max = 100000
	r := NewReassembler(0, max)
	for seq := 0; seq < reassemblyWindow; seq++ {
		h := wire.DTLSHeader{Type: wire.TypeCertificate, Length: max, MessageSeq: uint16(seq), FragmentLength: 1}
		mustAdd(t, r, append(wire.AppendDTLSHeader(nil, h), 0))
	}
	if r.held > 2*max+wire.DTLSHeaderLen*reassemblyWindow {
		t.Fatalf("%d bytes held", r.held)
	}
	if r.Discarded() != reassemblyWindow-2 {
		t.Fatalf("%d fragments discarded, want %d", r.Discarded(), reassemblyWindow-2)
	}
}

// TestReassemblyDiscards: malformed fragments, a fragment disagreeing
// with the message's first one, one beyond the window and one that would
// split the message into too many ranges are all dropped, and the message
// still completes from good fragments.
func TestReassemblyDiscards(t *testing.T) {
	m := dtlsMsg(wire.TypeCertificate, 0, 400, 9)
	r := NewReassembler(0, 0)
	mustAdd(t, r, frag(m, 0, 10))
	bad := [][]byte{
		frag(m, 20, 10)[:wire.DTLSHeaderLen+5],                 // truncated body
		frag(m, 20, 10)[:7],                                    // truncated header
		frag(dtlsMsg(wire.TypeCertificate, 0, 500, 9), 20, 10), // other length
		frag(dtlsMsg(wire.TypeFinished, 0, 400, 9), 20, 10),    // other type
		frag(dtlsMsg(1, reassemblyWindow, 10, 0), 0, 10),       // beyond the window
	}
	// fragment_offset + fragment_length > length.
	over := frag(m, 390, 10)
	over[8] = 0xff
	bad = append(bad, over)
	for i, b := range bad {
		before := r.Discarded()
		mustAdd(t, r, b)
		if r.Discarded() != before+1 {
			t.Fatalf("bad fragment %d not discarded", i)
		}
	}
	// Disjoint one-byte fragments: the range list stops at maxRanges.
	for off := 20; off < 20+2*(maxRanges+4); off += 2 {
		mustAdd(t, r, frag(m, off, 1))
	}
	if p := r.slots[0]; len(p.ranges) > maxRanges {
		t.Fatalf("%d ranges held", len(p.ranges))
	}
	mustAdd(t, r, frag(m, 0, 400))
	expectNext(t, r, m)
}

// TestReassemblySeqWraps: message_seq is 16 bits; "behind" is judged
// modulo 2^16, so a long renegotiating association keeps working.
func TestReassemblySeqWraps(t *testing.T) {
	r := NewReassembler(0xffff, 0)
	a, b := dtlsMsg(1, 0xffff, 5, 0), dtlsMsg(2, 0, 5, 0)
	mustAdd(t, r, b)
	mustAdd(t, r, a)
	expectNext(t, r, a)
	expectNext(t, r, b)
	if !mustAdd(t, r, a) {
		t.Fatal("0xffff not behind 0x0001")
	}
}

// TestReassemblerRestart: after a handshake the next one numbers its
// messages from 0 again (RFC 6347, 4.2.2): Restart forgets what is held
// and takes message_seq 0 as new, and reports where the last one ended.
func TestReassemblerRestart(t *testing.T) {
	r := NewReassembler(0, 1<<14)
	for seq := uint16(0); seq < 3; seq++ {
		mustAdd(t, r, dtlsMsg(22, seq, 10, byte(seq)))
		if _, ok := r.Next(); !ok {
			t.Fatalf("message %d not delivered", seq)
		}
	}
	mustAdd(t, r, frag(dtlsMsg(22, 4, 10, 4), 0, 5)) // held, ahead
	if next := r.Restart(); next != 3 {
		t.Fatalf("Restart: %d, want 3", next)
	}
	if r.Pending() || r.NextSeq() != 0 {
		t.Fatalf("after Restart: pending %v, next %d", r.Pending(), r.NextSeq())
	}
	if old := mustAdd(t, r, dtlsMsg(22, 0, 10, 9)); old {
		t.Fatal("message_seq 0 of the new handshake taken for a retransmission")
	}
	if m, ok := r.Next(); !ok || !bytes.Equal(m, dtlsMsg(22, 0, 10, 9)) {
		t.Fatalf("new message 0: %x %v", m, ok)
	}
}
