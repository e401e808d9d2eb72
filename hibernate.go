package ssl

import (
	"sync"
	"time"

	"github.com/gossl/ssl/internal/record"
)

// hibernate_after is the idle release (idle.go) after the socket's own
// idle time instead of ReleaseIdleAfter: the record buffers (about 37 KiB
// to read and 82 KiB to write) go back to their pools and the ciphers
// drop their state (kept: the keys), and the next record takes them
// again. A HibernateAfter under a second is counted by the fine sweep.
//
// A reader waiting for data on a TCP or unix socket waits in the poller
// without a buffer, and the release drops its cipher through the record
// reader's hand-over (ReleaseParked). On other transports a blocked
// reader would hold its buffer and cipher, so there, with hibernate_after
// on, a read first waits for one byte outside the record reader
// (waitReadable), and the sweep may release the reader meanwhile: one
// extra small read per burst of traffic.

// hibernateAfter returns the hibernate_after option.
func (o *Options) hibernateAfter() time.Duration {
	if o == nil || o.HibernateAfter < 0 {
		return 0
	}
	return o.HibernateAfter
}

// readWait tells the sweep that a hibernating socket's reader waits in
// waitReadable, where it touches neither the record reader nor pending.
type readWait struct {
	mu      sync.Mutex
	waiting bool
}

// releaseWaiting releases rd if its reader waits in waitReadable, and
// reports whether it did; the reader stops waiting only once this is
// done. w is nil on sockets that do not hibernate or that read through
// the poller.
func (w *readWait) releaseWaiting(rd *record.Reader) bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiting {
		rd.Release()
	}
	return w.waiting
}

func (w *readWait) set(waiting bool) {
	w.mu.Lock()
	w.waiting = waiting
	w.mu.Unlock()
}

// setIdleRelease decides, before the handshake, when the socket releases
// its state once idle, and whether its reads wait for a byte first.
func (s *Socket) setIdleRelease() {
	s.tls.idleNeed, s.tls.idleFine = s.opts.idleRelease()
	if s.opts.hibernateAfter() > 0 && !s.rd.Raw() && s.dtls() == nil {
		s.rdWait = new(readWait)
	}
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
	s.rdWait.set(true)
	n, err := s.conn.Read(src.peek[:])
	s.rdWait.set(false)
	if n == 1 {
		src.hasPeek = true
		src.c.add(1)
		return nil
	}
	return err
}
