package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	ssl "github.com/gossl/ssl"
)

func init() {
	register(&command{
		name:       "serve",
		synopsis:   "serve [--host 127.0.0.1] [--port 4433] [--once] [--echo | --www] [--metrics ADDR] [ssl options]",
		summary:    "run a TLS server that echoes, or answers HTTP like s_server -www",
		sslOptions: true,
		help: `
Listens on HOST:PORT (--host, --port, or s_server's -accept [HOST:]PORT)
and, once listening, prints "ACCEPT HOST:PORT" on
stdout (with --port 0, the port actually bound). Each connection's
handshake runs in its own goroutine; when it succeeds the connection's
information block (one "key: value" line per connection_information item)
and a blank line are printed on stdout. A failed handshake prints
"handshake failed: SENTENCE" on stderr and the server goes on.

--echo (the default) sends back whatever the client sends until it closes.
--www reads the request (up to the blank line, or 2 seconds), answers with
one HTTP/1.0 200 response whose text/plain body is the information block,
and closes the connection.

Without --certfile/--keyfile an ephemeral self-signed certificate for
"localhost" (and 127.0.0.1, ::1) is made in memory, ECDSA P-256 or, with
--key-type rsa, RSA-2048; --cert-out FILE writes it as PEM for clients to
trust (--cacertfile FILE).

--psk-file FILE (lines identity:hexkey, as gnutls-serv --pskpasswd
reads) serves PSK clients too, with --psk-identity HINT as the
psk_identity_hint; without --ciphers the PSK suites are added after the
defaults. A PSK-only server still gets the ephemeral certificate, which
the PSK suites do not send.

--srp-file FILE (lines USER:PASSWORD) serves SRP users (RFC 5054): a
random salt and the verifier of each are derived at start, in the group
--srp-group names (srp_1024 ... srp_8192, default srp_2048); without
--ciphers the SRP suites are added after the defaults. srp_rsa needs an
RSA certificate (--key-type rsa, or --certfile); srp_anon sends none. An
unknown user fails at the client's Finished, like a wrong password.

A line "R" on stdin renegotiates every open TLS 1.2 (or older) or
DTLS connection (ssl:renegotiate/1, like s_server's r): "RENEGOTIATING" and
then "renegotiated" or the error are printed on stderr for each.

--metrics ADDR (HOST:PORT, port 0 for any) serves the server's metrics
at http://ADDR/metrics in Prometheus's text format: handshakes by
version, suite, result and alert, resumptions, handshake latency, alerts
sent and received, bytes and open connections (the
github.com/gossl/ssl/prometheus module's metrics). Once it listens, before the
ACCEPT line, "METRICS HOST:PORT" is printed on stdout with the port
actually bound.

--once serves one connection and exits: 0 if its handshake succeeded, 1
if not. SIGINT or SIGTERM closes the listener and every connection (with
close_notify) and exits 0. A listen failure exits 1 with its sentence.

--session-store redis://HOST:PORT shares TLS 1.2 sessions, the ticket
keys (TLS 1.2 and 1.3) and the 0-RTT replay check with every server
given the same Redis and the same certificate, so that a client resumes
on any of them. What goes to Redis is sealed (AES-256-GCM) with a key
derived from the --keyfile, or from --session-store-key FILE. When Redis
is out of reach, handshakes go on (full, or resumed from the ticket keys
held in memory) and sharing resumes when it is back.

--handshake-timeout is seconds when a bare number (30), or a number with
its unit (500ms, 2m). SSLKEYLOGFILE in the environment works as
--keylogfile.`,
		flags: func(fs *flag.FlagSet) { new(serveConfig).define(fs) },
		run:   runServe,
	})
}

type serveConfig struct {
	host      string
	port      int
	once      bool
	echo      bool
	www       bool
	keyType   string
	certOut   string
	hsTimeout time.Duration
	psk       pskConfig
	srp       srpConfig
	metrics   string
	store     storeConfig
}

func (c *serveConfig) define(fs *flag.FlagSet) {
	fs.StringVar(&c.host, "host", "127.0.0.1", "`ADDRESS` or name to listen on, \"\" for all (--ip overrides it)")
	fs.IntVar(&c.port, "port", 4433, "`PORT` to listen on, 0 for any")
	fs.BoolVar(&c.once, "once", false, "serve one connection, then exit")
	fs.BoolVar(&c.echo, "echo", false, "echo application data (the default)")
	fs.BoolVar(&c.www, "www", false, "answer with an HTTP/1.0 page listing the connection information")
	fs.StringVar(&c.keyType, "key-type", "ecdsa", "key of the ephemeral certificate: `ecdsa|rsa`")
	fs.StringVar(&c.certOut, "cert-out", "", "write the ephemeral certificate as PEM to `FILE`")
	durationVar(fs, &c.hsTimeout, "handshake-timeout", 30*time.Second, "give up a handshake after this `DURATION` (seconds, or with a unit; 0: never)")
	fs.StringVar(&c.metrics, "metrics", "", "serve Prometheus metrics at http://`ADDR`/metrics (HOST:PORT; port 0 for any)")
	c.psk.defineServer(fs)
	c.srp.defineServer(fs)
	c.store.define(fs)
}

// accept is s_server's -accept [HOST:]PORT: --port, and --host when a
// host is given.
func (c *serveConfig) accept(v string) error {
	host, port, found := "", v, false
	if i := strings.LastIndex(v, ":"); i >= 0 {
		host, port, found = v[:i], v[i+1:], true
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("-accept %q: want PORT or HOST:PORT", v)
	}
	c.port = n
	if found {
		c.host = strings.Trim(host, "[]")
	}
	return nil
}

// server is a running gossl serve.
type server struct {
	cfg    serveConfig
	e      *env
	out    *blockWriter // stdout: ACCEPT line and info blocks
	errw   *blockWriter // stderr
	mu     sync.Mutex
	conns  map[*ssl.Socket]bool
	wg     sync.WaitGroup
	failed bool // a handshake failed (the --once exit status)
	opts   *ssl.Options
}

func runServe(e *env, args []string) int {
	cmd := commands["serve"]
	srv := &server{e: e, out: &blockWriter{w: e.stdout}, errw: &blockWriter{w: e.stderr}, conns: map[*ssl.Socket]bool{}}
	opts := &ssl.Options{}
	fs := newFlagSet(cmd.name)
	srv.cfg.define(fs)
	bindOptionFlags(fs, opts)
	bindAliases(fs, false, srv.cfg.accept)
	pos, err := parseArgs(e, cmd, fs, args)
	if err != nil {
		return usageExit(err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "gossl serve: unexpected argument %q\n", pos[0])
		return 2
	}
	if srv.cfg.echo && srv.cfg.www {
		fmt.Fprintf(e.stderr, "gossl serve: --echo and --www exclude each other\n")
		return 2
	}
	defer srv.cfg.store.close()
	if err := srv.prepare(opts); err != nil {
		return fail(e, cmd.name, err)
	}
	if srv.cfg.metrics != "" {
		ln, m, err := serveMetrics(srv.cfg.metrics)
		if err != nil {
			return fail(e, cmd.name, err)
		}
		defer ln.Close()
		opts.Metrics = m
		srv.out.line("METRICS %s", ln.Addr())
	}
	srv.opts = opts
	ls, err := ssl.Listen(srv.cfg.port, opts)
	if err != nil {
		return fail(e, cmd.name, err)
	}
	srv.out.line("ACCEPT %s", ls.Addr())
	go srv.commands()
	return srv.serve(ls)
}

// prepare completes opts: the listen address, the ephemeral certificate
// and the alert logger.
func (srv *server) prepare(opts *ssl.Options) error {
	if opts.IP == nil && srv.cfg.host != "" {
		ip := net.ParseIP(srv.cfg.host)
		if ip == nil {
			addrs, err := net.DefaultResolver.LookupIPAddr(srv.e.ctx, srv.cfg.host)
			if err != nil || len(addrs) == 0 {
				return fmt.Errorf("cannot resolve --host %s: %v", srv.cfg.host, err)
			}
			ip = addrs[0].IP
		}
		opts.IP = ip
	}
	if err := keyLogFromEnv(opts); err != nil {
		return err
	}
	ciphersGiven := opts.Ciphers != nil
	if err := srv.cfg.psk.applyServer(opts); err != nil {
		return err
	}
	if err := srv.cfg.srp.applyServer(opts, ciphersGiven); err != nil {
		return err
	}
	if opts.CertFile == "" && opts.KeyFile == "" {
		l, err := selfSigned("localhost", srv.cfg.keyType)
		if err != nil {
			return err
		}
		opts.Cert, opts.Key = l.chain, l.key
		if srv.cfg.certOut != "" {
			if err := os.WriteFile(srv.cfg.certOut, certPEM(l.chain), 0o644); err != nil {
				return err
			}
		}
	}
	cliLogAlert(opts, srv.errw)
	return srv.cfg.store.apply(opts)
}

// serve accepts until a signal, or after one connection with --once.
func (srv *server) serve(ls *ssl.ListenSocket) int {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-srv.e.ctx.Done():
			ls.Close()
			srv.closeAll()
		case <-stop:
		}
	}()
	for {
		s, err := ls.TransportAccept(0)
		if err != nil {
			if srv.e.ctx.Err() != nil || errors.Is(err, ssl.ErrClosed) {
				break
			}
			srv.errw.line("accept failed: %s", sentence(err, nil))
			time.Sleep(100 * time.Millisecond)
			continue
		}
		srv.track(s, true)
		srv.wg.Add(1)
		go srv.handle(s)
		if srv.cfg.once {
			break
		}
	}
	ls.Close()
	srv.wg.Wait()
	if srv.cfg.once && srv.failed {
		return 1
	}
	return 0
}

// commands reads stdin: a line "R" renegotiates every open connection.
func (srv *server) commands() {
	if srv.e.stdin == nil {
		return
	}
	r := bufio.NewScanner(srv.e.stdin)
	for r.Scan() {
		if strings.TrimSpace(r.Text()) != "R" {
			continue
		}
		srv.mu.Lock()
		for s := range srv.conns {
			go func() {
				srv.errw.line("RENEGOTIATING %s", s.RemoteAddr())
				if err := s.Renegotiate(); err != nil {
					srv.errw.line("renegotiate %s: %s", s.RemoteAddr(), ssl.FormatError(err))
					return
				}
				srv.errw.line("renegotiated %s", s.RemoteAddr())
			}()
		}
		srv.mu.Unlock()
	}
}

func (srv *server) track(s *ssl.Socket, add bool) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if add {
		srv.conns[s] = true
	} else {
		delete(srv.conns, s)
	}
}

// closeAll closes every open connection (with close_notify), for a clean
// stop on a signal. The deadline first unblocks a Send stuck on a client
// that does not read, so that the close_notify can be written.
func (srv *server) closeAll() {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for s := range srv.conns {
		s.SetDeadline(time.Now().Add(time.Second))
		go s.Close()
	}
}

// handle runs one connection: handshake, info block, echo or www.
func (srv *server) handle(s *ssl.Socket) {
	defer srv.wg.Done()
	defer srv.track(s, false)
	defer s.Close()
	if err := s.Handshake(srv.cfg.hsTimeout); err != nil {
		srv.mu.Lock()
		srv.failed = true
		srv.mu.Unlock()
		if srv.e.ctx.Err() == nil {
			srv.errw.line("handshake failed: %s", sentence(err, nil))
		}
		return
	}
	block, err := infoBlock(s)
	if err != nil {
		srv.errw.line("connection_information failed: %s", sentence(err, nil))
		return
	}
	srv.out.write(block)
	if srv.cfg.www {
		err = serveWWW(s, block)
	} else if usesSocketModel(srv.opts) {
		err = servePackets(srv.e.ctx, s, srv.opts.Active)
	} else {
		err = serveEcho(s)
	}
	if err != nil && srv.e.ctx.Err() == nil {
		srv.errw.line("connection failed: %s", sentence(err, nil))
	}
}

// serveEcho sends back everything read until the peer closes. A peer
// that closes, with or without close_notify, is not an error.
func serveEcho(s *ssl.Socket) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := s.Read(buf)
		if n > 0 {
			if werr := s.Send(buf[:n]); werr != nil {
				return quietClose(werr)
			}
		}
		if err != nil {
			return quietClose(err)
		}
	}
}

// quietClose hides the errors that only say the connection ended.
func quietClose(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, ssl.ErrClosed) {
		return nil
	}
	return err
}

// wwwReadTimeout bounds how long --www waits for the request.
const wwwReadTimeout = 2 * time.Second

// serveWWW reads the request head (until a blank line, 16 KiB or
// wwwReadTimeout), then answers with the information block.
func serveWWW(s *ssl.Socket, block string) error {
	s.SetReadDeadline(time.Now().Add(wwwReadTimeout))
	var req []byte
	buf := make([]byte, 4096)
	for len(req) < 16<<10 && !bytes.Contains(req, []byte("\r\n\r\n")) && !bytes.Contains(req, []byte("\n\n")) {
		n, err := s.Read(buf)
		req = append(req, buf[:n]...)
		if err != nil {
			break
		}
	}
	s.SetReadDeadline(time.Time{})
	body := block
	head := strings.Join([]string{
		"HTTP/1.0 200 OK",
		"Content-Type: text/plain; charset=utf-8",
		fmt.Sprintf("Content-Length: %d", len(body)),
		"Connection: close",
		"", "",
	}, "\r\n")
	return quietClose(s.Send([]byte(head + body)))
}

// servePackets is serveEcho for --active, --packet and --mode: each
// packet or message is sent back as a packet.
func servePackets(ctx context.Context, s *ssl.Socket, active any) error {
	next := packetReader(ctx, s, active, func() time.Duration { return 0 })
	for {
		b, err := next()
		if err != nil {
			if endedQuietly(err) {
				return nil
			}
			return err
		}
		if err := s.Send(b); err != nil {
			return quietClose(err)
		}
	}
}
