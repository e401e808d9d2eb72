package ssl

import (
	"sync"
	"time"
)

// delay_send ({delay_send, true}, Erlang's inet option): "makes all
// messages queue up. The messages sent to the network are then larger but
// fewer." A Send or Write seals its records as always, in order and under
// the write lock, and then appends them to the socket's send queue
// instead of writing them; a flusher goroutine, started when the queue
// gets its first bytes and gone when it is empty, writes everything
// queued in one system call while the caller seals the next records. So
// the caller's sealing overlaps the kernel's work (on another core), and
// small writes share system calls.
//
// What changes for the caller: a Send returns once its records are
// queued, before they are written; a write error (the peer gone, a
// send_timeout, a write deadline) is returned by a later Send, Write or
// Close, and what was queued behind it is lost, as with a TCP socket's
// buffer. A Send waits while sendQueueLimit bytes are queued (the peer
// not reading), so memory stays bounded; send_timeout bounds the
// flusher's writes, and so that wait. close_notify, fatal alerts and
// Downgrade wait until the queue is written. getstat's send_pend is the
// bytes queued.

// sendQueueLimit is how many queued bytes make a Send wait.
const sendQueueLimit = 256 << 10

// maxPooledQueue is the largest queue buffer kept for reuse.
const maxPooledQueue = 1 << 20

var queueBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// sendQueue is a delay_send socket's queue of sealed records.
type sendQueue struct {
	s    *Socket
	mu   sync.Mutex
	cond sync.Cond // broadcast when the flusher writes a batch, fails or ends
	buf  []byte    // sealed records waiting for the flusher (nil when empty)
	busy bool      // the flusher runs: set with the first queued bytes
	err  error     // the flusher's write error; sticky
}

func newSendQueue(s *Socket) *sendQueue {
	q := &sendQueue{s: s}
	q.cond.L = &q.mu
	return q
}

// enqueue queues p (whole records) and starts the flusher if it is not
// running. It waits while sendQueueLimit bytes are queued, and returns
// the flusher's error, if any, instead of queueing. The caller holds the
// socket's write lock, so records are queued in the order they were
// sealed.
func (q *sendQueue) enqueue(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.err == nil && len(q.buf) >= sendQueueLimit {
		q.cond.Wait()
	}
	if q.err != nil {
		return 0, q.err
	}
	if q.buf == nil {
		q.buf = (*queueBufs.Get().(*[]byte))[:0]
	}
	q.buf = append(q.buf, p...)
	if !q.busy {
		q.busy = true
		go q.flush()
	}
	return len(p), nil
}

// flush writes the queue until it is empty or a write fails, taking the
// whole queue each time (the callers queue into a fresh buffer
// meanwhile), then ends.
func (q *sendQueue) flush() {
	var out []byte
	q.mu.Lock()
	for q.err == nil && len(q.buf) > 0 {
		out, q.buf = q.buf, nil
		q.mu.Unlock()
		err := q.s.writeQueued(out)
		putQueueBuf(out)
		q.mu.Lock()
		if err != nil {
			q.err = err
			putQueueBuf(q.buf)
			q.buf = nil
		}
		q.cond.Broadcast()
	}
	q.busy = false
	q.cond.Broadcast()
	q.mu.Unlock()
}

func putQueueBuf(b []byte) {
	if b != nil && cap(b) <= maxPooledQueue {
		b = b[:0]
		queueBufs.Put(&b)
	}
}

// wait waits until everything queued has been written, or the flusher
// has failed, and returns the flusher's error. A write deadline on the
// transport bounds it.
func (q *sendQueue) wait() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.busy {
		q.cond.Wait()
	}
	return q.err
}

// pending returns how many bytes are queued and not yet written.
func (q *sendQueue) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf)
}

// writeQueued writes a batch of queued records to the transport, with
// send_timeout as its deadline when set, and counts it for getstat.
func (s *Socket) writeQueued(p []byte) error {
	if d := s.sendTimeout(); d > 0 {
		s.conn.SetWriteDeadline(sendDeadline(d))
		defer s.conn.SetWriteDeadline(time.Time{})
	}
	n, err := s.conn.Write(p)
	s.stats.dst.c.add(n)
	return err
}

// flushSent waits until a delay_send socket's queue is written (nothing
// to wait for otherwise), for close_notify and fatal alerts, which must
// reach the transport before it is closed or handed over. The caller
// has set a write deadline.
func (s *Socket) flushSent() error {
	if q := s.sendQ.Load(); q != nil {
		return q.wait()
	}
	return nil
}

// setDelaySend turns delay_send on or off on an established socket
// (before the end of the handshake the option alone decides); turning it
// off waits until the queue is written.
func (s *Socket) setDelaySend(on bool) error {
	s.out.Lock()
	defer s.out.Unlock()
	if !s.hsDone.Load() || s.hsErr != nil {
		return nil
	}
	q := s.sendQ.Load()
	switch {
	case on && q == nil:
		s.sendQ.Store(newSendQueue(s))
	case !on && q != nil:
		err := q.wait()
		s.sendQ.Store(nil)
		if err != nil && s.out.err == nil {
			return s.failWrite(err)
		}
	}
	return nil
}
