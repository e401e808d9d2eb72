package kx

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"io"

	"github.com/gossl/ssl/internal/wire"
)

// Static ECDH, ECDH_ECDSA and ECDH_RSA (RFC 4492, 2.1 and 2.3): the
// server's ECDH key is the one in its certificate, so it sends no
// ServerKeyExchange; the client takes the curve and point from the
// certificate, answers with an ephemeral point on that curve in
// ClientKeyExchange (RFC 4492, 5.7: explicit, as gossl never uses fixed
// ECDH client certificates), and the premaster secret is the
// x-coordinate of the shared point, as for ECDHE. There is no forward
// secrecy: whoever gets the certificate's key later reads every
// connection made with it.

// CertCurveGroup is the named group of an ECDSA certificate key's curve
// (0 for a curve without one: TLS names only these).
func CertCurveGroup(pub crypto.PublicKey) uint16 {
	k, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return 0
	}
	switch k.Curve {
	case elliptic.P256():
		return wire.GroupSecp256r1
	case elliptic.P384():
		return wire.GroupSecp384r1
	case elliptic.P521():
		return wire.GroupSecp521r1
	}
	return 0
}

// staticECDHServer is ecdheServer with the certificate's key and no
// ServerKeyExchange.
type staticECDHServer struct{ ecdheServer }

// NewStaticECDHServer starts the server side of static ECDH with the
// certificate's private key, which must be an ECDSA key on a named curve
// that converts to ECDH (a key that cannot, such as one in a hardware
// token, gives internal_error: the handshake chooses static ECDH only
// for keys that can).
func NewStaticECDHServer(key crypto.Signer) (ServerKeyExchanger, error) {
	priv, ok := key.(*ecdsa.PrivateKey)
	group := CertCurveGroup(key.Public())
	if !ok || group == 0 {
		return nil, internalError("static ECDH needs an ECDSA key on a named curve")
	}
	k, err := priv.ECDH()
	if err != nil {
		return nil, internalError("static ECDH: the certificate key does not convert to ECDH")
	}
	return &staticECDHServer{ecdheServer{group: group, curve: stdCurve{k.Curve()}, key: stdKey{k}}}, nil
}

// ServerParams is nil: static ECDH has no ServerKeyExchange (RFC 4492,
// 2.1).
func (s *staticECDHServer) ServerParams() ([]byte, error) { return nil, nil }

// StaticECDHUsable reports whether key can serve static ECDH: an
// *ecdsa.PrivateKey on P-256, P-384 or P-521.
func StaticECDHUsable(key crypto.Signer) bool {
	_, ok := key.(*ecdsa.PrivateKey)
	return ok && CertCurveGroup(key.Public()) != 0
}

// NewStaticECDHClient starts the client side of static ECDH against the
// server certificate's key pub. allowedGroups are the groups the client
// offered: a certificate on any other curve is refused with
// illegal_parameter (RFC 4492, 2.1 and 5.3: the server's curve must be
// one the client supports).
func NewStaticECDHClient(pub crypto.PublicKey, allowedGroups []uint16, rand io.Reader) (ClientKeyExchanger, error) {
	group := CertCurveGroup(pub)
	if group == 0 {
		return nil, illegalParameter("static ECDH needs a certificate with an ECDSA key on a named curve")
	}
	offered := false
	for _, g := range allowedGroups {
		offered = offered || g == group
	}
	if !offered {
		return nil, illegalParameter("the server certificate's curve " + GroupName(group) + " was not offered")
	}
	peer, err := pub.(*ecdsa.PublicKey).ECDH()
	if err != nil {
		return nil, illegalParameter("the server certificate's point is not usable for ECDH")
	}
	return &staticECDHClient{ecdheClient{rand: rand, group: group, curve: stdCurve{peer.Curve()}, peer: peer}}, nil
}

// staticECDHClient is ecdheClient with the peer point taken from the
// certificate instead of a ServerKeyExchange.
type staticECDHClient struct{ ecdheClient }

// ProcessServerParams refuses params: static ECDH has none (the
// handshake refuses a ServerKeyExchange before this).
func (c *staticECDHClient) ProcessServerParams([]byte) (int, error) {
	return 0, alertUnexpected("ServerKeyExchange in a static ECDH handshake")
}
