package handshake

import (
	"crypto"
	"fmt"
	"slices"
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of DSA certificates
	"crypto/rsa"
	"crypto/x509"
	sess "github.com/gossl/ssl/internal/session"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

type serverState uint8

const (
	serverWaitClientHello serverState = iota
	serverWaitCertificate
	serverWaitKeyExchange
	serverWaitCertificateVerify
	serverWaitCCS
	serverWaitFinished
	serverDone
)

var serverStateNames = [...]string{"hello", "certify", "certify", "wait_cert_verify", "cipher", "finished", "connection"}

// Server is the TLS 1.0–1.2 server state machine (RFC 5246, Section 7.3).
type Server struct {
	session
	state serverState

	hello      *wire.ClientHello
	cert       *CertKey
	kx         kx.ServerKeyExchanger
	requested  bool // CertificateRequest sent
	clientCert *x509.Certificate
	sniUsed    bool      // a per-name configuration was chosen by SNI
	v13        *server13 // the TLS 1.3 machine, once chosen

	// Sessions configures TLS 1.0–1.2 resumption (resume12.go); set by
	// the driver before Start.
	Sessions   *Sessions12
	resumed    bool // abbreviated handshake (RFC 5246, 7.3)
	sendTicket bool // NewSessionTicket promised (RFC 5077, 3.2)
	resumedAt  time.Time
	credential sess.Credential // the PSK or SRP identity (credential.go)

	// Reneg is set by the driver for a renegotiation (renegotiate.go).
	Reneg     *Renegotiation
	renegInfo []byte // the ServerHello's renegotiation_info
	npn       bool   // next_protocol_negotiation answered (npn.go)
	gotNPN    bool   // and the client's NextProtocol received
}

// NewServer returns a server machine for cfg.
func NewServer(cfg *Config) *Server {
	s := &Server{}
	s.cfg = cfg
	return s
}

// Start does nothing: the server waits for a ClientHello.
func (s *Server) Start() ([]Action, error) { return nil, nil }

// Done reports whether the handshake completed.
func (s *Server) Done() bool { return s.state == serverDone }

// Prepare implements Machine: a server waiting for the client's Finished
// computes it, and under TLS 1.3 the client's application keys too.
func (s *Server) Prepare() {
	switch {
	case s.v13 != nil:
		s.v13.prepare()
	case s.state == serverWaitCCS:
		s.prepareFinished(true)
	}
}

// WantsChangeCipherSpec reports whether a TLS 1.2 (DTLS) server takes
// the client's ChangeCipherSpec now (Client.WantsChangeCipherSpec).
func (s *Server) WantsChangeCipherSpec() bool {
	return s.v13 == nil && s.state == serverWaitCCS
}

// Info describes the connection.
func (s *Server) Info() *Info { return &s.info }

// State is the name of the current state, for error messages.
func (s *Server) State() string {
	if s.v13 != nil {
		return s.v13.State()
	}
	return serverStateNames[s.state]
}

// HandleChangeCipherSpec installs the client's write keys for reading.
func (s *Server) HandleChangeCipherSpec() ([]Action, error) {
	if s.v13 != nil {
		// RFC 8446, 5: a compatibility ChangeCipherSpec is dropped.
		if s.state == serverDone {
			return nil, alert.New(alert.UnexpectedMessage, "ChangeCipherSpec after the handshake")
		}
		return nil, nil
	}
	if s.state != serverWaitCCS {
		return nil, alert.New(alert.UnexpectedMessage, "ChangeCipherSpec in state "+s.State())
	}
	client, _ := s.keys()
	s.state = serverWaitFinished
	return []Action{{Kind: SetReadKeys, Keys: client}}, nil
}

// HandleMessage advances the machine with one handshake message.
func (s *Server) HandleMessage(msg []byte) ([]Action, error) {
	if s.dtlsEnter() {
		if s.Reneg != nil && s.Reneg.HelloRequestSent && !s.dtls.started {
			// RFC 6347, 4.2.2: "in the case of a rehandshake, this
			// implies that the HelloRequest will have message_seq = 0
			// and the ServerHello will have message_seq = 1".
			s.dtls.outNext = 1
		}
		return s.dtlsCall(msg, s.HandleMessage)
	}
	if s.v13 != nil {
		return s.v13.handle(msg)
	}
	switch s.state {
	case serverWaitClientHello:
		if msg[0] != wire.TypeClientHello {
			return nil, unexpected(msg, s.State())
		}
		return s.handleClientHello(msg)
	case serverWaitCertificate:
		if msg[0] != wire.TypeCertificate {
			return nil, unexpected(msg, s.State())
		}
		return nil, s.handleCertificate(msg)
	case serverWaitKeyExchange:
		if msg[0] != wire.TypeClientKeyExchange {
			return nil, unexpected(msg, s.State())
		}
		return nil, s.handleClientKeyExchange(msg)
	case serverWaitCertificateVerify:
		if msg[0] != wire.TypeCertificateVerify {
			return nil, unexpected(msg, s.State())
		}
		return nil, s.handleCertificateVerify(msg)
	case serverWaitFinished:
		if msg[0] == wire.TypeNextProtocol {
			return nil, s.handleNextProtocol(msg)
		}
		// OpenSSL's DTLS client offers NPN in its hello but never sends
		// NextProtocol: over DTLS its Finished is taken without one,
		// and no protocol is negotiated.
		if msg[0] != wire.TypeFinished || s.npn && !s.gotNPN && s.dtls == nil {
			return nil, unexpected(msg, s.State())
		}
		return s.handleFinished(msg)
	}
	return nil, unexpected(msg, s.State())
}

func (s *Server) handleClientHello(msg []byte) ([]Action, error) {
	ch, err := parseClientHello(msg, s.dtls != nil)
	if err != nil {
		return nil, err
	}
	return s.handleHello(ch, msg)
}

// parseClientHello parses a ClientHello: decode_error when it does not
// parse, except for a pre_shared_key that breaks RFC 8446, 4.2.11's
// rules in a hello that otherwise does (not the last extension,
// identities and binders that do not pair up): illegal_parameter.
func parseClientHello(msg []byte, dtls bool) (*wire.ClientHello, error) {
	ch := &wire.ClientHello{DTLS: dtls}
	if ch.Unmarshal(msg) {
		return ch, nil
	}
	if wire.ClientHelloPSKIllegal(msg, dtls) {
		return nil, alert.New(alert.IllegalParameter, "pre_shared_key not the last extension, or its identities and binders differ in number")
	}
	return nil, alert.New(alert.DecodeError, "malformed ClientHello")
}

// HandleV2ClientHello takes an SSL 2.0-format ClientHello (RFC 5246,
// Appendix E.2), the message from msg_type on, as the first message of a
// server with V2HelloCompatible. It goes on as a ClientHello without
// extensions; raw is what the Finished hashes cover.
func (s *Server) HandleV2ClientHello(raw []byte) ([]Action, error) {
	if s.state != serverWaitClientHello || s.Reneg != nil || !s.cfg.V2HelloCompatible {
		return nil, alert.New(alert.UnexpectedMessage, "SSL 2.0 ClientHello where none is allowed")
	}
	ch, ok := wire.ParseV2ClientHello(raw)
	if !ok {
		return nil, alert.New(alert.DecodeError, "malformed SSL 2.0 ClientHello")
	}
	return s.handleHello(ch, raw)
}

// handleHello answers a ClientHello; msg is its bytes as the transcript
// takes them.
func (s *Server) handleHello(ch *wire.ClientHello, msg []byte) ([]Action, error) {
	s.hello = ch
	if ch.ServerNameInvalid != "" {
		return nil, alert.New(alert.IllegalParameter, ch.ServerNameInvalid)
	}
	// RFC 8446, D.5: a ClientHello.legacy_version of 0x0300 or less is
	// never sent by a client that lists supported_versions, and one below
	// SSL 3.0 by none; either ends the handshake with protocol_version,
	// whatever supported_versions offers.
	if s.dtls == nil && (ch.Version < wire.VersionSSL30 || ch.Version == wire.VersionSSL30 && ch.SupportedVersions != nil) {
		return nil, alert.New(alert.ProtocolVersion, fmt.Sprintf("ClientHello.legacy_version %#04x (RFC 8446, D.5)", ch.Version))
	}
	// SNI (RFC 6066, 3) may select other certificates and options.
	if s.cfg.ForServerName != nil && ch.ServerName != "" {
		named, err := s.cfg.ForServerName(ch.ServerName)
		if err != nil {
			return nil, alert.New(alert.UnrecognizedName, err.Error())
		}
		if named != nil {
			s.cfg, s.sniUsed = named, true
		}
	}
	cfg := s.cfg
	if s.offersTLS13(ch) {
		return s.enterTLS13(ch, msg)
	}
	if err := s.chooseVersion(ch); err != nil {
		return nil, err
	}
	if s.version == wire.VersionSSL30 {
		ch = ssl3View(ch)
		s.hello, s.sniUsed = ch, false
	}
	hasNull := false
	for _, m := range ch.CompressionMethods {
		hasNull = hasNull || m == 0
	}
	if !hasNull {
		return nil, alert.New(alert.IllegalParameter, "client does not offer the null compression method")
	}
	if err := checkPointFormats(ch); err != nil {
		return nil, err
	}
	renegInfo, secure, err := s.checkClientRenegotiationInfo(ch)
	if err != nil {
		return nil, err
	}
	if err := s.Reneg.checkExtendedMasterSecret(ch.ExtendedMasterSecret); err != nil {
		return nil, err
	}
	s.renegInfo = renegInfo
	s.info.SecureRenegotiation = secure
	s.info.ServerName = ch.ServerName
	s.clientRandom = ch.Random
	s.info.ClientRandom = ch.Random
	if st, byTicket, err := s.findSession12(ch); err != nil {
		return nil, err
	} else if st != nil {
		return s.resume12(ch, msg, st, byTicket)
	}

	suite, cert, scheme, group, err := s.chooseSuite(ch)
	if err != nil {
		return nil, err
	}
	s.suite, s.cert = suite, cert
	s.prf = prf.ForVersion(s.version, suite)
	s.ems = ch.ExtendedMasterSecret
	if err := s.negotiateEncryptThenMAC(ch); err != nil {
		return nil, err
	}
	limReply, lim, err := cfg.answerLimits(ch.Limits, s.version)
	if err != nil {
		return nil, err
	}
	if err := s.chooseALPN(ch); err != nil {
		return nil, err
	}
	random, err := s.serverRandomFor()
	if err != nil {
		return nil, err
	}
	s.serverRandom = random
	s.record(msg)
	id, err := s.newSessionID()
	if err != nil {
		return nil, err
	}
	s.info.SessionID = id
	s.sendTicket = r12Tickets(s, ch)

	var f flight
	f.add(Action{Kind: SetVersion, Version: s.version})
	sh := &wire.ServerHello{
		Version:                  s.wireVersion(s.version),
		Random:                   random,
		CipherSuite:              suite.ID,
		ExtendedMasterSecret:     s.ems,
		EncryptThenMAC:           s.etm,
		SecureRenegotiationValid: secure,
		SecureRenegotiation:      renegInfo,
		ALPNProtocol:             s.info.NegotiatedProtocol,
		ServerNameAck:            s.sniUsed,
		SessionID:                id,
		SessionTicketExt:         s.sendTicket,
		Limits:                   limReply,
	}
	s.answerNPN(ch, sh)
	staple := stapleFor(ch, cert)
	sh.StatusRequest = staple != nil
	if err := s.answerDTLSExts(ch, sh); err != nil {
		return nil, err
	}
	if suite.KX.UsesCurves() && ch.ECPointFormats != nil {
		sh.ECPointFormats = []uint8{0}
	}
	if err := s.sendRecorded(&f, sh); err != nil {
		return nil, err
	}
	// RFC 6066, Section 4: the limit applies from the next message on,
	// the server's Certificate included.
	limitsAction(&f, lim)
	if cert != nil {
		if err := s.sendCertificate(&f, cert, false, staple); err != nil {
			return nil, err
		}
	}
	switch suite.KX {
	case suites.KXPSK, suites.KXECDHEPSK, suites.KXDHEPSK, suites.KXRSAPSK:
		if err := s.startPSK(&f, suite, group); err != nil {
			return nil, err
		}
	case suites.KXSRPAnon, suites.KXSRPRSA, suites.KXSRPDSS:
		if err := s.startSRP(&f, cert, scheme); err != nil {
			return nil, err
		}
	case suites.KXDHAnon, suites.KXECDHAnon:
		if err := s.startAnon(&f, suite, group); err != nil {
			return nil, err
		}
	case suites.KXECDHECDSA, suites.KXECDHRSA:
		if err := s.startStaticECDH(); err != nil {
			return nil, err
		}
	case suites.KXRSA:
		dec, ok := cert.Key.(crypto.Decrypter)
		if !ok {
			return nil, alert.New(alert.InternalError, "RSA key cannot decrypt")
		}
		s.kx = kx.NewRSAServerVersion(dec, ch.Version, s.version, cfg.Rand)
	default:
		x, err := s.ephemeralKX(suite, group)
		if err != nil {
			return nil, err
		}
		s.kx = x
		s.info.Group = group
		params, err := x.ServerParams()
		if err != nil {
			return nil, alert.New(alert.InternalError, err.Error())
		}
		if err := s.sendSignedParams(&f, params, cert, scheme); err != nil {
			return nil, err
		}
	}
	if cfg.Verify && !suite.KX.Certless() {
		cr := &wire.CertificateRequest{
			HasSignatureAlgorithms: s.version >= wire.VersionTLS12,
			CertificateTypes:       cfg.clientCertTypes(),
			CertificateAuthorities: cfg.authoritiesToSend(),
		}
		if cr.HasSignatureAlgorithms {
			cr.SignatureAlgorithms = filter12(cfg.SignatureSchemes)
		}
		if err := s.sendRecorded(&f, cr); err != nil {
			return nil, err
		}
		s.requested = true
	}
	if err := s.sendRecorded(&f, &wire.ServerHelloDone{}); err != nil {
		return nil, err
	}
	f.add(Action{Kind: Flush})
	if s.requested {
		s.state = serverWaitCertificate
	} else {
		s.state = serverWaitKeyExchange
		s.digestOnlyWithoutAuth()
	}
	return f, nil
}

// sendSignedParams adds a ServerKeyExchange to f: params, then their
// signature with cert's key over both randoms and params (RFC 5246,
// 7.4.3; RFC 8422, 5.4; RFC 5054, 2.7).
func (s *Server) sendSignedParams(f *flight, params []byte, cert *CertKey, scheme uint16) error {
	signed := make([]byte, 0, 64+len(params))
	signed = append(signed, s.clientRandom...)
	signed = append(signed, s.serverRandom...)
	signed = append(signed, params...)
	sig, err := kx.Sign(cert.Key, scheme, s.version, signed, s.cfg.Rand)
	if err != nil {
		return alert.New(alert.InternalError, "signing ServerKeyExchange: "+err.Error())
	}
	body := append([]byte(nil), params...)
	if s.version >= wire.VersionTLS12 {
		body = append(body, byte(scheme>>8), byte(scheme))
	}
	body = append(body, byte(len(sig)>>8), byte(len(sig)))
	body = append(body, sig...)
	s.info.SignatureScheme = scheme
	return s.sendRecorded(f, &wire.ServerKeyExchange{Key: body})
}

// serverRandomFor returns the server random, with the downgrade
// sentinel of RFC 8446, 4.1.3 when the server could do better.
func (s *Server) serverRandomFor() ([]byte, error) {
	random, err := s.random()
	if err != nil {
		return nil, err
	}
	if containsU16(s.cfg.Versions, wire.VersionTLS13) && s.version == wire.VersionTLS12 {
		copy(random[24:], wire.DowngradeTLS12[:])
	} else if containsU16(s.cfg.Versions, wire.VersionTLS12) && s.version < wire.VersionTLS12 {
		copy(random[24:], wire.DowngradeTLS11[:])
	}
	return random, nil
}

func (s *Server) sendRecorded(f *flight, m interface {
	Type() uint8
	Marshal() ([]byte, error)
	Unmarshal([]byte) bool
}) error {
	if err := f.send(m); err != nil {
		return err
	}
	s.record((*f)[len(*f)-1].Data)
	return nil
}

// chooseALPN picks the first of the server's protocols that the client
// offers (RFC 7301, 3.2); without a common one the connection fails.
func (s *Server) chooseALPN(ch *wire.ClientHello) error {
	if len(ch.ALPNProtocols) == 0 || len(s.cfg.ALPNPreferred) == 0 {
		return nil
	}
	for _, p := range s.cfg.ALPNPreferred {
		for _, q := range ch.ALPNProtocols {
			if p == q {
				s.info.NegotiatedProtocol = p
				return nil
			}
		}
	}
	return alert.New(alert.NoApplicationProtocol, "no ALPN protocol in common")
}

// chooseVersion picks the highest version both support (RFC 5246,
// Appendix E.1) and applies RFC 7507's fallback check.
func (s *Server) chooseVersion(ch *wire.ClientHello) error {
	clientMax := s.clientVersion(ch.Version)
	if clientMax > wire.VersionTLS12 {
		clientMax = wire.VersionTLS12
	}
	for _, v := range s.cfg.Versions {
		// A client that lists its versions (RFC 8446, 4.2.1) is taken at
		// its word, so a TLS 1.3-only client gets protocol_version
		// rather than a suite mismatch. A DTLS client lists DTLS
		// versions (RFC 9147, 5.3).
		if ch.SupportedVersions != nil && !containsU16(ch.SupportedVersions, s.wireVersion(v)) {
			continue
		}
		if v <= clientMax || ch.SupportedVersions != nil {
			s.version = v
			break
		}
	}
	if s.version == 0 {
		return alert.New(alert.ProtocolVersion, "client offers "+wire.VersionName(ch.Version)+" and older; not enabled")
	}
	if containsU16(ch.CipherSuites, wire.SCSVFallback) && s.version < s.cfg.Versions[0] {
		return alert.New(alert.InappropriateFallback, "TLS_FALLBACK_SCSV from a client that could do better")
	}
	return nil
}

// chooseSuite picks a suite by the client's order, or by ours under
// honor_cipher_order, that fits the version, one of our certificates, a
// common group and a common signature scheme.
func (s *Server) chooseSuite(ch *wire.ClientHello) (*suites.Suite, *CertKey, uint16, uint16, error) {
	cfg := s.cfg
	group := s.chooseGroup(ch)
	ffGroup, ffOK := s.chooseFFDHE(ch)
	groupFor := func(su *suites.Suite) uint16 {
		if su.KX.FiniteField() {
			return ffGroup
		}
		return group
	}
	uncompressed := ch.ECPointFormats == nil
	for _, f := range ch.ECPointFormats {
		uncompressed = uncompressed || f == 0
	}
	srpMissing := false
	// A certificate the client did not say it can verify is used only
	// when no suite works without one (today's behaviour with a single
	// certificate; see certFitsClient).
	fits := make([]int8, len(cfg.Certs)) // 0 unknown, 1 fits, -1 not
	anyUnfit := false
	fitsClient := func(i int) bool {
		if fits[i] == 0 {
			fits[i] = -1
			if s.certFitsClient(&cfg.Certs[i], ch) {
				fits[i] = 1
			} else {
				anyUnfit = true
			}
		}
		return fits[i] == 1
	}
	try := func(suite *suites.Suite, strict bool) (*CertKey, uint16, bool) {
		if suite == nil || !suite.SupportsVersion(s.version) || !s.pskUsable(suite) || !s.srpUsable(suite, ch, &srpMissing) {
			return nil, 0, false
		}
		if s.cfg.DTLS && suite.Cipher.Stream() {
			return nil, 0, false // RFC 6347, 4.1.2.2: no stream ciphers in DTLS
		}
		// Static ECDH's curve is the certificate's (staticECDHFits).
		if suite.KX.UsesCurves() && (group == 0 && !suite.KX.StaticECDH() || !uncompressed) {
			return nil, 0, false
		}
		if suite.KX.FiniteField() && !ffOK {
			return nil, 0, false
		}
		if suite.KX.Certless() {
			return nil, 0, true
		}
		for i := range cfg.Certs {
			ck := &cfg.Certs[i]
			if strict && !fitsClient(i) {
				continue
			}
			if suite.KX.StaticECDH() {
				if staticECDHFits(ck, suite.KX, ch) {
					return ck, 0, true
				}
				continue
			}
			if !keyFitsKX(ck.Key, suite.KX, s.version) {
				continue
			}
			if !suite.KX.Signed() {
				return ck, 0, true
			}
			if scheme, ok := s.chooseScheme(ch, ck); ok {
				return ck, scheme, true
			}
		}
		return nil, 0, false
	}
	ours := func(id uint16) *suites.Suite {
		for _, su := range cfg.Suites {
			if su.ID == id {
				return su
			}
		}
		return nil
	}
	// First with only the certificates the client can verify, then, if
	// one it may not could still serve, with every certificate.
	for _, strict := range []bool{true, false} {
		if !strict && !anyUnfit {
			break
		}
		if cfg.HonorCipherOrder {
			for _, su := range cfg.Suites {
				if containsU16(ch.CipherSuites, su.ID) {
					if ck, sc, ok := try(su, strict); ok {
						return su, ck, sc, groupFor(su), nil
					}
				}
			}
		} else {
			for _, id := range ch.CipherSuites {
				if su := ours(id); su != nil {
					if ck, sc, ok := try(su, strict); ok {
						return su, ck, sc, groupFor(su), nil
					}
				}
			}
		}
	}
	if !ffOK && s.offersDHE(ch) {
		return nil, nil, 0, 0, alert.New(alert.InsufficientSecurity, "no suite in common but DHE, and no ffdhe group in common (RFC 7919, Section 4)")
	}
	if srpMissing {
		return nil, nil, 0, 0, alert.New(alert.UnknownPSKIdentity, "the client offers SRP suites without its username (RFC 5054, 2.5.1.2)")
	}
	return nil, nil, 0, 0, alert.New(alert.HandshakeFailure, "no cipher suite in common")
}

func (s *Server) chooseGroup(ch *wire.ClientHello) uint16 {
	if ch.SupportedGroups == nil {
		// RFC 4492, 4: without the extension the server may choose
		// any curve. A client that omits it predates RFC 7748 and most
		// likely knows only the NIST curves, so P-256 where we have it
		// (as OpenSSL and NSS pick); x25519, often first in ours, it
		// would refuse.
		if containsU16(s.cfg.Groups, wire.GroupSecp256r1) {
			return wire.GroupSecp256r1
		}
		return s.cfg.Groups[0]
	}
	if s.cfg.HonorECCOrder {
		for _, g := range s.cfg.Groups {
			if containsU16(ch.SupportedGroups, g) {
				return g
			}
		}
		return 0
	}
	for _, g := range ch.SupportedGroups {
		if containsU16(s.cfg.Groups, g) {
			return g
		}
	}
	return 0
}

// certFitsClient reports whether the client said it can verify ck: an
// ECDSA leaf on a curve of its supported_groups, which before TLS 1.3
// names the curves of certificates too (RFC 8422, 5.1), and, from TLS
// 1.2, a chain signed only with schemes of its signature_algorithms_cert,
// or of signature_algorithms when it sent none (RFC 8446, 4.2.3; RFC
// 5246, 7.4.2). chooseSuite prefers such a certificate, but sends
// another rather than none: a client whose eccs name only its ECDHE
// curves (OTP's clients do so) may still verify a certificate on a curve
// it left out, and a peer that cannot fails with bad_certificate just as
// it would have without one. So a server with a single ECDSA
// certificate on a curve the client did not list still uses it when no
// other suite is possible (BoGo's CheckECDSACurve-TLS12 expects a
// refusal), and takes a certificate-less suite the client also offers
// when there is one (CheckECDSACurve-PSK-TLS12).
func (s *Server) certFitsClient(ck *CertKey, ch *wire.ClientHello) bool {
	pub := ck.Key.Public()
	if kx.IsECDSAKey(pub) && ch.SupportedGroups != nil && !containsU16(ch.SupportedGroups, kx.ECDSAKeyGroup(pub)) {
		return false
	}
	if s.version < wire.VersionTLS12 {
		return true
	}
	algs := ch.SignatureAlgorithmsCert
	if algs == nil {
		algs = ch.SignatureAlgorithms
	}
	return algs == nil || chainFits(ck, algs)
}

// chooseScheme picks the signature scheme for the ServerKeyExchange.
// RFC 5246, 7.4.1.4.1: a client that sends no signature_algorithms
// accepts SHA-1 with the certificate's algorithm.
func (s *Server) chooseScheme(ch *wire.ClientHello, ck *CertKey) (uint16, bool) {
	if s.version < wire.VersionTLS12 {
		return 0, true
	}
	offered := ch.SignatureAlgorithms
	if offered == nil {
		offered = []uint16{wire.SigRSAPKCS1SHA1, wire.SigDSASHA1, wire.SigECDSASHA1}
	}
	for _, sc := range kx.SignatureSchemesForKey(ck.Key.Public(), s.version) {
		if containsU16(offered, sc) && containsU16(s.cfg.SignatureSchemes, sc) {
			return sc, true
		}
	}
	return 0, false
}

func keyFitsKX(key crypto.Signer, k suites.KeyExchange, version uint16) bool {
	switch key.Public().(type) {
	case *rsa.PublicKey:
		return k == suites.KXRSA || k == suites.KXECDHERSA || k == suites.KXDHERSA || k == suites.KXSRPRSA || k == suites.KXRSAPSK
	case *dsa.PublicKey:
		return k.DSS()
	}
	if kx.IsECDSAKey(key.Public()) {
		return k == suites.KXECDHEECDSA
	}
	if kx.IsEdDSAKey(key.Public()) {
		// RFC 8422, 5.10: EdDSA certificates serve ECDHE_ECDSA suites
		// from TLS 1.2 on.
		return k == suites.KXECDHEECDSA && version >= wire.VersionTLS12
	}
	return false
}

func (s *Server) handleCertificate(msg []byte) error {
	var cm wire.Certificate
	if !cm.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed Certificate")
	}
	s.record(msg)
	s.state = serverWaitKeyExchange
	if len(cm.Entries) == 0 {
		if s.cfg.FailIfNoPeerCert {
			return alert.New(alert.HandshakeFailure, "no client certificate provided")
		}
		return nil
	}
	certs, err := parseChain(&cm)
	if err != nil {
		return err
	}
	if _, isDSA := certs[0].PublicKey.(*dsa.PublicKey); isDSA && !s.cfg.dsaEnabled() {
		// RFC 5246, 7.4.6: the certificate must be of a type the
		// CertificateRequest listed; dss_sign is listed only with DSA.
		return alert.New(alert.UnsupportedCertificate, "DSA client certificate, but DSA is not enabled (signature_algs lists no DSA pair)")
	}
	path, err := s.verifyPeer(&cm, pki.ClientAuth, "", nil)
	if err != nil {
		return err
	}
	s.info.PeerCertificates = certs
	s.info.VerifiedChain = path
	s.clientCert = certs[0]
	return nil
}

func (s *Server) handleClientKeyExchange(msg []byte) error {
	var cke wire.ClientKeyExchange
	if !cke.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed ClientKeyExchange")
	}
	premaster, err := s.kx.ProcessClientKeyExchange(cke.Key)
	if err != nil {
		return err
	}
	s.record(msg)
	s.deriveMaster(premaster)
	if s.clientCert != nil {
		s.state = serverWaitCertificateVerify
	} else {
		s.state = serverWaitCCS
	}
	return nil
}

func (s *Server) handleCertificateVerify(msg []byte) error {
	cv := &wire.CertificateVerify{HasAlgorithm: s.version >= wire.VersionTLS12}
	if !cv.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed CertificateVerify")
	}
	if cv.HasAlgorithm && !containsU16(s.cfg.SignatureSchemes, cv.Algorithm) {
		return alert.New(alert.IllegalParameter, "CertificateVerify uses a signature scheme that was not offered")
	}
	if err := s.verifyCertificateVerify(cv); err != nil {
		return err
	}
	s.record(msg)
	s.state = serverWaitCCS
	return nil
}

func (s *Server) handleFinished(msg []byte) ([]Action, error) {
	vd, err := s.checkFinished(msg, true)
	if err != nil {
		return nil, err
	}
	s.info.ClientVerifyData = vd
	if s.resumed {
		s.fillInfo()
		s.state = serverDone
		s.transcript.Reset()
		return nil, nil
	}
	var f flight
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
	s.fillInfo()
	s.state = serverDone
	s.transcript.Reset()
	s.storeSession12()
	return f, nil
}

// checkPointFormats applies RFC 8422, 5.1.2: "If the client sends the
// extension and the extension does not contain the uncompressed point
// format, and the client has used the Supported Groups extension to
// indicate support for any of the curves defined in this specification,
// then the server MUST abort the handshake and return an
// illegal_parameter alert."
func checkPointFormats(ch *wire.ClientHello) error {
	if ch.ECPointFormats == nil || slices.Contains(ch.ECPointFormats, 0) {
		return nil
	}
	for _, g := range ch.SupportedGroups {
		if kx.GroupIsElliptic(g) {
			return alert.New(alert.IllegalParameter, "ec_point_formats without the uncompressed format")
		}
	}
	return nil
}

// negotiateEncryptThenMAC accepts a client's encrypt_then_mac when the
// chosen suite is CBC (RFC 7366, Section 3: never with a stream or AEAD
// suite), and refuses a renegotiation that would drop it (Section 3.1).
func (s *Server) negotiateEncryptThenMAC(ch *wire.ClientHello) error {
	s.etm = ch.EncryptThenMAC && s.suite.Cipher.CBC()
	return s.Reneg.checkEncryptThenMAC(s.etm)
}
