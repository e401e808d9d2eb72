package ssl

import (
	"crypto"
	"crypto/x509"
	"io"
	"sync/atomic"
	"time"
	"unique"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// tlsState is what a socket keeps of its handshake beyond the record
// layer: the running machine (for key logging, until the handshake is
// done), the peer's certificates as DER, a TLS 1.0-1.2 client's session
// and, in TLS 1.3, the traffic secrets a KeyUpdate advances (RFC 8446,
// 7.2). readSecret is guarded by the socket's in lock, writeSecret by its
// out lock.
type tlsState struct {
	machine handshake.Machine
	// peerCerts is the peer's chain as sent, leaf first. The DER is
	// interned: connections to the same server share one copy.
	peerCerts   []unique.Handle[string]
	session12   *session.State12 // a TLS 1.0-1.2 client's session (SessionData)
	keylog      *[]string        // keep_secrets: the key-log lines (a pointer: most sockets have none)
	suite       *suites.Suite
	hash        crypto.Hash
	readSecret  []byte
	writeSecret []byte
	// sentSinceUpdate counts application bytes under the current write
	// key (key_update_at); guarded by the out lock.
	sentSinceUpdate int64
	keyUpdateAt     int // the key_update_at option
	tls13           bool
	idleFine        bool        // counted by the fine sweep (a short hibernate_after)
	limits          postLimits  // records without data after the handshake (postlimits.go; under in)
	keyUpdated      bool        // we have sent a KeyUpdate (under out; with sentSinceUpdate 0: nothing since)
	gotTicket       atomic.Bool // a TLS 1.3 client has had a NewSessionTicket (set under in)
	// idleNeed is how many idle ticks release the socket (idle.go), 0
	// for never; set before the handshake ends, then only read.
	idleNeed uint32
}

// postConfig is what a socket reads of its options after the handshake.
type postConfig struct {
	keepSecrets      bool
	verify           bool
	stapling         bool // a client that asked for an OCSP staple (the ocsp_status item)
	depth            int
	maxHandshakeSize int
	log              logSink
	keyLog           io.Writer
	versions         []uint16
	suites           []*suites.Suite
	ticketCache      *session.ClientCache
	cacheKey         string
	inbox            *ticketInbox
	now              func() time.Time
	metrics          Metrics
}

// conf returns the options read after the handshake, from post once the
// socket has dropped res.
func (s *Socket) conf() postConfig {
	if s.post != nil {
		return *s.post
	}
	r := s.res
	return postConfig{log: r.log, keepSecrets: r.keepSecrets, verify: r.hs.Verify, stapling: r.hs.Stapling,
		depth: r.hs.VerifyOptions.Depth, maxHandshakeSize: r.hs.MaxHandshakeSize,
		keyLog: r.keyLog, versions: r.hs.Versions, suites: r.hs.Suites, ticketCache: r.hs.TicketCache,
		cacheKey: r.hs.CacheKey, inbox: r.inbox, now: r.hs.Now, metrics: r.metrics}
}

// dropOptions replaces res and opts by what a TLS 1.3 socket reads of them
// later, when they belong to this socket alone: the compiled
// configuration (certificates, keys, trust anchors, every resolved list)
// is then freed with the connection's handshake. A TLS 1.0-1.2 socket
// keeps them for renegotiation, and a listener's sockets share them.
func (s *Socket) dropOptions() {
	if !s.ownRes || !s.tls.tls13 || s.res == nil {
		return
	}
	c := s.conf()
	// Copies of the lists, so that nothing of res stays reachable.
	c.versions = append([]uint16(nil), c.versions...)
	c.suites = append([]*suites.Suite(nil), c.suites...)
	s.post = &c
	s.res, s.opts = nil, nil
}

// startTLS13 keeps the application traffic secrets after a TLS 1.3
// handshake.
func (s *Socket) startTLS13(info *handshake.Info) {
	s.tls.tls13 = true
	if s.res != nil {
		s.tls.keyUpdateAt = s.res.keyUpdateAt
	}
	s.tls.suite = info.Suite
	s.tls.hash = info.Hash
	if s.role == roleClient {
		s.tls.readSecret, s.tls.writeSecret = info.ServerTrafficSecret, info.ClientTrafficSecret
	} else {
		s.tls.readSecret, s.tls.writeSecret = info.ClientTrafficSecret, info.ServerTrafficSecret
	}
}

// finishHandshake lets go of what only the handshake needed once the
// machine is done: the machine itself (transcript, key shares, parsed
// hellos), the parsed certificates and the reassembly buffer. The caller
// holds in.
func (s *Socket) finishHandshake(m handshake.Machine) {
	if c, ok := m.(*handshake.Client); ok {
		s.tls.session12 = c.Session12()
	}
	s.state = frozenState(s.state())
	s.tls.machine = nil
	if s.in.hbuf.Len() == 0 {
		s.in.hbuf = wire.HandshakeBuffer{}
	}
	if s.tls.tls13 {
		info := s.slimInfo(m.Info())
		if c := compactInfo(info); c != nil {
			s.info13, s.info = c, nil
			info = c.expand()
		} else {
			s.info = info
		}
		// startTLS13 took them from the machine's Info.
		s.startTLS13(info)
	} else {
		s.info = s.slimInfo(m.Info())
		s.reneg = &renegState{}
	}
	s.dropOptions()
}

// frozenState returns the state-name function of a finished machine.
func frozenState(name string) func() string {
	if name == "connection" {
		return stateConnection
	}
	return func() string { return name }
}

func stateConnection() string { return "connection" }

// slimInfo returns a copy of a finished machine's Info without parsed
// certificates (their DER goes to s.tls.peerCerts) and with its byte
// fields in one allocation of their own, so that the Info holds nothing
// of the machine's messages.
func (s *Socket) slimInfo(in *handshake.Info) *handshake.Info {
	out := *in
	s.tls.peerCerts = internCerts(in.PeerCertificates)
	out.PeerCertificates, out.VerifiedChain = nil, nil
	if s.role != roleClient || s.conf().ticketCache == nil {
		// Only a client that keeps tickets derives their PSKs later.
		out.ResumptionMaster = nil
	}
	fields := []*[]byte{&out.SessionID, &out.ClientRandom, &out.ServerRandom, &out.MasterSecret,
		&out.ClientVerifyData, &out.ServerVerifyData, &out.ClientTrafficSecret, &out.ServerTrafficSecret,
		&out.ExporterMasterSecret, &out.ResumptionMaster}
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	buf := make([]byte, 0, n)
	for _, f := range fields {
		if *f == nil {
			continue
		}
		i := len(buf)
		buf = append(buf, *f...)
		*f = buf[i:len(buf):len(buf)]
	}
	return &out
}

func internCerts(certs []*x509.Certificate) []unique.Handle[string] {
	if len(certs) == 0 {
		return nil
	}
	out := make([]unique.Handle[string], len(certs))
	for i, c := range certs {
		out[i] = unique.Make(string(c.Raw))
	}
	return out
}

// peerCertDER returns the peer's certificates as DER, leaf first (each a
// fresh copy).
func (s *Socket) peerCertDER() [][]byte {
	var certs []unique.Handle[string]
	if r := s.reneg; r != nil {
		r.mu.Lock()
		certs = s.tls.peerCerts
		r.mu.Unlock()
	} else {
		certs = s.tls.peerCerts
	}
	out := make([][]byte, len(certs))
	for i, h := range certs {
		out[i] = []byte(h.Value())
	}
	return out
}
