package ssl

import (
	"context"
	"errors"
	"time"

	"github.com/gossl/ssl/internal/alert"
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
		cl.LocalCID = c.localCID
		s.state, m = cl.State, cl
	} else {
		sv := handshake.NewServer(s.res.hs)
		sv.Sessions = s.sessions12()
		sv.LocalCID = c.localCID
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
			// The transport timed out at wait, by its clock
			// (readDatagram): wait has passed even if time.Now() has
			// not reached it. The next period runs from now, when the
			// flight goes out again.
			now := time.Now()
			at := now
			if at.Before(wait) {
				at = wait
			}
			if !deadline.IsZero() && !at.Before(deadline) {
				return fail(err)
			}
			c.wmu.Lock()
			if c.timer.Expired(at) {
				c.timer.Start(now)
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
		c.wmu.Lock()
		flushes := c.flushes
		c.wmu.Unlock()
		if err := s.dtlsHandshakeDatagram(m, d); err != nil {
			return fail(err)
		}
		if m.Done() {
			c.wmu.Lock()
			if c.flushes == flushes {
				// The peer's flight ended the handshake: it answers
				// ours, so a retransmission of it asks for nothing
				// and ours is never sent again (RFC 6347, 4.2.4: only
				// the sender of the last flight answers the peer's
				// retransmitted one).
				c.flight.Reset()
			}
			c.wmu.Unlock()
		}
	}
	info := s.slimInfo(m.Info())
	s.finishHandshake(m)
	// Inside the machine the version is TLS's; the socket reports the
	// DTLS one (connection_information's protocol).
	info.Version = handshake.DTLSVersion(info.Version)
	s.info = info
	c.rn.expire = func() { s.endReneg(ErrTimeout) }
	c.keepCookie(m)
	c.handshakeOver(false)
	return nil
}

// ccsWaiter is a machine that says when it takes the peer's
// ChangeCipherSpec (the TLS 1.2 machines).
type ccsWaiter interface{ WantsChangeCipherSpec() bool }

// Bounds on the records of the next epoch kept while the handshake
// waits for the ChangeCipherSpec they overtook.
const (
	maxFutureRecords = 32
	maxFutureBytes   = 16 << 10
)

// dtlsHandshakeDatagram feeds one datagram's records to the machine.
//
// Reordering (RFC 6347, 4.1): a ChangeCipherSpec that overtakes the
// handshake messages before it is kept until the machine has them, and
// records of the next epoch (the Finished) that overtake the
// ChangeCipherSpec are kept, within bounds, and opened once its keys are
// in. Before, the first was fatal and the second dropped until a
// retransmission.
func (s *Socket) dtlsHandshakeDatagram(m handshake.Machine, d []byte) error {
	c := s.dtls()
	for rest := d; len(rest) > 0; {
		epoch := c.r.Epoch()
		rec, next, ok := c.r.Open(rest)
		if !ok {
			c.keepNextEpoch(rest, next, epoch)
		}
		rest = next
		if !ok {
			continue
		}
		if err := c.overflow(rec); err != nil {
			return err
		}
		c.migrate(rec)
		var acts []handshake.Action
		var err error
		switch rec.Type {
		case wire.TypeChangeCipherSpec:
			if rec.Previous || len(rec.Data) != 1 || rec.Data[0] != 1 {
				continue // a retransmission, or not a ChangeCipherSpec at all
			}
			c.peerAnswered()
			if w, ok := m.(ccsWaiter); ok && !w.WantsChangeCipherSpec() {
				c.ccsPending = true
				continue
			}
			acts, err = c.changeCipherSpec(m)
		case wire.TypeHandshake:
			old, aerr := c.ra.Add(rec.Data)
			if aerr != nil {
				return aerr
			}
			if old {
				if err := c.resendOnPeerRetransmit(rec.Data); err != nil {
					return err
				}
			}
			for msg, ok := c.ra.Next(); ok && err == nil; msg, ok = c.ra.Next() {
				c.peerAnswered()
				s.logHandshake("received", msg)
				var more []handshake.Action
				more, err = machineMessage(m, msg)
				acts = append(acts, more...)
				if w, ok := m.(ccsWaiter); ok && err == nil && c.ccsPending && w.WantsChangeCipherSpec() {
					c.ccsPending = false
					more, err = c.changeCipherSpec(m)
					acts = append(acts, more...)
				}
			}
		case wire.TypeAlert:
			if a := s.dtlsAlert(rec.Data); a != nil {
				return a
			}
		case wire.TypeApplicationData:
			if rec.Epoch == 0 {
				// Nobody protected it: application data goes only
				// under keys (RFC 6347, 4.1), so this one is forged
				// or the peer is broken. An unexpected record (RFC
				// 5246, 6.2.1), never data for the first Recv.
				return alert.New(alert.UnexpectedMessage, "application data before the handshake set keys")
			}
			// Data that overtook the peer's last handshake flight
			// (protected under the new keys): kept for the first
			// Recv, within a bound.
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
		if c.r.Epoch() != epoch && len(c.future) > 0 {
			// The keys of the records kept are in: open them now.
			future := c.future
			c.future, c.futureBytes = nil, 0
			for _, r := range future {
				if err := s.dtlsHandshakeDatagram(m, r); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// changeCipherSpec hands the peer's ChangeCipherSpec to the machine. The
// handshake messages after it belong to the new epoch, so fragments of
// any buffered in the old one (the unprotected epoch 0) cannot stand:
// an unexpected message, as BoringSSL refuses a key change over
// buffered handshake data.
func (c *dtlsConn) changeCipherSpec(m handshake.Machine) ([]handshake.Action, error) {
	if c.ra.Pending() {
		return nil, alert.New(alert.UnexpectedMessage, "handshake data of the old epoch buffered across the ChangeCipherSpec")
	}
	return machineStep(m.HandleChangeCipherSpec)
}

// keepFuture keeps a copy of a record of the next epoch, within bounds.
func (c *dtlsConn) keepFuture(r []byte) {
	if len(c.future) < maxFutureRecords && c.futureBytes+len(r) <= maxFutureBytes {
		c.future = append(c.future, append([]byte(nil), r...))
		c.futureBytes += len(r)
	}
}

// dtlsAlert handles an alert record: nil for a warning (ignored), the
// error to return otherwise. A malformed alert is an invalid record and
// dropped (RFC 6347, Section 4.1.2.7).
func (s *Socket) dtlsAlert(data []byte) error {
	if len(data) != 2 {
		return nil
	}
	level, desc := alert.Level(data[0]), alert.Description(data[1])
	s.reportAlert(level, desc, true)
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
	if s.dtls().WriteRecord(wire.TypeAlert, []byte{byte(level), byte(desc)}) == nil {
		s.reportAlert(level, desc, false)
	}
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

// dtlsPostHandshake takes a whole handshake message that follows a DTLS
// handshake (the record layer has reassembled it, in the current epoch,
// and dropped the peer's retransmissions): the start of a renegotiation
// or one of its messages, as in TLS (renegotiate.go, dtls_reneg.go).
func (s *Socket) dtlsPostHandshake(msg []byte) error {
	if err := s.countIdle(); err != nil {
		return err
	}
	return s.handleRenegMessage(msg)
}
