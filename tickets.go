package ssl

import (
	"crypto/sha256"
	"encoding/hex"
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

// defaultAntiReplay remembers the ClientHellos whose 0-RTT data a server
// of this process accepted, for twice the ticket-age tolerance.
var defaultAntiReplay = session.NewReplayCache(20*time.Second, 100000)

// resolveTickets applies session_tickets and early_data.
func (o *Options) resolveTickets(cfg *handshake.Config, r role) error {
	mode := o.SessionTickets
	switch {
	case mode == "disabled":
	case r == roleServer && (mode == "" || mode == "stateless"):
		cfg.TicketKeys = defaultTicketKeys
		cfg.TicketLifetime = o.TicketLifetime
	case r == roleClient && (mode == "" || mode == "auto"):
		cfg.TicketCache = defaultTicketCache
	case mode == "stateful" || mode == "manual":
		return notSupported("session_tickets", mode)
	default:
		return badOption("session_tickets", mode, "must be disabled, stateless (server) or auto (client)")
	}
	if o.MaxEarlyDataSize < 0 || o.MaxEarlyDataSize > 1<<24 {
		return badOption("max_early_data_size", o.MaxEarlyDataSize, "0 to 16 MiB")
	}
	if r == roleServer && o.AcceptEarlyData && cfg.TicketKeys != nil {
		cfg.AcceptEarlyData = true
		cfg.MaxEarlyData = uint32(o.MaxEarlyDataSize)
		cfg.AntiReplay = defaultAntiReplay
	}
	if r == roleClient && len(o.EarlyData) > 0 {
		if cfg.TicketCache == nil {
			return badOption("early_data", "<<...>>", "needs session_tickets auto")
		}
		cfg.EarlyData = o.EarlyData
	}
	if o.TicketLifetime < 0 || o.TicketLifetime > 7*24*time.Hour {
		return badOption("ticket_lifetime", o.TicketLifetime, "at most seven days (RFC 8446, 4.6.1)")
	}
	return nil
}

// trustKey names the trust anchors and client certificate of o. rootsKey
// names o.CACerts (resolveVerification has hashed them already: a client
// compiles its options on every Connect, and a long list costs).
func (o *Options) trustKey(rootsKey [32]byte) string {
	h := sha256.New()
	h.Write([]byte(o.CACertFile + "\x00" + o.CertFile + "\x00"))
	h.Write(rootsKey[:])
	for _, c := range o.Cert {
		h.Write(c)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// setTicketCacheKey names the server a client's tickets belong to: its
// address and everything that decides whom we trust, so a ticket is never
// offered where the full handshake would have verified differently.
func (r *resolved) setTicketCacheKey(addr string) {
	hs := r.hs
	if hs.TicketCache == nil {
		return
	}
	verify := "verify_none"
	if hs.Verify {
		verify = "verify_peer:" + hs.VerifyHostname
	}
	hs.CacheKey = addr + "|" + hs.ServerName + "|" + verify + "|" + r.caKey
}
