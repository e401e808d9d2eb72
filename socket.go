package ssl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/wire"
)

// Socket is an SSL/TLS socket: Erlang's sslsocket(). It is also a
// net.Conn, so it drops into any Go code that takes one.
//
// Reading and writing are independent: one goroutine may Recv while
// another Sends. The handshake runs once, at Connect, at Handshake, or —
// for sockets from a net.Listener's Accept — on the first Read or Write.
// A call made while another goroutine runs the handshake waits for it to
// end; so the functions the handshake calls (VerifyFun, SNIFun,
// PartialChain, a logger) must not send or receive on the socket whose
// handshake they serve, as with OTP, where such a call from a verify_fun
// would wait on the connection process that is running it.
//
// The small fields are grouped to keep the struct (and so each idle
// connection) small.
type Socket struct {
	conn   net.Conn
	role   role
	ownRes bool // res was compiled for this socket alone
	lazyHS bool // handshake on first Read/Write (net.Listener)
	// idleRecords counts consecutive records that carried no data
	// (guarded by in; kept here, in padding, so that in stays small).
	idleRecords uint8
	hsDone      atomic.Bool
	closed      atomic.Bool
	// idleTicks counts the idle sweep's ticks without traffic (idle.go).
	idleTicks atomic.Uint32
	opts      *Options
	res       *resolved // nil after a TLS 1.3 handshake when post is set
	// post is what a TLS 1.3 socket still needs of res and opts once the
	// handshake is done, when they were compiled for this socket alone
	// (not a listener's): they are dropped then (tlsstate.go).
	post *postConfig

	rd *record.Reader
	wr *record.Writer

	hsMu      sync.Mutex
	hsErr     error
	info      *handshake.Info // TLS 1.0-1.2; nil with info13
	info13    *info13         // a TLS 1.3 socket's, after the handshake
	state     func() string   // current handshake state name
	tls       tlsState        // version-specific state (tlsstate.go)
	hsTimeout time.Duration   // for the lazy handshake

	in struct {
		sync.Mutex
		pending []byte // application data decrypted but not yet returned
		err     error  // sticky read error
		hbuf    wire.HandshakeBuffer
		acc     []byte      // bytes taken from records and not yet delivered: they come before pending
		held    *heldRecord // a record a gathering Read left for the next call
	}
	out struct {
		sync.Mutex
		err       error // sticky write error
		closeSent bool
		// counted: the connection counts as open for Metrics, from
		// its handshake's report to its close's (metrics.go). Atomic,
		// not under the lock (Close may not get it); here because it
		// fits this struct's padding.
		counted atomic.Bool
	}

	// reneg is a TLS 1.0–1.2 connection's renegotiation (renegotiate.go),
	// made when its handshake is done; nil under TLS 1.3.
	reneg *renegState

	// The Erlang socket model (active.go, sockopts.go, shutdown.go,
	// stats.go, hibernate.go).
	act   activeState
	stats sockStats
	// rdWait is set with hibernate_after on a transport that is not read
	// through the poller (hibernate.go).
	rdWait *readWait
	// sendQ is the send queue of a socket with delay_send
	// (sendqueue.go), nil without; changed under out.
	sendQ atomic.Pointer[sendQueue]
}

// errPeerClosed is the read error after the peer's close_notify.
var errPeerClosed = errors.New("peer sent close_notify")

func newSocket(conn net.Conn, r role, opts *Options, res *resolved) *Socket {
	s := &Socket{conn: conn, role: r, opts: opts, res: res}
	s.stats.src.init(s, conn)
	s.stats.dst.init(s, conn)
	s.rd = record.NewReader(&s.stats.src)
	s.wr = record.NewWriter(&s.stats.dst)
	if rc := rawConn(conn); rc != nil {
		s.rd.SetRawConn(rc, &s.stats.src)
	}
	st, err := opts.initialSockState()
	s.act.init(st)
	if err == nil {
		err = applyTransportOpts(conn, opts)
	}
	if err != nil {
		// The handshake then fails at once with the option's error.
		s.hsErr = err
		s.hsDone.Store(true)
		s.closed.Store(true)
		conn.Close()
	}
	switch res.beastMitigation {
	case "zero_n":
		s.wr.SetBeastMitigation(record.ZeroN)
	case "disabled":
		s.wr.SetBeastMitigation(record.Disabled)
	}
	s.state = func() string { return "hello" }
	return s
}

// Send writes data to the socket: ssl:send/2. With packet 1, 2 or 4 the
// length header is added.
func (s *Socket) Send(data []byte) error {
	s.act.lock()
	st := s.act.st
	s.act.unlock()
	data, err := framePacket(st, data)
	if err != nil {
		return err
	}
	_, err = s.write(data)
	return err
}

// Write implements net.Conn.
func (s *Socket) Write(p []byte) (int, error) {
	return s.write(p)
}

func (s *Socket) write(p []byte) (int, error) {
	if err := s.ensureHandshake(); err != nil {
		return 0, err
	}
	s.out.Lock()
	defer s.out.Unlock()
	if s.out.err != nil {
		return 0, s.out.err
	}
	s.markActive()
	// With delay_send the flusher applies send_timeout to its writes.
	if d := s.sendTimeout(); d > 0 && s.sendQ.Load() == nil {
		s.conn.SetWriteDeadline(sendDeadline(d))
		defer s.conn.SetWriteDeadline(time.Time{})
	}
	rc := s.records()
	if err := rc.WriteRecord(wire.TypeApplicationData, p); err != nil {
		return 0, s.failWrite(err)
	}
	if err := rc.Flush(); err != nil {
		return 0, s.failWrite(err)
	}
	if s.tls.tls13 {
		if err := s.maybeUpdateKeysLocked(len(p)); err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}

func (s *Socket) failWrite(err error) error {
	if isTimeout(err) {
		// A write that timed out may have sent part of a record: the
		// stream is no longer usable.
		s.out.err = ErrTimeout
	} else {
		s.out.err = ErrClosed
	}
	return s.out.err
}

// Recv reads data in passive mode: ssl:recv/2,3. With packet 0 (raw) and
// length 0 it returns all available bytes (at least one: it waits for
// the first record), joining the application data of every record
// already received, as OTP does (on a DTLS socket: one record's data,
// never joined with the next); with length > 0 exactly length bytes; with packet 1, 2, 4 or line it returns one
// packet (without its length header) and length is ignored. timeout 0
// means infinity; on ErrTimeout nothing read is lost. A closed connection
// gives ErrClosed; a socket in active mode ErrEinval. The data is a
// []byte in list mode too.
func (s *Socket) Recv(length int, timeout time.Duration) ([]byte, error) {
	if length < 0 {
		return nil, badOption("length", length, "must be non-negative")
	}
	if err := s.ensureHandshake(); err != nil {
		return nil, err
	}
	if s.isActive() {
		return nil, errActiveRecv()
	}
	s.in.Lock()
	defer s.in.Unlock()
	defer s.idleReaderLocked()
	if timeout > 0 {
		s.conn.SetReadDeadline(time.Now().Add(timeout))
		defer s.conn.SetReadDeadline(time.Time{})
	}
	var body []byte
	var err error
	if length == 0 && s.shape().packet == packetRaw {
		body, err = s.readAvailableLocked()
	} else {
		_, body, err = s.readPacketLocked(length)
	}
	if err != nil {
		if isTimeout(err) && s.in.err == nil {
			return nil, ErrTimeout
		}
		if errors.Is(err, errPeerClosed) {
			return nil, ErrClosed
		}
		return nil, err
	}
	return body, nil
}

// Read implements net.Conn; it returns io.EOF after the peer's
// close_notify. It reads the byte stream whatever the packet option (a
// packet's length header included) and fails with ErrEinval in active
// mode.
func (s *Socket) Read(p []byte) (int, error) {
	if err := s.ensureHandshake(); err != nil {
		return 0, err
	}
	if s.isActive() {
		return 0, errActiveRecv()
	}
	s.in.Lock()
	defer s.in.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	defer s.idleReaderLocked()
	if len(s.in.acc) > 0 {
		n := copy(p, s.in.acc)
		s.in.acc = s.in.acc[n:]
		if len(s.in.acc) == 0 {
			s.in.acc = nil
		}
		return n, nil
	}
	// Fill p with what is pending and then with the records already
	// buffered (reading from the transport only while p is empty),
	// decrypting each into p when it fits there.
	n := 0
	for {
		if len(s.in.pending) > 0 {
			c := copy(p[n:], s.in.pending)
			s.in.pending = s.in.pending[c:]
			n += c
		}
		if n == len(p) {
			return n, nil
		}
		m, err := s.fillToLocked(p[n:], n > 0)
		n += m
		if err != nil {
			if n > 0 {
				// A sticky error is reported by the next call.
				return n, nil
			}
			if errors.Is(err, errPeerClosed) {
				return 0, io.EOF
			}
			return 0, err
		}
		if m == 0 && len(s.in.pending) == 0 {
			return n, nil // only with n > 0: no whole record buffered
		}
	}
}

// idleReaderLocked gives the record reader's buffer back to its pool at
// the end of a read that consumed all of it, so that a connection nobody
// is reading holds none (the next read takes one again).
func (s *Socket) idleReaderLocked() {
	if len(s.in.pending) == 0 {
		s.records().PutBuffer()
	}
}

// fillLocked makes s.in.pending non-empty, reading records as needed.
// The plaintext stays in the record reader's buffer until consumed: the
// next ReadRecord only happens once pending is empty.
func (s *Socket) fillLocked() error {
	_, err := s.fillToLocked(nil, false)
	return err
}

// fillToLocked reads records until application data is pending or, with
// dst, has been decrypted into dst: then it returns its length and
// pending stays empty. With buffered, it returns 0 and nil rather than
// read from the transport.
func (s *Socket) fillToLocked(dst []byte, buffered bool) (int, error) {
	for len(s.in.pending) == 0 {
		if s.in.err != nil {
			return 0, s.in.err
		}
		if !buffered {
			if held, err := s.handleHeldLocked(); err != nil {
				return 0, err
			} else if held {
				continue
			}
		}
		rc := s.records()
		if buffered && (s.in.held != nil || !rc.RecordReady()) {
			return 0, nil
		}
		s.markActive()
		if s.rdWait != nil && len(rc.Buffered()) == 0 {
			if err := s.waitReadable(); err != nil {
				if isTimeout(err) {
					return 0, err
				}
				s.in.err = s.readFailure(err)
				return 0, s.in.err
			}
		}
		typ, data, err := rc.ReadRecordTo(dst)
		if err != nil {
			if isTimeout(err) {
				return 0, err
			}
			s.in.err = s.readFailure(err)
			return 0, s.in.err
		}
		// Again now the record is in: the sweep may have released the
		// socket while the read waited, and the record took a buffer and
		// a cipher back, which the next release must find.
		s.markActive()
		if typ == wire.TypeApplicationData && len(data) > 0 && len(dst) > 0 && &data[0] == &dst[0] {
			if err := s.refuseInterleaved13(typ); err != nil {
				s.in.err = err
				return 0, err
			}
			if err := s.refuseDataAfterCCS(); err != nil {
				s.in.err = err
				return 0, err
			}
			s.gotData()
			return len(data), nil
		}
		if buffered && typ != wire.TypeApplicationData {
			// The Read already holds data for its caller. Handling this
			// record may write (a KeyUpdate's answer, the reply to
			// close_notify, an alert), and a writer blocked on a peer
			// that does not read would then hold that data back: the
			// record waits for the next call, which handles it before
			// reading anything after it (a KeyUpdate changes the keys of
			// what follows).
			s.in.held = &heldRecord{typ: typ, data: bytes.Clone(data)}
			return 0, nil
		}
		if err := s.handleRecord(typ, data); err != nil {
			s.in.err = err
			return 0, err
		}
	}
	return 0, nil
}

// handleHeldLocked handles the record a Read gathering buffered records
// left for the next call, if there is one: every reader (fillToLocked,
// Renegotiate's readForRenegLocked) must take it before reading more.
func (s *Socket) handleHeldLocked() (bool, error) {
	h := s.in.held
	if h == nil {
		return false, nil
	}
	s.in.held = nil
	if err := s.handleRecord(h.typ, h.data); err != nil {
		s.in.err = err
		return true, err
	}
	return true, nil
}

// heldRecord is a decrypted record other than application data that a
// Read gathering already-buffered records left for the next call.
type heldRecord struct {
	typ  uint8
	data []byte
}

// maxIdleRecords bounds records that carry no application data in a row
// (empty records, warnings, refused renegotiations): a peer cannot keep
// a reader spinning.
const maxIdleRecords = 64

// countIdle counts one more record without application data, and ends
// the connection past maxIdleRecords in a row.
func (s *Socket) countIdle() error {
	if s.idleRecords < maxIdleRecords+1 {
		s.idleRecords++
	}
	if s.idleRecords > maxIdleRecords {
		return s.sendFatal(alert.New(alert.UnexpectedMessage, "too many records without data"))
	}
	return nil
}

func (s *Socket) handleRecord(typ uint8, data []byte) error {
	if err := s.refuseInterleaved13(typ); err != nil {
		return err
	}
	if typ == wire.TypeApplicationData {
		if err := s.refuseDataAfterCCS(); err != nil {
			return err
		}
	}
	if typ == wire.TypeApplicationData && len(data) > 0 {
		s.gotData()
		s.in.pending = data
		return nil
	}
	if err := s.countRecord(typ, data); err != nil {
		return err
	}
	switch typ {
	case wire.TypeApplicationData:
		return nil
	case wire.TypeAlert:
		return s.handleAlert(data)
	case wire.TypeHandshake:
		return s.handlePostHandshake(data)
	case wire.TypeChangeCipherSpec:
		return s.handleRenegCCS(data)
	}
	return s.sendFatal(alert.New(alert.UnexpectedMessage, "unexpected record type after the handshake"))
}

// handleAlert processes an alert record (RFC 5246, 7.2).
func (s *Socket) handleAlert(data []byte) error {
	if len(data) != 2 {
		return s.sendFatal(alert.New(alert.DecodeError, "malformed alert"))
	}
	level, desc := alert.Level(data[0]), alert.Description(data[1])
	s.reportAlert(level, desc, true)
	if desc == alert.CloseNotify {
		// RFC 5246, 7.2.1: answer with our own close_notify, which
		// closes our write side too (exit_on_close true, Erlang's
		// default). With exit_on_close false only the read side ends:
		// RFC 8446, 6.1's half-close; Shutdown or Close sends ours.
		if !s.shape().halfClose {
			s.sendCloseNotify()
		}
		return errPeerClosed
	}
	if level == alert.Warning && !(s.tls.tls13 && errorWarning13(level, desc)) {
		s.logAlertAs(s.remoteAlert(level, desc), fmt.Sprintf("TLS %s: received warning alert %s", s.role, desc))
		return s.renegWarning(desc)
	}
	s.conn.Close()
	a := s.remoteAlert(level, desc)
	s.logAlert(a)
	return a
}

// readFailure converts a record-layer or transport error.
func (s *Socket) readFailure(err error) error {
	var ae *alert.Error
	if errors.As(err, &ae) {
		return s.sendFatal(ae)
	}
	s.conn.Close()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return ErrClosed
	}
	return ErrClosed
}

// sendFatal sends a fatal alert, closes the transport and returns the
// alert as an error.
func (s *Socket) sendFatal(e *alert.Error) error {
	s.out.Lock()
	if s.out.err == nil {
		s.setCloseDeadline(time.Now().Add(time.Second))
		if s.writeAlert(alert.Fatal, e.Desc) == nil {
			s.reportAlert(alert.Fatal, e.Desc, false)
		}
		s.flushSent()
		s.out.err = ErrClosed
	}
	s.out.Unlock()
	s.closeAfterAlert()
	return s.localAlert(e)
}

// writeAlert writes and flushes an alert record; the caller holds out.
func (s *Socket) writeAlert(level alert.Level, desc alert.Description) error {
	if level == alert.Fatal && s.dtls() == nil && s.rd.Version() == wire.VersionSSL30 {
		desc = alert.ForSSL30(desc)
	}
	rc := s.records()
	if err := rc.WriteRecord(wire.TypeAlert, []byte{byte(level), byte(desc)}); err != nil {
		return err
	}
	return rc.Flush()
}

// localAlert is the error for a fatal alert we sent, logged.
func (s *Socket) localAlert(e *alert.Error) *Alert {
	a := &Alert{Level: "fatal", Description: e.Desc.String(), Code: uint8(e.Desc), Role: s.role.String(),
		State: s.state(), Reason: e.Reason, Err: publicCause(e.Err)}
	s.logAlert(a)
	return a
}

// closeAfterAlert closes the transport so that the fatal alert just sent
// reaches the peer: closing a TCP socket with unread input makes the
// kernel send a reset, which can destroy the alert before the peer reads
// it. So the write side is shut first and input already on its way is
// drained for a moment (bounded in time and size).
func (s *Socket) closeAfterAlert() {
	if tc, ok := s.conn.(interface{ CloseWrite() error }); ok && tc.CloseWrite() == nil {
		s.conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		io.CopyN(io.Discard, s.conn, 1<<16)
	}
	s.conn.Close()
}

func (s *Socket) sendWarning(d alert.Description) {
	s.out.Lock()
	defer s.out.Unlock()
	if s.out.err == nil {
		if err := s.writeAlert(alert.Warning, d); err != nil {
			s.failWrite(err)
		} else {
			s.reportAlert(alert.Warning, d, false)
		}
	}
}

// sendCloseNotify sends close_notify, within five seconds. With
// delay_send it waits until the queue is written, within the same five
// seconds, and returns the queue's error.
func (s *Socket) sendCloseNotify() error {
	s.out.Lock()
	defer s.out.Unlock()
	if s.out.closeSent || s.out.err != nil {
		return nil
	}
	s.out.closeSent = true
	s.setCloseDeadline(time.Now().Add(5 * time.Second))
	werr := s.writeAlert(alert.Warning, alert.CloseNotify)
	err := s.flushSent()
	if werr == nil && err == nil {
		s.reportAlert(alert.Warning, alert.CloseNotify, false)
	}
	s.conn.SetWriteDeadline(time.Time{})
	s.out.err = ErrClosed
	return err
}

func (s *Socket) remoteAlert(level alert.Level, desc alert.Description) *Alert {
	return &Alert{Level: level.String(), Description: desc.String(), Code: uint8(desc), Received: true,
		Role: s.role.String(), State: s.state()}
}

// Close sends close_notify and closes the connection: ssl:close/1. With
// delay_send it first waits (up to five seconds, as for close_notify)
// until the queue is written, and returns ErrTimeout or ErrClosed if it
// could not all be: the last chance to learn that queued data was lost.
func (s *Socket) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	defer s.reportClosed()
	s.stopActive()
	s.waitIdleRelease()
	// A writer blocked on a peer that does not read holds the write
	// lock; close_notify cannot be sent in the middle of its record, so
	// close the transport at once, which also unblocks that writer.
	var err error
	if s.hsDone.Load() && s.hsErr == nil {
		if s.sendQ.Load() != nil {
			// A writer holding out waits for room in the queue at
			// most until the flusher fails at this deadline: wait for
			// it, so that everything a Send accepted goes before
			// close_notify, or Close reports that it did not.
			s.setCloseDeadline(time.Now().Add(5 * time.Second))
			s.out.Lock()
			//lint:ignore SA2001 taking and releasing the write lock waits for a writer in the middle of a record, so close_notify does not land inside it
			s.out.Unlock()
			s.sendCloseNotify()
			// The queue's error whether close_notify went through it or
			// was skipped after a Send had already met that error.
			err = s.queueError()
			s.dropUnread()
		} else if s.out.TryLock() {
			s.out.Unlock()
			s.sendCloseNotify()
			s.dropUnread()
		}
	}
	s.conn.Close()
	// The record buffers go back to the pool for the next connection
	// (a reader or writer still busy keeps its own).
	if s.in.TryLock() {
		// Nothing is read after Close: unread plaintext goes with the
		// buffer it sits in.
		s.in.pending, s.in.acc, s.in.held = nil, nil, nil
		if s.in.err == nil {
			s.in.err = errSocketClosed
		}
		s.records().ReleaseReader()
		s.in.Unlock()
	}
	if s.out.TryLock() {
		s.records().ReleaseWriter()
		s.out.Unlock()
	}
	return err
}

// releaseReaderLocked gives the record reader's buffer and cipher state
// back while the socket idles (end of the handshake, idle release).
// Unread plaintext in pending points into that buffer, so it is copied
// out first: once the buffer is back in the shared pool another
// connection may take it and overwrite it, and this socket would then
// return that connection's data.
func (s *Socket) releaseReaderLocked() {
	if len(s.in.pending) > 0 {
		s.in.pending = bytes.Clone(s.in.pending)
	}
	s.records().ReleaseReader()
}

// dropUnread reads and drops what the peer sent and nobody read, as far
// as it is already here, before the transport is closed: closing a TCP
// socket with unread input makes the kernel send a reset, which can
// destroy our data still on its way to the peer and the close_notify. It
// leaves a reader in Recv alone and only touches TCP (a custom transport
// may not honour deadlines).
//
// It does not wait for more, except in one case: a TLS 1.3 client that
// keeps tickets and has seen none, for which a NewSessionTicket sent
// after its Finished (as most servers send them; gossl's server sends its
// first with its own Finished) is likely on its way; it waits a
// millisecond at most for it. Waiting on every Close would make each one
// take that millisecond, and cost a timer and a wake-up per connection.
func (s *Socket) dropUnread() {
	if _, ok := underlying(s.conn).(*net.TCPConn); !ok {
		return
	}
	if !s.in.TryLock() {
		return
	}
	defer s.in.Unlock()
	if errors.Is(s.in.err, errPeerClosed) || s.in.err == ErrClosed {
		// The peer's close_notify, or the end of the stream, was read:
		// nothing may follow it.
		return
	}
	// Small and pooled: there is rarely anything to drop, and every
	// Close needs one (16 KiB allocated per close was a third of the
	// bytes a handshake benchmark allocated, and the GC work that goes
	// with it).
	bp := drainBufs.Get().(*[2 << 10]byte)
	defer drainBufs.Put(bp)
	buf := bp[:]
	if !s.expectTicket() {
		if rc := rawConn(underlying(s.conn)); rc != nil && drainNow(rc, buf) {
			return
		}
	}
	for n := 0; n < 1<<20; {
		s.conn.SetReadDeadline(time.Now().Add(time.Millisecond))
		m, err := s.conn.Read(buf)
		n += m
		if err != nil {
			return
		}
	}
}

// drainBufs holds dropUnread's buffers. What is dropped never reaches
// anyone: a buffer holds only peer bytes already discarded.
var drainBufs = sync.Pool{New: func() any { return new([2 << 10]byte) }}

// expectTicket reports whether a NewSessionTicket may still be on its
// way: a TLS 1.3 client that keeps tickets, has not seen one, and has no
// record waiting to be read (where one would be). The caller holds in.
func (s *Socket) expectTicket() bool {
	return s.role == roleClient && s.tls.tls13 && !s.tls.gotTicket.Load() &&
		s.conf().ticketCache != nil && !s.rd.HasInput()
}

// LocalAddr implements net.Conn.
func (s *Socket) LocalAddr() net.Addr { return s.conn.LocalAddr() }

// RemoteAddr implements net.Conn.
func (s *Socket) RemoteAddr() net.Addr { return s.conn.RemoteAddr() }

// SetDeadline implements net.Conn.
func (s *Socket) SetDeadline(t time.Time) error { return s.conn.SetDeadline(t) }

// SetReadDeadline implements net.Conn.
func (s *Socket) SetReadDeadline(t time.Time) error { return s.conn.SetReadDeadline(t) }

// SetWriteDeadline implements net.Conn.
func (s *Socket) SetWriteDeadline(t time.Time) error { return s.conn.SetWriteDeadline(t) }

// Peername returns the peer's address: ssl:peername/1.
func (s *Socket) Peername() (net.Addr, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	return s.conn.RemoteAddr(), nil
}

// Sockname returns the local address: ssl:sockname/1.
func (s *Socket) Sockname() (net.Addr, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	return s.conn.LocalAddr(), nil
}

// Peercert returns the peer's DER certificate: ssl:peercert/1.
func (s *Socket) Peercert() ([]byte, error) {
	if !s.hsDone.Load() || s.hsErr != nil || !s.hasInfo() {
		return nil, ErrClosed
	}
	certs := s.peerCertDER()
	if len(certs) == 0 {
		return nil, ErrNoPeercert
	}
	return certs[0], nil
}

// NegotiatedProtocol returns the protocol negotiated by ALPN:
// ssl:negotiated_protocol/1, or ErrProtocolNotNegotiated.
func (s *Socket) NegotiatedProtocol() (string, error) {
	if !s.hsDone.Load() || s.hsErr != nil || !s.hasInfo() || s.connInfo().NegotiatedProtocol == "" {
		return "", ErrProtocolNotNegotiated
	}
	return s.connInfo().NegotiatedProtocol, nil
}

func isTimeout(err error) bool {
	if err == nil {
		// Before errors.As, whose target escapes: the data path asks
		// after every read.
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
