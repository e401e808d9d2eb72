package handshake

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

type client13State uint8

const (
	c13WaitServerHello client13State = iota // after a HelloRetryRequest
	c13WaitEncryptedExtensions
	c13WaitCertOrRequest
	c13WaitCertificate
	c13WaitCertificateVerify
	c13WaitFinished
	c13Done
)

var client13StateNames = [...]string{"hello", "wait_ee", "wait_cert_cr", "wait_cert", "wait_cv", "wait_finished", "connection"}

// client13 is the TLS 1.3 part of a client handshake (RFC 8446, Section
// 2), entered when the ServerHello selects TLS 1.3. It shares the
// session (config, randoms, transcript, info) with the Client that sent
// the ClientHello.
type client13 struct {
	c     *Client
	state client13State

	hash      crypto.Hash
	sched     *prf.Schedule13
	shares    map[uint16]kx.KeyShare
	hrr       bool
	clientHS  []byte
	serverHS  []byte
	certReq   *wire.CertificateRequest
	peerCerts []*x509.Certificate
	resumed   bool
	hsKeysOut bool // our writes use the handshake keys (not early or none)
}

// tls13Offered reports whether the client offers TLS 1.3.
// A configuration without a TLS 1.3 suite cannot do TLS 1.3 at all.
func (c *Client) tls13Offered() bool {
	return containsU16(c.cfg.Versions, wire.VersionTLS13) && hasTLS13Suite(c.cfg.Suites)
}

func hasTLS13Suite(list []*suites.Suite) bool {
	for _, s := range list {
		if s.TLS13() {
			return true
		}
	}
	return false
}

// addTLS13 extends a ClientHello with what TLS 1.3 needs (RFC 8446,
// 4.1.2): supported_versions, key shares, groups and, in compatibility
// mode, a legacy session id.
func (c *Client) addTLS13(ch *wire.ClientHello) error {
	cfg := c.cfg
	ch.Version = wire.VersionTLS12
	ch.SupportedVersions = cfg.Versions
	groups := append([]uint16(nil), cfg.Groups13...)
	// The TLS 1.2 groups follow: the curves, and the ffdhe groups
	// Start put there for DHE suites.
	for _, g := range append(append([]uint16(nil), cfg.Groups...), ch.SupportedGroups...) {
		if !containsU16(groups, g) {
			groups = append(groups, g)
		}
	}
	ch.SupportedGroups = groups
	if ch.ECPointFormats == nil && len(cfg.Groups) > 0 {
		ch.ECPointFormats = []uint8{0}
	}
	ch.SignatureAlgorithms = cfg.SignatureSchemes
	ch.SignatureAlgorithmsCert = cfg.SignatureSchemesCert
	if cfg.SendCertificateAuthorities {
		// RFC 8446, 4.2.4: the CAs we trust, for the server's choice.
		ch.CertificateAuthorities = cfg.CertificateAuthorities
	}
	c.shares = map[uint16]kx.KeyShare{}
	ch.KeySharesPresent = true
	for _, g := range cfg.KeyShareGroups {
		ks, err := kx.GenerateKeyShare(g, cfg.Rand)
		if err != nil {
			return alert.New(alert.InternalError, "key share generation: "+err.Error())
		}
		c.shares[g] = ks
		ch.KeyShares = append(ch.KeyShares, wire.KeyShare{Group: g, Data: ks.Public()})
	}
	if cfg.MiddleboxCompat {
		id, err := c.random()
		if err != nil {
			return err
		}
		ch.SessionID = id
	}
	if cfg.ClientPSK13 != nil {
		// An external PSK is offered instead of a ticket, with the
		// configured modes.
		ch.PSKModes = cfg.pskModes13()
		if err := c.offerExternalPSK(ch); err != nil {
			return err
		}
	} else if cfg.TicketCache != nil {
		// RFC 8446, 4.2.9: offering psk_dhe_ke lets the server send
		// tickets; a ticket in hand is offered too (4.2.11).
		ch.PSKModes = []uint8{pskModeDHE}
		c.offerTicket(ch)
	}
	return nil
}

// psk_key_exchange_modes values (RFC 8446, 4.2.9).
const (
	PSKModePlain uint8 = 0 // psk_ke: the PSK alone, no (EC)DHE
	PSKModeDHE   uint8 = 1 // psk_dhe_ke: the PSK with (EC)DHE

	pskModeDHE = PSKModeDHE
)

// offerTicket adds the newest usable ticket as a PSK, with a placeholder
// binder that sealBinder fills once the hello is complete.
func (c *Client) offerTicket(ch *wire.ClientHello) {
	now := c.cfg.Now()
	t := c.cfg.TicketCache.Take(c.cfg.CacheKey, now)
	if t == nil || !containsU16(ch.CipherSuites, t.Suite) {
		return
	}
	suite := suites.ByID(t.Suite)
	if suite == nil || !suite.TLS13() {
		return
	}
	age := uint32(now.Sub(t.Received)/time.Millisecond) + t.AgeAdd
	ch.PSKIdentities = []wire.PSKIdentity{{Identity: t.Ticket, ObfuscatedTicketAge: age}}
	ch.PSKBinders = [][]byte{make([]byte, suite.Hash().Size())}
	c.ticket = t
	// 0-RTT (RFC 8446, 4.2.10): only within the ticket's allowance, and
	// with the ALPN protocol the ticket was made under.
	n := len(c.cfg.EarlyData)
	alpnOK := t.ALPN == "" && len(c.cfg.ALPNProtocols) == 0 || len(c.cfg.ALPNProtocols) > 0 && c.cfg.ALPNProtocols[0] == t.ALPN
	if n > 0 && uint32(n) <= t.MaxEarlyData && alpnOK {
		ch.EarlyData = true
	}
}

// sendEarlyData appends the 0-RTT flight after the first ClientHello:
// the early traffic key from the PSK and Hash(ClientHello) (RFC 8446,
// 7.1), then the data.
func (c *Client) sendEarlyData(f *flight) {
	h := suites.ByID(c.ticket.Suite).Hash()
	secret := prf.NewSchedule13(h, c.ticket.PSK).ClientEarlyTrafficSecret(c.transcript.Sum(h))
	// Records after the ClientHello are TLS 1.3 records (RFC 8446, 5.1).
	f.add(Action{Kind: SetVersion, Version: wire.VersionTLS13})
	if c.cfg.MiddleboxCompat {
		f.add(Action{Kind: SendChangeCipherSpec})
		c.ccsSent = true
	}
	f.add(Action{Kind: SetWriteKeys, Keys: trafficKeys(suites.ByID(c.ticket.Suite), h, secret)})
	f.add(Action{Kind: LogSecret, Label: "CLIENT_EARLY_TRAFFIC_SECRET", Data: secret})
	f.add(Action{Kind: SendApplicationData, Data: c.cfg.EarlyData})
	c.earlySent = true
	c.info.EarlyData = "rejected" // until EncryptedExtensions says otherwise
}

// sealBinder computes the PSK binder over the ClientHello truncated
// before the binders (RFC 8446, 4.2.11.2), on top of the transcript so
// far (empty, or message_hash and the HelloRetryRequest), and returns the
// final message.
func (c *Client) sealBinder(ch *wire.ClientHello) ([]byte, error) {
	raw, err := ch.Marshal()
	if err != nil || c.ticket == nil || len(ch.PSKIdentities) == 0 {
		return raw, err
	}
	// pre_shared_key is the last extension and its binders list the
	// last field (RFC 8446, 4.2.11): the placeholder binder marshalled
	// above is the message's tail, uint16 list length and uint8 binder
	// length before it.
	if len(ch.PSKBinders) != 1 {
		return nil, alert.New(alert.InternalError, "one PSK binder expected")
	}
	n, bl := ch.PSKBindersLen(), len(ch.PSKBinders[0])
	if n != 3+bl || len(raw) < n ||
		int(raw[len(raw)-n])<<8|int(raw[len(raw)-n+1]) != n-2 || int(raw[len(raw)-n+2]) != bl {
		return nil, alert.New(alert.InternalError, "ClientHello binders not where expected")
	}
	h := suites.ByID(c.ticket.Suite).Hash()
	truncated := raw[:len(raw)-n]
	binderKey := prf.NewSchedule13(h, c.ticket.PSK).BinderKey(!c.extPSK)
	binder := prf.FinishedVerifyData13(h, binderKey, c.transcript.SumWith(h, truncated))
	if len(binder) != bl {
		return nil, alert.New(alert.InternalError, "PSK binder of an unexpected length")
	}
	// Write the binder over the placeholder: the same message as
	// marshalling it again.
	copy(raw[len(raw)-bl:], binder)
	ch.PSKBinders = [][]byte{binder}
	return raw, nil
}

// enterTLS13 switches the client to TLS 1.3 on a ServerHello (or
// HelloRetryRequest) that selects it.
func (c *Client) enterTLS13(sh *wire.ServerHello, msg []byte) ([]Action, error) {
	suite := suites.ByID(sh.CipherSuite)
	if !containsU16(c.offered, sh.CipherSuite) || suite == nil || !suite.TLS13() {
		return nil, alert.New(alert.IllegalParameter, "server chose a TLS 1.3 cipher suite that was not offered")
	}
	if err := checkLegacyFields13(sh); err != nil {
		return nil, err
	}
	// RFC 8446, 4.1.3: the session id is echoed.
	if !bytes.Equal(sh.SessionID, c.hello.SessionID) {
		return nil, alert.New(alert.IllegalParameter, "legacy_session_id_echo does not match")
	}
	c.version = wire.VersionTLS13
	c.suite = suite
	c13 := &client13{c: c, hash: suite.Hash(), shares: c.shares}
	c.v13 = c13
	if sh.IsHelloRetryRequest() {
		return c13.handleHelloRetryRequest(sh, msg)
	}
	return c13.handleServerHello(sh, msg)
}

// checkLegacyFields13 checks the fields a TLS 1.3 ServerHello or
// HelloRetryRequest keeps from TLS 1.2 (RFC 8446, 4.1.3): legacy_version
// is 0x0303 (the version is in supported_versions) and the compression
// method null.
func checkLegacyFields13(sh *wire.ServerHello) error {
	if sh.Version != wire.VersionTLS12 {
		return alert.New(alert.IllegalParameter, "TLS 1.3 ServerHello with a legacy_version other than 0x0303")
	}
	if sh.CompressionMethod != 0 {
		return alert.New(alert.IllegalParameter, "non-null compression in a TLS 1.3 ServerHello")
	}
	return nil
}

func (h *client13) State() string { return client13StateNames[h.state] }

// checkServerHelloExtensions refuses extensions a TLS 1.3 ServerHello may
// not carry (RFC 8446, 4.2: only key_share, pre_shared_key and
// supported_versions; the HRR also cookie).
func checkServerHelloExtensions(sh *wire.ServerHello, hrr bool) error {
	if len(sh.Unknown) > 0 || sh.ALPNProtocol != "" || sh.NextProtoNeg || sh.SessionTicketExt || sh.StatusRequest ||
		sh.EncryptThenMAC || sh.ExtendedMasterSecret || sh.SecureRenegotiationValid || sh.ServerNameAck || sh.ECPointFormats != nil ||
		sh.Limits != (wire.RecordLimits{}) ||
		(!hrr && sh.TLS13Cookie != nil) || (hrr && sh.PSKSelected) {
		return alert.New(alert.UnsupportedExtension, "extension not allowed in a TLS 1.3 ServerHello")
	}
	return nil
}

// handleHelloRetryRequest answers an HRR with a second ClientHello
// (RFC 8446, 4.1.4).
func (h *client13) handleHelloRetryRequest(sh *wire.ServerHello, msg []byte) ([]Action, error) {
	c := h.c
	if h.hrr {
		return nil, alert.New(alert.UnexpectedMessage, "a second HelloRetryRequest")
	}
	h.hrr = true
	if err := checkServerHelloExtensions(sh, true); err != nil {
		return nil, err
	}
	g := sh.SelectedGroup
	if g == 0 && sh.TLS13Cookie == nil {
		return nil, alert.New(alert.IllegalParameter, "HelloRetryRequest changes nothing")
	}
	ch := *c.hello
	if g != 0 {
		// The group must be one we offered in supported_groups and
		// not one we sent a share for already (RFC 8446, 4.2.8). The
		// list also carries the TLS 1.2 groups (eccs), which a server
		// may pick too.
		if !containsU16(c.hello.SupportedGroups, g) || h.shares[g] != nil {
			return nil, alert.New(alert.IllegalParameter, "HelloRetryRequest selects a group that was not offered or already shared")
		}
		// A TLS 1.2-only curve offered for eccs (secp256k1, ...) has no
		// TLS 1.3 key share: picking it is the server's error.
		if !containsU16(kx.TLS13ImplementedGroups(), g) {
			return nil, alert.New(alert.IllegalParameter, "HelloRetryRequest selects "+kx.GroupName(g)+", which has no TLS 1.3 key share")
		}
		ks, err := kx.GenerateKeyShare(g, c.cfg.Rand)
		if err != nil {
			return nil, alert.New(alert.InternalError, "key share generation: "+err.Error())
		}
		h.shares = map[uint16]kx.KeyShare{g: ks}
		ch.KeyShares = []wire.KeyShare{{Group: g, Data: ks.Public()}}
	}
	ch.TLS13Cookie = sh.TLS13Cookie
	ch.Raw = nil
	ch.EarlyData = false // RFC 8446, 4.2.10: early data is rejected by an HRR
	if c.ticket != nil && suites.ByID(c.ticket.Suite).Hash() != h.hash {
		// The PSK's hash must be the suite's (RFC 8446, 4.2.11).
		ch.PSKIdentities, ch.PSKBinders, c.ticket = nil, nil, nil
	}
	// The transcript restarts with message_hash(ClientHello1) (RFC 8446,
	// 4.4.1), then the HRR and the new ClientHello.
	ch1 := c.transcript.Sum(h.hash)
	c.transcript.Reset()
	c.record(append([]byte{wire.TypeMessageHash, 0, 0, byte(len(ch1))}, ch1...))
	c.record(msg)
	c.hello = &ch
	// RFC 8446, 5.1: only the first ClientHello may use 0x0301 as its
	// record version.
	f := flight{{Kind: SetVersion, Version: wire.VersionTLS13}}
	if c.earlySent {
		f.add(Action{Kind: SetWriteKeys}) // back to plaintext after 0-RTT
	}
	if c.cfg.MiddleboxCompat && !c.ccsSent {
		f.add(Action{Kind: SendChangeCipherSpec})
		c.ccsSent = true
	}
	raw, err := c.sealBinder(&ch)
	if err != nil {
		return nil, err
	}
	f.add(Action{Kind: SendMessage, Data: raw})
	c.record(raw)
	f.add(Action{Kind: Flush})
	h.state = c13WaitServerHello
	return f, nil
}

func (h *client13) handleServerHello(sh *wire.ServerHello, msg []byte) ([]Action, error) {
	c := h.c
	if sh.IsHelloRetryRequest() {
		return nil, alert.New(alert.UnexpectedMessage, "a second HelloRetryRequest")
	}
	if err := checkServerHelloExtensions(sh, false); err != nil {
		return nil, err
	}
	if sh.SupportedVersion != wire.VersionTLS13 {
		return nil, alert.New(alert.IllegalParameter, "TLS 1.3 ServerHello without supported_versions")
	}
	if err := h.checkSelectedPSK(sh); err != nil {
		return nil, err
	}
	shared, err := h.sharedSecret(sh)
	if err != nil {
		return nil, err
	}
	c.serverRandom = sh.Random
	c.info.Group = sh.KeyShare.Group
	c.info.SessionID = nil
	c.info.ServerName = c.cfg.ServerName
	c.record(msg)
	// From here on every transcript use is Transcript-Hash with the
	// suite's hash (RFC 8446, 4.4.1): keep the digest, not the log.
	c.transcript.DigestOnly(h.hash)
	var psk []byte
	if sh.PSKSelected {
		psk = c.ticket.PSK
		h.resumed = true
		c.info.Resumed = !c.extPSK
		c.info.NegotiatedProtocol = c.ticket.ALPN
		for _, d := range c.ticket.ServerCerts {
			if cert, err := pki.ParseCertificate(d); err == nil {
				c.info.PeerCertificates = append(c.info.PeerCertificates, cert)
			}
		}
	}
	h.sched = prf.NewSchedule13(h.hash, psk)
	h.sched.SetSharedSecret(shared)
	clear(shared)
	h.clientHS, h.serverHS = h.sched.HandshakeTrafficSecrets(c.transcript.Sum(h.hash))
	h.state = c13WaitEncryptedExtensions
	f := flight{{Kind: SetVersion, Version: wire.VersionTLS13}}
	// The compatibility ChangeCipherSpec goes before our first protected
	// record (RFC 8446, D.4); from here on what we send, an alert
	// included, is protected with the handshake keys (RFC 8446, 5) —
	// unless 0-RTT data may be accepted, which the early keys end.
	if c.cfg.MiddleboxCompat && !c.ccsSent {
		f.add(Action{Kind: SendChangeCipherSpec})
		c.ccsSent = true
	}
	if !c.earlySent || !sh.PSKSelected || h.hrr {
		f.add(Action{Kind: SetWriteKeys, Keys: trafficKeys(c.suite, h.hash, h.clientHS)})
		h.hsKeysOut = true
	}
	return append(f, []Action{
		{Kind: SetReadKeys, Keys: trafficKeys(c.suite, h.hash, h.serverHS)},
		{Kind: LogSecret, Label: "CLIENT_HANDSHAKE_TRAFFIC_SECRET", Data: h.clientHS},
		{Kind: LogSecret, Label: "SERVER_HANDSHAKE_TRAFFIC_SECRET", Data: h.serverHS},
	}...), nil
}

// sharedSecret is the (EC)DHE secret of the ServerHello's key share, or
// nil for a psk_ke handshake: a ServerHello that selects a PSK without a
// key share. The mode must be one the ClientHello offered (RFC 8446,
// 4.2.9): without a PSK, or with a PSK offered for psk_dhe_ke only, the
// key share is required (missing_extension); a key share with a PSK
// offered for psk_ke only is illegal_parameter.
func (h *client13) sharedSecret(sh *wire.ServerHello) ([]byte, error) {
	modes := h.c.hello.PSKModes
	if sh.KeyShare.Group == 0 {
		if !sh.PSKSelected || !containsU8(modes, PSKModePlain) {
			return nil, alert.New(alert.MissingExtension, "TLS 1.3 ServerHello without key_share")
		}
		return nil, nil
	}
	if sh.PSKSelected && !containsU8(modes, PSKModeDHE) {
		return nil, alert.New(alert.IllegalParameter, "server used psk_dhe_ke, which the client did not offer")
	}
	ks := h.shares[sh.KeyShare.Group]
	if ks == nil {
		return nil, alert.New(alert.IllegalParameter, "server key share for a group the client did not share")
	}
	return ks.Shared(sh.KeyShare.Data)
}

// checkSelectedPSK checks a ServerHello's pre_shared_key against what
// the final ClientHello offered (RFC 8446, 4.2.11): the selected_identity
// must be within the identities we sent, and the suite's hash the PSK's.
// After a HelloRetryRequest the offer may be gone (dropped for a hash
// mismatch, or never made), so this runs on every ServerHello, whichever
// path led to it; a server that breaks the rule gets illegal_parameter.
func (h *client13) checkSelectedPSK(sh *wire.ServerHello) error {
	if !sh.PSKSelected {
		return nil
	}
	c := h.c
	if c.ticket == nil || len(c.hello.PSKIdentities) == 0 {
		return alert.New(alert.IllegalParameter, "server selected a PSK although the ClientHello offered none")
	}
	if int(sh.PSKIdentity) >= len(c.hello.PSKIdentities) {
		return alert.New(alert.IllegalParameter, "server selected a PSK identity that was not offered")
	}
	if s := suites.ByID(c.ticket.Suite); s == nil || s.Hash() != h.hash {
		return alert.New(alert.IllegalParameter, "server selected a PSK with a suite of another hash")
	}
	return nil
}

// trafficKeys derives the record keys of a TLS 1.3 traffic secret (RFC
// 8446, 7.3).
func trafficKeys(s *suites.Suite, h crypto.Hash, secret []byte) *Keys {
	key, iv := prf.TrafficKeys(h, secret, s.Cipher.Info().KeyLen, 12)
	return &Keys{Suite: s, Version: wire.VersionTLS13, Key: key, IV: iv}
}

func (h *client13) handle(msg []byte) ([]Action, error) {
	c := h.c
	switch h.state {
	case c13WaitServerHello:
		if msg[0] != wire.TypeServerHello {
			return nil, unexpected(msg, h.State())
		}
		var sh wire.ServerHello
		if !sh.Unmarshal(msg) {
			return nil, alert.New(alert.DecodeError, "malformed ServerHello")
		}
		if err := checkLegacyFields13(&sh); err != nil {
			return nil, err
		}
		// RFC 8446, 4.1.4: the suite must not change after an HRR.
		if sh.CipherSuite != c.suite.ID || sh.SupportedVersion != wire.VersionTLS13 || !bytes.Equal(sh.SessionID, c.hello.SessionID) {
			return nil, alert.New(alert.IllegalParameter, "ServerHello differs from the HelloRetryRequest")
		}
		return h.handleServerHello(&sh, msg)
	case c13WaitEncryptedExtensions:
		if msg[0] != wire.TypeEncryptedExtensions {
			return nil, unexpected(msg, h.State())
		}
		return h.handleEncryptedExtensions(msg)
	case c13WaitCertOrRequest:
		if msg[0] == wire.TypeCertificateRequest {
			cr := &wire.CertificateRequest{TLS13: true}
			if !cr.Unmarshal(msg) {
				return nil, alert.New(alert.DecodeError, "malformed CertificateRequest")
			}
			// RFC 8446, 4.3.2: the context is empty in the handshake;
			// only post-handshake authentication uses it.
			if len(cr.Context) != 0 {
				return nil, alert.New(alert.IllegalParameter, "CertificateRequest with a request context in the handshake")
			}
			h.certReq = cr
			c.record(msg)
			h.state = c13WaitCertificate
			return nil, nil
		}
		fallthrough
	case c13WaitCertificate:
		if msg[0] != wire.TypeCertificate {
			return nil, unexpected(msg, h.State())
		}
		return nil, h.handleCertificate(msg)
	case c13WaitCertificateVerify:
		if msg[0] != wire.TypeCertificateVerify {
			return nil, unexpected(msg, h.State())
		}
		return nil, h.handleCertificateVerify(msg)
	case c13WaitFinished:
		if msg[0] != wire.TypeFinished {
			return nil, unexpected(msg, h.State())
		}
		return h.handleFinished(msg)
	}
	return nil, unexpected(msg, h.State())
}

func (h *client13) handleEncryptedExtensions(msg []byte) ([]Action, error) {
	lim, err := h.readEncryptedExtensions(msg)
	if err != nil {
		return nil, err
	}
	var f flight
	limitsAction(&f, lim)
	if !h.hsKeysOut && h.c.info.EarlyData != "accepted" {
		// 0-RTT was rejected: our records now use the handshake keys.
		h.hsKeysOut = true
		f.add(Action{Kind: SetWriteKeys, Keys: trafficKeys(h.c.suite, h.hash, h.clientHS)})
	}
	return f, nil
}

func (h *client13) readEncryptedExtensions(msg []byte) (*RecordLimits, error) {
	c := h.c
	var ee wire.EncryptedExtensions
	if !ee.Unmarshal(msg) {
		return nil, alert.New(alert.DecodeError, "malformed EncryptedExtensions")
	}
	lim, err := acceptLimits(c.hello.Limits, ee.Limits, wire.VersionTLS13)
	if err != nil {
		return nil, err
	}
	if len(ee.Unknown) > 0 || ee.EarlyData && (!c.earlySent || !h.resumed || h.hrr) {
		return nil, alert.New(alert.UnsupportedExtension, "EncryptedExtensions carries an extension that was not offered")
	}
	if ee.EarlyData {
		c.info.EarlyData = "accepted"
	}
	if ee.ServerNameAck && c.cfg.ServerName == "" {
		return nil, alert.New(alert.UnsupportedExtension, "server_name acknowledged but not sent")
	}
	if err := c.checkALPN(ee.ALPNProtocol); err != nil {
		return nil, err
	}
	c.record(msg)
	h.state = c13WaitCertOrRequest
	if h.resumed {
		// A PSK handshake has no certificates (RFC 8446, 2.2).
		h.state = c13WaitFinished
	}
	return lim, nil
}

// checkALPN accepts the server's protocol only if it was offered (RFC
// 7301, 3.2).
func (c *Client) checkALPN(proto string) error {
	if proto == "" {
		return nil
	}
	// RFC 8446, 4.2 / RFC 5246, 7.4.1.4: an answer to an extension we
	// did not send.
	if len(c.cfg.ALPNProtocols) == 0 {
		return alert.New(alert.UnsupportedExtension, "ALPN answered but not offered")
	}
	for _, p := range c.cfg.ALPNProtocols {
		if p == proto {
			c.info.NegotiatedProtocol = proto
			return nil
		}
	}
	return alert.New(alert.IllegalParameter, "server selected an ALPN protocol that was not offered")
}

func (h *client13) handleCertificate(msg []byte) error {
	c := h.c
	cm := wire.Certificate{TLS13: true}
	if !cm.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed Certificate")
	}
	if len(cm.Context) != 0 {
		return alert.New(alert.IllegalParameter, "server Certificate with a request context")
	}
	staple, err := checkEntryExtensions13(&cm, c.hello.StatusRequest)
	if err != nil {
		return err
	}
	if len(cm.Entries) == 0 {
		return alert.New(alert.DecodeError, "server sent no certificate")
	}
	certs, err := parseChain(&cm)
	if err != nil {
		return err
	}
	c.info.PeerCertificates = certs
	if err := c.verifyServerChain(&cm, staple); err != nil {
		return err
	}
	if err := checkServerKeyUsage(certs[0], suites.KXAny); err != nil {
		return err
	}
	h.peerCerts = certs
	c.record(msg)
	h.state = c13WaitCertificateVerify
	return nil
}

func (h *client13) handleCertificateVerify(msg []byte) error {
	c := h.c
	cv := &wire.CertificateVerify{HasAlgorithm: true}
	if !cv.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed CertificateVerify")
	}
	if !containsU16(c.cfg.SignatureSchemes, cv.Algorithm) || !kx.SchemeAllowedIn13(cv.Algorithm) {
		return alert.New(alert.IllegalParameter, "CertificateVerify uses a signature scheme that was not offered")
	}
	content := kx.TLS13SignedContent(true, c.transcript.Sum(h.hash))
	if err := kx.Verify(h.peerCerts[0].PublicKey, cv.Algorithm, wire.VersionTLS13, content, cv.Signature); err != nil {
		return err
	}
	c.info.SignatureScheme = cv.Algorithm
	c.record(msg)
	h.state = c13WaitFinished
	return nil
}

func (h *client13) handleFinished(msg []byte) ([]Action, error) {
	c := h.c
	var fin wire.Finished
	if !fin.Unmarshal(msg) {
		return nil, alert.New(alert.DecodeError, "malformed Finished")
	}
	want := prf.FinishedVerifyData13(h.hash, h.serverHS, c.transcript.Sum(h.hash))
	if err := compareFinished(fin.VerifyData, want); err != nil {
		return nil, err
	}
	c.record(msg)
	c.info.ServerVerifyData = want
	h.sched.SetMaster()
	chSf := c.transcript.Sum(h.hash)
	clientAP, serverAP := h.sched.ApplicationTrafficSecrets(chSf)
	exporter := h.sched.ExporterMasterSecret(chSf)

	f := make(flight, 0, 12)
	if !h.hsKeysOut {
		// 0-RTT accepted: EndOfEarlyData closes it under the early keys
		// (RFC 8446, 4.5), then the handshake keys take over.
		if err := f.send(&wire.EndOfEarlyData{}); err != nil {
			return nil, err
		}
		c.record(f[len(f)-1].Data)
		f.add(Action{Kind: SetWriteKeys, Keys: trafficKeys(c.suite, h.hash, h.clientHS)})
		h.hsKeysOut = true
	}
	if h.certReq != nil {
		if err := h.sendClientCertificate(&f); err != nil {
			return nil, err
		}
	}
	vd := prf.FinishedVerifyData13(h.hash, h.clientHS, c.transcript.Sum(h.hash))
	c.info.ClientVerifyData = vd
	if err := f.send(&wire.Finished{VerifyData: vd}); err != nil {
		return nil, err
	}
	c.record(f[len(f)-1].Data)
	f.add(Action{Kind: SetWriteKeys, Keys: trafficKeys(c.suite, h.hash, clientAP)})
	f.add(Action{Kind: SetReadKeys, Keys: trafficKeys(c.suite, h.hash, serverAP)})
	f.add(Action{Kind: LogSecret, Label: "CLIENT_TRAFFIC_SECRET_0", Data: clientAP})
	f.add(Action{Kind: LogSecret, Label: "SERVER_TRAFFIC_SECRET_0", Data: serverAP})
	f.add(Action{Kind: LogSecret, Label: "EXPORTER_SECRET", Data: exporter})
	f.add(Action{Kind: Flush})

	c.info.Hash = h.hash
	c.info.ClientTrafficSecret = clientAP
	c.info.ServerTrafficSecret = serverAP
	c.info.ExporterMasterSecret = exporter
	c.info.ResumptionMaster = h.sched.ResumptionMasterSecret(c.transcript.Sum(h.hash))
	c.fillInfo()
	c.info.MasterSecret = nil
	h.state = c13Done
	c.state = clientDone
	c.transcript.Reset()
	return f, nil
}

// sendClientCertificate answers a CertificateRequest (RFC 8446, 4.4.2):
// a Certificate echoing the context, empty when no certificate fits,
// and a CertificateVerify when one does.
func (h *client13) sendClientCertificate(f *flight) error {
	c := h.c
	chosen, scheme := c.chooseClientCert13(h.certReq)
	cm := &wire.Certificate{TLS13: true, Context: h.certReq.Context}
	if chosen != nil {
		for _, d := range chosen.Chain {
			cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: d})
		}
	}
	if err := f.send(cm); err != nil {
		return err
	}
	c.record((*f)[len(*f)-1].Data)
	if chosen == nil {
		return nil
	}
	content := kx.TLS13SignedContent(false, c.transcript.Sum(h.hash))
	sig, err := kx.Sign(chosen.Key, scheme, wire.VersionTLS13, content, c.cfg.Rand)
	if err != nil {
		return alert.New(alert.InternalError, "signing CertificateVerify: "+err.Error())
	}
	if err := f.send(&wire.CertificateVerify{HasAlgorithm: true, Algorithm: scheme, Signature: sig}); err != nil {
		return err
	}
	c.record((*f)[len(*f)-1].Data)
	return nil
}

// chooseClientCert13 picks among certs_keys a chain whose key can sign
// with a scheme the server asked for, preferring one under the CAs it
// named (certificate_authorities, RFC 8446, 4.2.4).
func (c *Client) chooseClientCert13(cr *wire.CertificateRequest) (*CertKey, uint16) {
	return chooseCert(c.cfg.Certs, filter13(c.cfg.SignatureSchemes), certChoice{
		SigAlgs: cr.SignatureAlgorithms, CertSigAlgs: cr.SignatureAlgorithmsCert,
		Authorities: cr.CertificateAuthorities, Version: wire.VersionTLS13})
}
