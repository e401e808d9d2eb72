package ssl

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/wire"
)

// dtlsQueueLen is how many datagrams wait for an association's reader;
// more are dropped, as a congested network would drop them.
const dtlsQueueLen = 64

// dtlsBacklog is how many associations wait for TransportAccept; a
// client whose cookie-checked ClientHello finds the queue full
// retransmits it later.
const dtlsBacklog = 32

// dtlsIdleTimeout is how long a server association may go without a
// datagram from its peer before it is dropped: UDP has no FIN, and a
// peer that vanished must not hold its association for good. A variable
// so that tests can shorten it.
var dtlsIdleTimeout = 5 * time.Minute

// dtlsListener serves DTLS on one UDP socket (RFC 6347, Section 4.2.1;
// see docs/ARCHITECTURE.md, "One UDP socket, many peers"). One goroutine
// reads every datagram and hands it to the association of its source
// address. A datagram from an address without one goes through the
// stateless cookie check: only a ClientHello with a valid cookie creates
// an association, so nothing is kept for a peer that has not proved it
// receives at its address. It is the net.Listener of a DTLS ListenSocket.
type dtlsListener struct {
	pc     *net.UDPConn
	jar    *dtls.CookieJar
	mtu    int
	rto    time.Duration
	maxHS  int
	accept chan *dtlsConn

	// cidLen is the length of the CIDs the listener gives its
	// associations (Options.DTLSConnectionID; -1: none).
	cidLen int

	mu       sync.Mutex
	assoc    map[netip.AddrPort]*dtlsConn
	byCID    map[string]*dtlsConn // the associations by their CID (dtls_cid.go)
	closing  bool                 // Close was called: the socket closes with the last association
	deadline time.Time
	closed   chan struct{}
	idle     time.Duration
	gone     chan struct{} // closed with the UDP socket: the sweeper stops
}

func listenDTLS(ip net.IP, port int, mtu int, rto time.Duration, maxHS int, cidLen *int) (*dtlsListener, error) {
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: port})
	if err != nil {
		return nil, err
	}
	l := &dtlsListener{pc: pc, jar: dtls.NewCookieJar(0), mtu: mtu, rto: rto, maxHS: maxHS,
		accept: make(chan *dtlsConn, dtlsBacklog), assoc: map[netip.AddrPort]*dtlsConn{}, closed: make(chan struct{}),
		idle: dtlsIdleTimeout, gone: make(chan struct{}), cidLen: -1, byCID: map[string]*dtlsConn{}}
	if cidLen != nil {
		l.cidLen = *cidLen
	}
	go l.readLoop()
	go l.sweep()
	return l, nil
}

// sweep closes the associations idle for longer than l.idle, checking a
// few times per period, until the UDP socket is closed.
func (l *dtlsListener) sweep() {
	t := time.NewTicker(max(l.idle/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-l.gone:
			return
		case now := <-t.C:
			var expired []*dtlsConn
			l.mu.Lock()
			for _, c := range l.assoc {
				if now.Sub(time.Unix(0, c.lastSeen.Load())) > l.idle {
					expired = append(expired, c)
				}
			}
			l.mu.Unlock()
			for _, c := range expired {
				c.Close()
			}
		}
	}
}

func (l *dtlsListener) readLoop() {
	buf := make([]byte, 1<<16)
	for {
		// ReadFromUDPAddrPort: a netip.AddrPort allocates nothing, as
		// the *net.UDPAddr of ReadFromUDP would for every datagram.
		n, from, err := l.pc.ReadFromUDPAddrPort(buf)
		if err != nil {
			if l.isClosing() {
				return
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			// The socket is gone (closed under us): nothing more comes.
			return
		}
		l.dispatch(from, buf[:n])
	}
}

// dispatch hands a datagram to its association, or screens it.
func (l *dtlsListener) dispatch(from netip.AddrPort, d []byte) {
	if l.dispatchCID(from, d) {
		return
	}
	l.mu.Lock()
	c := l.assoc[from]
	l.mu.Unlock()
	if c != nil {
		// RFC 6347, Section 4.2.8: a ClientHello with a valid cookie and
		// a new random from a known address is a new association (the
		// client restarted); the old one ends. Only a plaintext
		// handshake record can be one.
		if !maybeClientHello(d) {
			c.deliver(d, netip.AddrPort{})
			return
		}
		if sc := l.jar.Screen(time.Now(), from.String(), d); !sc.Accept || string(sc.Random) == string(c.clientRandom) {
			c.deliver(d, netip.AddrPort{})
			return
		}
		c.Close()
	}
	sc := l.jar.Screen(time.Now(), from.String(), d)
	if sc.Reply != nil {
		l.pc.WriteToUDPAddrPort(sc.Reply, from)
	}
	if !sc.Accept {
		return
	}
	c = newDTLSConn(l.pc, net.UDPAddrFromAddrPort(from), l.mtu, l.rto, l.maxHS)
	c.ln, c.queue = l, make(chan dtlsDatagram, dtlsQueueLen)
	c.ra = dtls.NewReassembler(sc.MessageSeq, l.maxHS)
	c.w.SkipTo(sc.RecordSeq)
	c.clientRandom = sc.Random
	c.deliver(d, netip.AddrPort{})
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return
	}
	// The CID is the association's before anyone can take it from the
	// queue and start its handshake.
	l.assignCIDLocked(c)
	select {
	case l.accept <- c:
		l.assoc[from], c.key = c, from
	default:
		if l.byCID[string(c.localCID)] == c {
			delete(l.byCID, string(c.localCID))
		}
		// Backlog full: keep no state; the client will retransmit.
	}
}

// dtlsDatagram is one datagram queued for a server association, with its
// source when that is not the association's peer address (the zero
// AddrPort otherwise). buf is the pooled buffer b sits in, nil when b was
// allocated.
type dtlsDatagram struct {
	b    []byte
	buf  *[dtlsPooledDatagram]byte
	from netip.AddrPort
}

// maybeClientHello reports whether a datagram starts with a plaintext
// (epoch 0) handshake record, as a ClientHello does.
func maybeClientHello(d []byte) bool {
	return len(d) > dtls.HeaderLen && d[0] == wire.TypeHandshake && d[3] == 0 && d[4] == 0
}

// dtlsPooledDatagram is the size of the listener's pooled datagram
// buffers: room for a datagram at any usual path MTU. A larger datagram
// gets a buffer of its own.
const dtlsPooledDatagram = 2048

// dtlsDatagramBufs holds the copies of datagrams queued for server
// associations: a datagram's buffer goes back when its association reads
// the next one (by then the data path has consumed it), so the listener
// allocates nothing per datagram.
var dtlsDatagramBufs = sync.Pool{New: func() any { return new([dtlsPooledDatagram]byte) }}

// deliver queues a datagram for the association, or drops it when the
// queue is full. from is the zero AddrPort for a datagram from the
// peer's address.
func (c *dtlsConn) deliver(d []byte, from netip.AddrPort) {
	c.lastSeen.Store(time.Now().UnixNano())
	dg := dtlsDatagram{from: from}
	if len(d) <= dtlsPooledDatagram {
		dg.buf = dtlsDatagramBufs.Get().(*[dtlsPooledDatagram]byte)
		dg.b = dg.buf[:copy(dg.buf[:], d)]
	} else {
		dg.b = append([]byte(nil), d...)
	}
	select {
	case c.queue <- dg:
	default:
		if dg.buf != nil {
			dtlsDatagramBufs.Put(dg.buf)
		}
	}
}

// recycle gives the buffer of the datagram read before back to the pool
// (the caller holds rmu; the data path has consumed that datagram).
func (c *dtlsConn) recycle(next *[dtlsPooledDatagram]byte) {
	if c.dgram != nil {
		dtlsDatagramBufs.Put(c.dgram)
	}
	c.dgram = next
}

// forget removes a closed association.
func (l *dtlsListener) forget(c *dtlsConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.assoc[c.key] == c {
		delete(l.assoc, c.key)
	}
	if l.byCID[string(c.localCID)] == c {
		delete(l.byCID, string(c.localCID))
	}
	l.closeIfDoneLocked()
}

func (l *dtlsListener) isClosing() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closing
}

// closeIfDoneLocked closes the UDP socket once the listener is closed and
// its last association is gone: the associations send through it.
func (l *dtlsListener) closeIfDoneLocked() {
	if l.closing && len(l.assoc) == 0 {
		l.pc.Close()
		select {
		case <-l.gone:
		default:
			close(l.gone)
		}
	}
}

// Accept implements net.Listener: the next association whose ClientHello
// carried a valid cookie.
func (l *dtlsListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	dl := l.deadline
	l.mu.Unlock()
	var expire <-chan time.Time
	if !dl.IsZero() {
		t := time.NewTimer(time.Until(dl))
		defer t.Stop()
		expire = t.C
	}
	for {
		select {
		case c := <-l.accept:
			select {
			case <-c.closed:
				continue // expired while it waited
			default:
			}
			return c, nil
		case <-l.closed:
			return nil, net.ErrClosed
		case <-expire:
			return nil, os.ErrDeadlineExceeded
		}
	}
}

// SetDeadline bounds the next Accept (TransportAccept's timeout).
func (l *dtlsListener) SetDeadline(t time.Time) error {
	l.mu.Lock()
	l.deadline = t
	l.mu.Unlock()
	return nil
}

// Close stops accepting. Associations already accepted keep working; the
// UDP socket closes with the last of them. Those still waiting for
// TransportAccept are dropped.
func (l *dtlsListener) Close() error {
	l.mu.Lock()
	if l.closing {
		l.mu.Unlock()
		return nil
	}
	l.closing = true
	close(l.closed)
	l.mu.Unlock()
	for {
		select {
		case c := <-l.accept:
			c.Close()
			continue
		default:
		}
		break
	}
	l.mu.Lock()
	l.closeIfDoneLocked()
	l.mu.Unlock()
	return nil
}

// Addr implements net.Listener.
func (l *dtlsListener) Addr() net.Addr { return l.pc.LocalAddr() }
