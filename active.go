package ssl

import (
	"errors"
	"sync"
	"time"
)

// Message is what a socket in active mode delivers to its owner, the Go
// counterpart of the controlling process's mailbox: one of SSLData,
// SSLClosed, SSLError and SSLPassive. Receive them from the socket's
// Messages channel, or from the channel given to ControllingProcess.
type Message interface{ isMessage() }

// SSLData is {ssl, Socket, Data}: one packet (with packet 0, what one
// record carried). The slices belong to the receiver.
//
// In binary mode (the Go default) the packet is in Data, except that with
// {header, N} its first N bytes are in Header and the rest in Data
// (Erlang's [B1,...,BN | Binary]). In list mode, Erlang's list of bytes,
// the whole packet is the string Text and Data and Header are nil. Bytes
// returns the packet whatever the mode.
type SSLData struct {
	Socket *Socket
	Header []byte
	Data   []byte
	Text   string
}

// Bytes returns the whole packet: Header and Data, or Text.
func (m SSLData) Bytes() []byte {
	if m.Data == nil && m.Header == nil {
		return []byte(m.Text)
	}
	if len(m.Header) == 0 {
		return m.Data
	}
	return append(append([]byte(nil), m.Header...), m.Data...)
}

// SSLClosed is {ssl_closed, Socket}: the peer closed the connection.
type SSLClosed struct{ Socket *Socket }

// SSLError is {ssl_error, Socket, Reason}: the connection failed; Reason
// is the error Recv would have returned (an *Alert, say).
type SSLError struct {
	Socket *Socket
	Reason error
}

// SSLPassive is {ssl_passive, Socket}: the counter of {active, N} reached
// zero and the socket is now passive.
type SSLPassive struct{ Socket *Socket }

func (SSLData) isMessage()    {}
func (SSLClosed) isMessage()  {}
func (SSLError) isMessage()   {}
func (SSLPassive) isMessage() {}

// DefaultMailbox is the capacity of the channel a socket makes for its
// messages. An owner that does not receive stops the socket's reader once
// the channel is full (plus the one message being delivered), so TCP flow
// control reaches the sender instead of the socket buffering without
// bound.
const DefaultMailbox = 16

// activeState is the active-mode half of a socket: its options, its
// owner and the delivering goroutine's state, all under mu. Lock order:
// the socket's in before mu; nobody holds mu while blocking.
type activeState struct {
	mu   sync.Mutex
	cond *sync.Cond // made when the goroutine starts
	st   sockState

	// The channels are made when first needed (Messages, or the
	// goroutine's start), so a passive socket has none.
	owner chan Message
	intr  chan struct{} // wakes a delivery blocked on a full mailbox
	wake  chan struct{} // wakes the goroutine parked while passive
	done  chan struct{} // closed by Close and Downgrade

	epoch       uint64
	started     bool
	reading     bool // the goroutine is reading (holding in)
	poked       bool // a past read deadline was set to stop that read
	delivering  bool // a data, closed or error message is being delivered
	passiveDue  bool // an SSLPassive is to be sent
	ownerClosed bool // the socket is closed: nothing more is delivered
}

func (a *activeState) lock()   { a.mu.Lock() }
func (a *activeState) unlock() { a.mu.Unlock() }

func (a *activeState) init(st sockState) {
	a.st = st
}

// mailbox returns the owner channel, making the socket's own the first
// time. The caller holds mu.
func (a *activeState) mailbox() chan Message {
	if a.owner == nil {
		a.owner = make(chan Message, DefaultMailbox)
	}
	return a.owner
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Messages returns the channel the socket delivers its active-mode
// messages to: its own mailbox (capacity DefaultMailbox), or the channel
// last given to ControllingProcess.
func (s *Socket) Messages() <-chan Message {
	s.act.lock()
	defer s.act.unlock()
	return s.act.mailbox()
}

// ControllingProcess makes owner the socket's mailbox:
// ssl:controlling_process/2. Messages delivered before it returns stay in
// the previous channel (as they stay in the old owner's mailbox in
// Erlang; the old owner may forward them); every later one goes to owner.
// None is lost or duplicated: a message that was waiting for room in the
// old channel goes to owner. Several sockets may share one channel, since
// each message names its socket. Erlang's not_owner check has no
// counterpart: any goroutine may call it.
func (s *Socket) ControllingProcess(owner chan Message) error {
	if owner == nil {
		return badOption("controlling_process", "nil", "owner channel must not be nil")
	}
	if s.closed.Load() {
		return ErrClosed
	}
	a := &s.act
	a.lock()
	a.owner = owner
	s.quiesceLocked(false)
	a.unlock()
	return nil
}

// quiesceLocked waits until the goroutine has seen the state just set: a
// delivery blocked on the old state is interrupted, and with data true,
// waits until no data delivery is in flight at all (after a switch to
// passive, the undelivered message is back in the socket for Recv).
func (s *Socket) quiesceLocked(data bool) {
	a := &s.act
	if a.reading && a.st.active == activeFalse && !a.poked {
		// Stop the read so that Recv can take the reader at once;
		// bytes already read stay buffered.
		a.poked = true
		s.conn.SetReadDeadline(time.Unix(1, 0))
	}
	e := a.epoch
	for a.delivering && (data || a.epoch == e) {
		signal(a.intr)
		a.cond.Wait()
	}
}

// setActive is setopts' active: true, false, once or N.
func (s *Socket) setActive(k activeKind, n int) {
	s.applySockEdits([]sockEdit{activeEdit(k, n)}, false)
}

// startActiveLocked starts the delivering goroutine once the handshake is
// done, if the socket is active.
func (s *Socket) startActiveLocked() {
	a := &s.act
	if a.started || a.ownerClosed {
		return
	}
	if a.st.active == activeFalse && !a.passiveDue {
		return
	}
	a.started = true
	// Made before the goroutine starts and never changed after, so it
	// reads them without the lock.
	a.mailbox()
	a.intr = make(chan struct{}, 1)
	a.wake = make(chan struct{}, 1)
	a.done = make(chan struct{})
	a.cond = sync.NewCond(&a.mu)
	go s.activeLoop()
}

// afterHandshake starts active mode for a socket whose options ask for it.
func (s *Socket) afterHandshake() {
	// The read buffer goes back to the pool until the next record (a
	// reader may have taken in already: it keeps the buffer meanwhile).
	if s.in.TryLock() {
		s.releaseReaderLocked()
		s.in.Unlock()
	}
	s.act.lock()
	s.startActiveLocked()
	s.act.unlock()
}

// isActive reports whether Recv and Read must fail with einval, after
// waiting for any delivery that a switch to passive has interrupted.
func (s *Socket) isActive() bool {
	a := &s.act
	a.lock()
	defer a.unlock()
	if a.st.active != activeFalse {
		return true
	}
	for a.delivering {
		signal(a.intr)
		a.cond.Wait()
	}
	return false
}

// activeLoop is the socket's reader in active mode: it reads one packet
// at a time under in, then delivers it with in released, so a Send never
// waits for it and an owner that does not receive stops it.
func (s *Socket) activeLoop() {
	a := &s.act
	for {
		a.lock()
		for {
			if a.ownerClosed {
				a.unlock()
				return
			}
			if a.passiveDue {
				a.passiveDue = false
				a.unlock()
				if !s.deliverControl(SSLPassive{s}) {
					return
				}
				a.lock()
				continue
			}
			if a.st.active != activeFalse {
				break
			}
			a.unlock()
			select {
			case <-a.wake:
			case <-a.done:
				return
			}
			a.lock()
		}
		a.reading = true
		a.unlock()

		s.in.Lock()
		raw, body, err := s.readPacketLocked(0)
		s.idleReaderLocked()
		a.lock()
		a.reading = false
		poked := a.poked
		if poked {
			a.poked = false
			s.conn.SetReadDeadline(time.Time{})
		}
		if a.ownerClosed || s.closed.Load() {
			a.unlock()
			s.in.Unlock()
			return
		}
		if a.st.active == activeFalse {
			// Passive since the read began: keep the packet for Recv.
			if raw != nil {
				s.in.acc = append(raw, s.in.acc...)
			}
			a.unlock()
			s.in.Unlock()
			continue
		}
		var msg Message
		switch {
		case err == nil:
			msg = s.dataMessage(body, a.st)
		case isTimeout(err) && poked:
			a.unlock()
			s.in.Unlock()
			continue
		case isTimeout(err):
			// A read deadline set by the user: report it once and
			// go passive rather than spin.
			a.st.active, a.st.n = activeFalse, 0
			msg = SSLError{s, ErrTimeout}
		case errors.Is(err, errPeerClosed), errors.Is(err, ErrClosed):
			msg = SSLClosed{s}
		default:
			msg = SSLError{s, err}
		}
		a.delivering = true
		a.epoch++
		a.unlock()
		s.in.Unlock()

		sent, alive := s.deliverData(msg, raw)
		if !alive {
			return
		}
		if sent && err != nil && !isTimeout(err) {
			return // ssl_closed or ssl_error: the socket reads no more
		}
	}
}

// dataMessage builds {ssl, S, Data} as the mode and header options say.
func (s *Socket) dataMessage(body []byte, st sockState) SSLData {
	if st.list {
		return SSLData{Socket: s, Text: string(body)}
	}
	if st.header > 0 {
		h := min(st.header, len(body))
		return SSLData{Socket: s, Header: body[:h:h], Data: body[h:]}
	}
	return SSLData{Socket: s, Data: body}
}

// deliverData sends a message that depends on the socket being active.
// If the socket goes passive first, a data packet goes back to the
// front of the socket's buffer for Recv (raw is its bytes), and a closed
// or error message is left for Recv to report. It reports whether the
// message was sent and whether the goroutine should go on.
func (s *Socket) deliverData(msg Message, raw []byte) (sent, alive bool) {
	a := &s.act
	defer func() {
		a.lock()
		a.delivering = false
		a.epoch++
		a.cond.Broadcast()
		a.unlock()
	}()
	for {
		a.lock()
		if a.ownerClosed {
			a.unlock()
			return false, false
		}
		if a.st.active == activeFalse {
			a.unlock()
			if raw != nil {
				s.in.Lock()
				s.in.acc = append(raw, s.in.acc...)
				s.in.Unlock()
			}
			return false, true
		}
		owner := a.owner
		a.epoch++
		a.cond.Broadcast()
		// With room in the mailbox the message goes in under the lock,
		// together with the step towards passive that it makes: an
		// owner that has received it and asks for the active option (to
		// re-arm {active, once}, say) sees the new state, as an Erlang
		// owner does. Sending first and stepping after let the owner
		// see "once" still set, skip the re-arm and wait forever for
		// the next packet.
		select {
		case owner <- msg:
			s.deliveredLocked(msg)
			a.unlock()
			return true, true
		default:
		}
		a.unlock()
		// The mailbox is full: wait for room (or to be interrupted).
		select {
		case owner <- msg:
			a.lock()
			s.deliveredLocked(msg)
			a.unlock()
			return true, true
		case <-a.intr:
		case <-a.done:
			return false, false
		}
	}
}

// deliveredLocked takes the step towards passive that a delivered data
// message makes under {active, once} and {active, N}.
func (s *Socket) deliveredLocked(msg Message) {
	a := &s.act
	if _, ok := msg.(SSLData); !ok {
		return
	}
	switch a.st.active {
	case activeOnce:
		a.st.active = activeFalse
	case activeN:
		if a.st.n--; a.st.n <= 0 {
			a.st.active, a.st.n = activeFalse, 0
			a.passiveDue = true
		}
	}
}

// deliverControl sends SSLPassive, whatever the active state; it returns
// false when the socket was closed first.
func (s *Socket) deliverControl(msg Message) bool {
	a := &s.act
	for {
		a.lock()
		owner := a.owner
		a.unlock()
		select {
		case owner <- msg:
			return true
		case <-a.intr:
		case <-a.done:
			return false
		}
	}
}

// stopActive ends deliveries for Close and Downgrade: the goroutine
// exits, and no message is sent once it returns.
func (s *Socket) stopActive() {
	a := &s.act
	a.lock()
	a.ownerClosed = true
	a.st.active = activeFalse
	if a.reading && !a.poked {
		a.poked = true
		s.conn.SetReadDeadline(time.Unix(1, 0))
	}
	if a.done != nil {
		select {
		case <-a.done:
		default:
			close(a.done)
		}
	}
	a.unlock()
}
