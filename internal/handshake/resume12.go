package handshake

import (
	"bytes"
	"crypto/x509"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/prf"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// DefaultSessionLifetime is how long a TLS 1.0–1.2 session may be
// resumed when no lifetime is configured: 7200 s, OTP's
// session_lifetime.
const DefaultSessionLifetime = 2 * time.Hour

// Sessions12 configures TLS 1.0–1.2 resumption, by session ID (RFC 5246,
// 7.3) and by ticket (RFC 5077). It is set on a machine by the driver
// (Client.Sessions, Server.Sessions); nil means no resumption at all.
type Sessions12 struct {
	// Lifetime bounds a session's use (0: DefaultSessionLifetime).
	Lifetime time.Duration

	// Server: Store keeps sessions by ID (nil: no session IDs are
	// issued); TicketKeys seal tickets for clients that ask (nil: no
	// tickets); ReuseSession (OTP's reuse_session fun) may veto a
	// resumption. A session must match the ConfigKey of the
	// configuration in use, the one SNI chose (Config.ConfigKey).
	Store        sess.Store
	TicketKeys   *sess.TicketKeys
	ReuseSession func(id, peerCert []byte, suite uint16) bool

	// Client: Cache keeps sessions under CacheKey; Offer offers them
	// (reuse_sessions true), Save keeps new ones (true or save); Tickets
	// asks for tickets (RFC 5077, 3.2). Explicit is the session of the
	// reuse_session option, ExplicitID one looked up by ID in Cache.
	Cache      *sess.ClientSessions
	CacheKey   string
	Offer      bool
	Save       bool
	Tickets    bool
	Explicit   *sess.State12
	ExplicitID []byte
}

func (r *Sessions12) lifetime() time.Duration {
	if r.Lifetime > 0 {
		return r.Lifetime
	}
	return DefaultSessionLifetime
}

// ---- client ----

// offerSession12 asks for a ticket and offers a session it holds for
// this server (RFC 5246, 7.4.1.2; RFC 5077, 3.4): one whose version and
// suite are still enabled and whose SNI is the same (RFC 6066, 3).
func (c *Client) offerSession12(ch *wire.ClientHello) error {
	r := c.Sessions
	if r == nil {
		return nil
	}
	ch.SessionTicketExt = r.Tickets
	st := r.Explicit
	if st == nil && r.Cache != nil {
		if len(r.ExplicitID) > 0 {
			st = r.Cache.ByID(r.ExplicitID)
		} else if r.Offer {
			st = r.Cache.Get(r.CacheKey)
		}
	}
	if st == nil || st.Expired(c.cfg.Now(), r.lifetime()) || !containsU16(c.cfg.Versions, st.Version) ||
		!containsU16(c.offered, st.Suite) || st.ServerName != c.cfg.ServerName {
		return nil
	}
	switch {
	case r.Tickets && len(st.Ticket) > 0:
		// A fresh session ID tells us whether the server accepted the
		// ticket: it echoes it (RFC 5077, 3.4).
		id, err := c.random()
		if err != nil {
			return err
		}
		ch.SessionID, ch.SessionTicket = id, st.Ticket
	case len(st.SessionID) > 0:
		ch.SessionID = st.SessionID
	default:
		return nil
	}
	c.offered12 = st
	return nil
}

// resumeServerHello checks a ServerHello that resumes the offered
// session: it may change neither version nor suite (RFC 5246, 7.4.1.3)
// nor the extended master secret (RFC 7627, 5.3).
func (c *Client) resumeServerHello(sh *wire.ServerHello) (bool, error) {
	st := c.offered12
	if len(sh.SessionID) == 0 || !bytes.Equal(sh.SessionID, c.hello.SessionID) {
		return false, nil
	}
	if st == nil {
		// The ID was TLS 1.3's random legacy_session_id (RFC 8446,
		// D.4), not a session: echoing it resumes nothing we offered.
		return false, alert.New(alert.IllegalParameter, "server echoed a session ID that offers no session")
	}
	if sh.Version != st.Version {
		return false, alert.New(alert.IllegalParameter, "resumed session with another version")
	}
	if sh.CipherSuite != st.Suite {
		return false, alert.New(alert.IllegalParameter, "resumed session with another cipher suite")
	}
	if sh.ExtendedMasterSecret != st.EMS {
		return false, alert.New(alert.HandshakeFailure, "resumed session changes extended_master_secret (RFC 7627, 5.3)")
	}
	c.master = append([]byte(nil), st.Master...)
	c.resumed = true
	c.info.Group = st.Group
	c.srpUser = c.cfg.SRPUser // fillInfo keeps it for SRP suites only
	c.info.Resumed = true
	c.info.PeerCertificates = parseCerts(st.PeerCerts)
	return true, nil
}

// handleNewTicket12 takes a TLS 1.2 NewSessionTicket (RFC 5077, 3.3),
// which is part of the transcript.
func (c *Client) handleNewTicket12(msg []byte) error {
	nst := wire.NewSessionTicket{}
	if !nst.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed NewSessionTicket")
	}
	c.record(msg)
	c.gotTicket = true
	c.newTicket = nst.Ticket
	c.ticketHint = time.Duration(nst.LifetimeHint) * time.Second
	return nil
}

// saveSession12 keeps the session for the next connection.
func (c *Client) saveSession12() {
	r := c.Sessions
	if r == nil || r.Cache == nil || !r.Save {
		return
	}
	var st sess.State12
	if c.resumed {
		st = *c.offered12
	} else {
		st = sess.State12{Version: c.version, Suite: c.suite.ID, Master: c.master, EMS: c.ems,
			ServerName: c.cfg.ServerName, Created: c.cfg.Now(), SessionID: c.info.SessionID, Group: c.info.Group}
		for _, cert := range c.info.PeerCertificates {
			st.PeerCerts = append(st.PeerCerts, cert.Raw)
		}
	}
	if c.gotTicket {
		if len(c.newTicket) == 0 {
			st.Ticket = nil
		} else {
			st.Ticket, st.Lifetime = c.newTicket, c.ticketHint
			if c.resumed {
				st.Created = c.cfg.Now()
			}
		}
	}
	if !c.resumed {
		st.SessionID = c.info.SessionID
	}
	if len(st.SessionID) == 0 && len(st.Ticket) == 0 {
		return
	}
	c.saved = &st
	r.Cache.Put(r.CacheKey, &st)
}

// Session12 is the session of a completed TLS 1.0–1.2 handshake (nil for
// TLS 1.3 or when nothing was saved).
func (c *Client) Session12() *sess.State12 { return c.saved }

func parseCerts(ders [][]byte) []*x509.Certificate {
	var out []*x509.Certificate
	for _, d := range ders {
		if cert, err := pki.ParseCertificate(d); err == nil {
			out = append(out, cert)
		}
	}
	return out
}

// ---- server ----

// findSession12 looks for the session a ClientHello offers, by ticket
// first (RFC 5077, 3.1) and then by session ID, and decides whether to
// resume it. Unusable sessions mean a full handshake; an original
// session with the extended master secret offered without it is fatal
// (RFC 7627, 5.3).
func (s *Server) findSession12(ch *wire.ClientHello) (*sess.State12, bool, error) {
	r := s.Sessions
	if r == nil {
		return nil, false, nil
	}
	var st sess.State12
	byTicket := false
	if r.TicketKeys != nil && len(ch.SessionTicket) > 0 {
		// A ticket we cannot open is ignored (RFC 5077, 3.4); the
		// session ID may still name a session we keep.
		if plain, err := r.TicketKeys.Open(ch.SessionTicket); err == nil && st.Unmarshal(plain) {
			byTicket = true
		}
	}
	if !byTicket {
		if r.Store == nil || len(ch.SessionID) == 0 {
			return nil, false, nil
		}
		data, ok := r.Store.Get(ch.SessionID)
		if !ok || !st.Unmarshal(data) {
			return nil, false, nil
		}
	}
	// s.cfg is the configuration SNI chose (mayResume says why).
	if !s.cfg.mayResume(st.ConfigKey, st.ServerName, ch.ServerName, st.PeerCerts) ||
		st.Expired(s.cfg.Now(), r.lifetime()) || st.Version != s.version {
		return nil, false, nil
	}
	// RFC 5246, 7.4.1.2: a client that asks to resume "MUST include at
	// least the cipher_suite from that session". One that leaves it out
	// is broken or probing; OpenSSL refuses it the same way.
	if !containsU16(ch.CipherSuites, st.Suite) {
		return nil, false, alert.New(alert.IllegalParameter, "resumption without the session's cipher suite (RFC 5246, 7.4.1.2)")
	}
	suite := suites.ByID(st.Suite)
	ok := false
	for _, su := range s.cfg.Suites {
		ok = ok || su == suite
	}
	if !ok || suite == nil || !suite.SupportsVersion(s.version) || !s.credentialHolds(suite, st.Credential) {
		return nil, false, nil
	}
	if st.EMS && !ch.ExtendedMasterSecret {
		return nil, false, alert.New(alert.HandshakeFailure, "session with extended master secret resumed without it (RFC 7627, 5.3)")
	}
	if !st.EMS && ch.ExtendedMasterSecret {
		return nil, false, nil
	}
	if r.ReuseSession != nil {
		var leaf []byte
		if len(st.PeerCerts) > 0 {
			leaf = st.PeerCerts[0]
		}
		if !r.ReuseSession(ch.SessionID, leaf, st.Suite) {
			return nil, false, nil
		}
	}
	return &st, byTicket, nil
}

// resume12 answers a ClientHello whose session the server resumes: the
// abbreviated handshake of RFC 5246, 7.3 (ServerHello, [NewSessionTicket],
// ChangeCipherSpec, Finished).
func (s *Server) resume12(ch *wire.ClientHello, msg []byte, st *sess.State12, byTicket bool) ([]Action, error) {
	s.suite = suites.ByID(st.Suite)
	s.prf = prf.ForVersion(s.version, s.suite)
	s.ems = st.EMS
	if err := s.negotiateEncryptThenMAC(ch); err != nil {
		return nil, err
	}
	limReply, lim, err := s.cfg.answerLimits(ch.Limits, s.version)
	if err != nil {
		return nil, err
	}
	s.master = append([]byte(nil), st.Master...)
	s.resumedAt = st.Created
	s.credential = st.Credential
	s.srpUser = string(st.Credential.Identity) // fillInfo keeps it for SRP suites only
	s.resumed = true
	s.info.Resumed = true
	s.info.Group = st.Group
	s.info.PeerCertificates = parseCerts(st.PeerCerts)
	if err := s.chooseALPN(ch); err != nil {
		return nil, err
	}
	random, err := s.serverRandomFor()
	if err != nil {
		return nil, err
	}
	s.serverRandom = random
	s.record(msg)
	// RFC 5077, 3.4: a resumed ticket session echoes the client's ID.
	id := ch.SessionID
	s.sendTicket = !byTicket && r12Tickets(s, ch)
	s.info.SessionID = id
	var f flight
	f.add(Action{Kind: SetVersion, Version: s.version})
	sh := &wire.ServerHello{
		Version:                  s.wireVersion(s.version),
		Random:                   random,
		SessionID:                id,
		CipherSuite:              s.suite.ID,
		ExtendedMasterSecret:     s.ems,
		EncryptThenMAC:           s.etm,
		SecureRenegotiationValid: s.info.SecureRenegotiation,
		SecureRenegotiation:      s.renegInfo,
		ALPNProtocol:             s.info.NegotiatedProtocol,
		ServerNameAck:            s.sniUsed,
		SessionTicketExt:         s.sendTicket,
		Limits:                   limReply,
	}
	s.answerNPN(ch, sh)
	if err := s.answerDTLSExts(ch, sh); err != nil {
		return nil, err
	}
	if err := s.sendRecorded(&f, sh); err != nil {
		return nil, err
	}
	limitsAction(&f, lim)
	if err := s.issueTicket12(&f); err != nil {
		return nil, err
	}
	_, server := s.keys()
	f.add(Action{Kind: SendChangeCipherSpec})
	f.add(Action{Kind: SetWriteKeys, Keys: server})
	svd := s.finished(false)
	s.info.ServerVerifyData = svd
	if err := s.sendRecorded(&f, &wire.Finished{VerifyData: svd}); err != nil {
		return nil, err
	}
	f.add(Action{Kind: Flush})
	s.state = serverWaitCCS
	return f, nil
}

func r12Tickets(s *Server, ch *wire.ClientHello) bool {
	return s.Sessions != nil && s.Sessions.TicketKeys != nil && ch.SessionTicketExt
}

// newSessionID returns the ID of a new session: 32 random bytes when
// the server keeps sessions, none otherwise.
func (s *Server) newSessionID() ([]byte, error) {
	if s.Sessions == nil || s.Sessions.Store == nil {
		return nil, nil
	}
	return s.random()
}

// state12 is the session to keep or seal. A ticket issued in a resumed
// handshake keeps the session's birth, so that resuming never extends a
// master secret's life past the session lifetime.
func (s *Server) state12() *sess.State12 {
	created := s.cfg.Now()
	if s.resumed && !s.resumedAt.IsZero() {
		created = s.resumedAt
	}
	st := &sess.State12{Version: s.version, Suite: s.suite.ID, Master: s.master, EMS: s.ems,
		ServerName: s.info.ServerName, Created: created, Lifetime: s.Sessions.lifetime(), ConfigKey: s.cfg.ConfigKey,
		Credential: s.sessionCredential(), Group: s.info.Group}
	for _, c := range s.info.PeerCertificates {
		st.PeerCerts = append(st.PeerCerts, c.Raw)
	}
	return st
}

// issueTicket12 adds a NewSessionTicket (RFC 5077, 3.3) when one was
// promised in the ServerHello.
func (s *Server) issueTicket12(f *flight) error {
	if !s.sendTicket {
		return nil
	}
	plain, err := s.state12().Marshal()
	if err != nil {
		return alert.New(alert.InternalError, "ticket state: "+err.Error())
	}
	ticket, err := s.Sessions.TicketKeys.Seal(plain)
	if err != nil {
		return alert.New(alert.InternalError, "sealing a ticket: "+err.Error())
	}
	return s.sendRecorded(f, &wire.NewSessionTicket{LifetimeHint: uint32(s.Sessions.lifetime() / time.Second), Ticket: ticket})
}

// storeSession12 keeps a new session under its ID.
func (s *Server) storeSession12() {
	if s.resumed || s.Sessions == nil || s.Sessions.Store == nil || len(s.info.SessionID) == 0 {
		return
	}
	st := s.state12()
	data, err := st.Marshal()
	if err != nil {
		return
	}
	s.Sessions.Store.Put(s.info.SessionID, data, st.Created.Add(st.Lifetime))
}
