package ssl

import (
	"net"
	"sync"
	"time"

	"github.com/gossl/ssl/internal/record"
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
// not reading), so memory stays bounded (the queue and the batch being
// written: twice that at most); send_timeout bounds the flusher's
// writes, and so that wait. close_notify and fatal alerts wait until the
// queue is written, within their own deadline, which the flusher keeps
// to; Close, Shutdown, CloseTimeout and Downgrade report a queue that
// could not all be written. getstat's send_pend is the bytes queued or
// being written.

// sendQueueLimit is how many queued bytes make a Send wait.
const sendQueueLimit = 256 << 10

// takeWhole is the size from which a flushed buffer of records is queued
// as it is (the record writer takes another) rather than copied: a 16 KiB
// record is not copied, and a 1 KiB one does not hold an 82 KiB buffer.
const takeWhole = 8 << 10

// smallBufSize is the size of the buffers small flushes are copied into.
const smallBufSize = 32 << 10

var smallBufs = sync.Pool{New: func() any { return new([smallBufSize]byte) }}

// queuedPart is a run of queued bytes: data is a prefix of a record
// writer's buffer (whole) or of a small buffer (small).
type queuedPart struct {
	data  []byte
	whole *record.WriteBuffer
	small *[smallBufSize]byte
}

func (p *queuedPart) free() {
	if p.whole != nil {
		record.PutWriteBuffer(p.whole)
	}
	if p.small != nil {
		smallBufs.Put(p.small)
	}
	*p = queuedPart{}
}

// sendQueue is a delay_send socket's queue of sealed records.
type sendQueue struct {
	s     *Socket
	mu    sync.Mutex
	cond  sync.Cond    // broadcast when the flusher writes a batch, fails or ends
	parts []queuedPart // sealed records waiting for the flusher, in order
	spare []queuedPart // the flusher's previous batch, for reuse
	n     int          // bytes in parts
	sent  int          // bytes of the batch being written
	busy  bool         // the flusher runs: set with the first queued bytes
	err   error        // the flusher's write error; sticky
	// closeBy is the deadline close_notify, a fatal alert or Close set:
	// the flusher's writes end by then whatever send_timeout says.
	closeBy time.Time
}

func newSendQueue(s *Socket) *sendQueue {
	q := &sendQueue{s: s}
	q.cond.L = &q.mu
	return q
}

// waitRoom waits while sendQueueLimit bytes are queued and returns the
// flusher's error, if any. The caller holds mu.
func (q *sendQueue) waitRoom() error {
	for q.err == nil && q.n >= sendQueueLimit {
		q.cond.Wait()
	}
	return q.err
}

// queued records that n bytes were queued and starts the flusher if it
// is not running. The caller holds mu.
func (q *sendQueue) queued(n int) {
	q.n += n
	if !q.busy {
		q.busy = true
		go q.flush()
	}
}

// enqueue queues a copy of p (whole records). The caller holds the
// socket's write lock, so records are queued in the order they were
// sealed.
func (q *sendQueue) enqueue(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.waitRoom(); err != nil {
		return 0, err
	}
	for rest := p; len(rest) > 0; {
		last := len(q.parts) - 1
		if last < 0 || q.parts[last].small == nil || len(q.parts[last].data) == smallBufSize {
			b := smallBufs.Get().(*[smallBufSize]byte)
			q.parts = append(q.parts, queuedPart{data: b[:0], small: b})
			last++
		}
		d := &q.parts[last].data
		m := min(len(rest), smallBufSize-len(*d))
		*d = append(*d, rest[:m]...)
		rest = rest[m:]
	}
	q.queued(len(p))
	return len(p), nil
}

// TakeBuffer queues a record writer's buffer as it is when it holds at
// least takeWhole bytes (see record.BufferTaker); the caller holds the
// socket's write lock.
func (q *sendQueue) TakeBuffer(buf *record.WriteBuffer, n int) (bool, error) {
	if n < takeWhole {
		return false, nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.waitRoom(); err != nil {
		return false, err
	}
	q.parts = append(q.parts, queuedPart{data: buf[:n], whole: buf})
	q.queued(n)
	return true, nil
}

// flush writes the queue until it is empty or a write fails, taking all
// of it each time (in one system call on a TCP socket: writev), then
// ends.
func (q *sendQueue) flush() {
	var iov [][]byte
	q.mu.Lock()
	for q.err == nil && len(q.parts) > 0 {
		batch := q.parts
		q.parts, q.spare = q.spare[:0], nil
		q.sent, q.n = q.n, 0
		q.mu.Unlock()
		iov = iov[:0]
		for _, p := range batch {
			iov = append(iov, p.data)
		}
		bufs := net.Buffers(iov) // WriteTo empties bufs and iov's elements
		err := q.writeBatch(&bufs)
		clear(iov)
		for i := range batch {
			batch[i].free()
		}
		q.mu.Lock()
		q.spare, q.sent = batch[:0], 0
		if err != nil {
			q.err = err
			for i := range q.parts {
				q.parts[i].free()
			}
			q.parts, q.n = nil, 0
		}
		q.cond.Broadcast()
	}
	q.busy = false
	q.cond.Broadcast()
	q.mu.Unlock()
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

// pending returns how many bytes are queued or being written.
func (q *sendQueue) pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n + q.sent
}

// writeBatch writes a batch of queued records to the transport and
// counts it for getstat. Its deadline is send_timeout's, or the close
// deadline if that comes first; with neither it leaves the transport's
// deadline alone (a caller's SetWriteDeadline), and afterwards it puts
// back the close deadline (or none) rather than clearing one it did not
// set.
func (q *sendQueue) writeBatch(bufs *net.Buffers) error {
	s := q.s
	q.mu.Lock()
	closeBy := q.closeBy
	q.mu.Unlock()
	dl := closeBy
	if d := s.sendTimeout(); d > 0 {
		if t := sendDeadline(d); dl.IsZero() || t.Before(dl) {
			dl = t
		}
	}
	if !dl.IsZero() {
		s.conn.SetWriteDeadline(dl)
		defer s.conn.SetWriteDeadline(closeBy)
	}
	n, err := bufs.WriteTo(s.conn)
	s.stats.dst.c.add(int(n))
	return err
}

// setCloseDeadline sets a write deadline for close_notify or a fatal
// alert, which a delay_send socket's flusher keeps to as well, so that
// the queue ahead of them is written by then or fails.
func (s *Socket) setCloseDeadline(t time.Time) {
	if q := s.sendQ.Load(); q != nil {
		q.mu.Lock()
		q.closeBy = t
		q.mu.Unlock()
	}
	s.conn.SetWriteDeadline(t)
}

// flushSent waits until a delay_send socket's queue is written (nothing
// to wait for otherwise), for close_notify and fatal alerts, which must
// reach the transport before it is closed or handed over. The caller
// has set a close deadline (setCloseDeadline), which bounds the wait.
func (s *Socket) flushSent() error {
	if q := s.sendQ.Load(); q != nil {
		return q.wait()
	}
	return nil
}

// queueError returns the error that ended a delay_send socket's queue
// (ErrTimeout or ErrClosed: what was queued then was not all written), or
// nil; Close reports it, as the last chance to.
func (s *Socket) queueError() error {
	q := s.sendQ.Load()
	if q == nil {
		return nil
	}
	return mapQueueError(q.wait())
}

// mapQueueError turns a queue's transport error into the socket's.
func mapQueueError(err error) error {
	switch {
	case err == nil:
		return nil
	case isTimeout(err):
		return ErrTimeout
	default:
		return ErrClosed
	}
}

// switchSendQueueLocked follows a change of the delay_send option: on an
// established socket it makes or removes the queue (before the end of the
// handshake the option alone decides). Turning it off waits until the
// queue is written, as long as that takes: send_timeout bounds it. The
// caller holds out.
func (s *Socket) switchSendQueueLocked(on bool) error {
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
