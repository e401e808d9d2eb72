package handshake

import (
	"crypto/subtle"
	"io"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// Machine is a handshake state machine as the driver sees it.
type Machine interface {
	// Start returns the first flight (a client's ClientHello; nothing for
	// a server, which waits for one).
	Start() ([]Action, error)
	// HandleMessage takes one whole handshake message, header included.
	HandleMessage(msg []byte) ([]Action, error)
	// HandleChangeCipherSpec takes a ChangeCipherSpec record.
	HandleChangeCipherSpec() ([]Action, error)
	// Done reports whether the handshake is complete.
	Done() bool
	// Info describes the connection; complete once Done.
	Info() *Info
	// Prepare does ahead what the peer's next message will need (the
	// verify_data its Finished must carry, the keys that follow it), so
	// that the work is not done while the peer waits for the answer.
	// The driver calls it when it is about to wait for the peer; it
	// changes nothing a message handler can observe but how fast it is.
	Prepare()
}

// flight accumulates the actions of one step.
type flight []Action

func (f *flight) send(m wire.Message) error {
	b, err := m.Marshal()
	if err != nil {
		return alert.New(alert.InternalError, "marshal "+messageName(m.Type())+": "+err.Error())
	}
	*f = append(*f, Action{Kind: SendMessage, Data: b})
	return nil
}

func (f *flight) add(a Action) { *f = append(*f, a) }

// session holds the secrets and transcript shared by both roles.
type session struct {
	cfg          *Config
	version      uint16
	suite        *suites.Suite
	prf          prf.Func
	transcript   prf.Transcript
	clientRandom []byte
	serverRandom []byte
	master       []byte
	ems          bool
	srpUser      string // the SRP user when the suite is SRP (srp12.go)
	etm          bool   // encrypt_then_mac negotiated (RFC 7366)
	info         Info
	dtls         *dtlsState // DTLS bookkeeping (dtls.go); nil for TLS
	// LocalCID is the connection ID this side asks the peer to put in
	// its records when Config.ConnectionID is set (RFC 9146); set by the
	// driver before the handshake starts (a server's must be unique
	// among its listener's associations).
	LocalCID []byte
	// keyBlock is the key expansion of master (RFC 5246, 6.3), made once:
	// a side needs its write keys at its ChangeCipherSpec and its read
	// keys at the peer's, and the second would otherwise run the PRF
	// again while the peer waits.
	keyBlock struct {
		master         []byte // the master secret it was made from
		client, server *Keys
	}
	// expected is the peer's Finished verify_data made ahead (Prepare)
	// for the transcript of length n under master, or nil.
	expected struct {
		vd         []byte
		n          int
		master     []byte
		fromClient bool
	}
}

// prepareFinished computes the verify_data of the peer's Finished for the
// transcript as it stands, so that checkFinished need not compute it while
// the peer waits; a message recorded meanwhile (a NewSessionTicket)
// makes checkFinished compute it again.
func (s *session) prepareFinished(fromClient bool) {
	if len(s.master) == 0 {
		return
	}
	if s.prepared(fromClient) != nil {
		return // made already, for this transcript
	}
	e := &s.expected
	e.vd, e.n, e.master, e.fromClient = s.finished(fromClient), s.transcript.Len(), s.master, fromClient
}

// prepared returns the verify_data prepareFinished made, if it still fits
// the transcript and master secret, or nil.
func (s *session) prepared(fromClient bool) []byte {
	if e := &s.expected; e.vd != nil && e.fromClient == fromClient && e.n == s.transcript.Len() && sameBytes(e.master, s.master) {
		return e.vd
	}
	return nil
}

// sameBytes reports whether a and b are the same non-empty slice (not
// merely equal contents): a master secret is replaced, never rewritten.
func sameBytes(a, b []byte) bool { return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0] }

func (s *session) random() ([]byte, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(s.cfg.Rand, b); err != nil {
		return nil, alert.New(alert.InternalError, "random source failed")
	}
	return b, nil
}

// record appends a message to the transcript.
func (s *session) record(msg []byte) {
	if s.dtls != nil {
		s.recordDTLS(msg)
		return
	}
	s.transcript.Write(msg)
}

// digestOnlyWithoutAuth drops the TLS 1.2 transcript log once no
// CertificateVerify will be made or checked in this handshake (no client
// certificate was asked for): Finished and the extended master secret
// need only the hash of the PRF (RFC 5246, 7.4.9; RFC 7627, 3), and the
// log is what a CertificateVerify signs (RFC 5246, 7.4.8). Before TLS
// 1.2 the hash is MD5 and SHA-1 together, which the transcript does not
// keep as a running digest: the log stays.
func (s *session) digestOnlyWithoutAuth() {
	if s.version == wire.VersionTLS12 {
		s.transcript.DigestOnly(prf.HashForVersion(s.version, s.suite))
	}
}

// handshakeHash is the hash Finished and extended master secret use:
// MD5‖SHA-1 before TLS 1.2 (RFC 2246, 7.4.9), the PRF hash in TLS 1.2
// (RFC 5246, 7.4.9).
func (s *session) handshakeHash() []byte {
	return s.transcript.Sum(prf.HashForVersion(s.version, s.suite))
}

// deriveMaster computes the master secret from the premaster: the
// extended form when both sides agreed on RFC 7627, the session hash then
// covering the transcript up to and including ClientKeyExchange (RFC 7627,
// Section 3).
func (s *session) deriveMaster(premaster []byte) {
	if s.ems {
		s.master = prf.ExtendedMasterSecret(s.prf, premaster, s.handshakeHash())
	} else {
		s.master = prf.MasterSecret(s.prf, premaster, s.clientRandom, s.serverRandom)
	}
	clear(premaster)
}

// keys returns the client-write and server-write keys (RFC 5246, 6.3).
func (s *session) keys() (client, server *Keys) {
	if kb := &s.keyBlock; kb.client != nil && sameBytes(kb.master, s.master) {
		return kb.client, kb.server
	}
	info := s.suite.Cipher.Info()
	ivLen := info.FixedIVLen
	kb := prf.Keys(s.prf, s.master, s.clientRandom, s.serverRandom, s.suite.MAC.Size(), info.KeyLen, ivLen)
	client = &Keys{Suite: s.suite, Version: s.version, Key: kb.ClientKey, MACKey: kb.ClientMAC, IV: kb.ClientIV,
		EncryptThenMAC: s.etm, NoPaddingCheck: s.cfg.NoPaddingCheck}
	server = &Keys{Suite: s.suite, Version: s.version, Key: kb.ServerKey, MACKey: kb.ServerMAC, IV: kb.ServerIV,
		EncryptThenMAC: s.etm, NoPaddingCheck: s.cfg.NoPaddingCheck}
	if s.info.CIDNegotiated {
		// RFC 9146, Section 4: records carry the CID their receiver
		// asked for.
		client.CID, server.CID = s.info.ServerCID, s.info.ClientCID
	}
	s.keyBlock.master, s.keyBlock.client, s.keyBlock.server = s.master, client, server
	return client, server
}

func (s *session) finished(client bool) []byte {
	if s.version == wire.VersionSSL30 {
		return s.ssl3Finished(client)
	}
	return prf.FinishedVerifyData(s.prf, s.master, client, s.handshakeHash())
}

// checkFinished verifies the peer's Finished in constant time.
func (s *session) checkFinished(msg []byte, fromClient bool) ([]byte, error) {
	var fin wire.Finished
	if !fin.Unmarshal(msg) {
		return nil, alert.New(alert.DecodeError, "malformed Finished")
	}
	want := s.prepared(fromClient)
	if want == nil {
		want = s.finished(fromClient)
	}
	s.expected.vd, s.expected.master = nil, nil
	if err := compareFinished(fin.VerifyData, want); err != nil {
		return nil, err
	}
	s.record(msg)
	return want, nil
}

// compareFinished checks a peer's verify_data against ours. Its length is
// fixed by the version and suite (12 bytes in TLS 1.0-1.2, RFC 5246,
// 7.4.9; Hash.length in TLS 1.3, RFC 8446, 4.4.4): a Finished of another
// length is malformed, decode_error, whereas a value that does not
// match is decrypt_error.
func compareFinished(got, want []byte) error {
	if len(got) != len(want) {
		return alert.New(alert.DecodeError, "Finished verify_data of the wrong length")
	}
	if subtle.ConstantTimeCompare(want, got) != 1 {
		return alert.New(alert.DecryptError, "Finished verify_data mismatch")
	}
	return nil
}

func (s *session) fillInfo() {
	s.info.Version = s.version
	s.info.Suite = s.suite
	s.info.ClientRandom = s.clientRandom
	s.info.ServerRandom = s.serverRandom
	s.info.MasterSecret = s.master
	s.info.ExtendedMasterSecret = s.ems
	s.info.SRPUsername = ""
	if s.suite != nil && s.suite.KX.SRP() {
		s.info.SRPUsername = s.srpUser
	}
	s.info.EncryptThenMAC = s.etm
}

func messageName(t uint8) string {
	switch t {
	case wire.TypeHelloRequest:
		return "HelloRequest"
	case wire.TypeClientHello:
		return "ClientHello"
	case wire.TypeServerHello:
		return "ServerHello"
	case wire.TypeNewSessionTicket:
		return "NewSessionTicket"
	case wire.TypeCertificate:
		return "Certificate"
	case wire.TypeServerKeyExchange:
		return "ServerKeyExchange"
	case wire.TypeCertificateRequest:
		return "CertificateRequest"
	case wire.TypeServerHelloDone:
		return "ServerHelloDone"
	case wire.TypeCertificateVerify:
		return "CertificateVerify"
	case wire.TypeClientKeyExchange:
		return "ClientKeyExchange"
	case wire.TypeFinished:
		return "Finished"
	}
	return "handshake message"
}

func unexpected(msg []byte, state string) error {
	t := uint8(255)
	if len(msg) > 0 {
		t = msg[0]
	}
	return alert.New(alert.UnexpectedMessage, "unexpected "+messageName(t)+" in state "+state)
}

func containsU16(list []uint16, v uint16) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
