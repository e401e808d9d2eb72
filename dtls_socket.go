package ssl

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/wire"
)

// maxEarlyRecords bounds the application data records kept when they
// overtake the end of the handshake (reordering): more are dropped, as a
// network would.
const maxEarlyRecords = 16

// dtlsHandshake runs the handshake of a DTLS socket (the caller holds
// in): the machine in DTLS mode over the association, with the
// retransmission timer of RFC 6347, Section 4.2.4 as the read deadline
// whenever it is sooner than the handshake's own.
func (s *Socket) dtlsHandshake(ctx context.Context, deadline time.Time, ctxBound bool) error {
	c := s.dtls()
	c.rstat, c.wstat = &s.stats.src.c, &s.stats.dst.c
	var m handshake.Machine
	if s.role == roleClient {
		cl := handshake.NewClient(s.res.hs)
		cl.Sessions = s.sessions12()
		s.state, m = cl.State, cl
	} else {
		sv := handshake.NewServer(s.res.hs)
		sv.Sessions = s.sessions12()
		s.state, m = sv.State, sv
	}
	fail := func(err error) error {
		var ae *alert.Error
		if errors.As(err, &ae) {
			return s.dtlsFatal(ae)
		}
		var a *Alert
		if errors.As(err, &a) {
			return a
		}
		if isTimeout(err) {
			return timeoutFor(ctxBound)
		}
		if ctx != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrClosed) {
			return err
		}
		return errors.Join(ErrClosed, err)
	}
	if s.role == roleClient {
		acts, err := machineStep(m.Start)
		if err != nil {
			return fail(err)
		}
		if err := c.apply(acts); err != nil {
			return fail(err)
		}
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.queue == nil {
		// The largest record, with its header: a datagram is rarely
		// bigger, and one that is loses its tail (records never span
		// datagrams, so only whole records are lost).
		c.rbuf = make([]byte, dtls.HeaderLen+wire.MaxCiphertext)
	}
	for !m.Done() {
		wait := deadline
		c.wmu.Lock()
		if td, ok := c.timer.Deadline(); ok && (wait.IsZero() || td.Before(wait)) {
			wait = td
		}
		c.wmu.Unlock()
		if ctx != nil && ctx.Done() != nil {
			// Cancellation is checked at least at each timer period.
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			if cw := time.Now().Add(time.Second); wait.IsZero() || cw.Before(wait) {
				wait = cw
			}
		}
		// About to wait for the peer: work ahead meanwhile (the next
		// key share, the Finished to expect), as the TLS driver does.
		if err := machinePrepare(m); err != nil {
			return fail(err)
		}
		d, err := c.readDatagram(wait)
		if err != nil {
			if !isTimeout(err) {
				return fail(err)
			}
			now := time.Now()
			if !deadline.IsZero() && !now.Before(deadline) {
				return fail(err)
			}
			c.wmu.Lock()
			if c.timer.Expired(now) {
				c.resent = true
				err = c.sendFlightLocked(now)
			} else {
				err = nil
			}
			c.wmu.Unlock()
			if err != nil {
				return fail(err)
			}
			continue
		}
		if err := s.dtlsHandshakeDatagram(m, d); err != nil {
			return fail(err)
		}
	}
	info := s.slimInfo(m.Info())
	s.finishHandshake(m)
	// Inside the machine the version is TLS's; the socket reports the
	// DTLS one (connection_information's protocol).
	info.Version = handshake.DTLSVersion(info.Version)
	s.info = info
	s.reneg = nil
	c.wmu.Lock()
	c.timer.Reset()
	c.wmu.Unlock()
	return nil
}

// dtlsHandshakeDatagram feeds one datagram's records to the machine.
func (s *Socket) dtlsHandshakeDatagram(m handshake.Machine, d []byte) error {
	c := s.dtls()
	for rest := d; len(rest) > 0; {
		rec, next, ok := c.r.Open(rest)
		rest = next
		if !ok {
			continue
		}
		var acts []handshake.Action
		var err error
		switch rec.Type {
		case wire.TypeChangeCipherSpec:
			if rec.Previous || len(rec.Data) != 1 || rec.Data[0] != 1 {
				continue // a retransmission, or not a ChangeCipherSpec at all
			}
			acts, err = machineStep(m.HandleChangeCipherSpec)
			c.peerAnswered()
		case wire.TypeHandshake:
			old, aerr := c.ra.Add(rec.Data)
			if aerr != nil {
				return aerr
			}
			if old {
				if err := c.resendOnPeerRetransmit(); err != nil {
					return err
				}
			}
			for msg, ok := c.ra.Next(); ok && err == nil; msg, ok = c.ra.Next() {
				c.peerAnswered()
				s.logHandshake("received", msg)
				var more []handshake.Action
				more, err = machineMessage(m, msg)
				acts = append(acts, more...)
			}
		case wire.TypeAlert:
			if a := s.dtlsAlert(rec.Data); a != nil {
				return a
			}
		case wire.TypeApplicationData:
			// Data that overtook the peer's last handshake flight: kept
			// for the first Recv, within a bound.
			if len(c.early) < maxEarlyRecords {
				c.early = append(c.early, append([]byte(nil), rec.Data...))
			}
		}
		if err != nil {
			return err
		}
		if err := c.apply(acts); err != nil {
			return err
		}
	}
	return nil
}

// dtlsAlert handles an alert record: nil for a warning (ignored), the
// error to return otherwise. A malformed alert is an invalid record and
// dropped (RFC 6347, Section 4.1.2.7).
func (s *Socket) dtlsAlert(data []byte) error {
	if len(data) != 2 {
		return nil
	}
	level, desc := alert.Level(data[0]), alert.Description(data[1])
	if desc == alert.CloseNotify {
		s.dtlsSendAlert(alert.Warning, alert.CloseNotify)
		return errPeerClosed
	}
	if level == alert.Warning {
		return nil
	}
	s.dtls().Close()
	a := s.remoteAlert(level, desc)
	s.logAlert(a)
	return a
}

// dtlsSendAlert sends an alert once; after a fatal one or close_notify
// nothing more is sent.
func (s *Socket) dtlsSendAlert(level alert.Level, desc alert.Description) {
	s.out.Lock()
	defer s.out.Unlock()
	if s.out.err != nil || s.out.closeSent {
		return
	}
	s.dtls().sealAndSend(wire.TypeAlert, []byte{byte(level), byte(desc)})
	if level == alert.Fatal || desc == alert.CloseNotify {
		s.out.closeSent = true
	}
}

// dtlsFatal sends a fatal alert, ends the association and returns the
// alert as an error (sendFatal's DTLS counterpart).
func (s *Socket) dtlsFatal(e *alert.Error) error {
	s.dtlsSendAlert(alert.Fatal, e.Desc)
	s.dtls().Close()
	return s.localAlert(e)
}

// dtlsNextRecord returns the data of the next application data record,
// waiting until deadline (zero: no limit). Handshake records after the
// handshake are the peer retransmitting its last flight, which means our
// last flight was lost: it is sent again (RFC 6347, Section 4.2.4).
func (s *Socket) dtlsNextRecord(deadline time.Time) ([]byte, error) {
	c := s.dtls()
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if len(c.early) > 0 {
		d := c.early[0]
		c.early = c.early[1:]
		return d, nil
	}
	if c.readErr != nil {
		return nil, c.readErr
	}
	for {
		if len(c.rest) == 0 {
			dl := deadline
			if rd := c.readDeadline(); !rd.IsZero() && (dl.IsZero() || rd.Before(dl)) {
				dl = rd
			}
			d, err := c.readDatagram(dl)
			if err != nil {
				if isTimeout(err) {
					return nil, ErrTimeout
				}
				c.readErr = ErrClosed
				return nil, ErrClosed
			}
			c.rest = d
		}
		rec, next, ok := c.r.Open(c.rest)
		c.rest = next
		if !ok {
			continue
		}
		switch rec.Type {
		case wire.TypeApplicationData:
			return append([]byte(nil), rec.Data...), nil
		case wire.TypeHandshake:
			if old, err := c.ra.Add(rec.Data); err == nil && old {
				c.resendOnPeerRetransmit()
			}
			// A new handshake (renegotiation) is not supported over
			// DTLS: its messages are dropped.
			for _, ok := c.ra.Next(); ok; _, ok = c.ra.Next() {
			}
		case wire.TypeAlert:
			if err := s.dtlsAlert(rec.Data); err != nil {
				c.readErr = err
				return nil, err
			}
		}
	}
}

// dtlsSend sends data as one or more records, each in its own datagram
// and no larger than the MTU allows: a Send is one or more records.
func (s *Socket) dtlsSend(data []byte) error {
	if err := s.ensureHandshake(); err != nil {
		return err
	}
	s.out.Lock()
	defer s.out.Unlock()
	if s.out.err != nil || s.out.closeSent {
		return ErrClosed
	}
	max := s.dtls().maxRecordData()
	for first := true; first || len(data) > 0; first = false {
		n := min(len(data), max)
		if err := s.dtls().sealAndSend(wire.TypeApplicationData, data[:n]); err != nil {
			s.out.err = ErrClosed
			return errors.Join(ErrClosed, err)
		}
		data = data[n:]
	}
	return nil
}

// dtlsRecv is Recv on a DTLS socket: one record's data per call.
func (s *Socket) dtlsRecv(length int, timeout time.Duration) ([]byte, error) {
	if err := s.ensureHandshake(); err != nil {
		return nil, err
	}
	if length != 0 {
		return nil, badOption("length", length, "must be 0 on a DTLS socket: Recv returns one record")
	}
	d, err := s.dtlsNextRecord(deadlineAfter(timeout))
	if errors.Is(err, errPeerClosed) {
		err = ErrClosed
	}
	return d, err
}

// dtlsRead is Read on a DTLS socket: the next record's data, what does
// not fit in p kept for the next Read; io.EOF after close_notify.
func (s *Socket) dtlsRead(p []byte) (int, error) {
	if err := s.ensureHandshake(); err != nil {
		return 0, err
	}
	c := s.dtls()
	if len(c.unread) == 0 {
		d, err := s.dtlsNextRecord(time.Time{})
		if errors.Is(err, errPeerClosed) {
			return 0, io.EOF
		}
		if err != nil {
			return 0, err
		}
		c.unread = d
	}
	n := copy(p, c.unread)
	c.unread = c.unread[n:]
	return n, nil
}

// dtlsClose is Close on a DTLS socket: close_notify, then the end of the
// association.
func (s *Socket) dtlsClose() error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.hsDone.Load() && s.hsErr == nil {
		s.dtlsSendAlert(alert.Warning, alert.CloseNotify)
	}
	return s.dtls().Close()
}
