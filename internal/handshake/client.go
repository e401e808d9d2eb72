package handshake

import (
	"bytes"
	"slices"
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of DSA certificates
	"crypto/rsa"
	"crypto/x509"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/prf"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

type clientState uint8

const (
	clientStart clientState = iota
	clientWaitServerHello
	clientWaitCertificate
	clientWaitKeyExchange // ServerKeyExchange, or for RSA CertificateRequest / ServerHelloDone
	clientWaitDone        // CertificateRequest or ServerHelloDone
	clientWaitCCS
	clientWaitFinished
	clientDone
)

var clientStateNames = [...]string{"start", "hello", "certify", "key_exchange", "certify", "cipher", "finished", "connection"}

// Client is the TLS 1.0–1.2 client state machine (RFC 5246, Section 7.3).
type Client struct {
	session
	state clientState

	hello   *wire.ClientHello
	offered []uint16 // suite ids offered
	npn     bool     // the server answered next_protocol_negotiation (npn.go)
	kx      kx.ClientKeyExchanger
	// cke is the ClientKeyExchange's agreement, started while the
	// ServerKeyExchange signature is checked (agreement.go), and ckeBody
	// the message body that goes with it.
	cke        *agreement
	ckeBody    []byte
	serverCert *x509.Certificate
	certReq    *wire.CertificateRequest
	// statusAcked: the TLS 1.2 ServerHello answered status_request, so a
	// CertificateStatus may follow the Certificate, which then waits in
	// pendingCert for its validation (stapling.go).
	statusAcked bool
	pendingCert *wire.Certificate

	// TLS 1.3: the key shares sent, and the 1.3 machine once the
	// ServerHello selects that version.
	shares map[uint16]kx.KeyShare
	v13    *client13
	ticket *sess.ClientTicket // offered for resumption
	extPSK bool               // ticket is an external PSK (extpsk13.go)

	ccsSent   bool // the compatibility ChangeCipherSpec went out
	earlySent bool // 0-RTT data went out after the ClientHello

	// Sessions configures TLS 1.0–1.2 resumption (resume12.go); set by
	// the driver before Start.
	Sessions   *Sessions12
	offered12  *sess.State12 // the session offered in the ClientHello
	resumed    bool          // the server resumed it (RFC 5246, 7.3)
	expectTkt  bool          // the ServerHello promised a NewSessionTicket
	gotTicket  bool
	newTicket  []byte
	ticketHint time.Duration
	saved      *sess.State12

	// Reneg is set by the driver for a renegotiation (renegotiate.go).
	Reneg *Renegotiation
	// Cookie is the DTLS cookie the first ClientHello carries: in a
	// renegotiation, the association's last one (DTLSCookie). OpenSSL
	// servers (3.0) take a renegotiating ClientHello without a cookie
	// for one to answer with a HelloVerifyRequest, yet send none (the
	// association's cookie is verified already) and go on with the
	// previous handshake's randoms, which fails the new handshake;
	// Erlang/OTP's client resends its cookie for the same reason.
	Cookie []byte
}

// NewClient returns a client machine for cfg.
func NewClient(cfg *Config) *Client {
	c := &Client{}
	c.cfg = cfg
	return c
}

// Done reports whether the handshake completed.
func (c *Client) Done() bool { return c.state == clientDone }

// Prepare implements Machine: a TLS 1.2 client that has sent its Finished
// computes the server's.
func (c *Client) Prepare() {
	if c.v13 == nil && c.state == clientWaitCCS {
		c.prepareFinished(false)
	}
}

// WantsChangeCipherSpec reports whether a TLS 1.2 (DTLS) client takes
// the server's ChangeCipherSpec now: every handshake message before it
// has come. In DTLS a ChangeCipherSpec may overtake them (RFC 6347,
// 4.1); the driver keeps it until then.
func (c *Client) WantsChangeCipherSpec() bool {
	return c.v13 == nil && c.state == clientWaitCCS && (!c.expectTkt || c.gotTicket)
}

// Info describes the connection.
func (c *Client) Info() *Info { return &c.info }

// State is the name of the current state, for error messages.
func (c *Client) State() string {
	if c.v13 != nil {
		return c.v13.State()
	}
	return clientStateNames[c.state]
}

// Start builds the ClientHello (RFC 5246, 7.4.1.2).
func (c *Client) Start() ([]Action, error) {
	if c.dtlsEnter() {
		return c.dtlsCall(nil, func([]byte) ([]Action, error) { return c.Start() })
	}
	if c.state != clientStart {
		return nil, alert.New(alert.InternalError, "handshake already started")
	}
	cfg := c.cfg
	random, err := c.random()
	if err != nil {
		return nil, err
	}
	c.clientRandom = random
	c.info.ClientRandom = random
	maxV := cfg.Versions[0]
	ch := &wire.ClientHello{
		Version:                  c.wireVersion(maxV),
		DTLS:                     cfg.DTLS,
		Cookie:                   c.Cookie,
		Random:                   random,
		CompressionMethods:       []uint8{0},
		ServerName:               cfg.ServerName,
		ExtendedMasterSecret:     true,
		SecureRenegotiationValid: true,
		StatusRequest:            cfg.Stapling,
	}
	minV := cfg.Versions[len(cfg.Versions)-1]
	hasECDHE, hasDHE := false, false
	for _, s := range cfg.Suites {
		if s.MaxVersion >= minV && s.MinVersion <= maxV && (!s.KX.PSK() || cfg.ClientPSK != nil) && (!s.KX.SRP() || cfg.SRPUser != "") &&
			!(cfg.DTLS && s.Cipher.Stream()) {
			ch.CipherSuites = append(ch.CipherSuites, s.ID)
			hasECDHE = hasECDHE || s.KX.UsesCurves()
			hasDHE = hasDHE || s.KX.FiniteField()
			// RFC 7366, Section 2: offered whenever a CBC suite is, as
			// OpenSSL does by default, over DTLS too.
			ch.EncryptThenMAC = ch.EncryptThenMAC || s.Cipher.CBC()
		}
	}
	if len(ch.CipherSuites) == 0 {
		return nil, alert.New(alert.InternalError, "no cipher suite is usable with the configured versions")
	}
	c.offered = append([]uint16(nil), ch.CipherSuites...)
	c.offerSRP(ch)
	if cfg.Fallback {
		// RFC 7507, Section 4: a client retrying with a lower version
		// than it supports says so.
		ch.CipherSuites = append(ch.CipherSuites, wire.SCSVFallback)
	}
	if hasECDHE {
		ch.SupportedGroups = cfg.Groups
		ch.ECPointFormats = []uint8{0} // uncompressed only (RFC 8422, 5.1.2)
	}
	if hasDHE {
		ch.SupportedGroups = append(append([]uint16(nil), ch.SupportedGroups...), c.ffdheOffer()...)
	}
	if maxV >= wire.VersionTLS12 {
		ch.SignatureAlgorithms = filter12(cfg.SignatureSchemes)
		ch.SignatureAlgorithmsCert = cfg.SignatureSchemesCert
	}
	ch.ALPNProtocols = cfg.ALPNProtocols
	if c.tls13Offered() {
		if err := c.addTLS13(ch); err != nil {
			return nil, err
		}
	}
	c.clientRenegotiationInfo(ch)
	if err := c.offerSession12(ch); err != nil {
		return nil, err
	}
	cfg.offerLimits(ch, maxV)
	c.offerNPN(ch)
	if err := c.offerDTLSExts(ch); err != nil {
		return nil, err
	}
	if maxV == wire.VersionSSL30 {
		ch = ssl3ClientHello(ch)
	}
	c.hello = ch
	c.state = clientWaitServerHello
	raw, err := c.sealBinder(ch)
	if err != nil {
		return nil, err
	}
	f := flight{{Kind: SendMessage, Data: raw}}
	c.record(raw)
	if ch.EarlyData {
		c.sendEarlyData(&f)
	}
	f.add(Action{Kind: Flush})
	return f, nil
}

// HandleChangeCipherSpec installs the server's write keys for reading.
func (c *Client) HandleChangeCipherSpec() ([]Action, error) {
	if c.v13 != nil || (c.state == clientWaitServerHello && c.tls13Offered()) {
		// RFC 8446, 5: a compatibility ChangeCipherSpec is dropped.
		if c.state == clientDone {
			return nil, alert.New(alert.UnexpectedMessage, "ChangeCipherSpec after the handshake")
		}
		return nil, nil
	}
	if c.state != clientWaitCCS {
		return nil, alert.New(alert.UnexpectedMessage, "ChangeCipherSpec in state "+c.State())
	}
	if c.expectTkt && !c.gotTicket {
		return nil, alert.New(alert.UnexpectedMessage, "ChangeCipherSpec without the NewSessionTicket the ServerHello promised (RFC 5077, 3.3)")
	}
	_, server := c.keys()
	c.state = clientWaitFinished
	return []Action{{Kind: SetReadKeys, Keys: server}}, nil
}

// HandleMessage advances the machine with one handshake message.
func (c *Client) HandleMessage(msg []byte) ([]Action, error) {
	if c.dtlsEnter() {
		return c.dtlsCall(msg, c.handleDTLS)
	}
	if c.v13 != nil {
		return c.v13.handle(msg)
	}
	acts, err := c.handle12(msg)
	if err != nil && c.cke != nil {
		// The handshake ends here: wait for the agreement started at the
		// ServerKeyExchange and erase its secret.
		c.cke.discard()
		c.cke, c.ckeBody = nil, nil
	}
	return acts, err
}

func (c *Client) handle12(msg []byte) ([]Action, error) {
	if c.pendingCert != nil {
		if done, err := c.handlePendingStatus12(msg); done || err != nil {
			return nil, err
		}
	}
	switch c.state {
	case clientWaitServerHello:
		if msg[0] == wire.TypeHelloRequest {
			return nil, nil // RFC 5246, 7.4.1.1: ignored while negotiating
		}
		if msg[0] != wire.TypeServerHello {
			return nil, unexpected(msg, c.State())
		}
		return c.handleServerHello(msg)
	case clientWaitCertificate:
		if msg[0] != wire.TypeCertificate {
			return nil, unexpected(msg, c.State())
		}
		return nil, c.handleCertificate(msg)
	case clientWaitKeyExchange:
		if c.suite.KX.PSK() {
			return c.handlePSKServerKeyExchange(msg)
		}
		if c.suite.KX.Ephemeral() || c.suite.KX.SRP() || c.suite.KX.Anon() {
			if msg[0] != wire.TypeServerKeyExchange {
				return nil, unexpected(msg, c.State())
			}
			return nil, c.handleServerKeyExchange(msg)
		}
		c.state = clientWaitDone
		return c.HandleMessage(msg)
	case clientWaitDone:
		switch msg[0] {
		case wire.TypeCertificateRequest:
			if c.certReq != nil {
				return nil, unexpected(msg, c.State())
			}
			return nil, c.handleCertificateRequest(msg)
		case wire.TypeServerHelloDone:
			return c.handleServerHelloDone(msg)
		}
		return nil, unexpected(msg, c.State())
	case clientWaitCCS:
		if msg[0] != wire.TypeNewSessionTicket || !c.expectTkt || c.gotTicket {
			return nil, unexpected(msg, c.State())
		}
		return nil, c.handleNewTicket12(msg)
	case clientWaitFinished:
		if msg[0] != wire.TypeFinished {
			return nil, unexpected(msg, c.State())
		}
		vd, err := c.checkFinished(msg, false)
		if err != nil {
			return nil, err
		}
		c.info.ServerVerifyData = vd
		var f flight
		if c.resumed {
			// Abbreviated handshake (RFC 5246, 7.3): our Finished follows
			// the server's.
			client, _ := c.keys()
			f.add(Action{Kind: SendChangeCipherSpec})
			f.add(Action{Kind: SetWriteKeys, Keys: client})
			if err := c.sendNextProtocol(&f); err != nil {
				return nil, err
			}
			cvd := c.finished(true)
			c.info.ClientVerifyData = cvd
			if err := f.send(&wire.Finished{VerifyData: cvd}); err != nil {
				return nil, err
			}
			c.record(f[len(f)-1].Data)
			f.add(Action{Kind: Flush})
		}
		c.fillInfo()
		c.state = clientDone
		c.transcript.Reset()
		c.saveSession12()
		return f, nil
	}
	return nil, unexpected(msg, c.State())
}

func (c *Client) handleServerHello(msg []byte) ([]Action, error) {
	var sh wire.ServerHello
	if !sh.Unmarshal(msg) {
		return nil, alert.New(alert.DecodeError, "malformed ServerHello")
	}
	sh.Version = c.fromWire(sh.Version)
	cfg := c.cfg
	if c.tls13Offered() && (sh.SupportedVersion != 0 || sh.IsHelloRetryRequest()) {
		// RFC 8446, 4.2.1: supported_versions selects TLS 1.3, the only
		// value it may carry in a ServerHello.
		if sh.SupportedVersion != wire.VersionTLS13 {
			return nil, alert.New(alert.IllegalParameter, "ServerHello selects a version that was not offered")
		}
		return c.enterTLS13(&sh, msg)
	}
	// RFC 8446, 4.1.3: a server that could do better says so in its
	// random; a client that could too refuses the downgrade.
	if tail := sh.Random[24:]; (c.tls13Offered() && (bytes.Equal(tail, wire.DowngradeTLS12[:]) || bytes.Equal(tail, wire.DowngradeTLS11[:]))) ||
		(sh.Version < wire.VersionTLS12 && containsU16(cfg.Versions, wire.VersionTLS12) && bytes.Equal(tail, wire.DowngradeTLS11[:])) {
		return nil, alert.New(alert.IllegalParameter, "downgrade sentinel in the server random")
	}
	// The server must pick what we offered (RFC 5246, 7.4.1.3): a
	// version, suite or compression we did not offer is refused.
	// A version above what we offered was never on the table
	// (illegal_parameter, as RFC 8446, 4.1.3 says for supported_versions);
	// one we offered implicitly but disabled is protocol_version (RFC
	// 5246, Appendix E.1).
	if sh.Version > cfg.Versions[0] {
		return nil, alert.New(alert.IllegalParameter, "server chose version "+wire.VersionName(sh.Version)+" above the offered "+wire.VersionName(cfg.Versions[0]))
	}
	if !containsU16(cfg.Versions, sh.Version) {
		return nil, alert.New(alert.ProtocolVersion, "server chose version "+wire.VersionName(sh.Version)+" which is not enabled")
	}
	if sh.SupportedVersion != 0 {
		return nil, alert.New(alert.IllegalParameter, "supported_versions in a TLS 1.2 ServerHello")
	}
	if sh.Version == wire.VersionSSL30 {
		if err := checkSSL3ServerHello(&sh); err != nil {
			return nil, err
		}
	}
	if !containsU16(c.offered, sh.CipherSuite) {
		return nil, alert.New(alert.IllegalParameter, "server chose a cipher suite that was not offered")
	}
	suite := suites.ByID(sh.CipherSuite)
	if suite == nil || !suite.SupportsVersion(sh.Version) {
		return nil, alert.New(alert.IllegalParameter, "server chose a cipher suite not valid at "+wire.VersionName(sh.Version))
	}
	if sh.CompressionMethod != 0 {
		return nil, alert.New(alert.IllegalParameter, "server chose a compression method that was not offered")
	}
	// RFC 5246, 7.4.1.4: extensions the client did not ask for are fatal.
	if err := c.checkALPN(sh.ALPNProtocol); err != nil {
		return nil, err
	}
	if sh.SessionTicketExt && !c.hello.SessionTicketExt {
		return nil, alert.New(alert.UnsupportedExtension, "session_ticket acknowledged but not sent")
	}
	// Some servers echo supported_groups, which the client sent and
	// which means nothing in a TLS 1.2 ServerHello (RFC 8422, 5.2): it
	// is ignored rather than refused.
	sh.Unknown = slices.DeleteFunc(sh.Unknown, func(e wire.Extension) bool { return e.Type == wire.ExtSupportedGroups })
	if err := c.checkEncryptThenMAC(&sh, suite); err != nil {
		return nil, err
	}
	if err := c.acceptNPN(&sh); err != nil {
		return nil, err
	}
	if err := c.acceptDTLSExts(&sh); err != nil {
		return nil, err
	}
	if len(sh.Unknown) > 0 || (sh.StatusRequest && !c.hello.StatusRequest) ||
		sh.KeyShare.Group != 0 || sh.PSKSelected || sh.TLS13Cookie != nil {
		return nil, alert.New(alert.UnsupportedExtension, "ServerHello carries an extension that was not offered")
	}
	if sh.ServerNameAck && cfg.ServerName == "" {
		return nil, alert.New(alert.UnsupportedExtension, "server_name acknowledged but not sent")
	}
	if sh.ECPointFormats != nil {
		ok := false
		for _, f := range sh.ECPointFormats {
			ok = ok || f == 0
		}
		if !ok {
			return nil, alert.New(alert.IllegalParameter, "server does not accept uncompressed points")
		}
	}
	if err := c.checkServerRenegotiationInfo(&sh); err != nil {
		return nil, err
	}
	if err := c.Reneg.checkExtendedMasterSecret(sh.ExtendedMasterSecret); err != nil {
		return nil, err
	}
	lim, err := acceptLimits(c.hello.Limits, sh.Limits, sh.Version)
	if err != nil {
		return nil, err
	}
	c.version = sh.Version
	c.suite = suite
	c.serverRandom = sh.Random
	c.ems = sh.ExtendedMasterSecret
	c.etm = sh.EncryptThenMAC
	c.prf = prf.ForVersion(c.version, suite)
	c.info.SessionID = sh.SessionID
	c.info.ServerName = cfg.ServerName
	c.expectTkt = sh.SessionTicketExt
	c.statusAcked = sh.StatusRequest
	c.record(msg)
	resumed, err := c.resumeServerHello(&sh)
	if err != nil {
		return nil, err
	}
	c.state = clientWaitCertificate
	if resumed {
		c.state = clientWaitCCS
	} else if suite.KX.Certless() && (c.startPSK(suite) || c.startSRP(suite) || c.startAnon(suite)) {
		c.state = clientWaitKeyExchange
	}
	f := flight{{Kind: SetVersion, Version: sh.Version}}
	limitsAction(&f, lim)
	return f, nil
}

// checkEncryptThenMAC checks a ServerHello's encrypt_then_mac: only if
// offered, and only with a CBC suite (RFC 7366, Section 3: a server
// MUST NOT send it with a stream or AEAD suite); a renegotiation may
// not drop it.
func (c *Client) checkEncryptThenMAC(sh *wire.ServerHello, suite *suites.Suite) error {
	if sh.EncryptThenMAC && !c.hello.EncryptThenMAC {
		return alert.New(alert.UnsupportedExtension, "encrypt_then_mac acknowledged but not sent")
	}
	if sh.EncryptThenMAC && !suite.Cipher.CBC() {
		return alert.New(alert.IllegalParameter, "encrypt_then_mac with a suite that is not CBC (RFC 7366, 3)")
	}
	return c.Reneg.checkEncryptThenMAC(sh.EncryptThenMAC)
}

func (c *Client) handleCertificate(msg []byte) error {
	var cm wire.Certificate
	if !cm.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed Certificate")
	}
	if len(cm.Entries) == 0 {
		return alert.New(alert.DecodeError, "server sent no certificate")
	}
	certs, err := parseChain(&cm)
	if err != nil {
		return err
	}
	if err := c.Reneg.checkServerCert(certs[0].Raw); err != nil {
		return err
	}
	c.info.PeerCertificates = certs
	if c.statusAcked {
		// The staple, if any, comes next (RFC 6066, Section 8): the
		// validation waits for it. cm aliases msg, which the driver
		// may reuse.
		c.pendingCert = &wire.Certificate{}
		if !c.pendingCert.Unmarshal(append([]byte(nil), msg...)) {
			return alert.New(alert.InternalError, "Certificate did not parse twice")
		}
	} else if err := c.verifyServerChain(&cm, nil); err != nil {
		return err
	}
	leaf := certs[0]
	if err := checkServerKeyUsage(leaf, c.suite.KX); err != nil {
		return err
	}
	// The certificate's key must fit the key exchange (RFC 5246, 7.4.2).
	switch c.suite.KX {
	case suites.KXRSA:
		pub, ok := leaf.PublicKey.(*rsa.PublicKey)
		if !ok {
			return alert.New(alert.UnsupportedCertificate, "RSA key exchange needs an RSA certificate")
		}
		c.kx = kx.NewRSAClientVersion(pub, c.hello.Version, c.version, c.cfg.Rand)
	case suites.KXECDHERSA:
		if _, ok := leaf.PublicKey.(*rsa.PublicKey); !ok {
			return alert.New(alert.UnsupportedCertificate, "ECDHE_RSA needs an RSA certificate")
		}
		c.kx = kx.NewECDHEClient(c.cfg.Groups, c.cfg.Rand)
	case suites.KXDHERSA:
		if _, ok := leaf.PublicKey.(*rsa.PublicKey); !ok {
			return alert.New(alert.UnsupportedCertificate, "DHE_RSA needs an RSA certificate")
		}
		c.kx = kx.NewDHEClient(c.dhMinBits(), c.cfg.Rand)
	case suites.KXDHEDSS:
		if _, ok := leaf.PublicKey.(*dsa.PublicKey); !ok {
			return alert.New(alert.UnsupportedCertificate, "DHE_DSS needs a DSA certificate")
		}
		c.kx = kx.NewDHEClient(c.dhMinBits(), c.cfg.Rand)
	case suites.KXSRPRSA:
		if _, ok := leaf.PublicKey.(*rsa.PublicKey); !ok {
			return alert.New(alert.UnsupportedCertificate, "SRP_SHA_RSA needs an RSA certificate")
		}
		c.startSRP(c.suite)
	case suites.KXRSAPSK:
		if err := c.startRSAPSK(leaf); err != nil {
			return err
		}
	case suites.KXSRPDSS:
		if _, ok := leaf.PublicKey.(*dsa.PublicKey); !ok {
			return alert.New(alert.UnsupportedCertificate, "SRP_SHA_DSS needs a DSA certificate")
		}
		c.startSRP(c.suite)
	case suites.KXECDHECDSA, suites.KXECDHRSA:
		if err := c.startStaticECDH(leaf); err != nil {
			return err
		}
	case suites.KXECDHEECDSA:
		if !kx.IsECDSAKey(leaf.PublicKey) && !kx.IsEdDSAKey(leaf.PublicKey) {
			return alert.New(alert.UnsupportedCertificate, "ECDHE_ECDSA needs an ECDSA or EdDSA certificate")
		}
		c.kx = kx.NewECDHEClient(c.cfg.Groups, c.cfg.Rand)
	}
	c.serverCert = leaf
	c.record(msg)
	c.state = clientWaitKeyExchange
	return nil
}

func (c *Client) handleServerKeyExchange(msg []byte) error {
	var ske wire.ServerKeyExchange
	if !ske.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed ServerKeyExchange")
	}
	n, err := c.kx.ProcessServerParams(ske.Key)
	if err != nil {
		return err
	}
	if !c.suite.KX.Signed() {
		return c.acceptUnsignedParams(msg, n, len(ske.Key))
	}
	params, rest := ske.Key[:n], ske.Key[n:]
	scheme, sig, err := parseDigitallySigned(rest, c.version)
	if err != nil {
		return err
	}
	if c.version >= wire.VersionTLS12 && !containsU16(c.cfg.SignatureSchemes, scheme) {
		return alert.New(alert.IllegalParameter, "ServerKeyExchange signed with a scheme that was not offered")
	}
	signed := make([]byte, 0, 64+len(params))
	signed = append(signed, c.clientRandom...)
	signed = append(signed, c.serverRandom...)
	signed = append(signed, params...)
	if p, ok := c.kx.(kx.PreparedClientKeyExchanger); ok {
		// Nothing is sent until the signature checks out; the
		// agreement only computes meanwhile.
		body, agree, err := p.PrepareClientKeyExchange()
		if err != nil {
			return err
		}
		c.ckeBody, c.cke = body, startAgreement(agree, true)
	}
	if err := kx.Verify(c.serverCert.PublicKey, scheme, c.version, signed, sig); err != nil {
		if c.cke != nil {
			c.cke.discard()
			c.cke, c.ckeBody = nil, nil
		}
		return err
	}
	c.info.SignatureScheme = scheme
	if g, ok := c.kx.(interface{ Group() uint16 }); ok {
		c.info.Group = g.Group()
	}
	c.record(msg)
	c.state = clientWaitDone
	return nil
}

func (c *Client) handleCertificateRequest(msg []byte) error {
	if c.suite.KX.Anon() {
		// RFC 5246, 7.4.4: an anonymous server may not ask.
		return alert.New(alert.HandshakeFailure, "CertificateRequest from an anonymous server")
	}
	cr := &wire.CertificateRequest{HasSignatureAlgorithms: c.version >= wire.VersionTLS12}
	if !cr.Unmarshal(msg) {
		return alert.New(alert.DecodeError, "malformed CertificateRequest")
	}
	c.certReq = cr
	c.record(msg)
	return nil
}

func (c *Client) handleServerHelloDone(msg []byte) ([]Action, error) {
	var done wire.ServerHelloDone
	if !done.Unmarshal(msg) {
		return nil, alert.New(alert.DecodeError, "malformed ServerHelloDone")
	}
	c.record(msg)
	if c.certReq == nil {
		c.digestOnlyWithoutAuth()
	}
	var f flight
	// Client certificate (RFC 5246, 7.4.6): send one if asked, even empty.
	var chosen *CertKey
	var scheme uint16
	if c.certReq != nil {
		chosen, scheme = c.chooseClientCert()
	}
	if c.certReq != nil && chosen == nil && c.version == wire.VersionSSL30 {
		// RFC 6101, 5.6.6: no certificate is a no_certificate alert.
		f.add(Action{Kind: SendWarningAlert, Data: []byte{byte(alert.NoCertificate)}})
	} else if c.certReq != nil {
		cm := &wire.Certificate{}
		if chosen != nil {
			for _, d := range chosen.Chain {
				cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: d})
			}
		}
		if err := f.send(cm); err != nil {
			return nil, err
		}
		c.record(f[len(f)-1].Data)
	}
	var body, premaster []byte
	var err error
	if c.cke != nil {
		body = c.ckeBody
		premaster, err = c.cke.wait()
		c.cke, c.ckeBody = nil, nil
	} else {
		body, premaster, err = c.kx.ClientKeyExchange()
	}
	if err != nil {
		return nil, err
	}
	if err := f.send(&wire.ClientKeyExchange{Key: body}); err != nil {
		clear(premaster)
		return nil, err
	}
	c.record(f[len(f)-1].Data)
	c.deriveMaster(premaster)
	if chosen != nil {
		sig, err := c.signCertificateVerify(chosen, scheme)
		if err != nil {
			return nil, alert.New(alert.InternalError, "signing CertificateVerify: "+err.Error())
		}
		cv := &wire.CertificateVerify{HasAlgorithm: c.version >= wire.VersionTLS12, Algorithm: scheme, Signature: sig}
		if err := f.send(cv); err != nil {
			return nil, err
		}
		c.record(f[len(f)-1].Data)
	}
	client, _ := c.keys()
	f.add(Action{Kind: SendChangeCipherSpec})
	f.add(Action{Kind: SetWriteKeys, Keys: client})
	if err := c.sendNextProtocol(&f); err != nil {
		return nil, err
	}
	vd := c.finished(true)
	c.info.ClientVerifyData = vd
	if err := f.send(&wire.Finished{VerifyData: vd}); err != nil {
		return nil, err
	}
	c.record(f[len(f)-1].Data)
	f.add(Action{Kind: Flush})
	c.state = clientWaitCCS
	return f, nil
}

// chooseClientCert picks among the configured certificates (certs_keys)
// one whose key type and a signature scheme the server accepts,
// preferring one under a CA the server named (see chooseCert).
func (c *Client) chooseClientCert() (*CertKey, uint16) {
	return chooseCert(c.cfg.Certs, c.cfg.SignatureSchemes, certChoice{
		Types:       c.certReq.CertificateTypes,
		SigAlgs:     c.certReq.SignatureAlgorithms,
		Authorities: c.certReq.CertificateAuthorities,
		Version:     c.version,
	})
}

func certTypeAccepted(pub any, types []uint8) bool {
	var want uint8
	switch pub.(type) {
	case *rsa.PublicKey:
		want = wire.CertTypeRSASign
	case *dsa.PublicKey:
		want = wire.CertTypeDSSSign
	default:
		if !kx.IsECDSAKey(pub) && !kx.IsEdDSAKey(pub) {
			return false
		}
		want = wire.CertTypeECDSASign
	}
	for _, t := range types {
		if t == want {
			return true
		}
	}
	return false
}
