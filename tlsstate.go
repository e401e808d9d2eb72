package ssl

import (
	"crypto"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/suites"
)

// tlsState is what a socket keeps of its handshake beyond the record
// layer: the running machine (for key logging) and, in TLS 1.3, the
// traffic secrets a KeyUpdate advances (RFC 8446, 7.2). readSecret is
// guarded by the socket's in lock, writeSecret by its out lock.
type tlsState struct {
	machine     handshake.Machine
	keylog      []string
	tls13       bool
	suite       *suites.Suite
	hash        crypto.Hash
	readSecret  []byte
	writeSecret []byte
	// sentSinceUpdate counts application bytes under the current write
	// key (key_update_at); guarded by the out lock.
	sentSinceUpdate int64
}

// startTLS13 keeps the application traffic secrets after a TLS 1.3
// handshake.
func (s *Socket) startTLS13(info *handshake.Info) {
	s.tls.tls13 = true
	s.tls.suite = info.Suite
	s.tls.hash = info.Hash
	if s.role == roleClient {
		s.tls.readSecret, s.tls.writeSecret = info.ServerTrafficSecret, info.ClientTrafficSecret
	} else {
		s.tls.readSecret, s.tls.writeSecret = info.ClientTrafficSecret, info.ServerTrafficSecret
	}
}
