package ssl

import (
	"context"
	"net"
	"strconv"
	"time"
)

// Dial connects to address ("host:port") and runs the client handshake:
// the crypto/tls-style form of Connect, for code that dials by address
// (an http.Transport's DialTLSContext, say). network must be "tcp",
// "tcp4" or "tcp6" unless opts.CbInfo gives another transport; the
// transport module decides what the address means.
func Dial(network, address string, opts *Options) (*Socket, error) {
	return DialContext(context.Background(), network, address, opts)
}

// DialContext is Dial with a context bounding the dial and the handshake.
func DialContext(ctx context.Context, network, address string, opts *Options) (*Socket, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		if opts == nil || opts.CbInfo == nil {
			return nil, &net.OpError{Op: "dial", Net: network, Err: net.UnknownNetworkError(network)}
		}
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		port, err = net.DefaultResolver.LookupPort(ctx, "tcp", portStr)
		if err != nil {
			return nil, err
		}
	}
	return ConnectContext(ctx, host, port, opts, 0)
}

// HandshakeContext performs the server-side handshake, like Handshake,
// with a context that bounds and can cancel it.
func (s *Socket) HandshakeContext(ctx context.Context) error {
	return s.runHandshake(ctx, time.Time{})
}

// NetConn returns the transport under the socket, as crypto/tls's
// (*Conn).NetConn does. Reading or writing it directly corrupts the TLS
// stream; use Downgrade to leave TLS.
func (s *Socket) NetConn() net.Conn { return s.conn }

var (
	_ net.Conn     = (*Socket)(nil)
	_ net.Listener = (*ListenSocket)(nil)
)
