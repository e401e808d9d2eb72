package ssl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sync/atomic"
	"time"
)

// ListenSocket is a listening SSL socket: Erlang's listen socket, and a
// net.Listener whose Accept returns *Socket values that complete their
// handshake on first use (so a slow client never blocks the accept loop).
type ListenSocket struct {
	ln   net.Listener
	opts *Options
	res  *resolved
	// hsTimeout is SetHandshakeTimeout's duration, 0 for the default.
	hsTimeout atomic.Int64
}

// Listen creates a listening socket on port (0 picks one): ssl:listen/2.
// opts.IP chooses the address; nil listens on all interfaces. The
// transport is opts.CbInfo's (TCP by default); accepted sockets inherit
// the socket options (active, packet, ...).
func Listen(port int, opts *Options) (*ListenSocket, error) {
	var ip net.IP
	if opts != nil {
		ip = opts.IP
	}
	return listenOn(ip, port, opts)
}

// ListenAddr listens on a "host:port" address, as net.Listen("tcp", addr)
// and tls.Listen do: ListenAddr("127.0.0.1:0", opts). The host is an IP
// address, a name (its first address is used) or empty for all
// interfaces, and the port a number (0 picks one) or a service name. It
// is Listen with the address in Go's form; opts.IP, if set, must name
// the same address.
func ListenAddr(addr string, opts *Options) (*ListenSocket, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, badOption("address", addr, "must be host:port, e.g. 127.0.0.1:0 or :4433")
	}
	port, err := net.LookupPort("tcp", portStr)
	if err != nil {
		return nil, badOption("address", addr, "unknown port "+portStr)
	}
	var ip net.IP
	if host != "" {
		if ip = net.ParseIP(host); ip == nil {
			ips, err := net.DefaultResolver.LookupIP(context.Background(), "ip", host)
			if err == nil && len(ips) == 0 {
				err = errors.New("no address")
			}
			if err != nil {
				return nil, fmt.Errorf("ssl: listen on %s: cannot resolve %s: %w", addr, host, err)
			}
			ip = ips[0]
		}
	}
	if opts != nil && opts.IP != nil && !opts.IP.Equal(ip) {
		return nil, badOption("ip", opts.IP, "differs from the address "+addr+" given to ListenAddr")
	}
	return listenOn(ip, port, opts)
}

// listenOn is Listen on ip (nil for all interfaces) and port.
func listenOn(ip net.IP, port int, opts *Options) (*ListenSocket, error) {
	res, err := opts.compile(roleServer, "")
	if err != nil {
		return nil, err
	}
	if _, err := opts.initialSockState(); err != nil {
		return nil, err
	}
	var ln net.Listener
	if opts.isDTLS() {
		var dl *dtlsListener
		if dl, err = listenDTLS(ip, port, opts.DTLSMTU, opts.DTLSRetransmitTimeout, res.hs.MaxHandshakeSize, opts.DTLSConnectionID); err == nil {
			ln = dl
		}
	} else {
		ln, err = opts.transportModule().Listen(ip, port)
	}
	if err != nil {
		return nil, err
	}
	return &ListenSocket{ln: ln, opts: opts, res: res}, nil
}

// NewListener wraps an existing net.Listener (any transport that gives
// net.Conns) as a TLS listener with opts.
func NewListener(ln net.Listener, opts *Options) (*ListenSocket, error) {
	res, err := opts.compile(roleServer, "")
	if err != nil {
		return nil, err
	}
	if _, err := opts.initialSockState(); err != nil {
		return nil, err
	}
	return &ListenSocket{ln: ln, opts: opts, res: res}, nil
}

// TransportAccept accepts a connection without handshaking:
// ssl:transport_accept/1,2. Call Handshake on the result. timeout 0 waits
// forever; otherwise ErrTimeout after it.
func (l *ListenSocket) TransportAccept(timeout time.Duration) (*Socket, error) {
	if timeout > 0 {
		if d, ok := l.ln.(interface{ SetDeadline(time.Time) error }); ok {
			d.SetDeadline(time.Now().Add(timeout))
			defer d.SetDeadline(time.Time{})
		}
	}
	conn, err := l.ln.Accept()
	if err != nil {
		if isTimeout(err) {
			return nil, ErrTimeout
		}
		if errors.Is(err, net.ErrClosed) {
			return nil, errListenerClosed
		}
		return nil, err
	}
	return newSocket(conn, roleServer, l.opts, l.res), nil
}

// Accept implements net.Listener: the returned *Socket handshakes on its
// first Read or Write (or an explicit Handshake call), within
// DefaultAcceptHandshakeTimeout unless SetHandshakeTimeout says
// otherwise.
func (l *ListenSocket) Accept() (net.Conn, error) {
	s, err := l.TransportAccept(0)
	if err != nil {
		return nil, err
	}
	s.lazyHS = true
	s.hsTimeout = DefaultAcceptHandshakeTimeout
	if d := time.Duration(l.hsTimeout.Load()); d != 0 {
		s.hsTimeout = max(d, Infinity)
	}
	return s, nil
}

// DefaultAcceptHandshakeTimeout bounds the handshake of sockets from
// Accept unless SetHandshakeTimeout says otherwise: a minute, what a
// Renegotiate without a timeout of its own gets too. Without a bound, a
// client that connects and sends nothing, or a record a byte at a time,
// would hold the socket and the goroutine serving it for good.
const DefaultAcceptHandshakeTimeout = time.Minute

// SetHandshakeTimeout sets the handshake timeout of the sockets Accept
// returns from now on: 0 restores DefaultAcceptHandshakeTimeout, a
// negative duration means none (Infinity). TransportAccept's sockets
// take the timeout given to their Handshake call.
func (l *ListenSocket) SetHandshakeTimeout(d time.Duration) { l.hsTimeout.Store(int64(d)) }

// Close stops listening: ssl:close/1 on a listen socket.
func (l *ListenSocket) Close() error { return l.ln.Close() }

// Addr implements net.Listener.
func (l *ListenSocket) Addr() net.Addr { return l.ln.Addr() }

// Sockname returns the listening address: ssl:sockname/1.
func (l *ListenSocket) Sockname() (net.Addr, error) { return l.ln.Addr(), nil }

// Port returns the port listened on.
func (l *ListenSocket) Port() int {
	switch a := l.ln.Addr().(type) {
	case *net.TCPAddr:
		return a.Port
	case *net.UDPAddr:
		return a.Port
	}
	return 0
}

// mergeOptions returns base with every field that is set in extra
// replacing base's, as ssl:handshake/3 adds options to listen's.
func mergeOptions(base, extra *Options) *Options {
	out := &Options{}
	if base != nil {
		*out = *base
	}
	if extra == nil {
		return out
	}
	ov := reflect.ValueOf(out).Elem()
	ev := reflect.ValueOf(extra).Elem()
	for i := 0; i < ev.NumField(); i++ {
		if f := ev.Field(i); !f.IsZero() {
			ov.Field(i).Set(f)
		}
	}
	// Ciphers and CipherSuites are two forms of one option: the one
	// given last replaces the other.
	if extra.Ciphers != nil {
		out.CipherSuites = nil
	} else if extra.CipherSuites != nil {
		out.Ciphers = nil
	}
	return out
}
