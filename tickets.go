package ssl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/session"
)

// defaultTicketCache holds a client's TLS 1.3 tickets for up to 1,024
// servers, shared by every connection of the process (what OTP's client
// ticket store does).
var defaultTicketCache = session.NewClientCache(1024)

// defaultTicketKeys seal a server's tickets: shared by every listener of
// the process, a new key each hour and three kept, so a ticket opens for
// two to three hours.
var defaultTicketKeys = session.NewTicketKeys(time.Hour, 3, nil)

// defaultTicketStore keeps the states of a stateful server's TLS 1.3
// tickets, shared by every listener of the process (a ticket names its
// listener's configuration, ConfigKey): at most 100,000, the oldest
// dropped first when full, each until its lifetime ends or it is used.
var defaultTicketStore = session.NewMemoryStore(100000, nil)

// defaultAntiReplay remembers the ClientHellos whose 0-RTT data a server
// of this process accepted, for twice the ticket-age tolerance.
var defaultAntiReplay = session.NewReplayCache(antiReplayWindow, 100000)

// resolveTickets applies session_tickets and early_data.
func (o *Options) resolveTickets(cfg *handshake.Config, r role) error {
	mode := o.SessionTickets
	switch {
	case mode == "disabled":
	case r == roleServer && (mode == "" || mode == "stateless"):
		cfg.TicketKeys = defaultTicketKeys
		if o.TicketKeys != nil {
			cfg.TicketKeys = o.TicketKeys.keys
		}
		cfg.TicketLifetime = o.TicketLifetime
	case r == roleServer && mode == "stateful":
		// TLS 1.3 tickets name states kept here; TLS 1.2's RFC 5077
		// tickets stay sealed (OTP's session_tickets is TLS 1.3 only).
		cfg.TicketKeys, cfg.TicketStore = defaultTicketKeys, defaultTicketStore
		if o.TicketKeys != nil {
			cfg.TicketKeys = o.TicketKeys.keys
		}
		cfg.TicketLifetime = o.TicketLifetime
	case r == roleClient && (mode == "" || mode == "auto"):
		cfg.TicketCache = defaultTicketCache
	case r == roleClient && mode == "manual":
		o.useTickets(cfg)
	default:
		return badOption("session_tickets", mode, "must be disabled, stateless or stateful (server), auto or manual (client)")
	}
	if len(o.UseTicket) > 0 && (r != roleClient || mode != "manual") {
		return badOption("use_ticket", fmt.Sprintf("[%d tickets]", len(o.UseTicket)), "needs a client with session_tickets manual")
	}
	if o.MaxEarlyDataSize < 0 || o.MaxEarlyDataSize > 1<<24 {
		return badOption("max_early_data_size", o.MaxEarlyDataSize, "0 to 16 MiB")
	}
	if r != roleServer && (o.TicketKeys != nil || o.AntiReplay != nil) {
		return badOption("ticket_keys", "ring", "TicketKeys and AntiReplay are server options")
	}
	if r == roleServer && o.AcceptEarlyData && cfg.TicketKeys != nil {
		cfg.AcceptEarlyData = true
		cfg.MaxEarlyData = uint32(o.MaxEarlyDataSize)
		switch {
		case cfg.TicketStore != nil:
			// Stateful tickets resume once (openTicket13): no replay
			// cache is needed, in one process or a fleet.
		case o.AntiReplay != nil:
			cfg.AntiReplay = sharedReplay{o.AntiReplay}
		case o.TicketKeys != nil:
			// RFC 8446, 8: tickets that open on every server of a
			// fleet let a replay reach a server whose memory never
			// saw the first use.
			return badOption("early_data", "enabled", "shared TicketKeys need a shared AntiReplay")
		default:
			cfg.AntiReplay = defaultAntiReplay
		}
	}
	if r == roleClient && len(o.EarlyData) > 0 {
		if cfg.TicketCache == nil {
			return badOption("early_data", "<<...>>", "needs session_tickets auto or manual")
		}
		cfg.EarlyData = o.EarlyData
	}
	if o.TicketLifetime < 0 || o.TicketLifetime > 7*24*time.Hour {
		return badOption("ticket_lifetime", o.TicketLifetime, "at most seven days (RFC 8446, 4.6.1)")
	}
	return nil
}

// trustKey names the trust anchors and the client's own identity in o
// (certificate, PSK identity, SRP user and password), so that a client
// that changes who it is does not resume as who it was. rootsKey
// names o.CACerts (resolveVerification has hashed them already: a client
// compiles its options on every Connect, and a long list costs).
func (o *Options) trustKey(rootsKey [32]byte) string {
	h := sha256.New()
	h.Write([]byte(o.CACertFile + "\x00" + o.CertFile + "\x00"))
	h.Write(rootsKey[:])
	for _, c := range o.Cert {
		h.Write(c)
	}
	for _, p := range o.CertsKeys {
		fmt.Fprintf(h, "|%s|", p.CertFile)
		for _, c := range p.Cert {
			h.Write(c)
		}
	}
	for _, s := range []string{o.PSKIdentity, o.SRPIdentity[0], o.SRPIdentity[1]} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// setTicketCacheKey names the server a client's tickets belong to: its
// address and everything that decides whom we trust, so a ticket is never
// offered where the full handshake would have verified differently.
func (r *resolved) setTicketCacheKey(addr string) {
	hs := r.hs
	if hs.TicketCache == nil || hs.CacheKey == manualTicketKey {
		return
	}
	hs.CacheKey = addr + "|" + hs.ServerName + "|" + verifyTag(hs) + "|" + r.caKey
}

// verifyTag is the part of a client's session cache key that says how the
// server was checked: a session made without a check, or without the
// OCSP staple check, never resumes where the full handshake would check.
func verifyTag(hs *handshake.Config) string {
	verify := "verify_none"
	if hs.Verify {
		verify = "verify_peer:" + hs.VerifyHostname
	}
	if hs.Stapling {
		verify += "+stapling"
	}
	return verify
}

// ticketPoll is how often WaitSessionTicket looks again while it waits.
const ticketPoll = 5 * time.Millisecond

// WaitSessionTicket waits up to timeout for a TLS 1.3 server's
// NewSessionTicket (RFC 8446, 4.6.1) and reports whether this client
// connection has received one, so that the next Connect to the server
// can resume. Servers send tickets after the handshake, and a client
// takes them in as it reads; one that connects and closes without
// reading (a probe, a reconnect test) would never keep any.
//
// It reads no further than a ticket or the first application data,
// which stays for the next Recv or Read; an error met meanwhile is
// kept for them as well. It returns false at once for a server socket,
// a connection that is not TLS 1.3 (TLS 1.0–1.2 sessions are saved
// with the handshake) and a client with session_tickets disabled. In
// active mode the socket's own reader takes the ticket in, and this
// only waits for it.
func (s *Socket) WaitSessionTicket(timeout time.Duration) bool {
	if s.ensureHandshake() != nil || s.role != roleClient || !s.tls.tls13 || s.conf().ticketCache == nil {
		return false
	}
	end := time.Now().Add(timeout)
	for !s.tls.gotTicket.Load() && time.Now().Before(end) {
		if s.isActive() {
			time.Sleep(min(ticketPoll, time.Until(end)))
			continue
		}
		deadline := time.Now().Add(ticketPoll)
		if deadline.After(end) {
			deadline = end
		}
		if !s.readForTicket(deadline) {
			break
		}
	}
	return s.tls.gotTicket.Load()
}

// readForTicket handles the records that arrive until deadline, and
// reports whether waiting longer could bring a ticket: not once
// application data or an error has come.
func (s *Socket) readForTicket(deadline time.Time) bool {
	s.in.Lock()
	defer s.in.Unlock()
	defer s.idleReaderLocked()
	if len(s.in.pending) > 0 || len(s.in.acc) > 0 || s.in.err != nil {
		return false
	}
	s.conn.SetReadDeadline(deadline)
	defer s.conn.SetReadDeadline(time.Time{})
	err := s.fillLocked()
	return err != nil && isTimeout(err) && s.in.err == nil
}
