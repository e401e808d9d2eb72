package handshake

import (
	"crypto"
	"crypto/x509"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/prf"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

type server13State uint8

const (
	s13WaitClientHello2 server13State = iota // after a HelloRetryRequest
	s13WaitCertificate
	s13WaitCertificateVerify
	s13WaitFinished
	s13Done
	s13WaitEndOfEarlyData
)

var server13StateNames = [...]string{"hello", "wait_cert", "wait_cv", "wait_finished", "connection", "wait_eoed"}

// server13 is the TLS 1.3 part of a server handshake (RFC 8446, Section
// 2), entered when the ClientHello offers TLS 1.3.
type server13 struct {
	s     *Server
	state server13State

	hash     crypto.Hash
	group    uint16
	cert     *CertKey
	scheme   uint16
	hrr      bool
	ccsSent  bool
	sched    *prf.Schedule13
	clientHS []byte
	clientAP []byte
	// expected is the client's Finished verify_data for a transcript of
	// length expectedN, and apKeys the keys of clientAP, made by prepare.
	expected   []byte
	expectedN  int
	apKeys     *Keys
	clientCert *x509.Certificate
	hello1     *wire.ClientHello
	psk        *sess.State13 // the resumed session, when a ticket was accepted
	pskIndex   uint16        // its place among the ClientHello's identities
	pskPlain   bool          // the PSK is used with psk_ke: no (EC)DHE
	ext        *extPSK13     // an external PSK the client offered (extpsk13.go)
	ticketSent bool          // a NewSessionTicket went with the server's flight
	early      bool          // 0-RTT data accepted
	skipEarly  bool          // 0-RTT data offered but refused: skip it (RFC 8446, 4.2.10)
}

// AcceptingEarlyData reports whether application data records now are
// the client's accepted 0-RTT data (before its EndOfEarlyData).
func (s *Server) AcceptingEarlyData() bool {
	return s.v13 != nil && s.v13.state == s13WaitEndOfEarlyData
}

// SkippingEarlyData reports whether records the server cannot read are
// refused 0-RTT data, to be skipped (RFC 8446, 4.2.10).
func (s *Server) SkippingEarlyData() bool { return s.v13 != nil && s.v13.skipEarly }

// OffersEarlyData reports whether the server's tickets allow 0-RTT data
// (they carry max_early_data_size, RFC 8446, 4.6.1).
func (s *Server) OffersEarlyData() bool { return s.cfg.AcceptEarlyData }

// MaxEarlyData is the most 0-RTT data the server takes or skips.
func (s *Server) MaxEarlyData() int {
	if s.cfg.MaxEarlyData > 0 {
		return int(s.cfg.MaxEarlyData)
	}
	return 16384
}

func (h *server13) State() string { return server13StateNames[h.state] }

// offersTLS13 reports whether a ClientHello lists TLS 1.3 and we have it
// (with at least one TLS 1.3 suite: a server configured with TLS 1.2
// suites only negotiates TLS 1.2).
func (s *Server) offersTLS13(ch *wire.ClientHello) bool {
	return containsU16(s.cfg.Versions, wire.VersionTLS13) && containsU16(ch.SupportedVersions, wire.VersionTLS13) &&
		hasTLS13Suite(s.cfg.Suites)
}

// enterTLS13 runs the TLS 1.3 server on a ClientHello that offers it.
func (s *Server) enterTLS13(ch *wire.ClientHello, msg []byte) ([]Action, error) {
	s.version = wire.VersionTLS13
	h := &server13{s: s}
	s.v13 = h
	return h.handleClientHello(ch, msg)
}

// choose picks suite, group, certificate and signature scheme (RFC 8446,
// 4.1.1). It reports the group and whether the client sent a share for it.
func (h *server13) choose(ch *wire.ClientHello) (share []byte, err error) {
	s := h.s
	cfg := s.cfg
	if len(ch.CompressionMethods) != 1 || ch.CompressionMethods[0] != 0 {
		return nil, alert.New(alert.IllegalParameter, "TLS 1.3 ClientHello must offer only null compression")
	}
	// An external PSK the client offers steers the choice to a suite of
	// its hash (extpsk13.go); without one, any suite in common will do.
	h.ext = h.findExternalPSK(ch)
	pick := func(su *suites.Suite) bool {
		return su.TLS13() && containsU16(ch.CipherSuites, su.ID) && (h.ext == nil || su.Hash() == h.ext.hash)
	}
	choose := func() *suites.Suite {
		if cfg.HonorCipherOrder {
			for _, su := range cfg.Suites {
				if pick(su) {
					return su
				}
			}
			return nil
		}
		for _, id := range ch.CipherSuites {
			if su := suites.ByID(id); su != nil && containsSuite(cfg.Suites, su) && pick(su) {
				return su
			}
		}
		return nil
	}
	suite := choose()
	if suite == nil && h.ext != nil {
		h.ext = nil
		suite = choose()
	}
	if suite == nil {
		return nil, alert.New(alert.HandshakeFailure, "no TLS 1.3 cipher suite in common")
	}
	// A psk_ke handshake needs no group: RFC 8446, 9.2 lets a
	// ClientHello with pre_shared_key leave out supported_groups and
	// key_share, both or neither.
	plainOK := h.ext != nil && h.ext.plain
	if (ch.SupportedGroups == nil || !ch.KeySharesPresent) && (!plainOK || ch.SupportedGroups != nil || ch.KeySharesPresent) {
		return nil, alert.New(alert.MissingExtension, "TLS 1.3 ClientHello without supported_groups or key_share")
	}
	if ch.SignatureAlgorithms == nil {
		return nil, alert.New(alert.MissingExtension, "TLS 1.3 ClientHello without signature_algorithms")
	}
	// RFC 8446, 4.2.8: each share is for an offered group, once.
	seen := map[uint16]bool{}
	for _, ks := range ch.KeyShares {
		if seen[ks.Group] || !containsU16(ch.SupportedGroups, ks.Group) {
			return nil, alert.New(alert.IllegalParameter, "key share for a group not offered, or twice")
		}
		seen[ks.Group] = true
	}
	shareFor := func(g uint16) []byte {
		for _, ks := range ch.KeyShares {
			if ks.Group == g {
				return ks.Data
			}
		}
		return nil
	}
	var common []uint16
	if cfg.HonorECCOrder {
		for _, g := range cfg.Groups13 {
			if containsU16(ch.SupportedGroups, g) {
				common = append(common, g)
			}
		}
	} else {
		for _, g := range ch.SupportedGroups {
			if containsU16(cfg.Groups13, g) {
				common = append(common, g)
			}
		}
	}
	if len(common) == 0 {
		if !plainOK {
			return nil, alert.New(alert.HandshakeFailure, "no TLS 1.3 group in common")
		}
		common = []uint16{0} // none: only psk_ke can go on (handleClientHello)
	}
	h.group = common[0]
	if !cfg.HonorECCOrder {
		// Without a server preference, take a group the client already
		// sent a share for, which saves a round trip.
		for _, g := range common {
			if shareFor(g) != nil {
				h.group = g
				break
			}
		}
	}
	// The first chain the client's signature algorithms allow, preferring
	// one under a CA its certificate_authorities names (RFC 8446, 4.2.4).
	h.cert, h.scheme = chooseCert(cfg.Certs, filter13(cfg.SignatureSchemes), certChoice{
		SigAlgs: ch.SignatureAlgorithms, CertSigAlgs: ch.SignatureAlgorithmsCert,
		Authorities: ch.CertificateAuthorities, Version: wire.VersionTLS13})
	if h.cert == nil && h.ext == nil {
		return nil, alert.New(alert.HandshakeFailure, "no certificate fits the client's signature algorithms")
	}
	s.suite = suite
	h.hash = suite.Hash()
	return shareFor(h.group), nil
}

func containsSuite(list []*suites.Suite, s *suites.Suite) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (h *server13) handleClientHello(ch *wire.ClientHello, msg []byte) ([]Action, error) {
	s := h.s
	share, err := h.choose(ch)
	if err != nil {
		return nil, err
	}
	if err := s.chooseALPN(ch); err != nil {
		return nil, err
	}
	s.hello = ch
	s.clientRandom = ch.Random
	s.info.ClientRandom = ch.Random
	s.info.ServerName = ch.ServerName
	if err := h.acceptPSK(ch, msg); err != nil {
		return nil, err
	}
	s.record(msg)
	if ch.EarlyData {
		s.info.EarlyData = "rejected"
		h.skipEarly = true
		if share != nil && h.acceptEarlyData(ch) {
			h.early, h.skipEarly = true, false
			s.info.EarlyData = "accepted"
		}
	}
	switch {
	case h.pskPlain:
		return h.serverFlight(ch, nil) // psk_ke: no key share used
	case share != nil:
		return h.serverFlight(ch, share)
	case h.group == 0:
		return nil, alert.New(alert.HandshakeFailure, "no TLS 1.3 group in common, and no psk_ke PSK accepted")
	}
	return h.helloRetryRequest(ch)
}

// helloRetryRequest asks for a key share for h.group (RFC 8446, 4.1.4).
func (h *server13) helloRetryRequest(ch *wire.ClientHello) ([]Action, error) {
	s := h.s
	h.hrr = true
	h.hello1 = ch
	hrr := &wire.ServerHello{
		Version:          wire.VersionTLS12,
		Random:           wire.HelloRetryRequestRandom[:],
		SessionID:        ch.SessionID,
		CipherSuite:      s.suite.ID,
		SupportedVersion: wire.VersionTLS13,
		SelectedGroup:    h.group,
	}
	ch1 := s.transcript.Sum(h.hash)
	s.transcript.Reset()
	s.record(append([]byte{wire.TypeMessageHash, 0, 0, byte(len(ch1))}, ch1...))
	var f flight
	f.add(Action{Kind: SetVersion, Version: wire.VersionTLS13})
	if err := s.sendRecorded(&f, hrr); err != nil {
		return nil, err
	}
	if len(ch.SessionID) > 0 {
		f.add(Action{Kind: SendChangeCipherSpec})
		h.ccsSent = true
	}
	f.add(Action{Kind: Flush})
	h.state = s13WaitClientHello2
	return f, nil
}

// handleClientHello2 checks the ClientHello that answers an HRR: the
// same hello with one share for the group asked for (RFC 8446, 4.1.2).
func (h *server13) handleClientHello2(msg []byte) ([]Action, error) {
	s := h.s
	ch, err := parseClientHello(msg, false)
	if err != nil {
		return nil, err
	}
	// Only what RFC 8446, 4.1.2 allows may change (hrr_check.go): the
	// configuration, suite, ALPN and certificate chosen from the first
	// hello stay right for the second.
	if err := checkSecondHello(h.hello1, ch, h.group); err != nil {
		return nil, err
	}
	s.hello = ch
	h.skipEarly = false
	if err := h.acceptPSK(ch, msg); err != nil {
		return nil, err
	}
	s.record(msg)
	return h.serverFlight(ch, ch.KeyShares[0].Data)
}

// serverFlight sends ServerHello through Finished (RFC 8446, 2).
func (h *server13) serverFlight(ch *wire.ClientHello, clientShare []byte) ([]Action, error) {
	s := h.s
	cfg := s.cfg
	limReply, lim, err := cfg.answerLimits(ch.Limits, wire.VersionTLS13)
	if err != nil {
		return nil, err
	}
	// The last ClientHello is in: from here on every transcript use is
	// Transcript-Hash with the suite's hash (RFC 8446, 4.4.1), so keep
	// the digest, not the log.
	s.transcript.DigestOnly(h.hash)
	group, serverShare, agree := h.group, []byte(nil), func() ([]byte, error) { return nil, nil }
	if h.pskPlain {
		group = 0 // psk_ke: no key_share, and a zero (EC)DHE input (RFC 8446, 7.1)
	} else {
		var err error
		if serverShare, agree, err = kx.PrepareKeyShare(group, clientShare, cfg.Rand); err != nil {
			return nil, err
		}
	}
	// With a certificate to sign for, the agreement overlaps the
	// signature (agreement.go).
	pending := startAgreement(agree, h.psk == nil)
	defer pending.discard()
	random, err := s.random()
	if err != nil {
		return nil, err
	}
	s.serverRandom = random
	s.info.Group = group
	f := make(flight, 0, 16) // a whole flight's actions, without regrowing
	f.add(Action{Kind: SetVersion, Version: wire.VersionTLS13})
	sh := &wire.ServerHello{
		Version:          wire.VersionTLS12,
		Random:           random,
		SessionID:        ch.SessionID,
		CipherSuite:      s.suite.ID,
		SupportedVersion: wire.VersionTLS13,
		KeyShare:         wire.KeyShare{Group: group, Data: serverShare},
		PSKSelected:      h.psk != nil,
		PSKIdentity:      h.pskIndex,
	}
	chHash := s.transcript.Sum(h.hash)
	if err := s.sendRecorded(&f, sh); err != nil {
		return nil, err
	}
	var psk []byte
	if h.psk != nil {
		psk = h.psk.PSK
	}
	if len(ch.SessionID) > 0 && !h.ccsSent {
		f.add(Action{Kind: SendChangeCipherSpec})
	}
	h.sched = prf.NewSchedule13(h.hash, psk)
	var earlyKeys *Keys
	if h.early {
		secret := h.sched.ClientEarlyTrafficSecret(chHash)
		earlyKeys = trafficKeys(s.suite, h.hash, secret)
		f.add(Action{Kind: LogSecret, Label: "CLIENT_EARLY_TRAFFIC_SECRET", Data: secret})
	}
	// The handshake keys come from the shared secret and the transcript
	// up to the ServerHello; their actions are filled in once the
	// agreement is done (handshakeKeys).
	shHash := s.transcript.Sum(h.hash)
	keysAt := len(f)
	f.add(Action{Kind: SetWriteKeys})
	f.add(Action{Kind: LogSecret, Label: "CLIENT_HANDSHAKE_TRAFFIC_SECRET"})
	f.add(Action{Kind: LogSecret, Label: "SERVER_HANDSHAKE_TRAFFIC_SECRET"})

	// Every record after the ServerHello is protected, and limited.
	limitsAction(&f, lim)
	ee := &wire.EncryptedExtensions{ALPNProtocol: s.info.NegotiatedProtocol, ServerNameAck: s.sniUsed, EarlyData: h.early, Limits: limReply}
	if err := s.sendRecorded(&f, ee); err != nil {
		return nil, err
	}
	if h.psk != nil {
		// A resumed handshake authenticates by the PSK: no
		// certificates (RFC 8446, 2.2).
		serverHS, err := h.handshakeKeys(f, keysAt, pending, shHash)
		if err != nil {
			return nil, err
		}
		acts, err := h.finishServerFlight(f, serverHS)
		if err == nil && earlyKeys != nil {
			// Read the 0-RTT data first, until EndOfEarlyData.
			for i := range acts {
				if acts[i].Kind == SetReadKeys {
					acts[i].Keys = earlyKeys
				}
			}
			h.state = s13WaitEndOfEarlyData
		}
		return acts, err
	}
	if cfg.Verify {
		cr := &wire.CertificateRequest{TLS13: true, SignatureAlgorithms: filter13(cfg.SignatureSchemes),
			SignatureAlgorithmsCert: cfg.SignatureSchemesCert, CertificateAuthorities: cfg.authoritiesToSend()}
		if err := s.sendRecorded(&f, cr); err != nil {
			return nil, err
		}
		s.requested = true
	}
	if err := s.sendCertificate(&f, h.cert, true, stapleFor(s.hello, h.cert)); err != nil {
		return nil, err
	}
	content := kx.TLS13SignedContent(true, s.transcript.Sum(h.hash))
	sig, err := kx.Sign(h.cert.Key, h.scheme, wire.VersionTLS13, content, cfg.Rand)
	if err != nil {
		return nil, alert.New(alert.InternalError, "signing CertificateVerify: "+err.Error())
	}
	s.info.SignatureScheme = h.scheme
	if err := s.sendRecorded(&f, &wire.CertificateVerify{HasAlgorithm: true, Algorithm: h.scheme, Signature: sig}); err != nil {
		return nil, err
	}
	serverHS, err := h.handshakeKeys(f, keysAt, pending, shHash)
	if err != nil {
		return nil, err
	}
	return h.finishServerFlight(f, serverHS)
}

// handshakeKeys waits for the key agreement, derives the handshake
// traffic secrets from it and the transcript hash through the
// ServerHello (RFC 8446, 7.1), fills in the flight's key actions at
// keysAt, and returns the server's secret.
func (h *server13) handshakeKeys(f flight, keysAt int, pending *agreement, shHash []byte) ([]byte, error) {
	shared, err := pending.wait()
	if err != nil {
		return nil, err
	}
	h.sched.SetSharedSecret(shared)
	clear(shared)
	clientHS, serverHS := h.sched.HandshakeTrafficSecrets(shHash)
	h.clientHS = clientHS
	f[keysAt].Keys = trafficKeys(h.s.suite, h.hash, serverHS)
	f[keysAt+1].Data = clientHS
	f[keysAt+2].Data = serverHS
	return serverHS, nil
}

// finishServerFlight ends the server's flight with Finished and moves to
// the application keys.
func (h *server13) finishServerFlight(f flight, serverHS []byte) ([]Action, error) {
	s := h.s
	clientHS := h.clientHS
	vd := prf.FinishedVerifyData13(h.hash, serverHS, s.transcript.Sum(h.hash))
	s.info.ServerVerifyData = vd
	if err := s.sendRecorded(&f, &wire.Finished{VerifyData: vd}); err != nil {
		return nil, err
	}
	h.sched.SetMaster()
	chSf := s.transcript.Sum(h.hash)
	clientAP, serverAP := h.sched.ApplicationTrafficSecrets(chSf)
	h.clientAP = clientAP
	s.info.Hash = h.hash
	s.info.ClientTrafficSecret = clientAP
	s.info.ServerTrafficSecret = serverAP
	s.info.ExporterMasterSecret = h.sched.ExporterMasterSecret(chSf)
	f.add(Action{Kind: SetWriteKeys, Keys: trafficKeys(s.suite, h.hash, serverAP)})
	f.add(Action{Kind: SetReadKeys, Keys: trafficKeys(s.suite, h.hash, clientHS)})
	f.add(Action{Kind: LogSecret, Label: "CLIENT_TRAFFIC_SECRET_0", Data: clientAP})
	f.add(Action{Kind: LogSecret, Label: "SERVER_TRAFFIC_SECRET_0", Data: serverAP})
	f.add(Action{Kind: LogSecret, Label: "EXPORTER_SECRET", Data: s.info.ExporterMasterSecret})
	if !s.requested && !h.early && s.cfg.TicketStore == nil {
		// Without client authentication the client's Finished is known
		// in advance, and so is the resumption secret: the ticket can go
		// with this flight (RFC 8446, 4.6.1 allows it), which saves a
		// write after the handshake that a peer busy writing could
		// leave blocked. Not after accepted 0-RTT data: the client's
		// EndOfEarlyData comes first, and the resumption secret covers
		// it (RFC 8446, 7.1). Not a stateful ticket either: its state
		// is stored, and a client that never sends a valid Finished
		// must not fill the store; it also waits for the Finished as
		// 4.6.1 says, which is when an OTP client takes tickets.
		cf, _ := (&wire.Finished{VerifyData: prf.FinishedVerifyData13(h.hash, clientHS, chSf)}).Marshal()
		s.info.ResumptionMaster = h.sched.ResumptionMasterSecret(s.transcript.SumWith(h.hash, cf))
		if err := h.sendTicket(&f); err != nil {
			return nil, err
		}
		h.ticketSent = true
	}
	f.add(Action{Kind: Flush})
	if s.requested {
		h.state = s13WaitCertificate
	} else {
		h.state = s13WaitFinished
	}
	return f, nil
}

// filter13 keeps the schemes TLS 1.3 allows.
func filter13(list []uint16) []uint16 { return filterSchemes(list, kx.SchemeAllowedIn13) }

// filter12 is list without the schemes TLS 1.2 may not use: what a TLS
// 1.2 CertificateRequest, or the ClientHello of a client that offers
// nothing newer, sends.
func filter12(list []uint16) []uint16 { return filterSchemes(list, kx.SchemeAllowedIn12) }

func filterSchemes(list []uint16, allowed func(uint16) bool) []uint16 {
	var out []uint16
	for _, s := range list {
		if allowed(s) {
			out = append(out, s)
		}
	}
	return out
}

func (h *server13) handle(msg []byte) ([]Action, error) {
	s := h.s
	if h.state != s13WaitClientHello2 {
		h.skipEarly = false // a record that opens ends the refused 0-RTT data
	}
	switch h.state {
	case s13WaitEndOfEarlyData:
		if msg[0] != wire.TypeEndOfEarlyData || len(msg) != 4 {
			return nil, unexpected(msg, h.State())
		}
		s.record(msg)
		h.state = s13WaitFinished
		return []Action{{Kind: SetReadKeys, Keys: trafficKeys(s.suite, h.hash, h.clientHS)}}, nil
	case s13WaitClientHello2:
		if msg[0] != wire.TypeClientHello {
			return nil, unexpected(msg, h.State())
		}
		return h.handleClientHello2(msg)
	case s13WaitCertificate:
		if msg[0] != wire.TypeCertificate {
			return nil, unexpected(msg, h.State())
		}
		return nil, h.handleCertificate(msg)
	case s13WaitCertificateVerify:
		if msg[0] != wire.TypeCertificateVerify {
			return nil, unexpected(msg, h.State())
		}
		cv := &wire.CertificateVerify{HasAlgorithm: true}
		if !cv.Unmarshal(msg) {
			return nil, alert.New(alert.DecodeError, "malformed CertificateVerify")
		}
		if !containsU16(s.cfg.SignatureSchemes, cv.Algorithm) || !kx.SchemeAllowedIn13(cv.Algorithm) {
			return nil, alert.New(alert.IllegalParameter, "CertificateVerify uses a signature scheme that was not offered")
		}
		content := kx.TLS13SignedContent(false, s.transcript.Sum(h.hash))
		if err := kx.Verify(h.clientCert.PublicKey, cv.Algorithm, wire.VersionTLS13, content, cv.Signature); err != nil {
			return nil, err
		}
		s.record(msg)
		h.state = s13WaitFinished
		return nil, nil
	case s13WaitFinished:
		if msg[0] != wire.TypeFinished {
			return nil, unexpected(msg, h.State())
		}
		var fin wire.Finished
		if !fin.Unmarshal(msg) {
			return nil, alert.New(alert.DecodeError, "malformed Finished")
		}
		want := h.expected
		if want == nil || h.expectedN != s.transcript.Len() {
			want = prf.FinishedVerifyData13(h.hash, h.clientHS, s.transcript.Sum(h.hash))
		}
		h.expected = nil
		if err := compareFinished(fin.VerifyData, want); err != nil {
			return nil, err
		}
		s.record(msg)
		s.info.ClientVerifyData = want
		s.info.ResumptionMaster = h.sched.ResumptionMasterSecret(s.transcript.Sum(h.hash))
		s.fillInfo()
		s.info.MasterSecret = nil
		h.state = s13Done
		s.state = serverDone
		s.transcript.Reset()
		keys := h.apKeys
		if keys == nil {
			keys = trafficKeys(s.suite, h.hash, h.clientAP)
		}
		h.apKeys = nil
		f := flight{{Kind: SetReadKeys, Keys: keys}}
		if !h.ticketSent {
			// The ticket goes now, in its own write: a client that
			// reads one reply and closes would otherwise never get it,
			// were it held back until our first application data.
			if err := h.sendTicket(&f); err != nil {
				return nil, err
			}
			f.add(Action{Kind: Flush})
		}
		return f, nil
	}
	return nil, unexpected(msg, h.State())
}

// prepare computes, while the server waits for the client's Finished
// (no client certificate asked for), the verify_data it must carry and the
// client's application keys that follow it.
func (h *server13) prepare() {
	if h.state != s13WaitFinished || h.expected != nil {
		return
	}
	s := h.s
	h.expected = prf.FinishedVerifyData13(h.hash, h.clientHS, s.transcript.Sum(h.hash))
	h.expectedN = s.transcript.Len()
	if h.clientAP != nil {
		h.apKeys = trafficKeys(s.suite, h.hash, h.clientAP)
	}
}

func (h *server13) handleCertificate(msg []byte) error {
	s := h.s
	cm := wire.Certificate{TLS13: true}
	if !cm.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed Certificate")
	}
	if len(cm.Context) != 0 {
		return alert.New(alert.IllegalParameter, "client Certificate with a wrong request context")
	}
	if _, err := checkEntryExtensions13(&cm, false); err != nil {
		return err
	}
	s.record(msg)
	if len(cm.Entries) == 0 {
		if s.cfg.FailIfNoPeerCert {
			// RFC 8446, 4.4.2.4.
			return alert.New(alert.CertificateRequired, "no client certificate provided")
		}
		h.state = s13WaitFinished
		return nil
	}
	certs, err := parseChain(&cm)
	if err != nil {
		return err
	}
	path, err := s.verifyPeer(&cm, pki.ClientAuth, "", nil)
	if err != nil {
		return err
	}
	s.info.PeerCertificates = certs
	s.info.VerifiedChain = path
	h.clientCert = certs[0]
	h.state = s13WaitCertificateVerify
	return nil
}
