package ssl

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// TestDTLSRenegotiationDataDuringHandshake: the peer streams application
// data while a renegotiation runs (one Renegotiate started by each
// side); every message arrives once, in order, one per Recv: what
// Renegotiate read while it waited is kept for Recv as records, not
// joined.
func TestDTLSRenegotiationDataDuringHandshake(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, "dtls")
	c, s := pair(t, so, co)
	defer c.Close()
	defer s.Close()
	const n = 40
	for _, d := range []struct{ initiator, streamer *Socket }{{c, s}, {s, c}} {
		before := infoValue(t, d.initiator, "client_random").(string)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				d.streamer.Send([]byte(fmt.Sprintf("%s message %d", d.streamer.role, i)))
				time.Sleep(time.Millisecond)
			}
		}()
		// The streamer's side of the renegotiation runs as it reads.
		streamerRead := make(chan error, 1)
		go func() {
			_, err := d.streamer.Recv(0, 10*time.Second)
			streamerRead <- err
		}()
		if err := d.initiator.Renegotiate(); err != nil {
			t.Fatalf("%s Renegotiate: %v", d.initiator.role, err)
		}
		wg.Wait()
		renegotiated(t, d.initiator, before)
		for i := range n {
			want := fmt.Sprintf("%s message %d", d.streamer.role, i)
			if got, err := d.initiator.Recv(0, 10*time.Second); err != nil || string(got) != want {
				t.Fatalf("%s: Recv %q %v, want %q", d.initiator.role, got, err, want)
			}
		}
		if err := d.initiator.Send([]byte("done")); err != nil {
			t.Fatal(err)
		}
		if err := <-streamerRead; err != nil {
			t.Fatalf("%s's reader: %v", d.streamer.role, err)
		}
	}
}

// TestDTLSRenegotiationDataBeforeFinished: a network that delays the
// records of the new epoch's handshake (the peer's Finished) behind the
// datagrams after them: the application data of the new epoch that
// arrives between the peer's ChangeCipherSpec and its Finished is held
// and delivered after the Finished, not refused (TLS refuses it: TCP
// does not reorder) nor lost.
func TestDTLSRenegotiationDataBeforeFinished(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	var armed atomic.Bool
	var delayed atomic.Int32
	delayFinished := func() func([]byte) [][]byte {
		var mu sync.Mutex
		var late [][]byte
		return func(d []byte) [][]byte {
			mu.Lock()
			defer mu.Unlock()
			var now [][]byte
			held := false
			for _, r := range dtlsRecords(d) {
				h, _ := dtls.ParseHeader(r)
				if armed.Load() && h.Epoch >= 2 && h.Type == wire.TypeHandshake {
					late = append(late, r)
					held = true
					delayed.Add(1)
				} else {
					now = append(now, r)
				}
			}
			if !held && len(late) > 0 {
				now = append(now, late...) // after this datagram
				late = nil
			}
			return now
		}
	}
	so, co := dtlsServerOpts(p, "ecdsa", 0), dtlsClientOpts(p, 0)
	so.DTLSRetransmitTimeout, co.DTLSRetransmitTimeout = time.Minute, time.Minute
	c, s := relayedPair(t, so, co, nil, delayFinished())
	armed.Store(true)
	// The server renegotiates and sends at once: its Finished comes
	// after its data.
	done := echoUntilClosed(c)
	if err := s.Renegotiate(); err != nil {
		t.Fatalf("Renegotiate: %v", err)
	}
	dtlsEchoCheck(t, s, "new epoch", 3)
	if delayed.Load() == 0 {
		t.Fatal("no Finished was delayed: the case was not exercised")
	}
	s.Close()
	<-done
}

// TestDTLSRenegotiationServerCertChanged: as in TLS, a server that
// presents another certificate in a renegotiation (sni_fun chooses it
// again for each ClientHello) is refused by the client with
// illegal_parameter, although the new certificate verifies too.
func TestDTLSRenegotiationServerCertChanged(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	so := dtlsServerOpts(p, "ecdsa", 0)
	var calls atomic.Int32
	so.SNIFun = func(string) *Options {
		if calls.Add(1) == 1 {
			return nil
		}
		return &Options{CertFile: p.CertFile("rsa"), KeyFile: p.KeyFile("rsa")}
	}
	c, s := pair(t, so, dtlsClientOpts(p, 0))
	defer c.Close()
	defer s.Close()
	done := echoUntilClosed(s)
	err := c.Renegotiate()
	if !errors.Is(err, NewAlert("illegal_parameter")) || !strings.Contains(err.Error(), "certificate changed") {
		t.Fatalf("Renegotiate with a new server certificate: %v", err)
	}
	if calls.Load() != 2 {
		t.Fatalf("sni_fun called %d times", calls.Load())
	}
	<-done
}

// TestDTLSRenegotiationDropsPreviousEpoch: after a renegotiation the
// previous epoch stays readable for dtlsPrevEpochKeep (the peer's data
// still in flight is delivered), then its keys are dropped and its
// records discarded.
func TestDTLSRenegotiationDropsPreviousEpoch(t *testing.T) {
	checkGoroutines(t)
	keep := dtlsPrevEpochKeep
	dtlsPrevEpochKeep = 2 * time.Second
	defer func() { dtlsPrevEpochKeep = keep }()
	so, co := modelOptsFor(t, "dtls")
	c, s := pair(t, so, co)
	defer c.Close()
	defer s.Close()
	renegWithEcho(t, c, s, 1, nil)
	// Records the client sealed in the previous epoch, still in flight.
	cd := c.dtls()
	prev := cd.w.Epoch() - 1
	var late [2][]byte
	cd.wmu.Lock()
	for i, m := range []string{"late", "too late"} {
		r, err := cd.w.Seal(make([]byte, 0, 256), prev, wire.TypeApplicationData, []byte(m))
		if err != nil {
			cd.wmu.Unlock()
			t.Fatal(err)
		}
		late[i] = r
	}
	cd.wmu.Unlock()
	// Delivered while the epoch is kept.
	if err := cd.writeDatagram(late[0]); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Recv(0, 5*time.Second); err != nil || string(got) != "late" {
		t.Fatalf("previous epoch's data: %q %v", got, err)
	}
	time.Sleep(2200 * time.Millisecond)
	exchange(t, c, s, "current") // the server reads, and drops the epoch
	if err := cd.writeDatagram(late[1]); err != nil {
		t.Fatal(err)
	}
	if err := c.Send([]byte("current again")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Recv(0, 5*time.Second); err != nil || string(got) != "current again" {
		t.Fatalf("after the previous epoch's keys are gone: %q %v (want its record discarded)", got, err)
	}
}

// TestDTLSRenegotiationActive: a socket in active mode renegotiates: its
// reader goroutine drives the handshake, for the peer's HelloRequest and
// for its own Renegotiate (which waits while that reader holds the
// input), and the data after arrives as messages.
func TestDTLSRenegotiationActive(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, "dtls")
	co.Active = true
	c, s := pair(t, so, co)
	defer c.Close()
	defer s.Close()
	expect := func(want string) {
		t.Helper()
		m, ok := recvMsg(t, c.Messages()).(SSLData)
		if !ok || string(m.Data) != want {
			t.Fatalf("active message %#v, want %q", m, want)
		}
	}
	before := infoValue(t, c, "client_random").(string)
	// The server asks.
	if err := s.Renegotiate(); err != nil {
		t.Fatalf("server Renegotiate: %v", err)
	}
	s.Send([]byte("after the server's"))
	expect("after the server's") // the client has the server's Finished
	before = renegotiated(t, c, before)
	// The active client renegotiates itself; the server reads.
	srvRead := make(chan error, 1)
	go func() {
		b, err := s.Recv(0, 10*time.Second)
		if err == nil && string(b) != "ping" {
			err = fmt.Errorf("got %q", b)
		}
		srvRead <- err
	}()
	if err := c.Renegotiate(); err != nil {
		t.Fatalf("active client Renegotiate: %v", err)
	}
	renegotiated(t, c, before)
	c.Send([]byte("ping"))
	if err := <-srvRead; err != nil {
		t.Fatal(err)
	}
	s.Send([]byte("after the client's"))
	expect("after the client's")
}

// TestRenegotiateKeepsPartlyReadRecord: over TLS, a record a Read left
// partly unread (pending, in the record reader's buffer) is copied when
// Renegotiate reads on, and comes before the data read meanwhile. A
// version of the DTLS change kept the reader's buffer itself, which the
// next record overwrote.
func TestRenegotiateKeepsPartlyReadRecord(t *testing.T) {
	checkGoroutines(t)
	p := testpeers.NewPKI(t)
	c, s := pair12(t, p, opts12(clientOpts(p)))
	a, b := strings.Repeat("A", 1000), strings.Repeat("B", 1000)
	srv := make(chan error, 1)
	go func() {
		s.Send([]byte(a))
		s.Send([]byte(b))
		_, err := s.Recv(0, 10*time.Second) // drives the server's side
		srv <- err
	}()
	buf := make([]byte, 10)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	if err := c.Renegotiate(); err != nil {
		t.Fatalf("Renegotiate: %v", err)
	}
	rest := make([]byte, 1990)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(c, rest); err != nil {
		t.Fatal(err)
	}
	if got := string(buf) + string(rest); got != a+b {
		t.Fatalf("data around the renegotiation changed: %q...", got[:40])
	}
	c.Send([]byte("x"))
	if err := <-srv; err != nil {
		t.Fatal(err)
	}
}
