package ssl

//lint:file-ignore SA1019 net/http serves and dials HTTP/2 only over *tls.Conn; x/net/http2's ServeConn and Transport, deprecated in favour of net/http's own, are the public way to run HTTP/2 over another net.Conn

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"

	"golang.org/x/net/http2"
)

// net/http hands a connection to its HTTP/2 server, and an
// http.Transport to its HTTP/2 client, only when the connection is a
// *tls.Conn (Server.TLSNextProto, Transport.TLSNextProto). On any other
// net.Conn it speaks HTTP/1 even when ALPN agreed on h2. It does read
// ConnectionState from other connections for Request.TLS on HTTP/1, and
// golang.org/x/net/http2 reads it on both sides, so ConfigureServer and
// NewHTTPTransport route h2 connections to x/net/http2 themselves.

// ConfigureServer makes srv serve HTTP/2 as well as HTTP/1.1 over a gossl
// listener, by ALPN, in the spirit of http2.ConfigureServer:
//
//	ls, _ := ssl.Listen(8443, &ssl.Options{CertFile: "cert.pem", KeyFile: "key.pem",
//		ALPNPreferredProtocols: []string{"h2", "http/1.1"}})
//	srv := &http.Server{Handler: h}
//	ssl.ConfigureServer(srv)
//	srv.Serve(ls)
//
// The listener's ALPNPreferredProtocols decide what is offered; without
// "h2" there every connection is HTTP/1.1. Request.TLS is set on both
// protocols (from (*Socket).ConnectionState). Call it once, before Serve,
// after setting srv.Handler (nil means http.DefaultServeMux, as usual).
//
// An h2 connection leaves net/http's connection tracking (x/net/http2
// serves it from then on): srv.Shutdown ends it gracefully (GOAWAY), but
// srv.Close does not close it; it ends when the client closes it or after
// srv.IdleTimeout.
func ConfigureServer(srv *http.Server) error {
	if srv == nil {
		return errors.New("ssl: ConfigureServer: nil *http.Server")
	}
	if _, done := srv.Handler.(*h2Handoff); done {
		return nil
	}
	h2 := &http2.Server{}
	if err := http2.ConfigureServer(srv, h2); err != nil {
		return err
	}
	srv.Handler = &h2Handoff{srv: srv, h2: h2, next: srv.Handler}
	return nil
}

// h2Handoff is the handler ConfigureServer installs. Over a connection
// where ALPN chose h2, net/http's HTTP/1 parser reads the first line of the
// client's connection preface (RFC 9113, Section 3.4), "PRI * HTTP/2.0",
// as a request and passes it to the handler (http1ServerSupportsRequest
// lets it through for this purpose); the handler takes the connection over
// and gives it to the HTTP/2 server. Every other request goes to next.
type h2Handoff struct {
	srv  *http.Server
	h2   *http2.Server
	next http.Handler
}

// prefaceRest is what follows "PRI * HTTP/2.0\r\n\r\n" in the client
// connection preface (RFC 9113, Section 3.4).
const prefaceRest = "SM\r\n\r\n"

func (h *h2Handoff) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	next := h.next
	if next == nil {
		next = http.DefaultServeMux
	}
	if r.Method != "PRI" || r.RequestURI != "*" || r.ProtoMajor != 2 || r.TLS == nil ||
		r.TLS.NegotiatedProtocol != "h2" {
		next.ServeHTTP(w, r)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, "cannot switch to HTTP/2", http.StatusInternalServerError)
		return
	}
	// Bytes the HTTP/1 reader read ahead (the rest of the preface,
	// perhaps SETTINGS) come first, then the connection itself.
	ahead, _ := rw.Reader.Peek(rw.Reader.Buffered())
	c := &h2ServerConn{Conn: conn, r: io.MultiReader(bytes.NewReader(bytes.Clone(ahead)), conn), state: *r.TLS}
	var rest [len(prefaceRest)]byte
	if _, err := io.ReadFull(c.r, rest[:]); err != nil || string(rest[:]) != prefaceRest {
		// Not an HTTP/2 client after all: RFC 9113, Section 3.4 makes
		// an invalid preface a connection error.
		conn.Close()
		return
	}
	h.h2.ServeConn(c, &http2.ServeConnOpts{
		Context:          context.WithoutCancel(r.Context()),
		BaseConfig:       h.srv,
		Handler:          next,
		SawClientPreface: true,
	})
}

// h2ServerConn is a hijacked connection with its read-ahead bytes in front
// and the TLS state x/net/http2 sets Request.TLS from.
type h2ServerConn struct {
	net.Conn
	r     io.Reader
	state tls.ConnectionState
}

func (c *h2ServerConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// ConnectionState is the state net/http read when the connection opened.
func (c *h2ServerConn) ConnectionState() tls.ConnectionState { return c.state }

// NewHTTPTransport returns an http.RoundTripper that dials with gossl and
// speaks HTTP/2 or HTTP/1.1 as ALPN decides, with Response.TLS set on
// both:
//
//	client := &http.Client{Transport: ssl.NewHTTPTransport(&ssl.Options{CACertFile: "ca.pem"})}
//	resp, err := client.Get("https://example.com/")
//
// opts are the client options of every connection (nil for the
// defaults); the host of the URL is the server name to verify and send in
// SNI unless opts say otherwise. Without ALPNAdvertisedProtocols it
// offers h2 and http/1.1. A server that answers with no ALPN protocol
// gets HTTP/1.1 (RFC 7301, Section 3.2). Plain http:// URLs go over TCP
// with HTTP/1.1. Proxies are not used (http.Transport would run its own
// crypto/tls handshake through them). The transport remembers which protocol each host:port
// chose; the first request to a host that chose HTTP/1.1 costs one extra
// handshake.
func NewHTTPTransport(opts *Options) http.RoundTripper {
	o := &Options{}
	if opts != nil {
		*o = *opts
	}
	if o.ALPNAdvertisedProtocols == nil {
		o.ALPNAdvertisedProtocols = []string{"h2", "http/1.1"}
	}
	t := &httpTransport{opts: o}
	t.h1 = &http.Transport{
		DialTLSContext:    t.dialFor(false),
		TLSNextProto:      map[string]func(string, *tls.Conn) http.RoundTripper{},
		ForceAttemptHTTP2: false,
	}
	t.h2 = &http2.Transport{
		DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			return t.dialFor(true)(ctx, network, addr)
		},
	}
	return t
}

type httpTransport struct {
	opts   *Options
	h1     *http.Transport
	h2     *http2.Transport
	protoM sync.Mutex
	h1Only map[string]bool // host:port → chose HTTP/1.1 (or no ALPN) last time
}

// errWrongProto says the connection's ALPN result belongs to the other
// transport: RoundTrip retries there.
var errWrongProto = errors.New("ssl: ALPN chose the other HTTP version")

// dialFor returns the dial function of the h2 (wantH2) or HTTP/1.1
// transport: it dials with gossl and, when ALPN chose the other
// protocol, notes it for the address and fails with errWrongProto.
func (t *httpTransport) dialFor(wantH2 bool) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		s, err := DialContext(ctx, network, addr, t.opts)
		if err != nil {
			return nil, err
		}
		isH2 := s.ConnectionState().NegotiatedProtocol == "h2"
		t.protoM.Lock()
		if t.h1Only == nil {
			t.h1Only = map[string]bool{}
		}
		t.h1Only[addr] = !isH2
		t.protoM.Unlock()
		if isH2 != wantH2 {
			s.Close()
			return nil, errWrongProto
		}
		return s, nil
	}
}

func (t *httpTransport) chosenH1(addr string) bool {
	t.protoM.Lock()
	defer t.protoM.Unlock()
	return t.h1Only[addr]
}

// RoundTrip implements http.RoundTripper.
func (t *httpTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil || req.URL.Scheme != "https" {
		return t.h1.RoundTrip(req)
	}
	addr := canonicalAddr(req)
	useH1 := t.chosenH1(addr)
	for try := 0; ; try++ {
		var resp *http.Response
		var err error
		if useH1 {
			resp, err = t.roundTripH1(req)
		} else {
			resp, err = t.h2.RoundTrip(req)
		}
		if try == 0 && errors.Is(err, errWrongProto) {
			// The body is untouched: the request failed at its dial.
			useH1 = !useH1
			continue
		}
		return resp, err
	}
}

// roundTripH1 runs req on the HTTP/1.1 transport and sets Response.TLS
// from the connection it used, which http.Transport does only for a
// *tls.Conn.
func (t *httpTransport) roundTripH1(req *http.Request) (*http.Response, error) {
	var conn net.Conn
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) { conn = i.Conn }}
	traced := req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := t.h1.RoundTrip(traced)
	if resp != nil {
		resp.Request = req
		if cs, ok := conn.(interface{ ConnectionState() tls.ConnectionState }); ok && resp.TLS == nil {
			st := cs.ConnectionState()
			resp.TLS = &st
		}
	}
	return resp, err
}

// CloseIdleConnections closes the idle connections of both protocols
// (http.Client.CloseIdleConnections calls it).
func (t *httpTransport) CloseIdleConnections() {
	t.h1.CloseIdleConnections()
	t.h2.CloseIdleConnections()
}

// canonicalAddr is the host:port a request dials, the key both
// transports pool by.
func canonicalAddr(req *http.Request) string {
	host, port := req.URL.Hostname(), req.URL.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(host, port)
}
