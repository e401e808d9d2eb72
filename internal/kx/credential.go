package kx

import (
	"crypto/sha256"
	"encoding/binary"
)

// CredentialDigest names a shared secret (a PSK, an SRP verifier) inside
// a session state, so that a server can check, before it resumes, that
// the identity still has the secret the session was made with
// (session.Credential). The secret itself never goes into a state.
// Each part is length-prefixed and the label separates the kinds.
func CredentialDigest(label string, parts ...[]byte) []byte {
	h := sha256.New()
	h.Write([]byte("gossl credential " + label + "\x00"))
	var n [4]byte
	for _, p := range parts {
		binary.BigEndian.PutUint32(n[:], uint32(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return h.Sum(nil)
}

// PSKDigest is the credential digest of a TLS 1.2 PSK.
func PSKDigest(key []byte) []byte { return CredentialDigest("psk", key) }

// SRPDigest is the credential digest of an SRP user's record: group,
// salt and verifier.
func SRPDigest(u *SRPUser) []byte {
	if u == nil || u.Group == nil {
		return nil
	}
	return CredentialDigest("srp", u.Group.n, u.Group.g, u.Salt, u.Verifier)
}

// Credentialed is a server key exchange that authenticated the client by
// a shared secret. Credential returns the identity and the digest of its
// secret once the ClientKeyExchange is processed; nil for an identity
// the server does not know.
type Credentialed interface {
	Credential() (identity, digest []byte)
}
