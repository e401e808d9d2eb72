package ssl

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"time"
)

// CloseTimeout sends close_notify and waits up to timeout for the peer's
// close_notify before closing the transport: ssl:close/2 with a timeout.
// Data that arrives meanwhile is discarded. It returns ErrTimeout when
// the peer did not answer in time (the socket is closed all the same).
// timeout 0 means infinity.
func (s *Socket) CloseTimeout(timeout time.Duration) error {
	if s.closed.Swap(true) {
		return nil
	}
	defer s.reportClosed()
	s.stopActive()
	defer s.conn.Close()
	if !s.hsDone.Load() || s.hsErr != nil {
		return nil
	}
	dl := time.Time{}
	if timeout > 0 {
		dl = time.Now().Add(timeout)
	}
	s.setCloseDeadline(dl)
	s.out.Lock()
	//lint:ignore SA2001 taking and releasing the write lock waits for a writer in the middle of a record, so close_notify does not land inside it
	s.out.Unlock()
	if err := mapQueueError(s.sendCloseNotify()); err != nil {
		return err // delay_send: the queue was not all written
	}
	err := s.awaitCloseNotify(dl)
	if isTimeout(err) {
		return ErrTimeout
	}
	return nil
}

// awaitCloseNotify reads and discards records until the peer's
// close_notify; errPeerClosed is success and returns nil.
func (s *Socket) awaitCloseNotify(dl time.Time) error {
	if dl.IsZero() {
		s.conn.SetReadDeadline(time.Time{})
	} else {
		// A reader blocked in Recv holds in: the deadline frees it.
		s.conn.SetReadDeadline(dl)
	}
	s.in.Lock()
	defer s.in.Unlock()
	s.conn.SetReadDeadline(dl) // the active goroutine may have reset it
	for {
		err := s.fillLocked()
		if err == nil {
			s.in.pending = nil
			s.in.acc = nil
			continue
		}
		if errors.Is(err, errPeerClosed) {
			return nil
		}
		return err
	}
}

// Downgrade ends TLS on the connection and hands over the transport:
// ssl:close/2 with {NewController, Timeout}. It sends close_notify, waits
// up to timeout (0: infinity) for the peer's, and returns the transport
// and the bytes the peer sent after its close_notify that were already
// read from the transport (Erlang's {ok, Port, Data}): read data first,
// then conn. The transport has no deadlines set; it is the caller's to
// use and close, and the socket is closed. Application data that
// arrives before the peer's close_notify, or that was not read before the
// call, is discarded, as Erlang does. On failure the transport is closed.
func (s *Socket) Downgrade(timeout time.Duration) (conn net.Conn, data []byte, err error) {
	if !s.hsDone.Load() || s.hsErr != nil {
		return nil, nil, ErrClosed
	}
	if s.dtls() != nil {
		// The UDP socket of a server association is the listener's,
		// shared with other peers: there is no transport to hand over.
		return nil, nil, fmt.Errorf("notsup: no downgrade of a DTLS association: %w", ErrNotSupported)
	}
	if s.closed.Swap(true) {
		return nil, nil, ErrClosed
	}
	defer s.reportClosed()
	s.stopActive()
	dl := time.Time{}
	if timeout > 0 {
		dl = time.Now().Add(timeout)
	}
	s.setCloseDeadline(dl)
	s.out.Lock()
	sent := s.out.err == nil && !s.out.closeSent
	s.out.Unlock()
	if !sent {
		s.conn.Close()
		return nil, nil, ErrClosed
	}
	if err := mapQueueError(s.sendCloseNotify()); err != nil {
		// delay_send: part of a record may be on the wire.
		s.conn.Close()
		return nil, nil, err
	}
	if err := s.awaitCloseNotify(dl); err != nil {
		s.conn.Close()
		if isTimeout(err) {
			return nil, nil, ErrTimeout
		}
		return nil, nil, err
	}
	s.in.Lock()
	data = bytes.Clone(s.rd.Buffered())
	if src := &s.stats.src; src.hasPeek {
		data = append(data, src.peek[0])
		src.hasPeek = false
	}
	s.in.Unlock()
	s.conn.SetDeadline(time.Time{})
	return s.conn, data, nil
}

// Shutdown closes one or both directions: ssl:shutdown/2, with how
// "read", "write" or "read_write". Shutting the write side sends
// close_notify and half-closes the transport when it can (CloseWrite);
// data from the peer can still be received until it closes in turn (a
// gossl peer goes on sending after our close_notify only with
// exit_on_close false, see Options.ExitOnClose). Shutting the read side
// makes Recv and Read return ErrClosed and stops active deliveries. The
// socket stays open until Close. With delay_send, shutting the write side waits
// (up to five seconds) until the queue is written, and returns
// ErrTimeout or ErrClosed if it could not all be.
func (s *Socket) Shutdown(how string) error {
	if s.closed.Load() {
		return ErrClosed
	}
	var rd, wr bool
	switch how {
	case "read":
		rd = true
	case "write":
		wr = true
	case "read_write":
		rd, wr = true, true
	default:
		return badOption("how", how, "must be read, write or read_write")
	}
	if !s.hsDone.Load() || s.hsErr != nil {
		return ErrClosed
	}
	var err error
	if wr {
		s.out.Lock()
		//lint:ignore SA2001 taking and releasing the write lock waits for a writer in the middle of a record, so close_notify does not land inside it
		s.out.Unlock()
		err = mapQueueError(s.sendCloseNotify()) // delay_send's queue
		if cw, ok := underlying(s.conn).(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
	}
	if rd {
		s.setActive(activeFalse, 0)
		s.act.lock()
		s.act.ownerClosed = true
		s.act.unlock()
		s.conn.SetReadDeadline(time.Unix(1, 0))
		s.in.Lock()
		s.conn.SetReadDeadline(time.Time{})
		if s.in.err == nil || isTimeout(s.in.err) {
			s.in.err = ErrClosed
		}
		s.in.pending, s.in.acc = nil, nil
		s.in.Unlock()
	}
	return err
}

// CloseWrite implements the half-close of net.TCPConn and crypto/tls:
// Shutdown("write").
func (s *Socket) CloseWrite() error { return s.Shutdown("write") }
