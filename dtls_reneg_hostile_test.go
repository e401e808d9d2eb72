package ssl

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// injectRecord sends, from from's association, one record of type typ
// sealed in epoch (0: plaintext; the previous or the current epoch).
func injectRecord(t *testing.T, from *Socket, epoch uint16, typ uint8, data []byte) {
	t.Helper()
	c := from.dtls()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	rec, err := c.w.Seal(make([]byte, 0, 2048), epoch, typ, data)
	if err != nil {
		t.Fatalf("seal: %v", err)
	}
	if err := c.writeDatagram(rec); err != nil {
		t.Fatal(err)
	}
}

// renegRunning reports whether s has a renegotiation running or asked.
func renegRunning(s *Socket) bool {
	s.reneg.mu.Lock()
	defer s.reneg.mu.Unlock()
	return s.reneg.machine != nil || s.reneg.requested
}

// exchange checks data flows both ways between a and b, each reading
// what the other sent (which also has each handle what came before it).
func exchange(t *testing.T, a, b *Socket, tag string) {
	t.Helper()
	for _, d := range []struct{ from, to *Socket }{{a, b}, {b, a}} {
		if err := d.from.Send([]byte(tag)); err != nil {
			t.Fatalf("%s: Send: %v", tag, err)
		}
		if got, err := d.to.Recv(0, 10*time.Second); err != nil || string(got) != tag {
			t.Fatalf("%s: Recv %q %v", tag, got, err)
		}
	}
}

// TestDTLSRenegotiationPlaintextInjection: after the handshake, a
// HelloRequest (to the client) or a ClientHello (to the server) in the
// plaintext epoch 0, which anyone on the path can send, starts no
// renegotiation and gets no answer, whatever its message_seq; the
// association goes on, and a real renegotiation after it works.
func TestDTLSRenegotiationPlaintextInjection(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, "dtls")
	var slogS, slogC lockedBuffer
	so.Logger = slog.New(slog.NewTextHandler(&slogS, nil))
	co.Logger = slog.New(slog.NewTextHandler(&slogC, nil))
	c, s := pair(t, so, co)
	defer c.Close()
	defer s.Close()
	for _, d := range []struct {
		name     string
		from, to *Socket
		typ      uint8
		body     []byte
	}{
		{"HelloRequest", s, c, wire.TypeHelloRequest, nil},
		{"ClientHello", c, s, wire.TypeClientHello, []byte{0xfe, 0xfd}},
	} {
		for _, seq := range []uint16{0, 1, d.to.dtls().ra.NextSeq(), d.to.dtls().rn.lastNext} {
			injectRecord(t, d.from, 0, wire.TypeHandshake, dtlsHandshakeMsg(d.typ, seq, d.body))
			exchange(t, d.from, d.to, d.name)
			if renegRunning(d.to) || renegRunning(d.from) {
				t.Fatalf("%s in epoch 0 (message_seq %d) started a renegotiation", d.name, seq)
			}
		}
	}
	for _, l := range []*lockedBuffer{&slogS, &slogC} {
		if strings.Contains(strings.Join(l.lines(), "\n"), "no_renegotiation") {
			t.Fatalf("a plaintext message was answered:\n%s", strings.Join(l.lines(), "\n"))
		}
	}
	renegWithEcho(t, c, s, 1, nil)
}

// TestDTLSRenegotiationRefusals: DTLS renegotiation obeys TLS's options
// and limits. A server with client_renegotiation false refuses the
// client's (no_renegotiation: ErrRenegotiationRejected) but renegotiates
// itself; a client may renegotiate clientRenegLimit times a minute, and
// is refused after; a connection without RFC 5746 is not renegotiated
// by either side while secure_renegotiate is true. The association goes
// on after each refusal.
func TestDTLSRenegotiationRefusals(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	newPair := func(t *testing.T, set func(so *Options)) (*Socket, *Socket) {
		so, co := dtlsServerOpts(p, "ecdsa", 0), dtlsClientOpts(p, 0)
		if set != nil {
			set(so)
		}
		c, s := pair(t, so, co)
		t.Cleanup(func() { c.Close(); s.Close() })
		return c, s
	}
	t.Run("client_renegotiation false", func(t *testing.T) {
		c, s := newPair(t, func(so *Options) { so.ClientRenegotiation = Bool(false) })
		renegWithEcho(t, c, s, 1, ErrRenegotiationRejected)
		renegWithEcho(t, s, c, 1, nil)
	})
	t.Run("limit", func(t *testing.T) {
		c, s := newPair(t, nil)
		renegWithEcho(t, c, s, clientRenegLimit, nil)
		renegWithEcho(t, c, s, 3, ErrRenegotiationRejected)
	})
	t.Run("no RFC 5746", func(t *testing.T) {
		c, s := newPair(t, nil)
		for _, x := range []*Socket{c, s} {
			x.reneg.mu.Lock()
			info := *x.info
			info.SecureRenegotiation = false
			x.info = &info
			x.reneg.mu.Unlock()
		}
		for _, x := range []*Socket{c, s} {
			if err := x.Renegotiate(); err == nil || !strings.Contains(err.Error(), "RFC 5746") {
				t.Fatalf("%s Renegotiate without RFC 5746: %v", x.role, err)
			}
		}
		// The peer asks anyway: refused with no_renegotiation.
		c.reneg.mu.Lock()
		c.info.SecureRenegotiation = true // c believes; s does not
		c.reneg.mu.Unlock()
		renegWithEcho(t, c, s, 1, ErrRenegotiationRejected)
	})
}

// TestDTLSRenegotiationBadMessageSeq: a handshake message of the
// current epoch that goes on numbering the handshake that ended
// (message_seq at or past the peer's next) is unexpected_message, as in
// TLS, and starts nothing (BoGo's DTLS12-SendExtraFinished); one behind
// it is a retransmission and starts nothing either. A copy of the peer's
// Finished of the last handshake, which a network may duplicate, is a
// retransmission, not a message of the next handshake, which then
// completes: before, the client kept it and took it for the
// renegotiation's Finished at the same message_seq (a server-initiated
// renegotiation numbers from 1, so its Finished lands where the first
// one was).
func TestDTLSRenegotiationBadMessageSeq(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, "dtls")
	for _, ahead := range []uint16{0, 1, 300} {
		c, s := pair(t, so, co)
		seq := s.dtls().rn.lastNext + ahead
		if err := c.dtls().WriteRecord(wire.TypeHandshake, dtlsHandshakeMsg(wire.TypeClientHello, seq, []byte{0xfe, 0xfd})); err != nil {
			t.Fatal(err)
		}
		var a *Alert
		if _, err := s.Recv(0, 10*time.Second); !errors.As(err, &a) || a.Description != "unexpected_message" {
			t.Errorf("a ClientHello with message_seq %d after a handshake that ended at %d: %v, want unexpected_message", seq, seq-ahead, err)
		}
		if renegRunning(s) {
			t.Errorf("a message with message_seq %d started a renegotiation", seq)
		}
		c.Close()
		s.Close()
	}
	c, s := pair(t, so, co)
	defer c.Close()
	defer s.Close()
	for _, seq := range []uint16{1, 3} {
		if seq >= s.dtls().rn.lastNext || seq+1 >= c.dtls().rn.lastNext {
			continue
		}
		if err := c.dtls().WriteRecord(wire.TypeHandshake, dtlsHandshakeMsg(wire.TypeClientHello, seq, []byte{0xfe, 0xfd})); err != nil {
			t.Fatal(err)
		}
		if err := s.dtls().WriteRecord(wire.TypeHandshake, dtlsHandshakeMsg(wire.TypeHelloRequest, seq+1, nil)); err != nil {
			t.Fatal(err)
		}
		exchange(t, c, s, "behind")
		if renegRunning(c) || renegRunning(s) {
			t.Fatalf("a message with message_seq %d started a renegotiation", seq)
		}
	}
	last := c.dtls().rn.lastNext - 1
	// The server's Finished again, in the epoch it came in.
	if err := s.dtls().WriteRecord(wire.TypeHandshake, dtlsHandshakeMsg(wire.TypeFinished, last, make([]byte, 12))); err != nil {
		t.Fatal(err)
	}
	exchange(t, c, s, "stale Finished")
	renegWithEcho(t, s, c, 2, nil)
}

// dtlsRelay relays datagrams from one end of a pipe to another, each
// through filter (nil: unchanged), which returns what to send instead.
// Like a network it never blocks the sender: datagrams wait in a queue
// the receiver drains when it reads, and are dropped when it is full.
func dtlsRelay(from, to net.Conn, filter func([]byte) [][]byte) {
	q := make(chan []byte, 256)
	go func() {
		defer to.Close()
		for d := range q {
			if _, err := to.Write(d); err != nil {
				for range q {
				}
				return
			}
		}
	}()
	defer close(q)
	buf := make([]byte, 1<<16)
	for {
		n, err := from.Read(buf)
		if err != nil {
			return
		}
		out := [][]byte{append([]byte(nil), buf[:n]...)}
		if filter != nil {
			out = filter(out[0])
		}
		for _, d := range out {
			select {
			case q <- d:
			default:
			}
		}
	}
}

// relayedPair is a DTLS pair over pipes through dtlsRelay, with c2s and
// s2c filtering each direction.
func relayedPair(t *testing.T, so, co *Options, c2s, s2c func([]byte) [][]byte) (c, s *Socket) {
	t.Helper()
	cc, proxyC := net.Pipe()
	sc, proxyS := net.Pipe()
	go dtlsRelay(proxyC, proxyS, c2s)
	go dtlsRelay(proxyS, proxyC, s2c)
	type res struct {
		s   *Socket
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := HandshakeConn(sc, so, 10*time.Second)
		if err != nil {
			sc.Close()
		}
		ch <- res{s, err}
	}()
	c, err := ConnectConn(cc, co, 10*time.Second)
	if err != nil {
		t.Fatalf("ConnectConn: %v (server: %v)", err, (<-ch).err)
	}
	r := <-ch
	if r.err != nil {
		t.Fatalf("server: %v", r.err)
	}
	t.Cleanup(func() { c.Close(); r.s.Close() })
	return c, r.s
}

// dtlsRecords cuts a datagram into its records (a malformed tail is
// dropped).
func dtlsRecords(d []byte) [][]byte {
	var recs [][]byte
	for len(d) >= dtls.HeaderLen {
		h, ok := dtls.ParseHeader(d)
		end := dtls.HeaderLen + int(h.Length)
		if !ok || end > len(d) {
			break
		}
		recs = append(recs, d[:end])
		d = d[end:]
	}
	return recs
}

// renegDatagram reports whether d holds a record of a renegotiation (a
// handshake or change_cipher_spec record in an epoch past 0).
func renegDatagram(d []byte) bool {
	for len(d) >= dtls.HeaderLen {
		h, ok := dtls.ParseHeader(d)
		if !ok {
			return false
		}
		if h.Epoch > 0 && (h.Type == wire.TypeHandshake || h.Type == wire.TypeChangeCipherSpec) {
			return true
		}
		d = d[min(len(d), dtls.HeaderLen+int(h.Length)):]
	}
	return false
}

// TestDTLSRenegotiationLossAndReordering: renegotiations, by the client
// and by the server, over a network that reverses the records of each
// datagram (the Finished of the new epoch overtakes the
// ChangeCipherSpec, which overtakes the messages before it) and one that
// also loses a third of the datagrams of the renegotiations (the flights go
// out again on the retransmission timer). Every message sent around them
// arrives, in order.
func TestDTLSRenegotiationLossAndReordering(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	reverse := func(d []byte) [][]byte {
		recs := dtlsRecords(d)
		slices.Reverse(recs)
		return recs
	}
	var armed atomic.Bool // loss starts after the first handshake
	lossy := func() func([]byte) [][]byte {
		var mu sync.Mutex
		rnd := rand.New(rand.NewPCG(1, 2))
		return func(d []byte) [][]byte {
			if !armed.Load() || !renegDatagram(d) {
				return reverse(d)
			}
			mu.Lock()
			defer mu.Unlock()
			// A third of them, at random: a fixed pattern (every other
			// one) would hit the same datagrams of each retransmission.
			if rnd.IntN(3) == 0 {
				return nil
			}
			return reverse(d)
		}
	}
	for _, tc := range []struct {
		name     string
		c2s, s2c func([]byte) [][]byte
	}{
		{"reordered", reverse, reverse},
		{"lossy", lossy(), lossy()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			so, co := dtlsServerOpts(p, "ecdsa", 600), dtlsClientOpts(p, 600)
			so.DTLSRetransmitTimeout, co.DTLSRetransmitTimeout = 50*time.Millisecond, 50*time.Millisecond
			armed.Store(false)
			c, s := relayedPair(t, so, co, tc.c2s, tc.s2c)
			armed.Store(true)
			renegWithEcho(t, c, s, 2, nil)
			renegWithEcho(t, s, c, 2, nil)
		})
	}
}

// TestDTLSRenegotiationPeerNeverFinishes: a renegotiation the peer never
// answers is bounded by the handshake timeout on both sides: the
// initiator's Renegotiate returns ErrTimeout, and the side that answered
// a ClientHello stops resending its flight and drops the renegotiation.
// Nothing leaks.
func TestDTLSRenegotiationPeerNeverFinishes(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	var cut atomic.Bool
	var resent atomic.Int32
	c2s := func(d []byte) [][]byte { return [][]byte{d} }
	s2c := func(d []byte) [][]byte {
		if cut.Load() {
			if renegDatagram(d) {
				resent.Add(1)
			}
			return nil
		}
		return [][]byte{d}
	}
	so, co := dtlsServerOpts(p, "ecdsa", 0), dtlsClientOpts(p, 0)
	so.DTLSRetransmitTimeout, co.DTLSRetransmitTimeout = 50*time.Millisecond, 50*time.Millisecond
	c, s := relayedPair(t, so, co, c2s, s2c)
	c.hsTimeout, s.hsTimeout = 500*time.Millisecond, 800*time.Millisecond
	srvErr := make(chan error, 1)
	go func() {
		_, err := s.Recv(0, 5*time.Second)
		srvErr <- err
	}()
	cut.Store(true)
	start := time.Now()
	if err := c.Renegotiate(); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Renegotiate with a silent peer: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Renegotiate took %v", d)
	}
	deadline := time.Now().Add(5 * time.Second)
	for renegRunning(s) {
		if time.Now().After(deadline) {
			t.Fatal("the server's renegotiation still runs past its timeout")
		}
		time.Sleep(20 * time.Millisecond)
	}
	n := resent.Load()
	time.Sleep(300 * time.Millisecond)
	if resent.Load() != n || n < 2 {
		t.Fatalf("the server resent its flight %d times, then %d more", n, resent.Load()-n)
	}
	c.Close()
	<-srvErr
}
