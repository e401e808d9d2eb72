package handshake

import (
	"crypto/hmac"
	"encoding/binary"
	"io"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/prf"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// maxTicketAgeSkew is how far a client's idea of a ticket's age may be
// from ours (RFC 8446, 8.3, for early data; for plain resumption it only
// guards against very stale tickets).
const maxTicketAgeSkew = 10 * time.Second

// acceptTicket looks at a ClientHello's pre_shared_key (RFC 8446,
// 4.2.11): the first identity is a ticket of ours, still alive, for a
// suite with the chosen suite's hash, issued by this very configuration
// (the one SNI chose) for the same server name, and its binder is right.
// Anything else falls back to a full handshake, except a wrong binder,
// which is fatal (decrypt_error).
func (h *server13) acceptTicket(ch *wire.ClientHello, msg []byte) error {
	s := h.s
	cfg := s.cfg
	h.psk = nil
	s.info.Resumed = false
	if cfg.TicketKeys == nil || len(ch.PSKIdentities) == 0 {
		return nil
	}
	dhe := false
	for _, m := range ch.PSKModes {
		dhe = dhe || m == pskModeDHE
	}
	if ch.PSKModes == nil {
		return alert.New(alert.MissingExtension, "pre_shared_key without psk_key_exchange_modes")
	}
	if !dhe {
		return nil // psk_ke only: gossl always adds (EC)DHE
	}
	if len(ch.PSKIdentities) != len(ch.PSKBinders) {
		return alert.New(alert.IllegalParameter, "PSK identities and binders differ in number")
	}
	plain, ok := cfg.openTicket13(ch.PSKIdentities[0].Identity)
	if !ok {
		return nil
	}
	var st sess.State13
	if !st.Unmarshal(plain) {
		return nil
	}
	now := cfg.Now()
	suite := suites.ByID(st.Suite)
	if suite == nil || suite.Hash() != h.hash || now.Sub(st.Created) > st.Lifetime || now.Before(st.Created.Add(-maxTicketAgeSkew)) {
		return nil
	}
	if !cfg.mayResume(st.ConfigKey, st.ServerName, ch.ServerName, st.PeerCerts) || !cfg.ticketCredentialHolds(st.Credential) {
		return nil
	}
	truncated := msg[:len(msg)-ch.PSKBindersLen()]
	binderKey := prf.NewSchedule13(h.hash, st.PSK).BinderKey(true)
	want := prf.FinishedVerifyData13(h.hash, binderKey, s.transcript.SumWith(h.hash, truncated))
	if !hmac.Equal(want, ch.PSKBinders[0]) {
		return alert.New(alert.DecryptError, "PSK binder does not verify")
	}
	h.psk = &st
	s.info.Resumed = true
	s.info.PeerCertificates = nil
	for _, d := range st.PeerCerts {
		if cert, err := pki.ParseCertificate(d); err == nil {
			s.info.PeerCertificates = append(s.info.PeerCertificates, cert)
		}
	}
	return nil
}

// sendTicket adds a NewSessionTicket (RFC 8446, 4.6.1) to a flight when
// the client can use one.
func (h *server13) sendTicket(f *flight) error {
	s := h.s
	cfg := s.cfg
	// RFC 8446, 4.2.9: no ticket for a client whose modes exclude
	// psk_dhe_ke (the only mode gossl resumes with). A client that sent
	// no psk_key_exchange_modes at all gets one: it names its modes when
	// it offers the ticket, and OTP 25's client, which sends the
	// extension only then, could never resume otherwise (as OpenSSL,
	// gossl sends it; the RFC's SHOULD NOT is about incompatible modes).
	if cfg.TicketKeys == nil || (s.hello.PSKModes != nil && !containsU8(s.hello.PSKModes, pskModeDHE)) {
		return nil
	}
	var nonce [8]byte
	var ageAdd [4]byte
	if _, err := cfg.Rand.Read(ageAdd[:]); err != nil {
		return alert.New(alert.InternalError, "random source failed")
	}
	lifetime := cfg.TicketLifetime
	if lifetime <= 0 || lifetime > 7*24*time.Hour {
		lifetime = 2 * time.Hour
	}
	var maxEarly uint32
	if cfg.AcceptEarlyData {
		maxEarly = uint32(s.MaxEarlyData())
	}
	st := sess.State13{
		MaxEarlyData: maxEarly,
		Suite:        s.suite.ID,
		PSK:          prf.ResumptionPSK(h.hash, s.info.ResumptionMaster, nonce[:]),
		Created:      cfg.Now(),
		AgeAdd:       binary.BigEndian.Uint32(ageAdd[:]),
		Lifetime:     lifetime,
		ALPN:         s.info.NegotiatedProtocol,
		ServerName:   s.hello.ServerName,
		ConfigKey:    cfg.ConfigKey,
	}
	if h.psk != nil {
		// The external PSK of this handshake, or the one the resumed
		// ticket carried: a ticket never outlives its credential.
		st.Credential = h.psk.Credential
	}
	for _, c := range s.info.PeerCertificates {
		st.PeerCerts = append(st.PeerCerts, c.Raw)
	}
	plain, err := st.Marshal()
	if err != nil {
		return alert.New(alert.InternalError, "ticket state: "+err.Error())
	}
	ticket, err := cfg.sealTicket13(plain, st.Created.Add(lifetime))
	if err != nil {
		return alert.New(alert.InternalError, "sealing a ticket: "+err.Error())
	}
	// The ticket is not part of the transcript.
	return f.send(&wire.NewSessionTicket{TLS13: true, LifetimeHint: uint32(lifetime / time.Second),
		AgeAdd: st.AgeAdd, Nonce: nonce[:], Ticket: ticket, MaxEarlyData: maxEarly})
}

// sealTicket13 makes the ticket for a state that expires at expires: the
// state sealed with the ticket keys (stateless, RFC 8446, 4.6.1's
// "self-encrypted and self-authenticated value"), or with a TicketStore
// (stateful) 32 random bytes naming the state kept there, as a database
// lookup key would.
func (cfg *Config) sealTicket13(plain []byte, expires time.Time) ([]byte, error) {
	if cfg.TicketStore == nil {
		return cfg.TicketKeys.Seal(plain)
	}
	id := make([]byte, 32)
	if _, err := io.ReadFull(cfg.Rand, id); err != nil {
		return nil, err
	}
	cfg.TicketStore.Put(id, plain, expires)
	return id, nil
}

// openTicket13 returns the state a ticket stands for. A stateful ticket
// is taken out of the store: it resumes once at most, which is RFC 8446,
// 8.1's single-use ticket and its anti-replay for 0-RTT data.
func (cfg *Config) openTicket13(ticket []byte) ([]byte, bool) {
	if cfg.TicketStore != nil {
		return cfg.TicketStore.Take(ticket)
	}
	plain, err := cfg.TicketKeys.Open(ticket)
	return plain, err == nil
}

// mayResume reports whether a session of either version (its
// configuration key, server name and the client's certificates) may be
// resumed under cfg by a ClientHello naming name. The session must come
// from this configuration, the one SNI chose and not just the
// listener's default, with the same certificates and verification
// (otherwise a ticket from a listener without client authentication
// would open one that requires it), and for exactly the same server
// name, none included (RFC 8446, 4.2.11; RFC 6066, 3).
func (cfg *Config) mayResume(configKey, sessionName, name string, peerCerts [][]byte) bool {
	return configKey == cfg.ConfigKey && sessionName == name && !cfg.requiresPeerCert(peerCerts)
}

// requiresPeerCert reports whether cfg demands a client certificate
// (verify_peer with fail_if_no_peer_cert) that a session lacks: such a
// session never resumes, whatever its key says.
func (cfg *Config) requiresPeerCert(peerCerts [][]byte) bool {
	return cfg.Verify && cfg.FailIfNoPeerCert && len(peerCerts) == 0
}

func containsU8(list []uint8, v uint8) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// acceptEarlyData decides on a resumed ClientHello's 0-RTT data (RFC
// 8446, 4.2.10): allowed by us and the ticket, same suite and ALPN as
// the ticket's session, a ticket age that matches ours (8.3), and a
// ClientHello never seen before (8.2).
func (h *server13) acceptEarlyData(ch *wire.ClientHello) bool {
	s := h.s
	cfg := s.cfg
	st := h.psk
	if st == nil || !cfg.AcceptEarlyData || st.MaxEarlyData == 0 || st.Suite != s.suite.ID || st.ALPN != s.info.NegotiatedProtocol {
		return false
	}
	now := cfg.Now()
	clientAge := time.Duration(ch.PSKIdentities[0].ObfuscatedTicketAge-st.AgeAdd) * time.Millisecond
	if d := now.Sub(st.Created) - clientAge; d > maxTicketAgeSkew || d < -maxTicketAgeSkew {
		return false
	}
	// A stateful ticket opened once (openTicket13): no replay of this
	// ClientHello can use it again.
	return cfg.TicketStore != nil || cfg.AntiReplay != nil && cfg.AntiReplay.Fresh(ch.PSKBinders[0], now)
}
