package testpeers

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Forwarder is a round-robin TCP load balancer on 127.0.0.1, as in front
// of a fleet of servers: each connection it accepts goes to the next
// backend in turn, bytes copied both ways until either side closes.
type Forwarder struct {
	// Addr is where clients connect.
	Addr     string
	backends []string
	next     atomic.Uint64
	ln       net.Listener
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	counts   []atomic.Int64
}

// RoundRobin starts a forwarder to backends, stopped (listener and every
// connection closed) when the test ends.
func RoundRobin(t testing.TB, backends ...string) *Forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testpeers: forwarder: %v", err)
	}
	f := &Forwarder{Addr: ln.Addr().String(), backends: backends, ln: ln,
		conns: map[net.Conn]struct{}{}, counts: make([]atomic.Int64, len(backends))}
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(f.stop)
	return f
}

// Port is the forwarder's port.
func (f *Forwarder) Port() int { return f.ln.Addr().(*net.TCPAddr).Port }

// Counts is how many connections went to each backend.
func (f *Forwarder) Counts() []int64 {
	out := make([]int64, len(f.counts))
	for i := range f.counts {
		out[i] = f.counts[i].Load()
	}
	return out
}

func (f *Forwarder) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		i := int(f.next.Add(1)-1) % len(f.backends)
		f.counts[i].Add(1)
		f.wg.Add(1)
		go f.pipe(c, f.backends[i])
	}
}

// track adds c to the open connections, or reports false once the
// forwarder stops.
func (f *Forwarder) track(c net.Conn, add bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !add {
		delete(f.conns, c)
		return true
	}
	if f.conns == nil {
		return false
	}
	f.conns[c] = struct{}{}
	return true
}

func (f *Forwarder) pipe(c net.Conn, backend string) {
	defer f.wg.Done()
	defer c.Close()
	b, err := net.Dial("tcp", backend)
	if err != nil {
		return
	}
	defer b.Close()
	if !f.track(c, true) || !f.track(b, true) {
		return
	}
	defer f.track(c, false)
	defer f.track(b, false)
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		io.Copy(dst, src)
		// Pass a half-close on: a TLS close_notify may be followed by
		// the peer's own.
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go cp(b, c)
	go cp(c, b)
	<-done
	<-done
}

func (f *Forwarder) stop() {
	f.ln.Close()
	f.mu.Lock()
	for c := range f.conns {
		c.Close()
	}
	f.conns = nil
	f.mu.Unlock()
	f.wg.Wait()
}

// ServeEach accepts connections on ln until it is closed and runs serve
// on each, on a goroutine of its own, closing the connection after it.
func ServeEach(ln net.Listener, serve func(net.Conn)) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			serve(c)
		}()
	}
}
