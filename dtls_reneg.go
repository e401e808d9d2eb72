package ssl

import (
	"sync/atomic"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/wire"
)

// DTLS renegotiation. RFC 6347 keeps TLS 1.2's renegotiation and RFC
// 5746 with it: who may start one, the limits, the renegotiation_info
// and extended master secret checks and the machines are renegotiate.go's,
// shared with TLS. What datagrams change is here:
//
//   - message_seq: the first message each side sends in each handshake
//     has message_seq 0 (RFC 6347, 4.2.2), and a server's HelloRequest
//     is its message 0, its ServerHello then 1. So the peer's
//     messages are reassembled from 0 again after each handshake
//     (handshakeOver), and what the peer retransmits of the handshake
//     just finished is recognised by its epoch: messages of the
//     previous epoch, and a Finished in the epoch that handshake ended
//     in (a new handshake's Finished comes in the epoch after it).
//     OpenSSL and Erlang/OTP number the same way.
//   - the new handshake runs protected in the current epoch; records of
//     the next one that overtake the peer's ChangeCipherSpec are kept,
//     within the first handshake's bounds, and opened once its keys are
//     in; a ChangeCipherSpec that overtakes the messages before it waits
//     for them.
//   - flights and the retransmission timer are the first handshake's
//     (dtlsConn.apply); whoever reads (Recv, active mode, Renegotiate's
//     wait) resends on the timer. A renegotiation the peer leaves
//     unanswered stops being retransmitted after the handshake timeout
//     (or 60 s) and ends with ErrTimeout.
//   - application data keeps flowing: records of the current and of the
//     previous epoch are delivered as they come; those of the new epoch
//     that arrive between the peer's ChangeCipherSpec and its Finished
//     (reordered) are held until the Finished, not refused as in TLS.
//   - the previous epoch's keys stay for dtlsPrevEpochKeep after a
//     renegotiation, to read the peer's retransmitted flight and its
//     data still in flight (RFC 6347, 4.1 allows up to the TCP MSL),
//     and are then dropped.
//   - cookies: a gossl server sends no HelloVerifyRequest in a
//     renegotiation. The exchange is RFC 6347, 4.2.1's defence against
//     spoofed source addresses (amplification); a renegotiation comes
//     protected by the association's keys, from a peer whose address
//     the first handshake's cookie proved, so it would only add a round
//     trip (OpenSSL's server does not send one either). A gossl client
//     sends the association's cookie again in its renegotiating
//     ClientHello (handshake.Client.Cookie: OpenSSL 3.0's server needs
//     it, and Erlang/OTP's client does the same) and answers a
//     HelloVerifyRequest as in the first handshake.

// dtlsPrevEpochKeep is how long the previous epoch stays readable after a
// renegotiation: the TCP MSL RFC 6347, 4.1 names.
var dtlsPrevEpochKeep = 2 * time.Minute

// dtlsReneg is a DTLS association's renegotiation state.
type dtlsReneg struct {
	// Under rmu.
	lastNext   uint16    // the peer's next message_seq when its last handshake ended
	baseEpoch  uint16    // the read epoch that handshake ended in
	futureFor  uint16    // the read epoch when the records in future were kept
	held       [][]byte  // new-epoch data before the peer's Finished
	dropPrevAt time.Time // when to drop the previous epoch; zero: not planned

	active atomic.Bool // a renegotiation runs or a HelloRequest is out
	hold   atomic.Bool // the peer's ChangeCipherSpec is in, its Finished not yet

	// Under wmu.
	until      time.Time // when retransmissions of a renegotiation stop
	flightDone bool      // flight is the last one of a finished handshake

	// expire ends the renegotiation whose retransmissions stopped.
	expire func()
	// cookie (under wmu) is a client's cookie of the last handshake,
	// which its renegotiations send again (handshake.Client.Cookie).
	cookie []byte
	// initiating (under wmu) marks the flight being sent as the first
	// of a renegotiation Renegotiate starts (peerFlightStart).
	initiating bool
}

// peerFlightStart is where the peer's next flight starts, for
// resendOnPeerRetransmit (the caller holds wmu). A flight sent by the
// reader (which alone moves the reassembly) answers the peer's messages
// so far. The first flight of a renegotiation that Renegotiate starts
// (a ClientHello, a HelloRequest) answers none, and is sent outside the
// reader, which may meanwhile be in the reassembly: 0, which no
// retransmission comes before.
func (c *dtlsConn) peerFlightStart() uint16 {
	if c.rn.initiating {
		c.rn.initiating = false
		return 0
	}
	return c.ra.NextSeq()
}

// dtlsInitiating marks the next flight as the first of a renegotiation
// Renegotiate starts, on (false: clears the mark when none went out).
func (s *Socket) dtlsInitiating(on bool) {
	if c := s.dtls(); c != nil {
		c.wmu.Lock()
		c.rn.initiating = on
		c.wmu.Unlock()
	}
}

// handshakeOver starts the reassembly of the next handshake (the caller
// holds rmu).
func (c *dtlsConn) handshakeOver(reneg bool) {
	c.rn.lastNext = c.ra.Restart()
	c.rn.baseEpoch = c.r.Epoch()
	c.future, c.futureBytes, c.ccsPending = nil, 0, false
	if reneg {
		c.rn.dropPrevAt = time.Now().Add(dtlsPrevEpochKeep)
	}
	c.wmu.Lock()
	c.timer.Reset()
	c.rn.flightDone = true
	c.wmu.Unlock()
}

// renegOver: the renegotiation ended (completed, refused, failed or
// given up). Data held is delivered from now on.
func (c *dtlsConn) renegOver() {
	c.rn.active.Store(false)
	c.rn.hold.Store(false)
	c.wmu.Lock()
	c.timer.Reset()
	c.rn.until = time.Time{}
	c.wmu.Unlock()
}

// renegStarted arms the bound on a renegotiation's retransmissions.
func (c *dtlsConn) renegStarted(timeout time.Duration) {
	c.wmu.Lock()
	c.rn.until = time.Now().Add(timeout)
	c.wmu.Unlock()
	c.rn.active.Store(true)
}

// retransmitDeadline is when the retransmission timer fires, zero when it
// is stopped (between handshakes).
func (c *dtlsConn) retransmitDeadline() time.Time {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if td, ok := c.timer.Deadline(); ok {
		return td
	}
	return time.Time{}
}

// onReadTimeout handles a read of ReadRecordTo that timed out at wait (the
// timer's deadline, or the read deadline if sooner): it resends the
// flight when the timer fired and reports whether to read again. The
// caller holds rmu.
func (c *dtlsConn) onReadTimeout(wait time.Time) bool {
	if rd := c.readDeadline(); wait.IsZero() || !rd.IsZero() && !wait.Before(rd) {
		return false // the read deadline ran out
	}
	now := time.Now()
	at := now
	if at.Before(wait) {
		at = wait // the transport's clock (readDatagram)
	}
	c.wmu.Lock()
	if !c.timer.Expired(at) {
		c.wmu.Unlock()
		return true
	}
	if !c.rn.until.IsZero() && at.After(c.rn.until) {
		// The peer never answered: stop, and end the renegotiation.
		c.timer.Reset()
		c.rn.until = time.Time{}
		c.wmu.Unlock()
		c.rn.lastNext = c.ra.Restart()
		c.future, c.futureBytes, c.ccsPending = nil, 0, false
		if c.rn.expire != nil {
			c.rn.expire()
		}
		return true
	}
	c.timer.Start(now)
	c.resent = true
	err := c.sendFlightLocked(now)
	c.wmu.Unlock()
	return err == nil
}

// newPeerMessage: a message of a new handshake arrived, so the peer has
// our last flight of the one before, which is no longer resent; and it
// answers our flight, if one is out.
func (c *dtlsConn) newPeerMessage() {
	c.wmu.Lock()
	if c.rn.flightDone {
		c.flight.Reset()
		c.rn.flightDone = false
	}
	c.timer.Stop(c.resent)
	c.wmu.Unlock()
}

// takeFuture returns a record kept because it overtook the peer's
// ChangeCipherSpec, once the keys to open it are in; nil otherwise.
func (c *dtlsConn) takeFuture() []byte {
	if len(c.future) == 0 || c.r.Epoch() == c.rn.futureFor {
		return nil
	}
	r := c.future[0]
	c.future = c.future[1:]
	if len(c.future) == 0 {
		c.future, c.futureBytes = nil, 0
	}
	return r
}

// keepNextEpoch keeps a copy of record (the start of datagram up to next)
// when it belongs to the epoch after epoch: it overtook the peer's
// ChangeCipherSpec (RFC 6347, 4.1).
func (c *dtlsConn) keepNextEpoch(datagram, next []byte, epoch uint16) bool {
	h, ok := dtls.ParseHeader(datagram)
	if !ok || h.Epoch != epoch+1 || datagram[0] == wire.TypeTLS12CID || int(h.Length) > len(datagram)-dtls.HeaderLen {
		return false
	}
	c.keepFuture(datagram[:len(datagram)-len(next)])
	return true
}

// maybeDropPrevious drops the previous epoch once dtlsPrevEpochKeep has
// passed since a renegotiation, unless another one runs (whose flights
// may be in that epoch). The caller holds rmu.
func (c *dtlsConn) maybeDropPrevious() {
	if c.rn.dropPrevAt.IsZero() || c.rn.active.Load() || time.Now().Before(c.rn.dropPrevAt) {
		return
	}
	c.rn.dropPrevAt = time.Time{}
	c.r.DropPrevious()
	c.wmu.Lock()
	c.w.DropPrevious()
	if c.rn.flightDone {
		// Its ChangeCipherSpec was in the epoch just dropped.
		c.flight.Reset()
	}
	c.wmu.Unlock()
}

// holdNewData keeps application data of the new epoch that arrived before
// the peer's Finished, within maxEarlyRecords (more are dropped, as a
// network would). The caller holds rmu.
func (c *dtlsConn) holdNewData(data []byte) {
	if len(c.rn.held) < maxEarlyRecords {
		c.rn.held = append(c.rn.held, append([]byte(nil), data...))
	}
}

// takeHeld returns the next data record held during a renegotiation that
// has ended, if queued (data may be delivered). The caller holds rmu.
func (c *dtlsConn) takeHeld(queued bool) ([]byte, bool) {
	if !queued || len(c.rn.held) == 0 || c.rn.hold.Load() {
		return nil, false
	}
	d := c.rn.held[0]
	if c.rn.held = c.rn.held[1:]; len(c.rn.held) == 0 {
		c.rn.held = nil
	}
	return d, true
}

// staleFinished removes from a handshake record of the current epoch the
// fragments of the peer's Finished of the handshake that ended in that
// epoch, and between handshakes any other message of its numbering, and
// reports whether it removed any: they are retransmissions (a new
// handshake's Finished comes in the next epoch). The caller holds rmu.
func (c *dtlsConn) staleFinished(rec dtls.Record) ([]byte, bool) {
	if rec.Epoch != c.rn.baseEpoch {
		return rec.Data, false
	}
	// Between handshakes, a message numbered after a new handshake's
	// first (0) and before the end of the last one belongs to that last
	// one too: left in the reassembly, which starts again at 0, it would
	// join the next handshake (a ClientHello at 1, say).
	between := !c.rn.active.Load()
	stale := func(h wire.DTLSHeader) bool {
		return h.MessageSeq < c.rn.lastNext && (h.Type == wire.TypeFinished || between && h.MessageSeq != 0)
	}
	var kept []byte
	found := false
	for p := rec.Data; len(p) > 0; {
		h, ok := wire.ParseDTLSHeader(p)
		if !ok || len(p)-wire.DTLSHeaderLen < int(h.FragmentLength) {
			kept = append(kept, p...) // the reassembler drops it
			break
		}
		n := wire.DTLSHeaderLen + int(h.FragmentLength)
		if stale(h) {
			found = true
		} else {
			kept = append(kept, p[:n]...)
		}
		p = p[n:]
	}
	if !found {
		return rec.Data, false
	}
	return kept, true
}

// isHelloRequest reports whether msg is a whole HelloRequest (empty), in
// the TLS or the DTLS form.
func (s *Socket) isHelloRequest(msg []byte) bool {
	hdr := wire.HeaderLen
	if s.dtls() != nil {
		hdr = wire.DTLSHeaderLen
	}
	return len(msg) == hdr && msg[0] == wire.TypeHelloRequest
}

// renegLimit is the bound on a renegotiation: the handshake timeout, or
// renegTimeout.
func (s *Socket) renegLimit() time.Duration {
	if s.hsTimeout > 0 {
		return s.hsTimeout
	}
	return renegTimeout
}

// dtlsRenegStarted: a renegotiation machine runs, or a HelloRequest went
// out.
func (s *Socket) dtlsRenegStarted() {
	if c := s.dtls(); c != nil {
		c.renegStarted(s.renegLimit())
	}
}

// dtlsSendHelloRequest sends a server's HelloRequest as a flight of its
// own, retransmitted on the timer until the client's ClientHello comes
// (RFC 6347, 4.2.4), with message_seq 0 (4.2.2).
func (s *Socket) dtlsSendHelloRequest() error {
	msg, _ := (&wire.HelloRequest{}).Marshal()
	s.dtlsRenegStarted()
	s.dtlsInitiating(true)
	return s.applyReneg([]handshake.Action{{Kind: handshake.SendMessage, Data: wire.ToDTLS(msg, 0)}, {Kind: handshake.Flush}})
}

// dtlsRenegCCS takes the peer's ChangeCipherSpec in a DTLS renegotiation:
// one that overtook the handshake messages before it waits for them
// (handled after the next message, dtlsRenegPendingCCS), and the data of
// the new epoch is held from now on until the peer's Finished.
func (s *Socket) dtlsRenegCCS(m handshake.Machine) (wait bool, err error) {
	c := s.dtls()
	if w, ok := m.(ccsWaiter); ok && !w.WantsChangeCipherSpec() {
		c.rmu.Lock()
		c.ccsPending = true
		c.rmu.Unlock()
		return true, nil
	}
	c.rmu.Lock()
	pending := c.ra.Pending()
	c.rmu.Unlock()
	if pending {
		return false, alert.New(alert.UnexpectedMessage, "handshake data of the old epoch buffered across the ChangeCipherSpec")
	}
	c.rn.hold.Store(true)
	return false, nil
}

// dtlsRenegPendingCCS reports whether a ChangeCipherSpec that overtook the
// messages before it can now go to m.
func (s *Socket) dtlsRenegPendingCCS(m handshake.Machine) bool {
	c := s.dtls()
	if c == nil {
		return false
	}
	w, ok := m.(ccsWaiter)
	if !ok || !w.WantsChangeCipherSpec() {
		return false
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	p := c.ccsPending
	c.ccsPending = false
	return p
}

// dtlsRenegDone ends a DTLS renegotiation: the next handshake's messages
// start at message_seq 0, and a client keeps its cookie.
func (s *Socket) dtlsRenegDone(m handshake.Machine) {
	c := s.dtls()
	if c == nil {
		return
	}
	c.keepCookie(m)
	c.rmu.Lock()
	c.handshakeOver(true)
	c.rmu.Unlock()
}

// dtlsPeerFlightLast: a renegotiation ended on the peer's message, whose
// actions are acts. Unless they sent a flight of ours, the peer's flight
// was the last: it answers ours, which is never sent again (RFC 6347,
// 4.2.4: only the sender of the last flight answers a retransmission of
// the one before), as at the end of the first handshake.
func (s *Socket) dtlsPeerFlightLast(acts []handshake.Action) {
	c := s.dtls()
	if c == nil {
		return
	}
	for _, a := range acts {
		if a.Kind == handshake.Flush {
			return
		}
	}
	c.wmu.Lock()
	c.flight.Reset()
	c.wmu.Unlock()
}

// keepCookie keeps a client's cookie for its next renegotiation.
func (c *dtlsConn) keepCookie(m handshake.Machine) {
	if cl, ok := m.(*handshake.Client); ok {
		c.wmu.Lock()
		c.rn.cookie = cl.DTLSCookie()
		c.wmu.Unlock()
	}
}

// renegCookie is the cookie a client's renegotiation sends.
func (c *dtlsConn) renegCookie() []byte {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.rn.cookie
}

// dtlsRenegRefused: a ClientHello or HelloRequest that was refused ends
// that handshake, and the peer's next one starts at message_seq 0 again.
func (s *Socket) dtlsRenegRefused() {
	if c := s.dtls(); c != nil {
		c.rmu.Lock()
		c.rn.lastNext = c.ra.Restart()
		c.rmu.Unlock()
	}
}

// keepRenegData keeps a copy of application data Renegotiate reads while
// it waits, for the next Recv: in order, after what is kept already (in
// DTLS each record stays a message of its own). With first, data is the
// rest of a record a Recv left (pending): over TLS it follows the bytes
// kept (acc comes before pending); over DTLS, where the records kept
// are read after it, it goes before them.
func (s *Socket) keepRenegData(data []byte, first bool) {
	c := s.dtls()
	switch {
	case c == nil:
		s.in.acc = append(s.in.acc, data...)
	default:
		d := append([]byte(nil), data...)
		c.rmu.Lock()
		if first {
			c.early = append([][]byte{d}, c.early...)
		} else {
			c.early = append(c.early, d)
		}
		c.rmu.Unlock()
	}
}

// renegKept is how much application data Renegotiate keeps.
func (s *Socket) renegKept() int {
	c := s.dtls()
	if c == nil {
		return len(s.in.acc)
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	n := 0
	for _, d := range c.early {
		n += len(d)
	}
	return n
}

// readRenegRecord reads the next record for Renegotiate's wait.
func (s *Socket) readRenegRecord() (uint8, []byte, error) {
	if c := s.dtls(); c != nil {
		return c.readRecord(nil, false)
	}
	return s.rd.ReadRecord()
}
