package ssl

import (
	"sync"
	"sync/atomic"
	"time"
)

// hibernation is hibernate_after: once a socket has seen no traffic for
// the idle time, its record buffers (about 37 KiB to read and 82 KiB to
// write) go back to their pools and its TLS 1.3 ciphers drop their
// state (kept: the keys), and the next record takes them again.
//
// A reader waiting for data on a TCP or unix socket waits in the poller
// without a buffer, and the timer drops its cipher through the record
// reader's hand-over (ReleaseParked), as the idle release does. On other
// transports a blocked reader would hold its buffer and cipher, so there
// a read first waits for one byte outside the record reader
// (waitReadable), and the timer may release the reader meanwhile: one
// extra small read per burst of traffic.
type hibernation struct {
	after    time.Duration
	activity atomic.Uint64 // bumped on every Send and record read
	sleeping atomic.Bool   // hibernated, timer stopped until traffic

	mu      sync.Mutex // guards the fields below and the reader while waiting
	waiting bool       // the reader is in waitReadable, not touching rd
	seen    uint64
	timer   *time.Timer // nil while sleeping: touch makes a new one
	tick    func()      // the socket's hibernateTick
	stopped bool
	count   int // hibernations, for tests
}

// hibernateAfter returns the hibernate_after option.
func (o *Options) hibernateAfter() time.Duration {
	if o == nil || o.HibernateAfter < 0 {
		return 0
	}
	return o.HibernateAfter
}

// touch records traffic; h is nil without hibernate_after.
func (h *hibernation) touch() {
	if h == nil {
		return
	}
	h.activity.Add(1)
	if h.sleeping.Load() && h.sleeping.CompareAndSwap(true, false) {
		h.mu.Lock()
		if !h.stopped && h.timer == nil && h.tick != nil {
			h.seen = h.activity.Load()
			h.timer = time.AfterFunc(h.after, h.tick)
		}
		h.mu.Unlock()
	}
}

func (h *hibernation) stop() {
	if h == nil {
		return
	}
	h.mu.Lock()
	h.stopped = true
	if h.timer != nil {
		h.timer.Stop()
	}
	h.mu.Unlock()
}

// startHibernation arms the idle timer after the handshake.
func (s *Socket) startHibernation() {
	h := s.hib
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tick == nil && !h.stopped {
		h.seen = h.activity.Load()
		h.tick = s.hibernateTick
		h.timer = time.AfterFunc(h.after, h.tick)
	}
}

// hibernateTick runs every idle period while there is traffic; after a
// period without any, it releases the buffers and sleeps until traffic.
func (s *Socket) hibernateTick() {
	h := s.hib
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	a := h.activity.Load()
	if a != h.seen {
		h.seen = a
		h.timer.Reset(h.after)
		return
	}
	if s.out.TryLock() {
		s.wr.Release()
		s.out.Unlock()
	}
	if s.in.TryLock() {
		s.releaseReaderLocked()
		s.in.Unlock()
	} else if h.waiting {
		// The reader waits in waitReadable with nothing pending or
		// buffered (it checked before it began to wait) and touches
		// neither the record reader nor pending until waiting is false.
		s.rd.Release()
	} else {
		// A reader parked in the poller (or busy, and then this does
		// nothing).
		s.rd.ReleaseParked()
	}
	h.count++
	h.sleeping.Store(true)
	// Traffic between the check and now restarts the timer itself.
	if h.activity.Load() != a && h.sleeping.CompareAndSwap(true, false) {
		h.seen = h.activity.Load()
		h.timer.Reset(h.after)
		return
	}
	// Asleep: the timer (which has fired) goes too; the next traffic
	// makes a new one (touch).
	h.timer = nil
}

// waitReadable waits for the next byte of input without holding the
// record buffer, so that the buffer can be released meanwhile: for
// transports the record reader does not read through a RawConn. The
// caller holds in; the byte goes in front of the record reader's input.
func (s *Socket) waitReadable() error {
	src := &s.stats.src
	if src.hasPeek {
		return nil
	}
	if s.rd.HasInput() {
		return nil
	}
	h := s.hib
	h.mu.Lock()
	h.waiting = true
	h.mu.Unlock()
	n, err := s.conn.Read(src.peek[:])
	h.mu.Lock()
	h.waiting = false
	h.mu.Unlock()
	if n == 1 {
		src.hasPeek = true
		src.c.add(1)
		return nil
	}
	return err
}

// hibernations reports how often the socket has hibernated (for tests).
func (s *Socket) hibernations() int {
	if s.hib == nil {
		return 0
	}
	s.hib.mu.Lock()
	defer s.hib.mu.Unlock()
	return s.hib.count
}
