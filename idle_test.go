//go:build unix

package ssl

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"
)

// shortIdleTick makes the idle sweep tick every d for the rest of the
// test.
func shortIdleTick(t *testing.T, d time.Duration) {
	old := idleTick.Swap(int64(d))
	t.Cleanup(func() { idleTick.Store(old) })
}

// checkReleased fails unless s holds no record buffer and no cipher
// state in either direction (a reader waiting in Recv is parked in the
// poller, where the record reader can be looked at).
func checkReleased(t *testing.T, name string, s *Socket) {
	t.Helper()
	s.out.Lock()
	w := s.wr.Released()
	s.out.Unlock()
	var r bool
	if s.in.TryLock() {
		r = s.rd.Released()
		s.in.Unlock()
	} else {
		r = s.rd.ReleasedWaiting() // in Recv, parked in the poller
	}
	if !w || !r {
		t.Errorf("%s released, but still holds state: writer released %v, reader released %v", name, w, r)
	}
}

// TestReleaseIdle: an idle connection gives back its ciphers' state and
// buffers, on both ends (the server's reader waiting in Recv, the
// client's in nobody's hands), and carries traffic again afterwards;
// traffic restarts the count; a negative ReleaseIdleAfter never releases.
func TestReleaseIdle(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		t.Run(string(v), func(t *testing.T) {
			checkGoroutines(t)
			// Three ticks: a stall of the test shorter than 60 ms
			// cannot release a connection that just carried traffic.
			shortIdleTick(t, 20*time.Millisecond)
			so, co := modelOpts(t)
			so.Versions, co.Versions = []Version{v}, []Version{v}
			so.ReleaseIdleAfter, co.ReleaseIdleAfter = 60*time.Millisecond, 60*time.Millisecond
			c, s := pair(t, so, co)
			go echoRecv(s)
			for round := range 3 {
				echoRound(t, c, round)
				if idleReleased(c) || idleReleased(s) {
					t.Fatalf("round %d: traffic did not restart the idle count", round)
				}
				deadline := time.Now().Add(5 * time.Second)
				for !idleReleased(c) || !idleReleased(s) {
					if time.Now().After(deadline) {
						t.Fatalf("round %d: not released after 5 s: client %d, server %d ticks",
							round, c.idleTicks.Load(), s.idleTicks.Load())
					}
					time.Sleep(5 * time.Millisecond)
				}
				checkReleased(t, "client", c)
				checkReleased(t, "server", s)
			}

			so.ReleaseIdleAfter, co.ReleaseIdleAfter = -1, -1
			c2, s2 := pair(t, so, co)
			go echoRecv(s2)
			if err := c2.Send([]byte("x")); err != nil {
				t.Fatal(err)
			}
			if _, err := c2.Recv(1, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond) // five ticks
			if c2.idleTicks.Load() != 0 || s2.idleTicks.Load() != 0 {
				t.Errorf("ReleaseIdleAfter -1: idle ticks counted (client %d, server %d)",
					c2.idleTicks.Load(), s2.idleTicks.Load())
			}
		})
	}
}

// echoRound sends a message on c and checks that the peer (echoRecv)
// sends it back.
func echoRound(t *testing.T, c *Socket, round int) {
	t.Helper()
	msg := fmt.Appendf(nil, "round %d", round)
	if err := c.Send(msg); err != nil {
		t.Fatal(err)
	}
	got, err := c.Recv(len(msg), 5*time.Second)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("round %d: %q, %v", round, got, err)
	}
}

// echoRecv sends back what s receives until it fails.
func echoRecv(s *Socket) {
	for {
		b, err := s.Recv(0, 0)
		if err != nil {
			return
		}
		if err := s.Send(b); err != nil {
			return
		}
	}
}

// TestReleaseIdleUnderTraffic releases as often as it can (every
// millisecond tick) while bursts of traffic with short pauses go both
// ways, and checks every byte: the release must only ever take state
// nobody is using (run with -race).
func TestReleaseIdleUnderTraffic(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		t.Run(string(v), func(t *testing.T) {
			checkGoroutines(t)
			shortIdleTick(t, time.Millisecond)
			so, co := modelOpts(t)
			so.Versions, co.Versions = []Version{v}, []Version{v}
			so.ReleaseIdleAfter, co.ReleaseIdleAfter = time.Nanosecond, time.Nanosecond
			c, s := pair(t, so, co)
			go echoRecv(s)
			before := idleReleases.Load()
			rng := rand.New(rand.NewPCG(1, 2))
			end := time.Now().Add(time.Second)
			for i := 0; i < 400 && time.Now().Before(end); i++ {
				msg := make([]byte, 1+rng.IntN(40000))
				for j := range msg {
					msg[j] = byte(i + j)
				}
				if err := c.Send(msg); err != nil {
					t.Fatal(err)
				}
				got, err := c.Recv(len(msg), 5*time.Second)
				if err != nil || !bytes.Equal(got, msg) {
					t.Fatalf("message %d (%d bytes): %d bytes back, %v", i, len(msg), len(got), err)
				}
				time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
			}
			if idleReleases.Load() == before {
				t.Error("no release happened between the bursts")
			}
			// And once the traffic stops, both ends end up released.
			deadline := time.Now().Add(5 * time.Second)
			for !idleReleased(c) || !idleReleased(s) {
				if time.Now().After(deadline) {
					t.Fatal("not released after the traffic stopped")
				}
				time.Sleep(time.Millisecond)
			}
			checkReleased(t, "client", c)
			checkReleased(t, "server", s)
		})
	}
}

// TestCloseDuringIdleSweep closes connections while the sweep releases
// them as fast as it can: Close must still send close_notify (the peer's
// Read ends with io.EOF, not with a truncation), though the sweep may
// hold the write lock at that moment.
func TestCloseDuringIdleSweep(t *testing.T) {
	checkGoroutines(t)
	shortIdleTick(t, 50*time.Microsecond)
	so, co := modelOpts(t)
	so.ReleaseIdleAfter, co.ReleaseIdleAfter = time.Nanosecond, time.Nanosecond
	// The sweep holds the write lock a while each time.
	hold := func() { time.Sleep(100 * time.Microsecond) }
	testHookIdleHold.Store(&hold)
	t.Cleanup(func() { testHookIdleHold.Store(nil) })
	rng := rand.New(rand.NewPCG(3, 4))
	n := 60
	if testing.Short() {
		n = 10
	}
	for i := range n {
		c, s := pair(t, so, co)
		if err := c.Send([]byte("x")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 8)
		if _, err := s.Read(buf); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Microsecond)
		c.Close()
		s.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := s.Read(buf); err != io.EOF {
			t.Fatalf("connection %d: the server's Read after the client's Close: %v, want io.EOF (close_notify)", i, err)
		}
		s.Close()
	}
}

// TestHandshakeWithIdleOptions: HandshakeWith's extra options decide
// hibernation and the idle release, as Listen's own would.
func TestHandshakeWithIdleOptions(t *testing.T) {
	so, co := modelOpts(t)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	for _, tc := range []struct {
		name    string
		extra   *Options
		hib     bool
		release bool
	}{
		{"none", &Options{}, false, true},
		{"hibernate_after", &Options{HibernateAfter: 20 * time.Millisecond}, true, true},
		{"release off", &Options{ReleaseIdleAfter: -1}, false, false},
	} {
		ch := make(chan *Socket, 1)
		go func() {
			s, err := ls.TransportAccept(10 * time.Second)
			if err == nil && s.HandshakeWith(tc.extra, 10*time.Second) != nil {
				s.Close()
				s = nil
			}
			ch <- s
		}()
		c, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		s := <-ch
		if s == nil {
			c.Close()
			t.Fatalf("%s: server handshake failed", tc.name)
		}
		if s.tls.idleFine != tc.hib || (s.tls.idleNeed != 0) != tc.release {
			t.Errorf("%s: hibernation %v, idle release %v; want %v, %v", tc.name, s.tls.idleFine, s.tls.idleNeed != 0, tc.hib, tc.release)
		}
		c.Close()
		s.Close()
	}
}

// opaqueConn hides the TCP connection under it: the record reader then
// reads through io.Reader, as on any custom transport.
type opaqueConn struct{ net.Conn }

// TestHibernateOpaqueTransport: hibernation on a transport the record
// reader cannot wait on without a buffer (it waits for one byte first).
func TestHibernateOpaqueTransport(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		t.Run(string(v), func(t *testing.T) { testHibernateOpaqueTransport(t, v) })
	}
}

func testHibernateOpaqueTransport(t *testing.T, v Version) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	so.Versions, co.Versions = []Version{v}, []Version{v}
	so.HibernateAfter, co.HibernateAfter = 20*time.Millisecond, 20*time.Millisecond
	c, s := opaquePair(t, so, co)
	if s.rd.Raw() {
		t.Fatal("the opaque transport is read through a RawConn")
	}
	go echoRecv(s)
	for round := range 3 {
		echoRound(t, c, round)
		waitIdleReleased(t, round, s, c)
		// The server's reader waits for a byte outside the record
		// reader, which the release gave back whole (buffer and, under
		// TLS 1.3, cipher state).
		s.rdWait.mu.Lock()
		waiting, released := s.rdWait.waiting, s.rd.Released()
		s.rdWait.mu.Unlock()
		if !waiting || !released {
			t.Fatalf("round %d: the server's reader waiting %v, released %v", round, waiting, released)
		}
	}
}

// TestReleaseAfterRecordDuringWait: a socket released while its reader
// waits takes a buffer and cipher back when the record arrives; the
// record counts as traffic, so the sweep releases the socket again once
// it idles, though nothing reads or sends after it (the unread rest of
// the record is kept aside).
func TestReleaseAfterRecordDuringWait(t *testing.T) {
	for _, opaque := range []bool{false, true} {
		t.Run(fmt.Sprintf("opaque=%v", opaque), func(t *testing.T) {
			checkGoroutines(t)
			so, co := modelOpts(t)
			so.Versions, co.Versions = []Version{TLSv1_3}, []Version{TLSv1_3}
			so.HibernateAfter, co.HibernateAfter = 20*time.Millisecond, 20*time.Millisecond
			var c, s *Socket
			if opaque {
				c, s = opaquePair(t, so, co)
			} else {
				c, s = pair(t, so, co)
			}
			got := make(chan error, 1)
			go func() {
				buf := make([]byte, 10)
				_, err := s.Read(buf) // waits; the rest of the record stays pending
				got <- err
			}()
			waitIdleReleased(t, 0, s)
			if _, err := c.Write(bytes.Repeat([]byte{'x'}, 16000)); err != nil {
				t.Fatal(err)
			}
			if err := <-got; err != nil {
				t.Fatal(err)
			}
			waitIdleReleased(t, 1, s)
			s.in.Lock()
			released, pending := s.rd.Released(), len(s.in.pending)
			s.in.Unlock()
			if !released || pending != 15990 {
				t.Fatalf("after the record: reader released %v, %d bytes pending (want true, 15990)", released, pending)
			}
		})
	}
}

// opaquePair is pair over a TCP connection hidden in opaqueConn.
func opaquePair(t *testing.T, so, co *Options) (c, s *Socket) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ch := make(chan *Socket, 1)
	go func() {
		rs, err := ln.Accept()
		if err != nil {
			ch <- nil
			return
		}
		s, err := HandshakeConn(opaqueConn{rs}, so, 10*time.Second)
		if err != nil {
			rs.Close()
		}
		ch <- s
	}()
	rc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c, err = ConnectConn(opaqueConn{rc}, co, 10*time.Second)
	if err != nil {
		rc.Close()
		t.Fatal(err)
	}
	if s = <-ch; s == nil {
		c.Close()
		t.Fatal("server handshake failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c, s
}
