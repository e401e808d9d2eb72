package ssl

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/wire"
)

// Client-initiated renegotiation is limited (a DoS guard: a renegotiation
// costs the server a private-key operation): a server accepts at most
// clientRenegLimit within clientRenegWindow and refuses more with a
// no_renegotiation warning. A client that keeps asking sends records
// without data, which end the connection after maxIdleRecords.
const (
	clientRenegLimit  = 3
	clientRenegWindow = time.Minute
	// renegTimeout bounds a Renegotiate call when the socket has no
	// handshake timeout.
	renegTimeout = 60 * time.Second
	// renegBufferLimit bounds the application data Renegotiate reads and
	// keeps for the next Recv while it waits for the peer's handshake
	// messages: as much as delay_send queues before a Send waits. A peer
	// that streams data and never answers would otherwise fill memory
	// for as long as the timeout runs.
	renegBufferLimit = sendQueueLimit
)

// ErrRenegotiationPending is Renegotiate's error when the peer sent
// renegBufferLimit (256 KiB) of application data before its answer:
// Renegotiate stops reading rather than keep more. The renegotiation
// goes on: receive the data (Recv, Read, active mode), and the records
// after it, the peer's handshake messages among them, drive it to its
// end as they are read; a Renegotiate call meanwhile returns an error
// saying one is running.
var ErrRenegotiationPending = errors.New("renegotiation pending: the peer sent 256 KiB of application data before its handshake messages; receive it, and the renegotiation goes on as records are read")

// renegState is a socket's renegotiation (RFC 5746). The running machine
// is driven by whoever reads (Recv, Read, the active-mode goroutine, or
// Renegotiate itself), under s.in; mu guards the fields.
type renegState struct {
	mu        sync.Mutex
	machine   handshake.Machine
	stateName func() string
	requested bool          // server: a HelloRequest went out
	done      chan struct{} // closed when the current renegotiation ends
	err       error
	clientAt  []time.Time // server: client-initiated renegotiations
	// peerCCS is set from the peer's ChangeCipherSpec to the end of the
	// renegotiation, while its Finished is due.
	peerCCS atomic.Bool
}

// errRenegotiating is Renegotiate's error while another renegotiation is
// running: one either side started, whose end this side has not yet
// processed (the peer may already have seen its last message).
var errRenegotiating = errors.New("a renegotiation is already running")

// Renegotiate renegotiates a TLS 1.0–1.2 or DTLS connection:
// ssl:renegotiate/1. A client sends a new ClientHello; a server sends a
// HelloRequest and waits for the client's (DTLS: dtls_reneg.go). Keys change at the ChangeCipherSpec of each
// side; application data sent and received meanwhile is kept in order.
// Only a connection that negotiated secure renegotiation (RFC 5746) is
// renegotiated, unless secure_renegotiate is false. It returns when the
// new handshake completes (within the handshake timeout, or 60 s), and
// on TLS 1.3 an error wrapping ErrNotSupported (OTP's notsup). While it
// waits it keeps the application data it reads for the next Recv, up to
// 256 KiB: then it returns ErrRenegotiationPending, and the
// renegotiation completes as the application reads.
func (s *Socket) Renegotiate() error {
	if err := s.ensureHandshake(); err != nil {
		return err
	}
	if s.tls.tls13 {
		return fmt.Errorf("notsup: TLS 1.3 has no renegotiation: %w", ErrNotSupported)
	}
	if !s.connInfo().SecureRenegotiation && s.res.hs.SecureRenegotiate {
		return errors.New("renegotiation needs RFC 5746 secure renegotiation, which the peer did not negotiate")
	}
	r := s.reneg
	r.mu.Lock()
	if r.machine != nil || r.requested {
		r.mu.Unlock()
		return errRenegotiating
	}
	done := make(chan struct{})
	r.done, r.err = done, nil
	if s.role == roleServer {
		r.requested = true
		r.mu.Unlock()
		var err error
		if s.dtls() != nil {
			err = s.dtlsSendHelloRequest()
		} else {
			msg, _ := (&wire.HelloRequest{}).Marshal()
			err = s.writeHandshake(msg)
		}
		if err != nil {
			s.endReneg(err)
			return err
		}
	} else {
		r.mu.Unlock()
		// A HelloRequest the reader took in meanwhile may have started
		// one first, which then ends on done too.
		s.dtlsInitiating(true)
		err := s.startReneg()
		s.dtlsInitiating(false)
		if err != nil && err != errRenegotiating {
			s.endReneg(err)
			return err
		}
	}
	return s.awaitReneg(done)
}

// writeHandshake sends one handshake message under the write lock.
func (s *Socket) writeHandshake(msg []byte) error {
	s.out.Lock()
	defer s.out.Unlock()
	if s.out.err != nil {
		return s.out.err
	}
	if err := s.wr.WriteRecord(wire.TypeHandshake, msg); err != nil {
		return s.failWrite(err)
	}
	if err := s.wr.Flush(); err != nil {
		return s.failWrite(err)
	}
	return nil
}

// awaitReneg waits for the renegotiation to end, reading records itself
// when no one else is: application data read meanwhile is kept (in
// s.in.acc) for the next Recv.
func (s *Socket) awaitReneg(done chan struct{}) error {
	deadline := time.Now().Add(s.renegLimit())
	for {
		select {
		case <-done:
			return s.renegResult()
		default:
		}
		if time.Now().After(deadline) {
			s.endReneg(ErrTimeout)
			return ErrTimeout
		}
		if s.closed.Load() {
			// Closed meanwhile: whoever holds in may not let go soon.
			s.endReneg(ErrClosed)
			return ErrClosed
		}
		if !s.in.TryLock() {
			select {
			case <-done:
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		err := s.readForRenegLocked(done, deadline)
		s.in.Unlock()
		if err == ErrRenegotiationPending {
			s.leaveReneg()
			return err
		}
		if err != nil && !isTimeout(err) {
			s.endReneg(err)
			return err
		}
	}
}

func (s *Socket) renegResult() error {
	s.reneg.mu.Lock()
	defer s.reneg.mu.Unlock()
	return s.reneg.err
}

// readForRenegLocked reads records until the renegotiation ends, keeping
// application data in s.in.acc in order.
func (s *Socket) readForRenegLocked(done chan struct{}, deadline time.Time) error {
	if len(s.in.pending) > 0 {
		// The next record would overwrite pending's buffer: keep a copy.
		s.keepRenegData(s.in.pending, true)
		s.in.pending = nil
	}
	s.conn.SetReadDeadline(deadline)
	defer s.conn.SetReadDeadline(time.Time{})
	for {
		select {
		case <-done:
			return nil
		default:
		}
		if s.in.err != nil {
			return s.in.err
		}
		if s.renegKept() >= renegBufferLimit {
			return ErrRenegotiationPending
		}
		// A record a Read left for the next call comes before anything
		// read now: it may be the renegotiation's ServerHello.
		if held, err := s.handleHeldLocked(); err != nil {
			return err
		} else if held {
			continue
		}
		typ, data, err := s.readRenegRecord()
		if err != nil {
			if isTimeout(err) {
				return err
			}
			s.in.err = s.readFailure(err)
			return s.in.err
		}
		if typ == wire.TypeApplicationData && len(data) > 0 {
			if err := s.refuseDataAfterCCS(); err != nil {
				s.in.err = err
				return err
			}
			s.idleRecords = 0
			s.keepRenegData(data, false)
			continue
		}
		if err := s.handleRecord(typ, data); err != nil {
			s.in.err = err
			return err
		}
	}
}

// renegConfig is the configuration of a renegotiation: the connection's
// version only (never TLS 1.3), no fallback, no resumption.
func (s *Socket) renegConfig() *handshake.Config {
	info := s.connInfo()
	v := info.Version
	if s.dtls() != nil {
		v = wire.TLSVersion(v) // the machine's version is TLS's (handshake/dtls.go)
	}
	restrict := func(c *handshake.Config) *handshake.Config {
		c2 := *c
		c2.Versions = []uint16{v}
		c2.Fallback = false
		c2.EarlyData = nil
		return &c2
	}
	base := s.res.hs
	cfg := restrict(base)
	if base.ForServerName != nil {
		cfg.ForServerName = func(name string) (*handshake.Config, error) {
			nc, err := base.ForServerName(name)
			if nc == nil || err != nil {
				return nc, err
			}
			return restrict(nc), nil
		}
	}
	if s.role == roleClient {
		cfg.ServerName = info.ServerName
	}
	return cfg
}

func (s *Socket) renegInfo() *handshake.Renegotiation {
	info := s.connInfo()
	r := &handshake.Renegotiation{Secure: info.SecureRenegotiation,
		ClientVerifyData: info.ClientVerifyData, ServerVerifyData: info.ServerVerifyData,
		ExtendedMasterSecret: info.ExtendedMasterSecret, EncryptThenMAC: info.EncryptThenMAC}
	if s.role == roleClient {
		if certs := s.peerCertDER(); len(certs) > 0 {
			r.ServerCert = certs[0]
		}
	}
	return r
}

// startReneg starts a client renegotiation: a new ClientHello. Both the
// application (Renegotiate) and the reader (a HelloRequest) start one,
// so the check that none is running and the claim are one step under
// r.mu; the second caller gets errRenegotiating and sends nothing (two
// ClientHellos would leave the server's answer to the first with the
// second machine).
func (s *Socket) startReneg() error {
	c := handshake.NewClient(s.renegConfig())
	c.Reneg = s.renegInfo()
	if d := s.dtls(); d != nil {
		c.LocalCID, c.Cookie = d.localCID, d.renegCookie()
	}
	r := s.reneg
	r.mu.Lock()
	if r.machine != nil {
		r.mu.Unlock()
		return errRenegotiating
	}
	r.machine, r.stateName = c, c.State
	if r.done == nil {
		r.done = make(chan struct{})
	}
	s.dtlsRenegStarted()
	// Start runs before the reader can see the machine: the reader takes
	// r.machine under r.mu, and a record it reads meanwhile (a late
	// answer to an earlier renegotiation) must not reach a machine
	// still being started.
	acts, err := machineStep(c.Start)
	r.mu.Unlock()
	if err != nil {
		return s.renegFail(err)
	}
	return s.applyReneg(acts)
}

// applyReneg performs a renegotiation's actions: writes under s.out,
// since writers run during a renegotiation.
func (s *Socket) applyReneg(acts []handshake.Action) error {
	s.out.Lock()
	if s.out.err != nil {
		err := s.out.err
		s.out.Unlock()
		return err
	}
	var err error
	if c := s.dtls(); c != nil {
		for _, a := range acts {
			if a.Kind == handshake.SendMessage {
				s.logHandshake("sent", a.Data)
			}
		}
		err = c.apply(acts)
	} else {
		err = s.apply(acts)
	}
	if err != nil && !isAlertError(err) {
		err = s.failWrite(err)
	}
	s.out.Unlock()
	if isAlertError(err) {
		return s.renegFail(err)
	}
	return err
}

func isAlertError(err error) bool {
	var ae *alert.Error
	return errors.As(err, &ae)
}

// renegFail ends a renegotiation with a fatal alert.
func (s *Socket) renegFail(err error) error {
	var ae *alert.Error
	if errors.As(err, &ae) {
		err = s.sendFatal(ae)
	}
	s.endReneg(err)
	return err
}

// leaveReneg is Renegotiate giving up its wait without ending the
// renegotiation: a running machine goes on as records are read, but a
// server's HelloRequest the client has not answered yet no longer counts
// as one running (a client may ignore it, RFC 5246, 7.4.1.1), so that
// Renegotiate can be called again; a ClientHello that comes later is
// then taken as the client's own.
func (s *Socket) leaveReneg() {
	r := s.reneg
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.machine == nil && r.requested {
		r.requested = false
		if c := s.dtls(); c != nil {
			c.renegOver() // the HelloRequest is no longer resent
		}
		r.err = ErrRenegotiationPending
		if r.done != nil {
			close(r.done)
			r.done = nil
		}
	}
}

// endReneg ends the current renegotiation (or request) with err.
func (s *Socket) endReneg(err error) {
	r := s.reneg
	r.mu.Lock()
	defer r.mu.Unlock()
	r.machine, r.requested = nil, false
	r.peerCCS.Store(false)
	if c := s.dtls(); c != nil {
		c.renegOver()
	}
	r.err = err
	if r.done != nil {
		close(r.done)
		r.done = nil
	}
}

// clientRenegAllowed applies client_renegotiation and the DoS limit.
func (s *Socket) clientRenegAllowed() bool {
	if o := s.opts; o != nil && o.ClientRenegotiation != nil && !*o.ClientRenegotiation {
		return false
	}
	r := s.reneg
	now := time.Now()
	kept := r.clientAt[:0]
	for _, t := range r.clientAt {
		if now.Sub(t) < clientRenegWindow {
			kept = append(kept, t)
		}
	}
	r.clientAt = kept
	if len(kept) >= clientRenegLimit {
		return false
	}
	r.clientAt = append(r.clientAt, now)
	return true
}

// handleRenegMessage takes a handshake message after a TLS 1.0–1.2
// handshake (called under s.in): the start of a renegotiation or one of
// its messages.
func (s *Socket) handleRenegMessage(msg []byte) error {
	r := s.reneg
	r.mu.Lock()
	m := r.machine
	requested := r.requested
	r.mu.Unlock()
	if m == nil {
		insecure := !s.connInfo().SecureRenegotiation && s.res.hs.SecureRenegotiate
		switch {
		case s.role == roleClient && s.isHelloRequest(msg):
			if insecure {
				s.sendWarning(alert.NoRenegotiation)
				s.dtlsRenegRefused()
				return nil
			}
			if err := s.startReneg(); err != errRenegotiating {
				return err
			}
			return nil // RFC 5246, 7.4.1.1: ignored while negotiating
		case s.role == roleServer && msg[0] == wire.TypeClientHello:
			r.mu.Lock()
			allowed := requested || s.clientRenegAllowed()
			r.mu.Unlock()
			if insecure || !allowed {
				s.sendWarning(alert.NoRenegotiation)
				s.dtlsRenegRefused()
				if requested {
					s.endReneg(errors.New("renegotiation refused: the connection did not negotiate RFC 5746 secure renegotiation"))
				}
				return nil
			}
			sv := handshake.NewServer(s.renegConfig())
			sv.Reneg = s.renegInfo()
			if c := s.dtls(); c != nil {
				sv.LocalCID = c.localCID
				sv.Reneg.HelloRequestSent = requested
			}
			r.mu.Lock()
			r.machine, r.stateName, r.requested = sv, sv.State, false
			if r.done == nil {
				r.done = make(chan struct{})
			}
			r.mu.Unlock()
			s.dtlsRenegStarted()
			m = sv
		default:
			return s.sendFatal(alert.New(alert.UnexpectedMessage, "unexpected handshake message after the handshake"))
		}
	} else if s.role == roleClient && s.isHelloRequest(msg) {
		return nil // RFC 5246, 7.4.1.1: ignored while negotiating
	}
	s.logHandshake("received", msg)
	acts, err := machineMessage(m, msg)
	if err != nil {
		return s.renegFail(err)
	}
	if ae := s.checkFlightEnd(m, acts); ae != nil {
		return s.renegFail(ae)
	}
	if err := s.applyReneg(acts); err != nil {
		return err
	}
	if s.dtlsRenegPendingCCS(m) {
		// The peer's ChangeCipherSpec overtook this message.
		return s.handleRenegCCS([]byte{1})
	}
	if m.Done() {
		s.dtlsPeerFlightLast(acts)
		s.finishReneg(m)
		// A completed renegotiation is progress, as data is: its
		// records do not count toward maxIdleRecords (which is for
		// records that do nothing). Each one costs the peer a full
		// handshake, and client_renegotiation bounds a client's.
		s.idleRecords = 0
	}
	return nil
}

// handleRenegCCS takes a ChangeCipherSpec record after the handshake:
// only a renegotiation expects one.
func (s *Socket) handleRenegCCS(data []byte) error {
	if len(data) != 1 || data[0] != 1 {
		return s.sendFatal(alert.New(alert.UnexpectedMessage, "malformed ChangeCipherSpec"))
	}
	r := s.reneg
	if r == nil {
		return s.sendFatal(alert.New(alert.UnexpectedMessage, "ChangeCipherSpec after the handshake"))
	}
	r.mu.Lock()
	m := r.machine
	r.mu.Unlock()
	if m == nil && s.dtls() != nil {
		return nil // a renegotiation's that ended meanwhile: dropped
	}
	if m == nil || s.tls.tls13 {
		return s.sendFatal(alert.New(alert.UnexpectedMessage, "ChangeCipherSpec after the handshake"))
	}
	if s.in.hbuf.Len() != 0 {
		return s.renegFail(alert.New(alert.UnexpectedMessage, "ChangeCipherSpec inside a handshake message"))
	}
	if s.dtls() != nil {
		if wait, err := s.dtlsRenegCCS(m); err != nil {
			return s.renegFail(err)
		} else if wait {
			return nil
		}
	}
	acts, err := machineStep(m.HandleChangeCipherSpec)
	if err != nil {
		return s.renegFail(err)
	}
	if err := s.applyReneg(acts); err != nil {
		return err
	}
	if m.Done() {
		s.finishReneg(m)
	} else if s.dtls() == nil {
		// The peer's Finished comes next, and nothing else may come
		// between (RFC 5246, 7.4.9: "A Finished message is always sent
		// immediately after a change cipher spec message"). DTLS
		// holds the new epoch's data instead (datagrams reorder) and
		// delivers the old epoch's.
		r.peerCCS.Store(true)
	}
	return nil
}

// refuseDataAfterCCS refuses application data between the peer's
// ChangeCipherSpec and its Finished in a renegotiation: it would be the
// first data under keys the Finished has not yet confirmed. The initial
// handshake refuses all application data before its end.
func (s *Socket) refuseDataAfterCCS() error {
	if r := s.reneg; r != nil && r.peerCCS.Load() {
		return s.renegFail(alert.New(alert.UnexpectedMessage, "application data between ChangeCipherSpec and Finished"))
	}
	return nil
}

// renegWarning sees warning alerts: a no_renegotiation answering our
// renegotiation ends it (the connection goes on); an SSL 3.0 client's
// no_certificate answers our CertificateRequest (RFC 6101, 5.6.6).
func (s *Socket) renegWarning(desc alert.Description) error {
	if desc == alert.NoCertificate && s.reneg != nil {
		s.reneg.mu.Lock()
		var err error
		if sv, ok := s.reneg.machine.(*handshake.Server); ok {
			_, err = machineStep(sv.HandleNoCertificate)
		}
		s.reneg.mu.Unlock()
		if err != nil {
			return s.renegFail(err)
		}
		return nil
	}
	if desc != alert.NoRenegotiation || s.reneg == nil {
		return nil
	}
	s.reneg.mu.Lock()
	c, ok := s.reneg.machine.(*handshake.Client)
	// A client waits for the ServerHello; a server that sent a
	// HelloRequest for the ClientHello (RFC 5246, 7.4.1.1: the client
	// may answer no_renegotiation instead).
	waiting := (ok && c.State() == "hello") || (s.reneg.machine == nil && s.reneg.requested)
	s.reneg.mu.Unlock()
	if waiting {
		// The warning answers a message of ours, so it is progress, not
		// one of a run of warnings a peer sends to keep us busy
		// (postlimits.go): a side that renegotiates more often than its
		// peer allows gets a refusal each time.
		s.tls.limits.warnings = 0
		s.endReneg(ErrRenegotiationRejected)
	}
	return nil
}

// connInfo is the connection's description, which a renegotiation
// replaces while other goroutines may read it.
// Without renegotiation (TLS 1.3) it never changes after the handshake.
func (s *Socket) connInfo() *handshake.Info {
	if c := s.info13; c != nil {
		return c.expand()
	}
	if r := s.reneg; r != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	return s.info
}

// finishReneg installs the renegotiated connection's description.
func (s *Socket) finishReneg(m handshake.Machine) {
	s.reneg.mu.Lock()
	info := s.slimInfo(m.Info())
	if s.dtls() != nil {
		// Inside the machine the version is TLS's; the socket reports
		// the DTLS one.
		info.Version = handshake.DTLSVersion(info.Version)
	}
	s.info = info
	s.state = frozenState(s.reneg.stateName())
	s.reneg.stateName = nil
	s.reneg.mu.Unlock()
	s.dtlsRenegDone(m)
	s.logSecret("CLIENT_RANDOM", info.MasterSecret)
	s.endReneg(nil)
}
