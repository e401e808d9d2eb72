package kx

import (
	"crypto"
	"crypto/rsa"
	"crypto/subtle"
	"io"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/wire"
)

// RSA key transport (RFC 5246, 7.4.7.1): the client encrypts a 48-byte
// premaster secret, whose first two bytes are the version it offered in
// ClientHello, to the server certificate's RSA key with PKCS #1 v1.5.
// There is no ServerKeyExchange.

// premasterLen is the RSA premaster secret's fixed length.
const premasterLen = 48

// hasLengthPrefix reports whether EncryptedPreMasterSecret is sent as a
// vector with a 2-byte length: TLS 1.0 and later (RFC 2246, 7.4.7.1) and
// DTLS do; SSL 3.0 sent the bare ciphertext.
func hasLengthPrefix(v uint16) bool { return v != wire.VersionSSL30 }

type rsaServer struct {
	key           crypto.Decrypter
	clientVersion uint16
	prefixed      bool
	rand          io.Reader
}

// NewRSAServer starts the server side of RSA key transport with the
// certificate's key. clientHelloVersion is ClientHello.client_version (not
// the negotiated version): the premaster's first two bytes must equal it,
// which is what defeats version-rollback attacks (RFC 5246, 7.4.7.1).
// The ciphertext framing follows clientHelloVersion too; when a client that
// offered TLS negotiated SSL 3.0, use NewRSAServerVersion.
func NewRSAServer(key crypto.Decrypter, clientHelloVersion uint16, rand io.Reader) ServerKeyExchanger {
	return NewRSAServerVersion(key, clientHelloVersion, clientHelloVersion, rand)
}

// NewRSAServerVersion is NewRSAServer with the negotiated version given
// separately: it decides the framing (SSL 3.0 has no length prefix), while
// clientHelloVersion is what the premaster must start with.
func NewRSAServerVersion(key crypto.Decrypter, clientHelloVersion, negotiated uint16, rand io.Reader) ServerKeyExchanger {
	return &rsaServer{key: key, clientVersion: clientHelloVersion, prefixed: hasLengthPrefix(negotiated), rand: rand}
}

// ServerParams returns nil: RSA key transport has no ServerKeyExchange.
func (s *rsaServer) ServerParams() ([]byte, error) { return nil, nil }

// ProcessClientKeyExchange decrypts EncryptedPreMasterSecret. It follows
// RFC 5246, 7.4.7.1 against Bleichenbacher's attack: whatever is wrong
// with the plaintext — bad padding, wrong length, wrong version — the
// result is a random 48-byte premaster, chosen without a branch on secret
// data, and no error. The handshake then fails at Finished, exactly as it
// would for a well-formed but wrong premaster, so the peer learns nothing.
// Only a message whose own length prefix is wrong returns an error; a
// ciphertext that is not as long as the modulus (RFC 8017, 7.2.2 step 1)
// takes the random premaster too: its length is public, but a distinct
// alert would be one more outcome a Bleichenbacher-style probe can tell
// apart, which OpenSSL, NSS and GnuTLS do not give either.
func (s *rsaServer) ProcessClientKeyExchange(body []byte) ([]byte, error) {
	ciphertext := body
	if s.prefixed {
		in := cryptobyte.String(body)
		var ct cryptobyte.String
		if !in.ReadUint16LengthPrefixed(&ct) || !in.Empty() {
			return nil, decodeError("malformed RSA ClientKeyExchange")
		}
		ciphertext = ct
	}
	rightLength := true
	if pub, ok := s.key.Public().(*rsa.PublicKey); ok && len(ciphertext) != pub.Size() {
		rightLength = false
	}

	// Step 1 of RFC 5246, 7.4.7.1: the random fallback, drawn first so
	// that the work done does not depend on the outcome.
	random := make([]byte, premasterLen)
	if _, err := io.ReadFull(s.rand, random); err != nil {
		return nil, internalError("random source failed")
	}

	// With SessionKeyLen, *rsa.PrivateKey itself returns random bytes in
	// constant time on a padding error instead of failing; other
	// Decrypters (hardware tokens) may fail or return any length, and
	// both cases fold into "invalid" below.
	// A ciphertext of the wrong length (public) is not decrypted at all.
	m := make([]byte, premasterLen)
	valid := 0
	if rightLength {
		//lint:ignore SA1019 the RSA key exchange of TLS 1.0-1.2 (RFC 5246, Section 7.4.7.1) is PKCS #1 v1.5 encryption by definition; legacy, used only when its suites are listed
		plain, err := s.key.Decrypt(s.rand, ciphertext, &rsa.PKCS1v15DecryptOptions{SessionKeyLen: premasterLen})
		if err == nil && len(plain) == premasterLen {
			copy(m, plain)
			valid = 1
		}
	}

	// The version check (RFC 5246, 7.4.7.1, step 3), without branches.
	valid &= subtle.ConstantTimeByteEq(m[0], byte(s.clientVersion>>8))
	valid &= subtle.ConstantTimeByteEq(m[1], byte(s.clientVersion))
	subtle.ConstantTimeCopy(1-valid, m, random)
	return m, nil
}

type rsaClient struct {
	pub           *rsa.PublicKey
	clientVersion uint16
	prefixed      bool
	rand          io.Reader
}

// NewRSAClient starts the client side of RSA key transport to serverPub,
// the key in the server's certificate. clientHelloVersion is the version
// the client offered in ClientHello; it also decides the framing, unless
// NewRSAClientVersion is used.
func NewRSAClient(serverPub *rsa.PublicKey, clientHelloVersion uint16, rand io.Reader) ClientKeyExchanger {
	return NewRSAClientVersion(serverPub, clientHelloVersion, clientHelloVersion, rand)
}

// NewRSAClientVersion is NewRSAClient with the negotiated version, which
// decides the framing, given separately.
func NewRSAClientVersion(serverPub *rsa.PublicKey, clientHelloVersion, negotiated uint16, rand io.Reader) ClientKeyExchanger {
	return &rsaClient{pub: serverPub, clientVersion: clientHelloVersion, prefixed: hasLengthPrefix(negotiated), rand: rand}
}

// ProcessServerParams always fails: a ServerKeyExchange is not allowed
// with RSA key transport (RFC 5246, 7.4.3), so receiving one is an
// unexpected message. The handshake should not call it.
func (c *rsaClient) ProcessServerParams([]byte) (int, error) {
	return 0, alertUnexpected("ServerKeyExchange with RSA key exchange")
}

// ClientKeyExchange returns EncryptedPreMasterSecret and the premaster.
func (c *rsaClient) ClientKeyExchange() ([]byte, []byte, error) {
	if c.pub == nil {
		return nil, nil, internalError("no server RSA key")
	}
	pm := make([]byte, premasterLen)
	pm[0], pm[1] = byte(c.clientVersion>>8), byte(c.clientVersion)
	if _, err := io.ReadFull(c.rand, pm[2:]); err != nil {
		return nil, nil, internalError("random source failed")
	}
	//lint:ignore SA1019 the RSA key exchange of TLS 1.0-1.2 (RFC 5246, Section 7.4.7.1) is PKCS #1 v1.5 encryption by definition; legacy, used only when its suites are listed
	enc, err := rsa.EncryptPKCS1v15(c.rand, c.pub, pm)
	if err != nil {
		return nil, nil, internalError("RSA encryption failed")
	}
	if !c.prefixed {
		return enc, pm, nil
	}
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(enc) })
	body, err := b.Bytes()
	if err != nil {
		return nil, nil, internalError("RSA ClientKeyExchange encoding failed")
	}
	return body, pm, nil
}
