package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	ssl "github.com/gossl/ssl"
)

func init() {
	register(&command{
		name:       "connect",
		synopsis:   "connect HOST:PORT [--timeout 10] [--wait 1] [--key-update] [--reconnect N] [--showcerts] [--ticket-out FILE] [ssl options]",
		summary:    "connect to a TLS server and copy stdin/stdout over it, like s_client",
		sslOptions: true,
		help: `
Connects to HOST:PORT (or -connect HOST:PORT), performs the handshake and
prints the connection's information block (one "key: value" line per
connection_information item, then "verify_result: ..." and a blank line)
on stderr. verify_result is "ok" when the server's certificate was
verified, "not verified (verify_none)" when --verify verify_none skipped
the check, and "no certificate" when the server sent none (PSK, SRP).
--showcerts (s_client's -showcerts) adds one "chain_I: subject=...;
issuer=...; not_before=...; not_after=..." line per certificate the
server sent, its own first. A TLS 1.3 block leaves out the items that do
not apply to TLS 1.3 (secure_renegotiation, extended_master_secret).
Then it copies stdin to the connection and the connection to stdout:

  - when the peer closes (close_notify, or just the TCP connection), it
    stops and exits 0, even if stdin has more;
  - when stdin ends, it keeps reading the connection until the peer closes
    or until nothing arrived for --wait (default 1 second; each arrival
    restarts it; 0 stops at once), then sends close_notify and exits 0, as
    s_client does. TLS 1.2 has no half-close, so stdin's end is not sent
    to the peer.

Durations (--timeout, --wait) are seconds when a bare number (10, 0.5),
or a number with its unit (500ms, 2m).

--key-update (TLS 1.3) sends a KeyUpdate right after the handshake that
asks the server to update its keys too (ssl:update_keys(Socket,
read_write)), and reports it as "key_update: read_write" at the end of the
information block; the data then flows under the new keys. On TLS 1.2 and
older it fails (notsup).

--reconnect N (s_client's -reconnect alone means 5) closes the first connection
after the handshake and connects N more times, printing
"reconnect I: session_resumption: true|false" on stderr for each; the last
connection then copies stdin and stdout. TLS 1.2 and older resume by
session ID or ticket (--reuse-sessions, the default; --no-reuse-sessions
turns it off). On TLS 1.3 each connection but the last waits up to 200ms
for the server's ticket before it closes (servers send tickets after the
handshake), and the next one resumes with it.

--ticket-out FILE (TLS 1.3; implies --session-tickets manual) waits up to
200ms after the handshake for the server's tickets, and when the session
ends writes every ticket received to FILE (PEM blocks "GOSSL SESSION
TICKET", mode 0600: they hold the resumption secret), printing
"ticket_out: N saved to FILE"; a server that sent none makes it exit 1.
--use-ticket FILE (use_ticket; implies --session-tickets manual) offers
the tickets of such a file, the first one first, so a later run resumes:
its information block says "session_resumption: true".

On TLS 1.2 and older and on DTLS, a line of stdin that is just "R" renegotiates
(ssl:renegotiate/1, like s_client's R) instead of being sent, printing
"RENEGOTIATING" and then "renegotiated" or the error on stderr.

--psk-identity ID --psk-key HEX connects with a pre-shared key
(user_lookup_fun): an external PSK in TLS 1.3, a PSK suite before; without
--ciphers only those are offered.
--srp-identity USER:PASSWORD logs in with SRP (srp_identity); without
--ciphers only the SRP suites are offered (and the PSK ones, with
--psk-key).

As an Erlang client does, it verifies the server by default (verify_peer
with the system's roots; the host is the SNI and the name checked). Use
--cacertfile FILE to trust a server's certificate (serve --cert-out FILE
writes an ephemeral one), or --verify verify_none; a refused certificate's
error says which. SSLKEYLOGFILE in the environment works as --keylogfile.

Exit status: 0 on success; 1 when connecting, the handshake or the
connection fails, with the error's sentence on stderr; 2 for usage errors.`,
		flags: func(fs *flag.FlagSet) { new(connectConfig).define(fs) },
		run:   runConnect,
	})
}

// ticketWait bounds how long --reconnect waits for a TLS 1.3 ticket
// before closing a connection: servers send theirs right after the
// handshake, so a ticket that has not come by then is not coming.
const ticketWait = 200 * time.Millisecond

type connectConfig struct {
	psk       pskConfig
	timeout   time.Duration
	wait      time.Duration
	keyUpdate bool
	reconnect int
	showCerts bool
	ticketOut string
}

func (c *connectConfig) define(fs *flag.FlagSet) {
	durationVar(fs, &c.timeout, "timeout", 10*time.Second, "`DURATION` bound on connecting and the handshake (seconds, or with a unit; 0: none)")
	durationVar(fs, &c.wait, "wait", time.Second, "after stdin ends, exit once the peer sent nothing for this `DURATION`")
	fs.BoolVar(&c.showCerts, "showcerts", false, "print the server's certificate chain (subject, issuer, validity) after the information block")
	fs.BoolVar(&c.keyUpdate, "key-update", false, "TLS 1.3: after the handshake, update the keys of both directions once (update_keys read_write)")
	fs.IntVar(&c.reconnect, "reconnect", 0, "after the first handshake, connect `N` more times, reporting session_resumption")
	fs.StringVar(&c.ticketOut, "ticket-out", "", "TLS 1.3: save the server's tickets to `FILE` for --use-ticket (implies --session-tickets manual)")
	c.psk.defineClient(fs)
}

func runConnect(e *env, args []string) int {
	cmd := commands["connect"]
	var cfg connectConfig
	var pos []string // -connect's value, then the positional arguments
	opts := &ssl.Options{}
	fs := newFlagSet(cmd.name)
	cfg.define(fs)
	bindOptionFlags(fs, opts)
	bindAliases(fs, true, func(v string) error { pos = append(pos, v); return nil })
	rest, err := parseArgs(e, cmd, fs, reconnectArgs(args))
	if err != nil {
		return usageExit(err)
	}
	pos = append(pos, rest...)
	if len(pos) != 1 {
		fmt.Fprintf(e.stderr, "gossl connect: want one HOST:PORT argument\nRun \"gossl help connect\" for usage.\n")
		return 2
	}
	host, portStr, err := net.SplitHostPort(pos[0])
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || port <= 0 || port > 65535 || host == "" {
		fmt.Fprintf(e.stderr, "gossl connect: %q is not HOST:PORT\n", pos[0])
		return 2
	}
	ciphersGiven := opts.Ciphers != nil
	if err := cfg.psk.applyClient(opts); err != nil {
		return fail(e, cmd.name, err)
	}
	applySRPClient(opts, ciphersGiven)
	if err := manualTickets(opts, cfg.ticketOut); err != nil {
		return fail(e, cmd.name, err)
	}
	if err := keyLogFromEnv(opts); err != nil {
		return fail(e, cmd.name, err)
	}
	cliLogAlert(opts, &blockWriter{w: e.stderr})
	s, err := ssl.ConnectContext(e.ctx, host, port, opts, cfg.timeout)
	if err != nil {
		return failOpts(e, cmd.name, err, opts)
	}
	for i := 1; i <= cfg.reconnect; i++ {
		// A TLS 1.3 ticket comes after the handshake; without it the
		// next connection cannot resume.
		s.WaitSessionTicket(ticketWait)
		s.Close()
		if s, err = ssl.ConnectContext(e.ctx, host, port, opts, cfg.timeout); err != nil {
			return failOpts(e, cmd.name, fmt.Errorf("reconnect %d: %w", i, err), opts)
		}
		info, _ := s.ConnectionInformation("session_resumption")
		resumed := false
		if len(info) == 1 {
			resumed, _ = info[0].Value.(bool)
		}
		fmt.Fprintf(e.stderr, "reconnect %d: session_resumption: %v\n", i, resumed)
	}
	defer s.Close()
	block, err := infoBlock(s)
	if err != nil {
		return fail(e, cmd.name, err)
	}
	block += verifyResult(s, opts)
	if cfg.showCerts {
		block += chainLines(s)
	}
	if cfg.keyUpdate {
		if err := s.UpdateKeys(true); err != nil {
			return fail(e, cmd.name, fmt.Errorf("key update: %w", err))
		}
		block += "key_update: read_write\n"
	}
	io.WriteString(e.stderr, block+"\n")
	if cfg.ticketOut != "" {
		// Servers send their tickets right after the handshake: read
		// them before stdin's end can close the connection.
		s.WaitSessionTicket(ticketWait)
	}
	copyFn := copyConn
	if usesSocketModel(opts) {
		copyFn = func(e *env, s *ssl.Socket, wait time.Duration) error { return copyPackets(e, s, opts.Active, wait) }
	}
	if err := copyFn(e, s, cfg.wait); err != nil {
		return fail(e, cmd.name, err)
	}
	if cfg.ticketOut != "" {
		if err := saveTickets(e, s, cfg.ticketOut); err != nil {
			return fail(e, cmd.name, err)
		}
	}
	return 0
}

// copyConn copies stdin to s and s to stdout, as "gossl help connect"
// describes. It returns nil when the session ended normally.
func copyConn(e *env, s *ssl.Socket, wait time.Duration) error {
	var stdinDone atomic.Bool
	go func() {
		buf := make([]byte, 16<<10)
		for {
			n, err := e.stdin.Read(buf)
			if n > 0 && isRenegotiateCommand(buf[:n]) {
				io.WriteString(e.stderr, "RENEGOTIATING\n")
				if rerr := s.Renegotiate(); rerr != nil {
					fmt.Fprintf(e.stderr, "renegotiate: %v\n", rerr)
				} else {
					io.WriteString(e.stderr, "renegotiated\n")
				}
				n = 0
			}
			if n > 0 {
				if s.Send(buf[:n]) != nil {
					return // the reader below sees why
				}
			}
			if err != nil {
				stdinDone.Store(true)
				s.SetReadDeadline(time.Now().Add(wait))
				return
			}
		}
	}()
	go func() {
		// A signal ends the session like the peer closing.
		<-e.ctx.Done()
		s.SetReadDeadline(time.Unix(1, 0))
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := s.Read(buf)
		if n > 0 {
			if _, werr := e.stdout.Write(buf[:n]); werr != nil {
				return werr
			}
			if stdinDone.Load() {
				s.SetReadDeadline(time.Now().Add(wait))
			}
		}
		if err != nil {
			var ne net.Error
			switch {
			case errors.Is(err, io.EOF), errors.Is(err, ssl.ErrClosed):
				return nil // the peer closed
			case errors.As(err, &ne) && ne.Timeout():
				return nil // --wait passed after stdin ended, or a signal
			}
			return err
		}
	}
}

// copyPackets is copyConn for --active, --packet and --mode: each packet
// or message is written to stdout as it comes; stdin is sent in packets.
func copyPackets(e *env, s *ssl.Socket, active any, wait time.Duration) error {
	var stdinDone atomic.Bool
	go func() {
		buf := make([]byte, 16<<10)
		for {
			n, err := e.stdin.Read(buf)
			if n > 0 && s.Send(buf[:n]) != nil {
				return
			}
			if err != nil {
				stdinDone.Store(true)
				return
			}
		}
	}()
	next := packetReader(e.ctx, s, active, func() time.Duration {
		if stdinDone.Load() {
			return max(wait, time.Nanosecond)
		}
		return 100 * time.Millisecond // to notice the end of stdin
	})
	for {
		b, err := next()
		if errors.Is(err, ssl.ErrTimeout) && !stdinDone.Load() && e.ctx.Err() == nil {
			continue
		}
		if err != nil {
			if endedQuietly(err) {
				return nil
			}
			return err
		}
		if _, werr := e.stdout.Write(b); werr != nil {
			return werr
		}
	}
}

// isRenegotiateCommand reports whether a chunk of stdin is the line "R".
func isRenegotiateCommand(b []byte) bool {
	return string(b) == "R\n" || string(b) == "R\r\n"
}
