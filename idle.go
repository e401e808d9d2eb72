package ssl

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"weak"
)

// Idle release: an established connection that carries no traffic for
// ReleaseIdleAfter (one second by default), or for HibernateAfter when
// that is set, gives back what it can build again: its ciphers' state
// (an AES-GCM state is about 770 bytes per direction; the keys stay) and
// any record buffer. The next record takes them again, which costs about
// a microsecond and the allocations of the ciphers, once per burst after
// an idle period. Most of the connections a server holds at any moment
// are idle (push channels, keep-alive connections between requests), so
// this is where its memory goes.
//
// Two process-wide sweeps, each run by a timer every tick while sockets
// are registered with it (no goroutine of its own between sweeps), count
// each socket's idle ticks; traffic resets the count (Socket.markActive,
// a load and, once per tick at most, a swap). ReleaseIdleAfter and a
// HibernateAfter of a second or more are counted in quarter-second
// ticks; a shorter HibernateAfter in ticks of hibernateTick. Per-socket
// timers would cost a timer, and a goroutine each time it fires, per
// connection and per idle period while it carries traffic; the sweep
// costs a visit per tick for each connection that carried traffic
// lately, and nothing for one already released. A socket is released
// under its locks, taken with TryLock so that the sweep never waits on a
// socket; a reader parked in the poller on a TCP or unix socket holds its
// lock but no buffer, and record.Reader.ReleaseParked drops its cipher.
// With HibernateAfter on another kind of transport, a read first waits
// for one byte outside the record reader (hibernate.go), so that its
// buffer and cipher can go meanwhile.

// idleTick is the coarse sweep's period, and the granularity of
// ReleaseIdleAfter (an atomic so that tests may shorten it).
var idleTick atomic.Int64

// hibernateTick is the fine sweep's period: the granularity of a
// HibernateAfter shorter than hibernateFine.
var hibernateTick atomic.Int64

// hibernateFine is the HibernateAfter below which the fine sweep counts.
const hibernateFine = time.Second

func init() {
	idleTick.Store(int64(250 * time.Millisecond))
	hibernateTick.Store(int64(25 * time.Millisecond))
}

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
	tick    *atomic.Int64 // the period
	mu      sync.Mutex
	entries []weak.Pointer[Socket]
	armed   bool // a sweep is scheduled
	// releasing is the socket being released, if any (waitIdleRelease).
	releasing atomic.Pointer[Socket]
}

var (
	sweeper          = idleSweep{tick: &idleTick}
	hibernateSweeper = idleSweep{tick: &hibernateTick}
)

// idleOff is the idle count of a released socket, off the sweep's list.
const idleOff = 1 << 31

// idleTicksFor returns how many ticks make at least after, at least
// one.
func idleTicksFor(after time.Duration, tick *atomic.Int64) uint32 {
	d := time.Duration(tick.Load())
	n := after / d
	if after%d != 0 {
		n++
	}
	return uint32(min(max(n, 1), 1<<30))
}

// idleRelease returns how many idle ticks release a socket with these
// options (0 for never), and whether they are the fine sweep's: after
// HibernateAfter or ReleaseIdleAfter, whichever comes first (a long
// hibernate_after does not hold the state longer than the default
// release would).
func (o *Options) idleRelease() (need uint32, fine bool) {
	r := o.releaseIdleAfter()
	if h := o.hibernateAfter(); h > 0 && (r == 0 || h < r) {
		if h < hibernateFine {
			return idleTicksFor(h, &hibernateTick), true
		}
		return idleTicksFor(h, &idleTick), false
	}
	if r == 0 {
		return 0, false
	}
	return idleTicksFor(r, &idleTick), false
}

// releaseIdleAfter returns ReleaseIdleAfter with its default, or 0 for
// never.
func (o *Options) releaseIdleAfter() time.Duration {
	if o == nil || o.ReleaseIdleAfter == 0 {
		return defaultReleaseIdleAfter
	}
	return max(o.ReleaseIdleAfter, 0)
}

// registerIdle enters an established socket in the sweep (if it releases
// when idle).
func (s *Socket) registerIdle() {
	if s.tls.idleNeed == 0 {
		return
	}
	w := weak.Make(s)
	sw := s.idleSweep()
	sw.mu.Lock()
	sw.entries = append(sw.entries, w)
	if !sw.armed {
		sw.armed = true
		time.AfterFunc(time.Duration(sw.tick.Load()), sw.sweep)
	}
	sw.mu.Unlock()
}

// idleSweep returns the sweep that counts s's idle ticks.
func (s *Socket) idleSweep() *idleSweep {
	if s.tls.idleFine {
		return &hibernateSweeper
	}
	return &sweeper
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
		// A Swap, not a Store: the sweep may have released the socket
		// and taken it off its list since the load, and a plain store
		// would leave it off the list for good.
		if s.idleTicks.Swap(0) == idleOff {
			s.registerIdle()
		}
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
			if s == nil || s.closed.Load() || s.idleTick(sw) {
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
				time.AfterFunc(time.Duration(sw.tick.Load()), sw.sweep)
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
func (s *Socket) idleTick(sw *idleSweep) bool {
	t := s.idleTicks.Load()
	need := s.tls.idleNeed
	if t < need {
		s.idleTicks.CompareAndSwap(t, t+1)
		return false
	}
	// Close marks the socket closed and then waits while it is the one
	// being released: one of the two sees the other.
	sw.releasing.Store(s)
	defer sw.releasing.Store(nil)
	if s.closed.Load() || !s.releaseIdle() {
		return false
	}
	// Traffic since the load keeps the socket listed.
	return s.idleTicks.CompareAndSwap(t, idleOff)
}

// releaseIdle gives back the ciphers' state and record buffers of both
// directions, and reports whether it could: false if a writer holds the
// write lock or a reader is busy with a record (the next tick tries
// again). A reader waiting in the poller counts as idle (its cipher goes;
// it holds no buffer), as does a hibernating one waiting for a byte
// (waitReadable); a reader blocked on another kind of transport keeps
// its cipher and buffer, and the socket counts as released all the same.
func (s *Socket) releaseIdle() bool {
	if !s.out.TryLock() {
		return false
	}
	s.records().ReleaseWriter()
	if h := testHookIdleHold.Load(); h != nil {
		(*h)()
	}
	s.out.Unlock()
	switch {
	case s.in.TryLock():
		s.releaseReaderLocked()
		s.in.Unlock()
	case s.rdWait != nil:
		if !s.rdWait.releaseWaiting(s.rd) {
			return false // between its wait and a record
		}
	case s.rd.Raw():
		if !s.rd.ReleaseParked() {
			return false // not parked in the poller: busy with a record
		}
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
	for sweeper.releasing.Load() == s || hibernateSweeper.releasing.Load() == s {
		runtime.Gosched()
	}
}

// testHookIdleHold, if set, runs while releaseIdle holds the write lock
// (tests widen the window in which Close meets the sweep with it).
var testHookIdleHold atomic.Pointer[func()]
