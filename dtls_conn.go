package ssl

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/wire"
)

// DefaultDTLSMTU is the datagram size DTLS records and handshake
// fragments are cut to when DTLSMTU is not set: below the 1500-byte
// Ethernet MTU with room for IPv6 and UDP headers and a tunnel or two.
const DefaultDTLSMTU = 1400

// dtlsConn is one DTLS association (RFC 6347): the record layer, the
// handshake's reassembly, flights and retransmission timer, and the
// datagram I/O. A client owns a connected UDP socket; a server's
// associations share the listener's socket and get their datagrams from
// it (dtls_listen.go).
//
// It is a net.Conn only so that a Socket and a listener can hold it;
// Read and Write, which a byte stream would use, refuse: a DTLS Socket
// sends and receives through the methods below.
type dtlsConn struct {
	pc    net.PacketConn
	peer  net.Addr          // under wmu once the handshake is done (a CID may move it)
	owned bool              // a client's own socket: closed with the association
	queue chan dtlsDatagram // a server association's datagrams; nil for a client
	ln    *dtlsListener
	mtu   int
	// localCID is the connection ID this side asks for (RFC 9146;
	// dtls_cid.go), nil when Options.DTLSConnectionID is unset.
	localCID []byte
	// dgram is the pooled buffer of the datagram being read (a server
	// association's; dtls_listen.go), under rmu.
	dgram *[dtlsPooledDatagram]byte
	// from is the source of the datagram being read when it is not the
	// peer's address (a server association reached by its CID); the zero
	// AddrPort otherwise. Under rmu.
	from netip.AddrPort
	// key is the address the listener files a server association under
	// (under the listener's mu).
	key netip.AddrPort
	// clientRandom is a server association's ClientHello random.
	clientRandom []byte
	// lastSeen is when a server association last got a datagram (Unix
	// nanoseconds), for the listener's idle sweep.
	lastSeen atomic.Int64
	// rstat and wstat are the socket's getstat counters: datagrams and
	// their bytes, as ssl:getstat reports the UDP socket's.
	rstat, wstat *counters

	closeOnce sync.Once
	closed    chan struct{}

	// Read side, under rmu: the Opener, the handshake's reassembly and
	// the read deadline.
	rmu  sync.Mutex
	r    dtls.Opener
	ra   *dtls.Reassembler
	rbuf *[dtlsReadBufLen]byte // a client's receive buffer, pooled (nil while idle)
	// The read deadline (net.Conn's), under wmu; dlGen counts its
	// changes and dlWake wakes a server association's reader to see one
	// (a deadline in the past stops a read: active mode's switch to
	// passive, Close).
	deadline time.Time
	dlGen    atomic.Uint64
	dlWake   chan struct{}
	// Write side, under wmu: the Sealer and the last flight, which the
	// read side resends when the peer retransmits.
	wmu       sync.Mutex
	w         dtls.Sealer
	flight    dtls.Flight
	newFlight bool
	lastSent  time.Time // when the flight was last (re)sent
	flushes   uint32    // flights sent so far, to tell who sent the handshake's last
	// peerFlight is the message_seq the peer's flight after our last
	// one starts at: only a fragment before it retransmits the flight
	// ours answered.
	peerFlight uint16
	timer      *dtls.Timer
	resent     bool // the flight went out again on the timer
	sendBuf    []byte

	// maxRecv is the negotiated limit on a protected record's content
	// that the peer sends (0: 2^14), set by the handshake.
	maxRecv atomic.Int32

	// Under rmu: what the data path has received and not yet returned.
	early [][]byte // application data that overtook the handshake's end
	rest  []byte   // the records of a datagram not yet opened

	// Under rmu, during the handshake (dtlsHandshakeDatagram): records
	// of the next epoch that overtook the peer's ChangeCipherSpec, their
	// size, and whether a ChangeCipherSpec came before the handshake
	// messages it follows.
	future      [][]byte
	futureBytes int
	ccsPending  bool

	// rn is the renegotiation's state (dtls_reneg.go).
	rn dtlsReneg
}

// dtlsReadBufLen is a client's receive buffer: the largest record with
// its header. A datagram is rarely bigger, and one that is loses its
// tail (records never span datagrams, so only whole records are lost).
const dtlsReadBufLen = dtls.HeaderLen + wire.MaxCiphertext

// dtlsReadBufs holds clients' receive buffers while their associations
// idle (between datagrams, no record half read).
var dtlsReadBufs = sync.Pool{New: func() any { return new([dtlsReadBufLen]byte) }}

// peerAnswered stops the retransmission timer: the peer's next flight is
// arriving. Its period resets only if our flight needed no
// retransmission (RFC 6347, Section 4.2.4.1).
func (c *dtlsConn) peerAnswered() {
	c.wmu.Lock()
	c.timer.Stop(c.resent)
	c.wmu.Unlock()
}

func newDTLSConn(pc net.PacketConn, peer net.Addr, mtu int, rto time.Duration, maxHS int) *dtlsConn {
	if mtu <= 0 {
		mtu = DefaultDTLSMTU
	}
	c := &dtlsConn{pc: pc, peer: peer, mtu: mtu, closed: make(chan struct{}), newFlight: true, dlWake: make(chan struct{}, 1),
		ra: dtls.NewReassembler(0, maxHS), timer: dtls.NewTimer(rto), sendBuf: make([]byte, 0, mtu)}
	// Until the ServerHello fixes the version, records say DTLS 1.0
	// (RFC 6347, Section 4.1).
	c.w.SetVersion(wire.VersionDTLS10)
	return c
}

// dtls returns a DTLS socket's association, nil for TLS. A DTLS socket is
// one whose transport is a dtlsConn (kept there rather than in a field of
// its own, so that TLS sockets do not grow).
func (s *Socket) dtls() *dtlsConn {
	c, _ := s.conn.(*dtlsConn)
	return c
}

var errDTLSStream = errors.New("ssl: a DTLS association is not a byte stream")

func (c *dtlsConn) Read([]byte) (int, error)  { return 0, errDTLSStream }
func (c *dtlsConn) Write([]byte) (int, error) { return 0, errDTLSStream }
func (c *dtlsConn) LocalAddr() net.Addr       { return c.pc.LocalAddr() }
func (c *dtlsConn) RemoteAddr() net.Addr {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.peer
}

func (c *dtlsConn) SetDeadline(t time.Time) error { return c.SetReadDeadline(t) }

func (c *dtlsConn) SetReadDeadline(t time.Time) error {
	// Not under rmu: a reader waiting holds it. A waiting reader sees
	// the change: a client's through its socket's own deadline (set
	// after dlGen moves, which readDatagram checks), a server
	// association's through dlWake.
	c.wmu.Lock()
	c.deadline = t
	c.dlGen.Add(1)
	c.wmu.Unlock()
	if c.queue == nil {
		c.pc.SetReadDeadline(t)
	}
	signal(c.dlWake)
	return nil
}

func (c *dtlsConn) SetWriteDeadline(time.Time) error { return nil }

func (c *dtlsConn) readDeadline() time.Time {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.deadline
}

// Close ends the association's I/O (without an alert: Socket.Close
// sends close_notify first).
func (c *dtlsConn) Close() error {
	c.closeOnce.Do(func() {
		close(c.closed)
		if c.owned {
			c.pc.Close()
		}
		if c.ln != nil {
			c.ln.forget(c)
		}
	})
	return nil
}

// writeDatagram sends one datagram to the peer.
func (c *dtlsConn) writeDatagram(d []byte) error {
	select {
	case <-c.closed:
		return ErrClosed
	default:
	}
	var err error
	if wc, ok := c.pc.(net.Conn); ok && c.owned {
		_, err = wc.Write(d) // a connected transport of our own
	} else {
		_, err = c.pc.WriteTo(d, c.peer)
	}
	if err == nil && c.wstat != nil {
		c.wstat.add(len(d))
	}
	return err
}

// readDatagram waits for the next datagram from the peer until deadline
// or the read deadline, whichever comes first (zero: no limit). A
// deadline that passes is os.ErrDeadlineExceeded. A client's datagram
// stays valid until the next read or PutBuffer; a server association's
// is its own.
//
// The transport's timeout is the clock: a read that times out under the
// deadline set for it means that deadline has passed, also when the
// wall clock says otherwise. A caller's transport (ConnectConn,
// HandshakeConn) may so keep time of its own, as a test harness does
// to fire the retransmission timer; for a UDP socket the two clocks are
// one.
func (c *dtlsConn) readDatagram(deadline time.Time) ([]byte, error) {
	for {
		gen := c.dlGen.Load()
		dl := c.effectiveDeadline(deadline)
		d, err := c.readDatagramUntil(dl, gen)
		if err == errDeadlineMoved || isTimeout(err) && c.dlGen.Load() != gen {
			// The read deadline moved while we waited (the timeout may
			// be one set and lifted since): wait under the new one.
			continue
		}
		return d, err
	}
}

// effectiveDeadline is the sooner of deadline and the read deadline.
func (c *dtlsConn) effectiveDeadline(deadline time.Time) time.Time {
	if rd := c.readDeadline(); !rd.IsZero() && (deadline.IsZero() || rd.Before(deadline)) {
		return rd
	}
	return deadline
}

// errDeadlineMoved ends a wait whose read deadline changed.
var errDeadlineMoved = errors.New("read deadline changed")

func (c *dtlsConn) readDatagramUntil(dl time.Time, gen uint64) ([]byte, error) {
	if c.queue == nil {
		c.pc.SetReadDeadline(dl)
		if c.dlGen.Load() != gen {
			return nil, errDeadlineMoved
		}
		if c.rbuf == nil {
			c.rbuf = dtlsReadBufs.Get().(*[dtlsReadBufLen]byte)
		}
		if rc, ok := c.pc.(net.Conn); ok && c.owned {
			// A connected transport of our own only delivers the peer's
			// datagrams, and Read does not allocate a source address
			// per datagram as ReadFrom does.
			n, err := rc.Read(c.rbuf[:])
			if err != nil {
				return nil, c.transportError(err)
			}
			c.countRead(n)
			return c.rbuf[:n], nil
		}
		for {
			n, from, err := c.pc.ReadFrom(c.rbuf[:])
			if err != nil {
				return nil, c.transportError(err)
			}
			if sameAddr(from, c.peer) {
				c.countRead(n)
				return c.rbuf[:n], nil
			}
		}
	}
	var expire <-chan time.Time
	if !dl.IsZero() {
		t := time.NewTimer(time.Until(dl))
		defer t.Stop()
		expire = t.C
	}
	select {
	case d := <-c.queue:
		c.countRead(len(d.b))
		c.from = d.from
		c.recycle(d.buf)
		return d.b, nil
	case <-c.closed:
		return nil, ErrClosed
	case <-expire:
		return nil, os.ErrDeadlineExceeded
	case <-c.dlWake:
		return nil, errDeadlineMoved
	}
}

// transportError is a failed read's error: ErrClosed when the association
// was closed under it.
func (c *dtlsConn) transportError(err error) error {
	select {
	case <-c.closed:
		return ErrClosed
	default:
		return err
	}
}

func (c *dtlsConn) countRead(n int) {
	if c.rstat != nil {
		c.rstat.add(n)
	}
}

func sameAddr(a, b net.Addr) bool {
	if a == nil || b == nil {
		return a == b
	}
	ua, ok1 := a.(*net.UDPAddr)
	ub, ok2 := b.(*net.UDPAddr)
	if ok1 && ok2 {
		return ua.Port == ub.Port && ua.IP.Equal(ub.IP)
	}
	return a.String() == b.String()
}

// sendFlightLocked seals the last flight again and sends it; the caller
// holds wmu. A datagram the network refuses is like one it lost.
func (c *dtlsConn) sendFlightLocked(now time.Time) error {
	ds, err := c.flight.Datagrams(&c.w, c.mtu)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if err := c.writeDatagram(d); errors.Is(err, ErrClosed) {
			return err
		}
	}
	c.lastSent = now
	return nil
}

// resendOnPeerRetransmit resends the last flight if the handshake
// fragments of payload retransmit the peer's flight that ours answered
// (RFC 6347, Section 4.2.4): our flight was lost. Fragments of the
// peer's next flight sent twice, or as whole messages and fragments
// (reordering, duplication), ask for nothing: the peer has ours. A
// retransmission comes a timer period after the peer's flight, so one
// that arrives within a quarter of the default period of ours is taken
// for a copy the network made and not answered; at most one answer per
// such period also keeps a peer repeating its flight, or a forger of
// plaintext fragments, from making us send without bound.
func (c *dtlsConn) resendOnPeerRetransmit(payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	now := time.Now()
	if c.flight.Len() == 0 || !hasFragmentBefore(payload, c.peerFlight) ||
		now.Sub(c.lastSent) < dtls.DefaultRetransmitTimeout/4 {
		return nil
	}
	return c.sendFlightLocked(now)
}

// applyDTLS performs a DTLS handshake machine's actions.
func (c *dtlsConn) apply(acts []handshake.Action) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for _, a := range acts {
		if (a.Kind == handshake.SendMessage || a.Kind == handshake.SendChangeCipherSpec) && c.newFlight {
			// Our next flight starts: the peer's answer arrived.
			c.flight.Reset()
			c.newFlight, c.rn.flightDone = false, false
		}
		switch a.Kind {
		case handshake.SendMessage:
			c.flight.AddHandshake(c.w.Epoch(), a.Data)
		case handshake.SendChangeCipherSpec:
			c.flight.AddChangeCipherSpec(c.w.Epoch())
		case handshake.SetWriteKeys, handshake.SetReadKeys:
			k := a.Keys
			p, err := dtls.NewProtectorWith(k.Suite, handshake.DTLSVersion(k.Version), k.Key, k.MACKey, k.IV,
				record.Options{EncryptThenMAC: k.EncryptThenMAC})
			if err != nil {
				return alert.New(alert.InternalError, err.Error())
			}
			// Keys.CID: the epoch's records carry a connection ID
			// (RFC 9146, Section 4).
			if a.Kind == handshake.SetWriteKeys {
				err = c.w.NextEpochCID(p, k.CID)
			} else {
				err = c.r.NextEpochCID(p, k.CID)
			}
			if err != nil {
				return alert.New(alert.InternalError, err.Error())
			}
		case handshake.SetRecordLimits:
			// max_fragment_length or record_size_limit: our records and
			// handshake fragments shrink to the peer's limit, and the
			// peer's protected records must keep to ours.
			c.w.SetMaxFragment(a.Limits.Send)
			c.maxRecv.Store(int32(a.Limits.Recv))
		case handshake.SetVersion:
			v := handshake.DTLSVersion(a.Version)
			c.w.SetVersion(v)
			c.r.SetVersion(v)
		case handshake.Flush:
			now := time.Now()
			if err := c.sendFlightLocked(now); err != nil {
				return err
			}
			c.timer.Start(now)
			c.newFlight, c.resent = true, false
			c.flushes++
			// The peer's whole flight is in (the caller holds rmu,
			// or no reader runs yet: the client's first flight; or
			// it is the reader, or a renegotiation's first flight:
			// peerFlightStart).
			c.peerFlight = c.peerFlightStart()
		}
	}
	return nil
}

// overflow is the error for a protected record whose content exceeds the
// limit we negotiated (RFC 6066, Section 4; RFC 8449, Section 4:
// record_overflow), nil otherwise. Plaintext records of epoch 0 precede
// the limit.
func (c *dtlsConn) overflow(rec dtls.Record) error {
	if l := int(c.maxRecv.Load()); l > 0 && rec.Epoch > 0 && len(rec.Data) > l {
		return alert.New(alert.RecordOverflow, "record longer than the negotiated limit")
	}
	return nil
}
