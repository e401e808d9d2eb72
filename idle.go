package ssl

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"weak"
)

// Idle release: an established connection that carries no traffic for
// ReleaseIdleAfter (one second by default) gives back what it can build
// again: its ciphers' state (an AES-GCM state is about 770 bytes per
// direction; the keys stay) and any record buffer. The next record takes
// them again, which costs about a microsecond and the allocations of the
// ciphers, once per burst after an idle second. Most of the connections
// a server holds at any moment are idle (push channels, keep-alive
// connections between requests), so this is where its memory goes.
//
// One process-wide sweep, run by a timer every idleTick while sockets are
// registered (no goroutine of its own between sweeps), counts each
// socket's idle ticks; traffic resets the count (Socket.markActive, a
// load and, once per tick at most, a store). A socket is released under
// its locks, taken with TryLock so that the sweep never waits on a
// socket; a reader parked in the poller on a TCP or unix socket holds its
// lock but no buffer, and record.Reader.ReleaseParked drops its cipher.
// hibernate_after, when set, is the finer-grained version of the same
// and replaces this.

// idleTick is the sweep's period, and the granularity of ReleaseIdleAfter
// (an atomic so that tests may shorten it).
var idleTick atomic.Int64

func init() { idleTick.Store(int64(250 * time.Millisecond)) }

// defaultReleaseIdleAfter is ReleaseIdleAfter's default.
const defaultReleaseIdleAfter = time.Second

// idleReleases counts releases, for tests.
var idleReleases atomic.Int64

// idleSweep is the registry of sockets that release when idle. It holds
// them weakly: a socket dropped without Close is still collected.
type idleSweep struct {
	mu      sync.Mutex
	entries []idleEntry
	armed   bool // a sweep is scheduled
	// releasing is the socket being released, if any (waitIdleRelease).
	releasing atomic.Pointer[Socket]
}

type idleEntry struct {
	s    weak.Pointer[Socket]
	need uint32 // idle ticks before release
}

var sweeper idleSweep

// releaseIdleTicks returns how many idle ticks release a socket with
// these options, or 0 for never (disabled, or hibernate_after in charge).
func (o *Options) releaseIdleTicks() uint32 {
	d := defaultReleaseIdleAfter
	if o != nil {
		if o.ReleaseIdleAfter < 0 || o.hibernateAfter() > 0 {
			return 0
		}
		if o.ReleaseIdleAfter > 0 {
			d = o.ReleaseIdleAfter
		}
	}
	tick := time.Duration(idleTick.Load())
	n := (d + tick - 1) / tick
	return uint32(min(max(n, 1), 1<<30))
}

// registerIdle enters an established socket in the sweep.
func (s *Socket) registerIdle(need uint32) {
	if need == 0 {
		return
	}
	e := idleEntry{s: weak.Make(s), need: need}
	sw := &sweeper
	sw.mu.Lock()
	sw.entries = append(sw.entries, e)
	if !sw.armed {
		sw.armed = true
		time.AfterFunc(time.Duration(idleTick.Load()), sw.sweep)
	}
	sw.mu.Unlock()
}

// markActive records traffic: the socket's idle count starts again.
func (s *Socket) markActive() {
	if s.idleTicks.Load() != 0 {
		s.idleTicks.Store(0)
	}
}

// sweep counts an idle tick for every registered socket, releases those
// idle long enough, forgets closed and collected ones, and schedules the
// next sweep while any remain. It works in batches, so that registering
// a new connection never waits for a whole sweep.
func (sw *idleSweep) sweep() {
	const batch = 256
	for i := 0; ; {
		sw.mu.Lock()
		end := min(i+batch, len(sw.entries))
		for i < end {
			e := sw.entries[i]
			s := e.s.Value()
			if s == nil || s.closed.Load() {
				last := len(sw.entries) - 1
				sw.entries[i] = sw.entries[last]
				sw.entries[last] = idleEntry{}
				sw.entries = sw.entries[:last]
				end = min(end, last)
				continue
			}
			s.idleTick(e.need)
			i++
		}
		if i >= len(sw.entries) {
			if len(sw.entries) == 0 {
				sw.entries = nil
				sw.armed = false
			} else {
				time.AfterFunc(time.Duration(idleTick.Load()), sw.sweep)
			}
			sw.mu.Unlock()
			return
		}
		sw.mu.Unlock()
	}
}

// idleTick counts one tick without traffic, and at need ticks releases
// the socket; it then stays released (the count past need) until traffic.
func (s *Socket) idleTick(need uint32) {
	t := s.idleTicks.Load()
	switch {
	case t < need:
		s.idleTicks.CompareAndSwap(t, t+1)
	case t == need:
		// Close marks the socket closed and then waits while it is the
		// one being released: one of the two sees the other.
		sweeper.releasing.Store(s)
		defer sweeper.releasing.Store(nil)
		if s.closed.Load() {
			return
		}
		if s.releaseIdle() {
			idleReleases.Add(1)
			s.idleTicks.CompareAndSwap(t, t+1)
		}
	}
}

// releaseIdle gives back the ciphers' state and record buffers of each
// direction that is not busy, and reports whether both are released. A
// reader waiting in the poller counts as idle: its cipher goes, it holds
// no buffer. A reader blocked on another kind of transport keeps its
// cipher and buffer; the writer is released all the same.
func (s *Socket) releaseIdle() bool {
	wrote := s.out.TryLock()
	if wrote {
		s.wr.Release()
		if h := testHookIdleHold.Load(); h != nil {
			(*h)()
		}
		s.out.Unlock()
	}
	read := s.in.TryLock()
	if read {
		s.releaseReaderLocked()
		s.in.Unlock()
	} else {
		read = s.rd.ReleaseParked()
	}
	return wrote && read
}

// waitIdleRelease waits until the sweep is not releasing s; Close calls
// it once it has marked s closed, after which the sweep leaves s alone,
// so that Close finds the write lock free for close_notify unless a
// writer holds it. The sweep never blocks while it holds a socket's
// locks, so the wait is short.
func (s *Socket) waitIdleRelease() {
	for sweeper.releasing.Load() == s {
		runtime.Gosched()
	}
}

// testHookIdleHold, if set, runs while releaseIdle holds the write lock
// (tests widen the window in which Close meets the sweep with it).
var testHookIdleHold atomic.Pointer[func()]
