package ssl

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// stressPair is a connected client and server of one version, the
// server side echoing everything until the connection ends.
func stressPair(t *testing.T, p *testpeers.PKI, v Version) (client, server *Socket) {
	t.Helper()
	so := serverOpts(p, "ecdsa")
	so.Versions, so.LogAlert = []Version{v}, Bool(false)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	accepted := make(chan *Socket, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err == nil && s.Handshake(10*time.Second) != nil {
			s.Close()
			s = nil
		}
		accepted <- s
	}()
	co := clientOpts(p)
	co.Versions, co.LogAlert, co.ReuseSessions = []Version{v}, Bool(false), Bool(false)
	client, err = Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if server = <-accepted; server == nil {
		client.Close()
		t.Fatal("server handshake failed")
	}
	return client, server
}

// controlLoop runs rounds of the calls that change a connection's state
// while data moves: renegotiation (TLS 1.2) or KeyUpdate (TLS 1.3),
// setopts, getopts, getstat, connection_information and a new
// controlling channel. Errors of a renegotiation that collides with the
// peer's are expected; a panic or a race is what the test looks for.
func controlLoop(s *Socket, v Version, rounds int, errs chan<- error) {
	for i := 0; i < rounds; i++ {
		switch i % 6 {
		case 0:
			var err error
			if v == TLSv1_3 {
				err = s.UpdateKeys(i%12 == 0)
			} else {
				err = s.Renegotiate()
			}
			if err != nil && !errors.Is(err, errRenegotiating) && !errors.Is(err, ErrRenegotiationPending) &&
				!errors.Is(err, ErrRenegotiationRejected) {
				errs <- err
			}
		case 1:
			if err := s.Setopts(SockOpt{"delay_send", i%4 == 1}); err != nil {
				errs <- err
			}
		case 2:
			if _, err := s.Getopts("active", "packet", "mode"); err != nil {
				errs <- err
			}
		case 3:
			if _, err := s.Getstat(); err != nil {
				errs <- err
			}
		case 4:
			if _, err := s.ConnectionInformation(); err != nil {
				errs <- err
			}
		case 5:
			if err := s.ControllingProcess(make(chan Message, 1)); err != nil {
				errs <- err
			}
		}
	}
}

// TestStressConcurrentControl: while 2 MiB move each way in records of
// random sizes, both sides renegotiate or update keys, set and get
// options, read statistics and change their controlling channel from
// other goroutines. Every byte comes back in order (SHA-256 checked),
// and nothing races (run with -race).
func TestStressConcurrentControl(t *testing.T) {
	p := testpeers.NewPKI(t)
	goroutines := runtime.NumGoroutine()
	for _, v := range []Version{TLSv1_3, TLSv1_2} {
		t.Run(string(v), func(t *testing.T) {
			client, server := stressPair(t, p, v)
			defer client.Close()
			defer server.Close()
			errs := make(chan error, 64)
			echoErr := make(chan error, 1)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // the echo
				defer wg.Done()
				for {
					b, err := server.Recv(0, 20*time.Second)
					if err == nil {
						err = server.Send(b)
					}
					if err != nil {
						echoErr <- err
						return
					}
				}
			}()
			const total = 2 << 20
			rng := rand.New(rand.NewPCG(1, uint64(len(v))))
			sent := make([]byte, total)
			for i := range sent {
				sent[i] = byte(rng.Uint32())
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for off := 0; off < total; {
					n := min(1+rng.IntN(20000), total-off)
					if err := client.Send(sent[off : off+n]); err != nil {
						errs <- err
						return
					}
					off += n
				}
			}()
			var ctl sync.WaitGroup
			for _, s := range []*Socket{client, server} {
				ctl.Add(1)
				go func() {
					defer ctl.Done()
					controlLoop(s, v, 60, errs)
				}()
			}
			// The client reads on until it is closed: a renegotiation
			// the server asks for goes on only while the client reads.
			got := make([]byte, 0, total)
			all := make(chan struct{})
			var rd sync.WaitGroup
			rd.Add(1)
			go func() {
				defer rd.Done()
				for {
					b, err := client.Recv(0, 30*time.Second)
					if err != nil {
						t.Logf("client Recv ended: %v", err)
						if len(got) < total {
							t.Errorf("Recv after %d bytes: %v", len(got), err)
							close(all)
						}
						return
					}
					got = append(got, b...)
					if len(got) == total {
						close(all)
					}
				}
			}()
			select {
			case <-all:
			case <-time.After(60 * time.Second):
				t.Errorf("not all %d bytes back after 60 s", total)
			}
			ctl.Wait()
			select {
			case e := <-echoErr:
				t.Errorf("server's echo ended early: %v", e)
			default:
			}
			client.Close()
			server.Close()
			rd.Wait()
			wg.Wait()
			if sha256.Sum256(got) != sha256.Sum256(sent) {
				t.Fatalf("echo differs: %d bytes back, first difference at %d", len(got), firstDifference(got, sent))
			}
			close(errs)
			for err := range errs {
				t.Errorf("control call: %v", err)
			}
		})
	}
	waitGoroutines(t, goroutines)
}

func firstDifference(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestStressCloseWhileBusy: Close from one goroutine while others are
// blocked in Recv, sending, renegotiating or updating keys and setting
// options: each returns, at once, an error or nil, never a panic, and no
// goroutine is left behind.
func TestStressCloseWhileBusy(t *testing.T) {
	p := testpeers.NewPKI(t)
	goroutines := runtime.NumGoroutine()
	for _, v := range []Version{TLSv1_3, TLSv1_2} {
		for round := 0; round < 10; round++ {
			client, server := stressPair(t, p, v)
			var wg sync.WaitGroup
			busy := []func(){
				func() { client.Recv(0, 30*time.Second) },
				func() {
					chunk := bytes.Repeat([]byte{'x'}, 16384)
					for client.Send(chunk) == nil {
					}
				},
				func() { controlLoop(client, v, 30, make(chan error, 64)) },
				func() { server.Recv(0, 30*time.Second) },
			}
			for _, f := range busy {
				wg.Add(1)
				go func() { defer wg.Done(); f() }()
			}
			time.Sleep(time.Duration(round) * 2 * time.Millisecond)
			start := time.Now()
			if round%2 == 0 {
				client.Close()
				server.Close()
			} else {
				server.Close()
				client.Close()
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(25 * time.Second):
				buf := make([]byte, 1<<20)
				t.Fatalf("%s round %d: calls still blocked %v after Close:\n%s", v, round, time.Since(start), buf[:runtime.Stack(buf, true)])
			}
		}
	}
	waitGoroutines(t, goroutines)
}

// TestRenegotiationAfterHeldRecord: a Recv that joins buffered records
// stops at the first record without data and keeps it for the next read
// (fillToLocked's held record). When that record is the renegotiation's
// ServerHello and Renegotiate's own reading comes next, it must handle
// the kept record first: reading on from the Certificate ended the
// connection with unexpected_message (found by
// TestStressConcurrentControl).
func TestRenegotiationAfterHeldRecord(t *testing.T) {
	p := testpeers.NewPKI(t)
	client, server := stressPair(t, p, TLSv1_2)
	defer client.Close()
	defer server.Close()
	done := startClientReneg(t, client)
	// Data, then the server's answer to the ClientHello, arrive together.
	if err := server.Send([]byte("before")); err != nil {
		t.Fatal(err)
	}
	serverDone := make(chan error, 1)
	go func() {
		b, err := server.Recv(0, 10*time.Second) // handles the ClientHello, then waits for data
		if err == nil && string(b) != "after" {
			err = errors.New("server got " + string(b))
		}
		serverDone <- err
	}()
	time.Sleep(200 * time.Millisecond)
	if b, err := client.Recv(0, 5*time.Second); err != nil || string(b) != "before" {
		t.Fatalf("Recv: %q, %v", b, err)
	}
	client.in.Lock()
	held := client.in.held
	client.in.Unlock()
	if held == nil || held.typ != 22 || held.data[0] != 2 {
		t.Fatalf("no ServerHello held after the Recv (held %+v): the set-up did not work", held)
	}
	if err := client.awaitReneg(done); err != nil {
		t.Fatalf("renegotiation: %v", err)
	}
	if err := client.Send([]byte("after")); err != nil {
		t.Fatal(err)
	}
	if err := <-serverDone; err != nil {
		t.Fatalf("server: %v", err)
	}
}

// TestRenegotiationStartsOnce: Renegotiate and a HelloRequest the
// reader handles may both start a client renegotiation; only the first
// sends a ClientHello (a second would leave the server's answer to the
// first with the second machine), and the renegotiation completes.
func TestRenegotiationStartsOnce(t *testing.T) {
	p := testpeers.NewPKI(t)
	client, server := stressPair(t, p, TLSv1_2)
	defer client.Close()
	defer server.Close()
	done := startClientReneg(t, client)
	if err := client.startReneg(); err != errRenegotiating {
		t.Fatalf("second start: %v, want errRenegotiating", err)
	}
	go server.Recv(0, 10*time.Second)
	if err := client.awaitReneg(done); err != nil {
		t.Fatalf("renegotiation: %v", err)
	}
}

// TestManyRenegotiationsWithoutData: renegotiations in a row with no
// application data between them are not "records without data"
// (maxIdleRecords), which would end the connection after about ten.
func TestManyRenegotiationsWithoutData(t *testing.T) {
	p := testpeers.NewPKI(t)
	client, server := stressPair(t, p, TLSv1_2)
	defer client.Close()
	defer server.Close()
	// The server asks (a client's own renegotiations are rate-limited);
	// each renegotiation is seven records from the server and four from
	// the client: thirty go well past maxIdleRecords on both sides.
	go client.Recv(0, 60*time.Second)
	for i := range 30 {
		if err := server.Renegotiate(); err != nil {
			t.Fatalf("renegotiation %d: %v", i+1, err)
		}
	}
}

// startClientReneg sends a renegotiation's ClientHello as Renegotiate
// does, without waiting: the caller drives the rest (awaitReneg on the
// returned channel).
func startClientReneg(t *testing.T, client *Socket) chan struct{} {
	t.Helper()
	done := make(chan struct{})
	client.reneg.mu.Lock()
	client.reneg.done = done
	client.reneg.mu.Unlock()
	if err := client.startReneg(); err != nil {
		t.Fatal(err)
	}
	return done
}
