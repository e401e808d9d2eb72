package session

import "golang.org/x/crypto/cryptobyte"

// Credential binds a session to the shared secret that authenticated the
// client in its full handshake: a PSK identity and its key (RFC 4279,
// RFC 8446 external PSKs) or an SRP user and its verifier (RFC 5054).
// A certificate is bound through ConfigKey and PeerCerts instead; a
// shared secret lives in the application's user_lookup_fun, which the
// configuration key cannot name. So the server keeps the identity and a
// digest of the secret, and looks the identity up again before it
// resumes: a session from a listener with another PSK table, or from
// before the key was changed or removed, is not resumed.
type Credential struct {
	Identity []byte // the PSK identity or SRP user name
	Digest   []byte // the holder's digest of the secret; empty with no Identity
}

// maxCredentialDigest bounds the digest a state may carry.
const maxCredentialDigest = 64

func addCredential(b *cryptobyte.Builder, c Credential) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c.Identity) })
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c.Digest) })
}

func readCredential(in *cryptobyte.String, c *Credential) bool {
	var id, digest cryptobyte.String
	if !in.ReadUint16LengthPrefixed(&id) || !in.ReadUint8LengthPrefixed(&digest) ||
		len(digest) > maxCredentialDigest || (len(id) == 0) != (len(digest) == 0) {
		return false
	}
	c.Identity, c.Digest = bytesOrNil(id), bytesOrNil(digest)
	return true
}
