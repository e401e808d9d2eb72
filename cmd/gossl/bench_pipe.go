package main

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// memPipe returns the two ends of an in-memory, full-duplex connection
// whose directions each buffer up to pipeBufSize bytes, as a loopback
// socket's kernel buffers do. net.Pipe is synchronous (every Write waits
// for a Read to take it), which would measure goroutine hand-offs rather
// than the record layer: a writer could never seal the next record while
// the reader opens the last one.
func memPipe() (net.Conn, net.Conn) {
	ab, ba := newPipeBuf(), newPipeBuf()
	return &pipeConn{r: ba, w: ab, name: "a"}, &pipeConn{r: ab, w: ba, name: "b"}
}

const pipeBufSize = 256 << 10

// pipeBuf is one direction: a bounded ring buffer.
type pipeBuf struct {
	mu       sync.Mutex
	cond     sync.Cond
	buf      []byte
	r, n     int // read offset and bytes buffered
	closed   bool
	rdl, wdl time.Time // read and write deadlines
	discard  bool      // writes are accepted and dropped (a sink)
	timers   []*time.Timer
}

func newPipeBuf() *pipeBuf {
	p := &pipeBuf{buf: make([]byte, pipeBufSize)}
	p.cond.L = &p.mu
	return p
}

// expired reports whether deadline d has passed; a future one arms a
// wake-up so a blocked waiter sees it.
func (p *pipeBuf) expired(d time.Time) bool {
	if d.IsZero() {
		return false
	}
	left := time.Until(d)
	if left <= 0 {
		return true
	}
	p.timers = append(p.timers, time.AfterFunc(left, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	}))
	return false
}

func (p *pipeBuf) stopTimers() {
	for _, t := range p.timers {
		t.Stop()
	}
	p.timers = p.timers[:0]
}

func (p *pipeBuf) read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.stopTimers()
	for p.n == 0 {
		if p.closed {
			return 0, io.EOF
		}
		if p.expired(p.rdl) {
			return 0, os.ErrDeadlineExceeded
		}
		p.cond.Wait()
	}
	total := 0
	for p.n > 0 && len(b) > 0 {
		end := p.r + p.n
		if end > len(p.buf) {
			end = len(p.buf)
		}
		m := copy(b, p.buf[p.r:end])
		b = b[m:]
		p.r = (p.r + m) % len(p.buf)
		p.n -= m
		total += m
	}
	p.cond.Broadcast()
	return total, nil
}

func (p *pipeBuf) write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.discard && !p.closed {
		return len(b), nil
	}
	defer p.stopTimers()
	total := 0
	for len(b) > 0 {
		for p.n == len(p.buf) && !p.closed {
			if p.expired(p.wdl) {
				return total, os.ErrDeadlineExceeded
			}
			p.cond.Wait()
		}
		if p.closed {
			return total, net.ErrClosed
		}
		w := (p.r + p.n) % len(p.buf)
		end := len(p.buf)
		if w < p.r {
			end = p.r
		}
		m := copy(p.buf[w:end], b)
		p.n += m
		b = b[m:]
		total += m
		p.cond.Broadcast()
	}
	return total, nil
}

func (p *pipeBuf) close() {
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast()
	p.mu.Unlock()
}

func (p *pipeBuf) setDeadline(read bool, t time.Time) {
	p.mu.Lock()
	if read {
		p.rdl = t
	} else {
		p.wdl = t
	}
	p.cond.Broadcast()
	p.mu.Unlock()
}

// sink makes this end's writes succeed without going anywhere: the
// sender alone can then be measured, with no reader and no copy.
func (c *pipeConn) sink() {
	c.w.mu.Lock()
	c.w.discard = true
	c.w.mu.Unlock()
}

// pipeConn is one end of memPipe.
type pipeConn struct {
	r, w *pipeBuf
	name string
}

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }

func (c *pipeConn) Read(b []byte) (int, error)  { return c.r.read(b) }
func (c *pipeConn) Write(b []byte) (int, error) { return c.w.write(b) }
func (c *pipeConn) Close() error {
	c.r.close()
	c.w.close()
	return nil
}
func (c *pipeConn) LocalAddr() net.Addr  { return pipeAddr(c.name) }
func (c *pipeConn) RemoteAddr() net.Addr { return pipeAddr("peer-of-" + c.name) }
func (c *pipeConn) SetDeadline(t time.Time) error {
	c.r.setDeadline(true, t)
	c.w.setDeadline(false, t)
	return nil
}
func (c *pipeConn) SetReadDeadline(t time.Time) error  { c.r.setDeadline(true, t); return nil }
func (c *pipeConn) SetWriteDeadline(t time.Time) error { c.w.setDeadline(false, t); return nil }
