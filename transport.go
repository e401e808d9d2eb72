package ssl

import (
	"context"
	"net"
	"strconv"
	"time"
)

// TransportModule is the cb_info option: Erlang's callback module (gen_tcp
// by default) that Connect and Listen use to open transports. The
// connections it returns are the transport of one socket: their Read and
// Write are the module's recv and send, Close its close, RemoteAddr and
// LocalAddr its peername and sockname. A connection may also implement
// Transport to take setopts/getopts (nodelay, sndbuf, ...) and to report
// its port. Erlang's controlling_process callback has no Go counterpart: a
// net.Conn belongs to no goroutine.
//
// Erlang's DataTag, ClosedTag and ErrTag name the messages the module
// sends; in Go the transport reports through Read's return values, so
// they have no counterpart either.
type TransportModule interface {
	// Dial opens a connection to host:port (gen_tcp:connect/4).
	Dial(ctx context.Context, host string, port int, local net.IP) (net.Conn, error)
	// Listen opens a listener on port (gen_tcp:listen/2); ip nil means
	// every local address.
	Listen(ip net.IP, port int) (net.Listener, error)
}

// Transport is the optional part of a transport connection: Erlang's
// callback module functions beyond send, recv, close, peername and
// sockname, which net.Conn already has.
type Transport interface {
	net.Conn
	// Setopts sets transport options (inet:setopts/2).
	Setopts(opts ...SockOpt) error
	// Getopts reads transport options (inet:getopts/2).
	Getopts(names ...string) ([]SockOpt, error)
	// Port returns the local port (inet:port/1).
	Port() (int, error)
}

// TCP is the default TransportModule: gen_tcp over the net package.
var TCP TransportModule = tcpModule{}

type tcpModule struct{}

func (tcpModule) Dial(ctx context.Context, host string, port int, local net.IP) (net.Conn, error) {
	var d net.Dialer
	if local != nil {
		d.LocalAddr = &net.TCPAddr{IP: local}
	}
	return d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
}

func (tcpModule) Listen(ip net.IP, port int) (net.Listener, error) {
	addr := ":" + strconv.Itoa(port)
	if ip != nil {
		addr = net.JoinHostPort(ip.String(), strconv.Itoa(port))
	}
	return net.Listen("tcp", addr)
}

// transportModule returns the cb_info module of o.
func (o *Options) transportModule() TransportModule {
	if o == nil || o.CbInfo == nil {
		return TCP
	}
	return o.CbInfo
}

// underlying returns the connection below gossl's own wrappers.
func underlying(c net.Conn) net.Conn {
	for {
		u, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			return c
		}
		c = u.NetConn()
	}
}

// transportCheck checks one transport option without setting it: the
// inet options gossl sets on a TCP socket itself. A Transport's own
// options are checked by its Setopts alone.
func transportCheck(c net.Conn, o SockOpt) error {
	c = underlying(c)
	if _, ok := c.(Transport); ok {
		return nil
	}
	if _, ok := c.(*net.TCPConn); !ok {
		return notSupported(o.Name, o.Value)
	}
	switch o.Name {
	case "nodelay", "keepalive":
		if _, ok := o.Value.(bool); ok {
			return nil
		}
	case "sndbuf", "recbuf":
		if n, ok := o.Value.(int); ok && n > 0 {
			return nil
		}
	default:
		return notSupported(o.Name, o.Value)
	}
	return badOption(o.Name, o.Value, "invalid value")
}

// transportSetopts passes one option to the transport: to its Setopts if
// it is a Transport, or to the TCP socket for the inet options gossl
// knows.
func transportSetopts(c net.Conn, o SockOpt) error {
	if err := transportCheck(c, o); err != nil {
		return err
	}
	c = underlying(c)
	if t, ok := c.(Transport); ok {
		return t.Setopts(o)
	}
	tc := c.(*net.TCPConn)
	switch o.Name {
	case "nodelay":
		return tc.SetNoDelay(o.Value.(bool))
	case "keepalive":
		return tc.SetKeepAlive(o.Value.(bool))
	case "sndbuf":
		return tc.SetWriteBuffer(o.Value.(int))
	}
	return tc.SetReadBuffer(o.Value.(int))
}

// transportGetopt reads one transport option.
func transportGetopt(c net.Conn, name string) (any, error) {
	c = underlying(c)
	if t, ok := c.(Transport); ok {
		v, err := t.Getopts(name)
		if err != nil {
			return nil, err
		}
		if len(v) != 1 {
			return nil, notSupported(name, "getopts")
		}
		return v[0].Value, nil
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil, notSupported(name, "getopts")
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil, err
	}
	return tcpGetopt(raw, name)
}

// Port returns the local port: inet:port/1 (through the transport's Port
// when it has one).
func (s *Socket) Port() (int, error) {
	if s.closed.Load() {
		return 0, ErrClosed
	}
	c := underlying(s.conn)
	if t, ok := c.(Transport); ok {
		return t.Port()
	}
	if ta, ok := c.LocalAddr().(*net.TCPAddr); ok {
		return ta.Port, nil
	}
	return 0, notSupported("port", c.LocalAddr().Network())
}

// applyTransportOpts sets the Options' transport fields on a new
// connection.
func applyTransportOpts(c net.Conn, o *Options) error {
	for _, so := range o.transportOpts() {
		if err := transportSetopts(c, so); err != nil {
			return err
		}
	}
	return nil
}

// sendDeadline returns the write deadline for send_timeout.
func sendDeadline(d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}
