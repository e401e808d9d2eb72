package ssl

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// stream writes n writes of pseudo-random sizes (up to 20,000 bytes) and
// contents to w, one after another, and returns the SHA-256 of all of it.
func stream(t *testing.T, w io.Writer, n int, seed uint64) [32]byte {
	t.Helper()
	sum, err := streamErr(w, n, seed)
	if err != nil {
		t.Error(err)
	}
	return sum
}

// streamErr is stream for a goroutine other than the test's.
func streamErr(w io.Writer, n int, seed uint64) ([32]byte, error) {
	r := rand.New(rand.NewPCG(seed, seed))
	h := sha256.New()
	buf := make([]byte, 20000)
	for i := 0; i < n; i++ {
		m := 1 + r.IntN(len(buf))
		if i%3 == 0 {
			m = 1 + r.IntN(200) // small writes, which share system calls
		}
		for j := range buf[:m] {
			buf[j] = byte(r.Uint32())
		}
		if _, err := w.Write(buf[:m]); err != nil {
			return [32]byte{}, fmt.Errorf("write %d: %w", i, err)
		}
		h.Write(buf[:m])
	}
	return [32]byte(h.Sum(nil)), nil
}

// delayPair is pair with delay_send on the client, after edit (if any)
// has changed both ends' options.
func delayPair(t *testing.T, edit func(so, co *Options)) (c, s *Socket) {
	t.Helper()
	so, co := modelOpts(t)
	co.DelaySend = true
	if edit != nil {
		edit(so, co)
	}
	return pair(t, so, co)
}

// sendPend returns c's send_pend.
func sendPend(c *Socket) uint64 {
	st, err := c.Getstat("send_pend")
	if err != nil {
		return 0
	}
	return st[0].Value
}

// waitPend waits up to ten seconds until ok(send_pend) holds.
func waitPend(t *testing.T, c *Socket, what string, ok func(uint64) bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(sendPend(c)); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("send_pend %d: %s", sendPend(c), what)
		}
	}
}

// drainHash reads r to its end and returns the SHA-256 of what it read.
func drainHash(r io.Reader) ([32]byte, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return [32]byte(h.Sum(nil)), n, err
}

// TestDelaySend: with delay_send, everything written arrives in order,
// followed by close_notify, in both versions and with it set on either
// end; the writes share system calls; send_pend drains to 0; and turning
// it off and on with Setopts in the middle of the stream loses nothing.
func TestDelaySend(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		for _, toggle := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/toggle=%v", v, toggle), func(t *testing.T) {
				checkGoroutines(t)
				c, s := delayPair(t, func(so, co *Options) { so.Versions, co.Versions = []Version{v}, []Version{v} })
				if o, err := c.Getopts("delay_send"); err != nil || o[0].Value != true {
					t.Fatalf("getopts delay_send: %v %v", o, err)
				}
				type result struct {
					sum [32]byte
					n   int64
					err error
				}
				got := make(chan result, 1)
				go func() {
					sum, n, err := drainHash(s)
					got <- result{sum, n, err}
				}()
				const writes = 3000
				var want [32]byte
				if toggle {
					h := sha256.New()
					for i := 0; i < 6; i++ {
						on := i%2 == 0
						if err := c.Setopts(SockOpt{"delay_send", on}); err != nil {
							t.Fatal(err)
						}
						stream(t, io.MultiWriter(c, h), writes/6, uint64(i))
					}
					want = [32]byte(h.Sum(nil))
				} else {
					want = stream(t, c, writes, 1)
				}
				st, err := c.Getstat("send_cnt")
				if err != nil {
					t.Fatal(err)
				}
				if !toggle && st[0].Value >= writes {
					t.Errorf("%d writes took %d system calls: none were shared", writes, st[0].Value)
				}
				// The server reads: the queue drains.
				waitPend(t, c, "the queue does not drain", func(n uint64) bool { return n == 0 })
				if err := c.Close(); err != nil {
					t.Fatal(err)
				}
				select {
				case r := <-got:
					if r.err != nil {
						t.Fatalf("server read: %v (after %d bytes)", r.err, r.n)
					}
					if r.sum != want {
						t.Fatalf("server read %d bytes that differ from what was written", r.n)
					}
				case <-time.After(20 * time.Second):
					t.Fatal("the server did not see the end of the stream")
				}
			})
		}
	}
}

// TestDelaySendPending: getstat's send_pend counts what is queued or
// being written while the peer does not read, and drains to 0 once it
// does.
func TestDelaySendPending(t *testing.T) {
	checkGoroutines(t)
	c, s := delayPair(t, nil)
	// The peer does not read: the flusher soon blocks in a write.
	chunk := make([]byte, 16<<10)
	waitPend(t, c, "with a peer that does not read", func(n uint64) bool {
		if n < sendQueueLimit {
			if _, err := c.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
		return n >= sendQueueLimit
	})
	go io.Copy(io.Discard, s)
	waitPend(t, c, "the queue does not drain", func(n uint64) bool { return n == 0 })
}

// TestDelaySendTimeout: a peer that stops reading makes Send wait once
// the queue is full; send_timeout then fails it with ErrTimeout, and the
// socket sends no more. Nothing is left running.
func TestDelaySendTimeout(t *testing.T) {
	checkGoroutines(t)
	c, _ := delayPair(t, func(_, co *Options) { co.SendTimeout = 200 * time.Millisecond })
	chunk := make([]byte, 16<<10)
	start := time.Now()
	var err error
	for i := 0; i < 100000 && err == nil; i++ {
		_, err = c.Write(chunk)
	}
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Write to a peer that does not read: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the timeout took %v", d)
	}
	if _, err := c.Write(chunk); !errors.Is(err, ErrTimeout) {
		t.Errorf("Write after the timeout: %v, want ErrTimeout", err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("Close after the timeout: %v, want ErrTimeout (queued data was lost)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs")
	}
}

// TestDelaySendPeerGone: when the peer's transport goes away, a later
// Send reports it, and nothing is left running.
func TestDelaySendPeerGone(t *testing.T) {
	checkGoroutines(t)
	c, s := delayPair(t, nil)
	s.conn.(*net.TCPConn).SetLinger(0)
	s.conn.Close() // a reset, no close_notify
	chunk := make([]byte, 4<<10)
	var err error
	deadline := time.Now().Add(10 * time.Second)
	for err == nil && time.Now().Before(deadline) {
		_, err = c.Write(chunk)
		time.Sleep(time.Millisecond)
	}
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after the peer went: %v, want ErrClosed", err)
	}
	if err := c.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("Close: %v, want ErrClosed (queued data was lost)", err)
	}
}

// TestInteropDelaySendGoTLS: delay_send on either end against crypto/tls,
// TLS 1.2 and 1.3: the same records on the wire, in fewer writes.
func TestInteropDelaySendGoTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		gv := map[Version]uint16{TLSv1_2: tls.VersionTLS12, TLSv1_3: tls.VersionTLS13}[v]
		t.Run(string(v)+"/gossl-client", func(t *testing.T) {
			ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{p.TLSCertificate("ecdsa")},
				MinVersion: gv, MaxVersion: gv})
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			got := make(chan [32]byte, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					got <- [32]byte{}
					return
				}
				defer c.Close()
				sum, _, _ := drainHash(c)
				got <- sum
			}()
			co := clientOpts(p)
			co.Versions, co.DelaySend = []Version{v}, true
			c, err := Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, co, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			want := stream(t, c, 500, 7)
			c.Close()
			select {
			case sum := <-got:
				if sum != want {
					t.Fatal("crypto/tls read something else than was written")
				}
			case <-time.After(20 * time.Second):
				t.Fatal("crypto/tls did not see the end of the stream")
			}
		})
		t.Run(string(v)+"/gossl-server", func(t *testing.T) {
			so := serverOpts(p, "ecdsa")
			so.Versions = []Version{v}
			so.DelaySend = true
			ls, err := Listen(0, so)
			if err != nil {
				t.Fatal(err)
			}
			defer ls.Close()
			sent := make(chan [32]byte, 1)
			go func() {
				s, err := ls.TransportAccept(10 * time.Second)
				if err != nil || s.Handshake(10*time.Second) != nil {
					sent <- [32]byte{}
					return
				}
				sum, err := streamErr(s, 500, 8)
				if err != nil {
					sum = [32]byte{} // the client's check fails
				}
				s.Close()
				sent <- sum
			}()
			conn, err := tls.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", ls.Port()), &tls.Config{
				RootCAs: p.CertPool(), ServerName: "localhost", MinVersion: gv, MaxVersion: gv})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(20 * time.Second))
			sum, n, err := drainHash(conn)
			if err != nil {
				t.Fatalf("crypto/tls read: %v after %d bytes", err, n)
			}
			if want := <-sent; !bytes.Equal(sum[:], want[:]) {
				t.Fatal("crypto/tls read something else than was written")
			}
		})
	}
}

// TestDelaySendCloseRacesSend: a Close while another goroutine sends
// loses nothing a Send accepted: the peer reads exactly the bytes of the
// Sends that returned nil, then close_notify, and Close returns nil.
func TestDelaySendCloseRacesSend(t *testing.T) {
	checkGoroutines(t)
	for round := 0; round < 5; round++ {
		c, s := delayPair(t, nil)
		type result struct {
			n   int64
			err error
		}
		got := make(chan result, 1)
		go func() {
			s.SetReadDeadline(time.Now().Add(20 * time.Second))
			n, err := io.Copy(io.Discard, s)
			got <- result{n, err}
		}()
		accepted := make(chan int64, 1)
		go func() {
			var n int64
			msg := make([]byte, 1000)
			for c.Send(msg) == nil {
				n += int64(len(msg))
			}
			accepted <- n
		}()
		time.Sleep(20 * time.Millisecond)
		if err := c.Close(); err != nil {
			t.Fatalf("round %d: Close: %v", round, err)
		}
		sent := <-accepted
		r := <-got
		if r.err != nil || r.n != sent {
			t.Fatalf("round %d: the peer read %d bytes (%v); Sends accepted %d", round, r.n, r.err, sent)
		}
	}
}

// TestDelaySendShutdownUnread: Shutdown("write") with a queue the peer
// does not read fails with ErrTimeout (after close_notify's five
// seconds) rather than report success; and a Close behind a Send that
// waits for room in the full queue returns ErrTimeout too, and frees
// that Send.
func TestDelaySendShutdownUnread(t *testing.T) {
	if testing.Short() {
		t.Skip("takes ten seconds")
	}
	checkGoroutines(t)
	t.Run("shutdown", func(t *testing.T) {
		// Small kernel buffers: a little unread data blocks the flusher
		// while Sends still find room in the queue.
		c, _ := delayPair(t, func(so, co *Options) { so.RecBuf, co.SndBuf = 4096, 4096 })
		chunk := make([]byte, 16<<10)
		for i := 0; i < 8; i++ { // 128 KiB: under the queue's limit
			if _, err := c.Write(chunk); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Shutdown("write"); !errors.Is(err, ErrTimeout) {
			t.Fatalf("Shutdown(write) with unwritten data: %v, want ErrTimeout", err)
		}
	})
	t.Run("close-behind-send", func(t *testing.T) {
		c, _ := delayPair(t, nil)
		werr := make(chan error, 1)
		go func() {
			chunk := make([]byte, 16<<10)
			for {
				if _, err := c.Write(chunk); err != nil {
					werr <- err
					return
				}
			}
		}()
		// Until the writer waits for room: send_pend stays at the limit.
		full := func(n uint64) bool { return n >= sendQueueLimit }
		for deadline := time.Now().Add(20 * time.Second); ; {
			waitPend(t, c, "the queue never fills", full)
			time.Sleep(300 * time.Millisecond)
			if full(sendPend(c)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the writer never waits for room")
			}
		}
		if err := c.Close(); !errors.Is(err, ErrTimeout) {
			t.Errorf("Close with unwritten data: %v, want ErrTimeout", err)
		}
		select {
		case err := <-werr:
			if err == nil {
				t.Error("the waiting Write succeeded")
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the Write waiting for room is still blocked after Close")
		}
	})
}
