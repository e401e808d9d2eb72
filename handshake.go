package ssl

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/wire"
)

// Infinity is the timeout meaning "wait forever", Erlang's infinity.
const Infinity time.Duration = 0

// Connect opens a TLS connection to host:port: ssl:connect/3,4. A timeout
// of Infinity (0) waits forever. The client verifies the server unless
// opts.Verify is VerifyNone; the host is sent as SNI and checked against
// the certificate unless ServerNameIndication says otherwise.
func Connect(host string, port int, opts *Options, timeout time.Duration) (*Socket, error) {
	return ConnectContext(context.Background(), host, port, opts, timeout)
}

// ConnectContext is Connect with a context that can cancel the dial and
// the handshake.
func ConnectContext(ctx context.Context, host string, port int, opts *Options, timeout time.Duration) (*Socket, error) {
	res, err := opts.compile(roleClient, host)
	if err != nil {
		return nil, err
	}
	res.setTicketCacheKey(net.JoinHostPort(host, strconv.Itoa(port)))
	// Whether the caller's context, not timeout, bounds the wait: its
	// deadline's passing then also matches context.DeadlineExceeded.
	dl, ctxBound := ctx.Deadline()
	if timeout > 0 {
		ctxBound = ctxBound && dl.Before(time.Now().Add(timeout))
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var local net.IP
	if opts != nil {
		local = opts.IP
	}
	var conn net.Conn
	if opts.isDTLS() {
		conn, err = dialDTLS(host, port, local, opts, res)
	} else {
		conn, err = opts.transportModule().Dial(ctx, host, port, local)
	}
	if err != nil {
		if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
			return nil, timeoutFor(ctxBound)
		}
		return nil, err
	}
	s := newSocket(conn, roleClient, opts, res)
	s.ownRes = true
	if err := s.runHandshake(ctx, time.Time{}); err != nil {
		if err == errCtxTimeout {
			err = timeoutFor(ctxBound)
		}
		return nil, err
	}
	return s, nil
}

// ConnectConn upgrades a connected transport to TLS as a client:
// ssl:connect/2,3 on a gen_tcp socket. Without ServerNameIndication no
// SNI is sent and the hostname check uses the peer's IP address, as the
// manual warns. A transport without an IP address (a pipe, a unix socket)
// leaves no name to check: verify_peer then needs ServerNameIndication
// (a host name, or "disable" to skip the check) or a VerifyFun.
func ConnectConn(conn net.Conn, opts *Options, timeout time.Duration) (*Socket, error) {
	host := ""
	if opts == nil || opts.ServerNameIndication == "" {
		switch ta := conn.RemoteAddr().(type) {
		case *net.TCPAddr:
			host = ta.IP.String()
		case *net.UDPAddr:
			host = ta.IP.String()
		}
	}
	res, err := opts.compile(roleClient, host)
	if err != nil {
		return nil, err
	}
	if opts.isDTLS() {
		conn = dtlsOver(conn, opts, res)
	}
	res.setTicketCacheKey(conn.RemoteAddr().String())
	s := newSocket(conn, roleClient, opts, res)
	s.ownRes = true
	if err := s.runHandshake(context.Background(), deadlineAfter(timeout)); err != nil {
		return nil, err
	}
	return s, nil
}

// deadlineAfter is the deadline of a timeout; zero for Infinity.
func deadlineAfter(timeout time.Duration) time.Time {
	if timeout <= 0 {
		return time.Time{}
	}
	return time.Now().Add(timeout)
}

// HandshakeConn runs the server handshake on a connected transport:
// ssl:handshake/2,3 (ssl_accept) on a gen_tcp socket.
func HandshakeConn(conn net.Conn, opts *Options, timeout time.Duration) (*Socket, error) {
	res, err := opts.compile(roleServer, "")
	if err != nil {
		return nil, err
	}
	if opts.isDTLS() {
		conn = dtlsOver(conn, opts, res)
	}
	s := newSocket(conn, roleServer, opts, res)
	s.ownRes = true
	if err := s.Handshake(timeout); err != nil {
		return nil, err
	}
	return s, nil
}

// Handshake performs the server-side handshake on a socket from
// TransportAccept: ssl:handshake/1,2 (ssl_accept in the 20.2 manual).
func (s *Socket) Handshake(timeout time.Duration) error {
	return s.runHandshake(context.Background(), deadlineAfter(timeout))
}

// HandshakeWith adds options to those given to Listen and then performs
// the handshake: ssl:handshake/3 with an sslsocket().
func (s *Socket) HandshakeWith(extra *Options, timeout time.Duration) error {
	if s.hsDone.Load() {
		return errors.New("handshake already done")
	}
	merged := mergeOptions(s.opts, extra)
	res, err := merged.compile(s.role, "")
	if err != nil {
		return err
	}
	// hibernate_after and release_idle_after may come with the extra
	// options: they are read when the handshake starts.
	s.opts, s.res, s.ownRes = merged, res, true
	return s.Handshake(timeout)
}

// ensureHandshake runs the lazy handshake of a socket accepted through
// the net.Listener adapter, and reports an earlier handshake failure.
func (s *Socket) ensureHandshake() error {
	if s.hsDone.Load() {
		return s.hsErr
	}
	if !s.lazyHS {
		// A handshake running in another goroutine (Handshake on a
		// socket from TransportAccept) holds hsMu: wait for its end
		// rather than fail a call that merely came early (the peer
		// may have finished its side already).
		s.hsMu.Lock()
		done := s.hsDone.Load()
		s.hsMu.Unlock()
		if done {
			return s.hsErr
		}
		return errors.New("handshake not done: call Handshake first")
	}
	return s.Handshake(s.hsTimeout)
}

// runHandshake drives the handshake machine over the record layer until
// it completes or fails; on failure the transport is closed.
//
// A timeout is a deadline on the transport, which is all a handshake
// needs; ctx (nil when there is none) adds cancellation, and its deadline
// if earlier. Without a ctx no timer or callback is set up per
// connection, unlike with a context.WithTimeout.
func (s *Socket) runHandshake(ctx context.Context, deadline time.Time) error {
	s.hsMu.Lock()
	defer s.hsMu.Unlock()
	if s.hsDone.Load() {
		return s.hsErr
	}
	// Decided now: opts may be dropped by the end.
	s.setIdleRelease()
	// Taken now too: res may be dropped by the end. The clock is read
	// only for a hook.
	m := s.metrics()
	var start time.Time
	if m != nil {
		start = time.Now()
	}
	err := s.handshakeLocked(ctx, deadline)
	// Under out, which Setopts of delay_send takes too: either it comes
	// first and the queue is made here, or it sees the handshake done and
	// makes the queue itself.
	s.out.Lock()
	if err == nil {
		s.act.lock()
		delay := s.act.st.delaySend
		s.act.unlock()
		if delay {
			s.sendQ.Store(newSendQueue(s))
		}
	}
	s.hsErr = err
	s.hsDone.Store(true)
	s.out.Unlock()
	if err != nil {
		s.closed.Store(true)
		s.conn.Close()
	}
	if m != nil {
		s.reportHandshake(m, start, err)
	}
	if err == nil {
		s.afterHandshake()
		s.registerIdle()
	}
	return err
}

func (s *Socket) handshakeLocked(ctx context.Context, deadline time.Time) error {
	s.in.Lock()
	defer s.in.Unlock()
	// ctxBound: the context's deadline, not the timeout's, ends a wait.
	ctxBound := false
	if ctx != nil {
		if dl, ok := ctx.Deadline(); ok && (deadline.IsZero() || dl.Before(deadline)) {
			deadline, ctxBound = dl, true
		}
	}
	if s.dtls() != nil {
		return s.dtlsHandshake(ctx, deadline, ctxBound)
	}
	if !deadline.IsZero() {
		s.conn.SetDeadline(deadline)
		defer s.conn.SetDeadline(time.Time{})
	}
	if ctx != nil && ctx.Done() != nil {
		// Cancellation: a deadline in the past makes blocked I/O return.
		stop := context.AfterFunc(ctx, func() { s.conn.SetDeadline(time.Unix(1, 0)) })
		defer stop()
	}

	var m handshake.Machine
	if s.role == roleClient {
		c := handshake.NewClient(s.res.hs)
		c.Sessions = s.sessions12()
		s.state = c.State
		m = c
		// ClientHello records say TLS 1.0 for the widest compatibility
		// (RFC 5246, Appendix E.1; RFC 8446, 5.1), or SSL 3.0 from a
		// client that offers nothing newer: an SSL 3.0 server need not
		// know 0x0301.
		s.wr.SetVersion(wire.VersionTLS10)
		if s.res.hs.Versions[0] == wire.VersionSSL30 {
			s.wr.SetVersion(wire.VersionSSL30)
		}
	} else {
		sv := handshake.NewServer(s.res.hs)
		sv.Sessions = s.sessions12()
		s.state = sv.State
		m = sv
		// v2_hello_compatible: the first record may be an SSL 2.0
		// ClientHello (RFC 5246, Appendix E.2).
		s.rd.SetV2Hello(s.res.hs.V2HelloCompatible)
	}
	s.tls.machine = m
	fail := func(err error) error {
		var ae *alert.Error
		if errors.As(err, &ae) {
			return s.sendFatal(ae)
		}
		var a *Alert
		if errors.As(err, &a) {
			return a
		}
		if isTimeout(err) {
			if ctx != nil && errors.Is(ctx.Err(), context.Canceled) {
				return ctx.Err()
			}
			// The transport's deadline may pass a moment before the
			// context's timer fires: ctxBound decides, not ctx.Err().
			return timeoutFor(ctxBound)
		}
		s.conn.Close()
		if errors.Is(err, ErrClosed) {
			return err
		}
		return errors.Join(ErrClosed, err)
	}
	var early earlyData
	var limits hsLimits
	acts, err := machineStep(m.Start)
	if err != nil {
		return fail(err)
	}
	if err := s.apply(acts); err != nil {
		return fail(err)
	}
	for !m.Done() {
		if !s.rd.HasInput() {
			// About to wait for the peer: work ahead meanwhile.
			if err := machinePrepare(m); err != nil {
				return fail(err)
			}
		}
		typ, data, err := s.rd.ReadRecord()
		// Refused 0-RTT data, under keys we do not have, is skipped
		// until a record has opened under the keys now installed: after
		// that, a record that does not open is fatal (RFC 8446, 5.2),
		// not more 0-RTT data.
		if err != nil && errors.Is(err, record.ErrBadRecordMAC) && s.rd.Seq() == 0 {
			skip, serr := early.skip(m, s.rd.LastLen())
			if serr != nil {
				return fail(serr)
			}
			if skip {
				continue
			}
		}
		if err != nil {
			if isTimeout(err) {
				return fail(err)
			}
			var ae *alert.Error
			if errors.As(err, &ae) {
				return fail(ae)
			}
			s.conn.Close()
			return ErrClosed
		}
		if ae := limits.record(typ, len(data)); ae != nil {
			return fail(ae)
		}
		switch typ {
		case wire.TypeHandshake:
			if len(data) == 0 {
				return fail(alert.New(alert.UnexpectedMessage, "empty handshake record"))
			}
			s.in.hbuf.Write(data)
			for !m.Done() {
				msg, ok, err := s.in.hbuf.Next(s.res.hs.MaxHandshakeSize)
				if err != nil {
					return fail(alert.New(alert.HandshakeFailure, "handshake message larger than max_handshake_size"))
				}
				if !ok {
					break
				}
				if msg[0] == wire.TypeHelloRequest && s.role == roleClient {
					if ae := limits.helloRequest(); ae != nil {
						return fail(ae)
					}
				}
				// The machine keeps slices of messages: hbuf copied
				// them out of the record buffer and never writes
				// them again, so they need no copy of their own.
				s.logHandshake("received", msg)
				acts, err := machineMessage(m, msg)
				if err != nil {
					return fail(err)
				}
				if ae := s.checkFlightEnd(m, acts); ae != nil {
					return fail(ae)
				}
				if err := s.apply(acts); err != nil {
					return fail(err)
				}
			}
		case record.TypeV2ClientHello:
			// Only a server's reader returns it, and only first. The
			// machine keeps the message: copy it out of the record
			// buffer.
			sv := m.(*handshake.Server)
			raw := bytes.Clone(data)
			acts, err := machineStep(func() ([]handshake.Action, error) { return sv.HandleV2ClientHello(raw) })
			if err != nil {
				return fail(err)
			}
			if err := s.apply(acts); err != nil {
				return fail(err)
			}
		case wire.TypeChangeCipherSpec:
			if ae := s.checkCCS(data); ae != nil {
				return fail(ae)
			}
			acts, err := machineStep(m.HandleChangeCipherSpec)
			if err != nil {
				return fail(err)
			}
			if len(acts) == 0 {
				if ae := limits.droppedCCS(); ae != nil {
					return fail(ae)
				}
			}
			if err := s.apply(acts); err != nil {
				return fail(err)
			}
		case wire.TypeAlert:
			a, ae := s.handshakeAlert(&limits, data)
			if ae != nil {
				return fail(ae)
			}
			if sv, ok := m.(*handshake.Server); ok && a == nil && alert.Description(data[1]) == alert.NoCertificate {
				// SSL 3.0's answer to a CertificateRequest without a
				// certificate (RFC 6101, 5.6.6).
				if _, err := machineStep(sv.HandleNoCertificate); err != nil {
					return fail(err)
				}
			}
			if a == nil {
				continue
			}
			s.conn.Close()
			s.logAlert(a)
			return a
		default:
			if typ == wire.TypeApplicationData {
				if ok, err := early.take(m, data); ok || err != nil {
					if err != nil {
						return fail(err)
					}
					continue
				}
			}
			return fail(alert.New(alert.UnexpectedMessage, "application data before the handshake completed"))
		}
	}
	s.info = m.Info()
	if len(early.data) > 0 {
		// Accepted 0-RTT data is the first data the application reads.
		s.in.pending = early.data
	}
	if s.info.Version == wire.VersionTLS13 {
		s.startTLS13(s.info)
	} else {
		s.logSecret("CLIENT_RANDOM", s.info.MasterSecret)
	}
	s.finishHandshake(m)
	return nil
}

// checkFlightEnd refuses handshake bytes buffered past the end of the
// peer's flight: the message just handled ended it when the machine
// answers with a flight of its own (Flush), which the peer must read
// before it may send more, or when the handshake is done. The bytes
// after it would be carried over a key change or into the next
// handshake: RFC 8446, 5.1 ("Handshake messages MUST NOT span key
// changes") and RFC 5246, 7.4.9 (Finished ends the handshake), so
// unexpected_message, as OpenSSL and BoringSSL answer it. Checked
// before acting, so nothing is sent in answer to such a flight.
func (s *Socket) checkFlightEnd(m handshake.Machine, acts []handshake.Action) *alert.Error {
	if s.in.hbuf.Len() == 0 {
		return nil
	}
	end := m.Done()
	for _, a := range acts {
		end = end || a.Kind == handshake.Flush
	}
	if !end {
		return nil
	}
	return alert.New(alert.UnexpectedMessage, "handshake data after the end of the peer's flight")
}

// newProtector builds the record protection for k; nil keys mean
// plaintext (a nil Protector).
func newProtector(k *handshake.Keys) (record.Protector, error) {
	var p record.Protector
	var err error
	switch {
	case k == nil:
		return nil, nil
	case k.Version == wire.VersionTLS13:
		p, err = record.NewTLS13Protector(k.Suite, k.Key, k.IV)
	default:
		p, err = record.NewProtectorWith(k.Suite, k.Version, k.Key, k.MACKey, k.IV,
			record.Options{EncryptThenMAC: k.EncryptThenMAC, NoPaddingCheck: k.NoPaddingCheck})
	}
	if err != nil {
		return nil, alert.New(alert.InternalError, "record protection: "+err.Error())
	}
	return p, nil
}

// installKeys performs a SetWriteKeys or SetReadKeys action on a
// record layer.
func installKeys(rd *record.Reader, wr *record.Writer, a handshake.Action) error {
	p, err := newProtector(a.Keys)
	if err != nil {
		return err
	}
	if a.Kind == handshake.SetWriteKeys {
		wr.SetProtector(p)
	} else {
		rd.SetProtector(p)
	}
	return nil
}

// apply performs the machine's actions on the record layer.
func (s *Socket) apply(acts []handshake.Action) error {
	for _, a := range acts {
		switch a.Kind {
		case handshake.SendMessage:
			s.logHandshake("sent", a.Data)
			if err := s.wr.WriteRecord(wire.TypeHandshake, a.Data); err != nil {
				return err
			}
		case handshake.SendChangeCipherSpec:
			if err := s.wr.WriteRecord(wire.TypeChangeCipherSpec, []byte{1}); err != nil {
				return err
			}
		case handshake.SetWriteKeys, handshake.SetReadKeys:
			// RFC 8446, 5.1: a handshake message may not span a key
			// change.
			if a.Kind == handshake.SetReadKeys && s.in.hbuf.Len() != 0 {
				return alert.New(alert.UnexpectedMessage, "handshake message spans a key change")
			}
			if err := installKeys(s.rd, s.wr, a); err != nil {
				return err
			}
		case handshake.LogSecret:
			s.logSecret(a.Label, a.Data)
		case handshake.SendApplicationData:
			if err := s.wr.WriteRecord(wire.TypeApplicationData, a.Data); err != nil {
				return err
			}
		case handshake.SetVersion:
			s.wr.SetVersion(a.Version)
			s.rd.SetVersion(a.Version)
		case handshake.SetRecordLimits:
			s.wr.SetMaxFragment(a.Limits.Send)
			s.rd.SetMaxPlaintext(a.Limits.Recv)
		case handshake.SendWarningAlert:
			if err := s.wr.WriteRecord(wire.TypeAlert, []byte{byte(alert.Warning), a.Data[0]}); err != nil {
				return err
			}
		case handshake.Flush:
			if err := s.wr.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}
