package dtls

import (
	"bytes"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func TestFragment(t *testing.T) {
	m := dtlsMsg(wire.TypeCertificate, 4, 1000, 1)
	frags, err := Fragment(m, 300)
	if err != nil {
		t.Fatal(err)
	}
	if len(frags) != 4 {
		t.Fatalf("%d fragments, want 4", len(frags))
	}
	r := NewReassembler(4, 0)
	for i, f := range frags {
		h, _ := wire.ParseDTLSHeader(f)
		if h.FragmentOffset != uint32(300*i) || h.Length != 1000 || h.MessageSeq != 4 || len(f) > wire.DTLSHeaderLen+300 {
			t.Fatalf("fragment %d header %+v", i, h)
		}
		mustAdd(t, r, f)
	}
	expectNext(t, r, m)

	empty := dtlsMsg(wire.TypeServerHelloDone, 0, 0, 0)
	if frags, err := Fragment(empty, 300); err != nil || len(frags) != 1 || !bytes.Equal(frags[0], empty) {
		t.Fatalf("empty message: %d fragments, %v", len(frags), err)
	}
	if _, err := Fragment(frag(m, 0, 10), 300); err == nil {
		t.Fatal("a fragment was fragmented again")
	}
	if _, err := Fragment(m, 0); err == nil {
		t.Fatal("no room accepted")
	}
}

// receiveFlight opens datagrams and reassembles their handshake messages;
// it returns the messages and how many ChangeCipherSpecs came, moving r
// to the next epoch (with p) at the ChangeCipherSpec as a driver would.
func receiveFlight(t *testing.T, dgrams [][]byte, r *Opener, ra *Reassembler, mtu int, next func() error) (msgs [][]byte, ccs int) {
	t.Helper()
	for _, d := range dgrams {
		if len(d) > mtu {
			t.Fatalf("datagram of %d bytes over the MTU %d", len(d), mtu)
		}
		eachRecord(t, r, d, func(rec Record) {
			switch rec.Type {
			case wire.TypeChangeCipherSpec:
				ccs++
				if err := next(); err != nil {
					t.Fatal(err)
				}
			case wire.TypeHandshake:
				mustAdd(t, ra, rec.Data)
				for m, ok := ra.Next(); ok; m, ok = ra.Next() {
					msgs = append(msgs, m)
				}
			}
		})
	}
	return msgs, ccs
}

// TestFlightDatagrams packs a flight that spans a key change (a
// certificate larger than the MTU, ClientKeyExchange, ChangeCipherSpec,
// Finished) into MTU-sized datagrams, at several MTUs, and checks the
// peer gets every message; a retransmission uses fresh sequence numbers
// and still opens.
func TestFlightDatagrams(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384")
	v := wire.VersionDTLS12
	for _, mtu := range []int{200, 576, 1400} {
		w, r := &Sealer{}, &Opener{}
		w.SetVersion(v)
		r.SetVersion(v)
		msgs := [][]byte{
			dtlsMsg(wire.TypeCertificate, 0, 2500, 1),
			dtlsMsg(wire.TypeClientKeyExchange, 1, 66, 2),
			dtlsMsg(wire.TypeFinished, 2, 12, 3),
		}
		var f Flight
		f.AddHandshake(0, msgs[0])
		f.AddHandshake(0, msgs[1])
		f.AddChangeCipherSpec(0)
		if err := w.NextEpoch(testProtector(t, s, v, 5)); err != nil {
			t.Fatal(err)
		}
		f.AddHandshake(1, msgs[2])
		if f.Len() != 4 {
			t.Fatalf("flight of %d", f.Len())
		}
		ra := NewReassembler(0, 0)
		for try := 0; try < 2; try++ {
			dgrams, err := f.Datagrams(w, mtu)
			if err != nil {
				t.Fatal(err)
			}
			if try == 0 {
				got, ccs := receiveFlight(t, dgrams, r, ra, mtu, func() error { return r.NextEpoch(testProtector(t, s, v, 5)) })
				if ccs != 1 || len(got) != 3 {
					t.Fatalf("mtu %d: %d messages, %d ChangeCipherSpec", mtu, len(got), ccs)
				}
				for i := range msgs {
					if !bytes.Equal(got[i], msgs[i]) {
						t.Fatalf("mtu %d: message %d differs", mtu, i)
					}
				}
				continue
			}
			// The retransmission: every record is new to the replay
			// windows of both epochs, and flagged as old handshake.
			old := false
			for _, d := range dgrams {
				eachRecord(t, r, d, func(rec Record) {
					if rec.Type == wire.TypeHandshake {
						old = mustAdd(t, ra, rec.Data) || old
					}
				})
			}
			if !old {
				t.Fatal("retransmission not recognised")
			}
		}
	}
	var f Flight
	f.AddHandshake(0, dtlsMsg(wire.TypeCertificate, 0, 100, 1))
	if _, err := f.Datagrams(&Sealer{version: v}, HeaderLen+wire.DTLSHeaderLen); err == nil {
		t.Fatal("an MTU with no room for a byte was accepted")
	}
	f.Reset()
	if f.Len() != 0 {
		t.Fatal("Reset kept messages")
	}
}

// TestTimer: 1 s, doubling at each expiry up to 60 s (RFC 6347, Section
// 4.2.4.1); kept after a lossy exchange, reset after a clean one.
func TestTimer(t *testing.T) {
	tm := NewTimer(0)
	now := time.Unix(1000, 0)
	if _, ok := tm.Deadline(); ok || tm.Expired(now.Add(time.Hour)) {
		t.Fatal("a stopped timer expired")
	}
	tm.Start(now)
	var periods []time.Duration
	for i := 0; i < 9; i++ {
		d, _ := tm.Deadline()
		if tm.Expired(d.Add(-time.Millisecond)) {
			t.Fatal("expired early")
		}
		periods = append(periods, tm.Period())
		if !tm.Expired(d) {
			t.Fatal("did not expire at the deadline")
		}
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i := range want {
		if periods[i] != want[i]*time.Second {
			t.Fatalf("periods %v", periods)
		}
	}
	tm.Stop(true)
	if tm.Period() != 60*time.Second {
		t.Fatal("backed-off period dropped after a lossy exchange")
	}
	tm.Stop(false)
	if tm.Period() != time.Second {
		t.Fatal("period not reset after a clean exchange")
	}
	tm.Start(now)
	tm.Expired(now.Add(time.Second))
	tm.Reset()
	if _, ok := tm.Deadline(); ok || tm.Period() != time.Second {
		t.Fatal("Reset did not stop and reset")
	}
	if NewTimer(5*time.Minute).Period() != 60*time.Second || NewTimer(300*time.Millisecond).Period() != 300*time.Millisecond {
		t.Fatal("initial period not honoured or not capped")
	}
}
