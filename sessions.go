package ssl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
)

// SessionStore is a server's cache of TLS 1.0–1.2 sessions by session ID
// (RFC 5246, 7.3): OTP's ssl_session_cache_api. The default keeps up to
// SessionCacheServerMax sessions (3000) in the memory of the process.
//
// For a fleet of servers behind a load balancer, plug a shared store
// (memcached, Redis, a database) with Options.SessionStore, so that a
// client resumes on whichever server it reaches:
//
//   - Put(id, session, expires): keep the opaque session bytes under
//     the ID until expires (a TTL); a store may drop entries at will.
//   - Get(id): the bytes, or false when absent or expired.
//   - Delete(id): forget it.
//
// The session bytes contain the master secret: encrypt the store's
// traffic and protect it like the servers' private keys. Every server of
// the fleet must run the same certificates and verification options,
// since a session is only resumed by a listener configured as the one that
// made it. Session tickets (RFC 5077) need no store: they are sealed with
// the process's rotating ticket keys.
type SessionStore = session.Store

// NewMemorySessionStore returns the in-memory SessionStore: at most max
// sessions, the oldest dropped first.
func NewMemorySessionStore(max int) SessionStore { return session.NewMemoryStore(max, nil) }

// Defaults as in OTP's ssl application: session_cache_server_max 3000,
// session_lifetime 7200 s; the client cache holds sessions for 1,024
// servers.
const (
	defaultSessionCacheServerMax = 3000
	defaultSessionLifetime       = 7200 * time.Second
)

var (
	// defaultServerSessions is the session cache of every listener of
	// the process that has no SessionStore; sessions carry a key naming
	// their listener's configuration, so listeners do not mix.
	defaultServerSessions = session.NewMemoryStore(defaultSessionCacheServerMax, nil)
	// defaultClientSessions holds a client's TLS 1.0–1.2 sessions (IDs
	// and tickets) per server.
	defaultClientSessions = session.NewClientSessions(1024)
)

// resolveSessions applies reuse_sessions, reuse_session,
// session_lifetime, the session cache options and, for TLS 1.2 tickets,
// session_tickets.
func (o *Options) resolveSessions(res *resolved, r role) error {
	if o.SessionLifetime < 0 || o.SessionLifetime > 24*time.Hour {
		return badOption("session_lifetime", o.SessionLifetime, "at most 24 hours (RFC 5246, F.1.4)")
	}
	if o.SessionCacheServerMax < 0 {
		return badOption("session_cache_server_max", o.SessionCacheServerMax, "must be a non-negative integer")
	}
	lifetime := o.SessionLifetime
	if lifetime == 0 {
		lifetime = defaultSessionLifetime
	}
	reuse := o.ReuseSessions == nil || *o.ReuseSessions
	cfg := res.hs
	if r == roleServer {
		// Both TLS 1.2 sessions and TLS 1.3 tickets carry it; an SNI
		// configuration is compiled on its own and gets its own.
		cfg.ConfigKey = serverConfigKey(cfg, res.caKey)
		if !reuse && o.ReuseSessionsSave {
			return badOption("reuse_sessions", "save", "a client option")
		}
		sc := &handshake.Sessions12{Lifetime: lifetime, TicketKeys: cfg.TicketKeys}
		if reuse {
			sc.Store = o.SessionStore
			if sc.Store == nil {
				sc.Store = defaultServerSessions
				if o.SessionCacheServerMax > 0 {
					sc.Store = session.NewMemoryStore(o.SessionCacheServerMax, nil)
				}
			}
		}
		if fn := o.ReuseSession; fn != nil {
			sc.ReuseSession = func(id, peerCert []byte, suite uint16) bool {
				name := ""
				if s := suites.ByID(suite); s != nil {
					name = s.Name
				}
				return fn(id, peerCert, 0, name)
			}
		}
		res.sessions = sc
		return nil
	}
	if o.ReuseSession != nil {
		return badOption("reuse_session", "fun", "the fun is a server option; a client gives ReuseSessionID")
	}
	sc := &handshake.Sessions12{Lifetime: lifetime, Cache: defaultClientSessions,
		Offer: reuse && !o.ReuseSessionsSave, Save: reuse || o.ReuseSessionsSave}
	// RFC 5077, 3.2: tickets are asked for when sessions are kept.
	sc.Tickets = sc.Save && cfg.TicketCache != nil
	if o.ReuseSessionsSave && o.ReuseSessions != nil && !*o.ReuseSessions {
		return badOption("reuse_sessions", "save", "reuse_sessions is both false and save")
	}
	if len(o.ReuseSessionID) > 32 {
		return badOption("reuse_session", hex.EncodeToString(o.ReuseSessionID), "a session ID is at most 32 bytes")
	}
	if len(o.ReuseSessionData) > 0 {
		var st session.State12
		if !st.Unmarshal(o.ReuseSessionData) || (len(o.ReuseSessionID) > 0 && string(st.SessionID) != string(o.ReuseSessionID)) {
			return badOption("reuse_session", "{id, data}", "not session data from SessionData, or for another ID")
		}
		sc.Explicit = &st
	}
	sc.ExplicitID = o.ReuseSessionID
	res.sessions = sc
	return nil
}

// serverConfigKey names what a resumed session must share with the
// configuration that resumes it: certificates, verification settings
// and trust anchors. It is made of the options' values, not of the
// process, so that servers with the same configuration share sessions
// through a SessionStore; a verify_fun (or CRL checks, which run one)
// and a partial_chain fun count by their presence only.
func serverConfigKey(cfg *handshake.Config, caKey string) string {
	h := sha256.New()
	for _, c := range cfg.Certs {
		for _, d := range c.Chain {
			fmt.Fprintf(h, "%d:", len(d))
			h.Write(d)
		}
		h.Write([]byte{'|'})
	}
	vo := &cfg.VerifyOptions
	fmt.Fprintf(h, "|%v|%v|%s|%d|%v|%v|%v|%v", cfg.Verify, cfg.FailIfNoPeerCert, caKey,
		vo.Depth, vo.UseSystemRoots, vo.AllowAnyCAPurpose, cfg.NewVerifyFun != nil, vo.PartialChain != nil)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// sessions12 gives a machine its resumption settings; a client's are
// keyed by the server (address, SNI, verification and trust anchors).
func (s *Socket) sessions12() *handshake.Sessions12 {
	sc := s.res.sessions
	if sc == nil || s.role == roleServer {
		return sc
	}
	c := *sc
	hs := s.res.hs
	addr := ""
	if ra := s.conn.RemoteAddr(); ra != nil {
		addr = ra.String()
	}
	c.CacheKey = addr + "|" + hs.ServerName + "|" + verifyTag(hs) + "|" + s.res.caKey
	return &c
}

// SessionData returns the TLS 1.0–1.2 session this client connection
// established or resumed, for the ReuseSessionID/ReuseSessionData options
// of a later Connect (OTP's connection_information session_id and
// session_data with reuse_session {Id, Data}). It holds the master
// secret: keep it secret. Nil when there is none (TLS 1.3, a server
// socket, or a server that gave neither session ID nor ticket).
func (s *Socket) SessionData() (id, data []byte) {
	if !s.hsDone.Load() || s.tls.session12 == nil {
		return nil, nil
	}
	st := s.tls.session12
	b, err := st.Marshal()
	if err != nil {
		return nil, nil
	}
	return st.SessionID, b
}
