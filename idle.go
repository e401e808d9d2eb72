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

// idleSweep is the registry of sockets that release when idle and have
// not been released since their last traffic: a released socket leaves
// it (its count is then idleOff) and traffic puts it back, so a sweep
// costs in proportion to the connections that carried traffic lately,
// not to every idle one a server holds. It holds sockets weakly: one
// dropped without Close is still collected.
type idleSweep struct {
	mu      sync.Mutex
	entries []weak.Pointer[Socket]
	armed   bool // a sweep is scheduled
	// releasing is the socket being released, if any (waitIdleRelease).
	releasing atomic.Pointer[Socket]
}

var sweeper idleSweep

// idleOff is the idle count of a released socket, off the sweep's list.
const idleOff = 1 << 31

// releaseIdleTicks returns how many idle ticks release a socket with
// these options, or 0 for never.
func (o *Options) releaseIdleTicks() uint32 {
	d := defaultReleaseIdleAfter
	if o != nil {
		if o.ReleaseIdleAfter < 0 {
			return 0
		}
		if o.ReleaseIdleAfter > 0 {
			d = o.ReleaseIdleAfter
		}
	}
	tick := time.Duration(idleTick.Load())
	n := d / tick
	if d%tick != 0 {
		n++
	}
	return uint32(min(max(n, 1), 1<<30))
}

// registerIdle enters an established socket in the sweep (if it releases
// when idle).
func (s *Socket) registerIdle() {
	if s.tls.idleNeed == 0 {
		return
	}
	w := weak.Make(s)
	sw := &sweeper
	sw.mu.Lock()
	sw.entries = append(sw.entries, w)
	if !sw.armed {
		sw.armed = true
		time.AfterFunc(time.Duration(idleTick.Load()), sw.sweep)
	}
	sw.mu.Unlock()
}

// markActive records traffic: the socket's idle count starts again, and
// a released socket goes back on the sweep's list. The caller holds in
// or out.
func (s *Socket) markActive() {
	switch v := s.idleTicks.Load(); {
	case v == 0:
	case v == idleOff:
		if s.idleTicks.CompareAndSwap(idleOff, 0) {
			s.registerIdle()
		}
	default:
		s.idleTicks.Store(0)
	}
}

// sweep counts an idle tick for every listed socket, releases those idle
// long enough (they leave the list), forgets closed and collected ones,
// and schedules the next sweep while any remain. It works in batches, so
// that registering a connection never waits for a whole sweep.
func (sw *idleSweep) sweep() {
	const batch = 256
	for i := 0; ; {
		sw.mu.Lock()
		end := min(i+batch, len(sw.entries))
		for i < end {
			s := sw.entries[i].Value()
			if s == nil || s.closed.Load() || s.idleTick() {
				last := len(sw.entries) - 1
				sw.entries[i] = sw.entries[last]
				sw.entries[last] = weak.Pointer[Socket]{}
				sw.entries = sw.entries[:last]
				end = min(end, last)
				continue
			}
			i++
		}
		if i >= len(sw.entries) {
			switch n := len(sw.entries); {
			case n == 0:
				sw.entries = nil
				sw.armed = false
			case n < cap(sw.entries)/4 && cap(sw.entries) > 1024:
				sw.entries = append([]weak.Pointer[Socket](nil), sw.entries...)
			}
			if sw.armed {
				time.AfterFunc(time.Duration(idleTick.Load()), sw.sweep)
			}
			sw.mu.Unlock()
			return
		}
		sw.mu.Unlock()
	}
}

// idleTick counts one tick without traffic, and at idleNeed ticks
// releases the socket; it reports whether the socket was released and
// leaves the list (its count is then idleOff until traffic).
func (s *Socket) idleTick() bool {
	t := s.idleTicks.Load()
	need := s.tls.idleNeed
	if t < need {
		s.idleTicks.CompareAndSwap(t, t+1)
		return false
	}
	// Close marks the socket closed and then waits while it is the one
	// being released: one of the two sees the other.
	sweeper.releasing.Store(s)
	defer sweeper.releasing.Store(nil)
	if s.closed.Load() || !s.releaseIdle() {
		return false
	}
	// Traffic since the load keeps the socket listed.
	return s.idleTicks.CompareAndSwap(t, idleOff)
}

// releaseIdle gives back the ciphers' state and record buffers of both
// directions, and reports whether it could: false if a writer holds the
// write lock (the next tick tries again). A reader waiting in the poller
// counts as idle (its cipher goes; it holds no buffer); a reader blocked
// on another kind of transport keeps its cipher and buffer, and the
// socket counts as released all the same.
func (s *Socket) releaseIdle() bool {
	if !s.out.TryLock() {
		return false
	}
	s.wr.Release()
	if h := testHookIdleHold.Load(); h != nil {
		(*h)()
	}
	s.out.Unlock()
	if s.in.TryLock() {
		s.releaseReaderLocked()
		s.in.Unlock()
	} else {
		s.rd.ReleaseParked()
	}
	idleReleases.Add(1)
	return true
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
