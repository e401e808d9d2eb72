package handshake

import (
	"crypto"
	"crypto/subtle"
	"strconv"

	"github.com/gossl/ssl/internal/kx"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
)

// A session made with a PSK or SRP suite is bound to the identity that
// authenticated the client and to that identity's secret at the time
// (session.Credential says why the configuration key cannot do it).

// sessionCredential is the credential of the handshake just made or
// resumed, for the session state the server keeps or seals.
func (s *Server) sessionCredential() sess.Credential {
	if s.resumed {
		return s.credential
	}
	if s.credential.Identity != nil {
		return s.credential // SRP: recorded when the user was looked up
	}
	if c, ok := s.kx.(kx.Credentialed); ok {
		id, digest := c.Credential()
		return sess.Credential{Identity: id, Digest: digest}
	}
	return sess.Credential{}
}

// credentialHolds reports whether a TLS 1.2 session of suite may be
// resumed under the server's configuration: a PSK or SRP session only
// when its identity still looks up to the same secret; any other
// session only without a credential.
func (s *Server) credentialHolds(suite *suites.Suite, c sess.Credential) bool {
	switch {
	case suite.KX.PSK():
		if s.cfg.ServerPSK == nil || len(c.Identity) == 0 {
			return false
		}
		key, err := s.cfg.ServerPSK(c.Identity)
		return err == nil && len(key) > 0 && digestsEqual(kx.PSKDigest(key), c.Digest)
	case suite.KX.SRP():
		if s.cfg.ServerSRP == nil || len(c.Identity) == 0 {
			return false
		}
		user, err := s.cfg.ServerSRP(c.Identity)
		return err == nil && digestsEqual(kx.SRPDigest(user), c.Digest)
	}
	return len(c.Identity) == 0
}

// externalPSKDigest is the credential digest of a TLS 1.3 external PSK:
// its key and hash.
func externalPSKDigest(key []byte, hash crypto.Hash) []byte {
	return kx.CredentialDigest("tls13 external psk", key, []byte(strconv.Itoa(int(hash))))
}

// ticketCredentialHolds is credentialHolds for a TLS 1.3 ticket: one
// issued after an external-PSK handshake resumes only while the PSK's
// identity still has that key and hash.
func (cfg *Config) ticketCredentialHolds(c sess.Credential) bool {
	if len(c.Identity) == 0 {
		return true
	}
	if cfg.ServerPSK13 == nil {
		return false
	}
	psk, err := cfg.ServerPSK13(c.Identity)
	return err == nil && psk != nil && len(psk.Key) > 0 && digestsEqual(externalPSKDigest(psk.Key, psk.Hash), c.Digest)
}

func digestsEqual(a, b []byte) bool {
	return len(a) > 0 && subtle.ConstantTimeCompare(a, b) == 1
}
