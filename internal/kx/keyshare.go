package kx

import (
	"crypto/ecdh"
	"io"
	"slices"

	"github.com/gossl/ssl/internal/wire"
)

// TLS 1.3 key shares (RFC 8446, 4.2.8). A client sends one KeyShareEntry
// per group it guesses the server will pick, with its public value as
// key_exchange; the server answers with one entry for the group it chose,
// and both derive the (EC)DHE input of the key schedule.
//
// For the elliptic-curve groups the server's answer is its own ephemeral
// public key; for a KEM-based group (X25519MLKEM768) it is the ciphertext
// encapsulated to the client's key. PrepareKeyShare (and RespondKeyShare,
// which also runs the agreement) covers both: the server never holds a
// KeyShare of its own.

// KeyShare is the client side of one key share.
type KeyShare interface {
	// Group returns the named group (wire.Group*).
	Group() uint16
	// Public returns the KeyShareEntry.key_exchange the client sends.
	Public() []byte
	// Shared takes the server's key_exchange for the same group and
	// returns the shared secret. Malformed or invalid input gives
	// *alert.Error{IllegalParameter}.
	Shared(peerShare []byte) ([]byte, error)
}

// tls13Groups is documented at TLS13Groups.
var tls13Groups = []uint16{
	wire.GroupX25519MLKEM768,
	wire.GroupX25519,
	wire.GroupSecp256r1,
	wire.GroupSecp384r1,
	wire.GroupSecp521r1,
}

// TLS13Groups returns the groups gossl implements for TLS 1.3 key
// shares, in default preference order: the post-quantum hybrid
// X25519MLKEM768 first, then X25519 and the NIST curves as in
// SupportedGroups. The caller owns the returned slice.
func TLS13Groups() []uint16 { return append([]uint16(nil), tls13Groups...) }

// tls13ECGroups are the elliptic-curve groups of TLS 1.3 key shares:
// X25519, the NIST curves, X448 and the brainpool curves of RFC 8734.
var tls13ECGroups = []uint16{
	wire.GroupX25519, wire.GroupSecp256r1, wire.GroupSecp384r1, wire.GroupSecp521r1, wire.GroupX448,
	groupBrainpoolP512r1TLS13, groupBrainpoolP384r1TLS13, groupBrainpoolP256r1TLS13,
}

// TLS13ImplementedGroups returns every group gossl can use for a TLS 1.3
// key share: TLS13Groups, then X448 and the brainpool groups of RFC 8734,
// then the RFC 7919 ffdhe groups; those after TLS13Groups are never a
// default (dhe13.go) but work when configured. The caller owns the
// returned slice.
func TLS13ImplementedGroups() []uint16 {
	out := TLS13Groups()
	out = append(out, tls13ECGroups[4:]...)
	return append(out, FFDHEGroups()...)
}

// DefaultKeyShareGroups returns the groups a client sends key shares for
// in its first ClientHello by default: X25519MLKEM768 and X25519, so that
// a server without post-quantum support still completes in one round
// trip. A server that wants another offered group asks with a
// HelloRetryRequest. The caller owns the returned slice.
func DefaultKeyShareGroups() []uint16 {
	return []uint16{wire.GroupX25519MLKEM768, wire.GroupX25519}
}

// GroupIsHybrid reports whether g is a hybrid post-quantum group
// (draft-ietf-tls-ecdhe-mlkem: X25519MLKEM768, SecP256r1MLKEM768,
// SecP384r1MLKEM1024), implemented or not.
func GroupIsHybrid(g uint16) bool {
	switch g {
	case groupSecP256r1MLKEM768, wire.GroupX25519MLKEM768, groupSecP384r1MLKEM1024:
		return true
	}
	return false
}

// GroupFitsTLS12 reports whether g can be used at TLS 1.2 and below: KEM
// groups (hybrid or pure ML-KEM) exist only in TLS 1.3, where the server
// can answer with a ciphertext (draft-ietf-tls-ecdhe-mlkem, 1.2), and so
// do the brainpool "tls13" code points of RFC 8734. A TLS 1.2
// supported_groups extension or ECDHE negotiation must leave them out.
func GroupFitsTLS12(g uint16) bool {
	switch {
	case GroupIsHybrid(g), groupIsPureMLKEM(g):
		return false
	case g >= groupBrainpoolP256r1TLS13 && g <= groupBrainpoolP512r1TLS13:
		return false
	}
	return true
}

// GenerateKeyShare makes a client key share for group, one of
// TLS13Groups. rand is the source of randomness for the elliptic-curve
// part; since Go 1.26 crypto/ecdh, like crypto/mlkem, draws from the
// system's secure source and ignores it unless GODEBUG=cryptocustomrand=1.
func GenerateKeyShare(group uint16, rand io.Reader) (KeyShare, error) {
	if group == wire.GroupX25519MLKEM768 {
		return generateX25519MLKEM768(rand)
	}
	if IsFFDHE(group) {
		return generateFFDHEShare(group, rand)
	}
	curve := tls13Curve(group)
	if curve == nil {
		return nil, internalError("key share group " + GroupName(group) + " not implemented")
	}
	key, err := curve.generate(rand)
	if err != nil {
		return nil, internalError("key share generation failed")
	}
	return &ecdhShare{group: group, curve: curve, key: key}, nil
}

// RespondKeyShare is the server side: it takes the client's key_exchange
// for group (one of TLS13Groups) and returns the server's key_exchange
// and the shared secret. A malformed or invalid client share gives
// *alert.Error{IllegalParameter} (RFC 8446, 4.2.8).
func RespondKeyShare(group uint16, clientShare []byte, rand io.Reader) (serverShare, shared []byte, err error) {
	serverShare, agree, err := PrepareKeyShare(group, clientShare, rand)
	if err != nil {
		return nil, nil, err
	}
	if shared, err = agree(); err != nil {
		return nil, nil, err
	}
	return serverShare, shared, nil
}

// PrepareKeyShare is RespondKeyShare with the shared secret left for
// later: it checks the client's key_exchange and returns the server's,
// which is all the ServerHello needs, and agree, which computes the
// shared secret (the (EC)DH step, a curve multiplication) and may run on
// another goroutine meanwhile. agree may fail, with illegal_parameter, on
// a share whose agreement is refused (an all-zero X25519 output); call it
// once.
func PrepareKeyShare(group uint16, clientShare []byte, rand io.Reader) (serverShare []byte, agree func() ([]byte, error), err error) {
	if group == wire.GroupX25519MLKEM768 {
		return prepareX25519MLKEM768(clientShare, rand)
	}
	if IsFFDHE(group) {
		return prepareFFDHEShare(group, clientShare, rand)
	}
	curve := tls13Curve(group)
	if curve == nil {
		return nil, nil, internalError("key share group " + GroupName(group) + " not implemented")
	}
	peer, err := curve.peer(clientShare)
	if err != nil {
		return nil, nil, illegalParameter("invalid key share")
	}
	key, err := curve.generate(rand)
	if err != nil {
		return nil, nil, internalError("key share generation failed")
	}
	return key.public(), func() ([]byte, error) { return dhAgree(key, peer) }, nil
}

// tls13Curve returns the curve of an elliptic-curve TLS 1.3 group, or
// nil: X25519, X448, the NIST curves and the brainpool curves under their
// RFC 8734 code points (the TLS 1.2 code points 26-28 are deprecated for
// TLS 1.3, RFC 8446, 4.2.7).
func tls13Curve(group uint16) ecGroupArith {
	if !slices.Contains(tls13ECGroups, group) {
		return nil
	}
	return ecArithFor(group)
}

// ecdhShare is a key share over an elliptic curve. key_exchange is the
// X25519 or X448 u-coordinate (32 or 56 bytes, RFC 8446, 4.2.8.2) or the
// uncompressed point 04 ‖ X ‖ Y (SEC 1, 2.3.3; RFC 8446, 4.2.8.2 allows
// no other form).
type ecdhShare struct {
	group uint16
	curve ecGroupArith
	key   ecKeyPair
}

func (s *ecdhShare) Group() uint16  { return s.group }
func (s *ecdhShare) Public() []byte { return s.key.public() }

func (s *ecdhShare) Shared(peerShare []byte) ([]byte, error) {
	peer, err := s.curve.peer(peerShare)
	if err != nil {
		return nil, illegalParameter("invalid key share")
	}
	return dhAgree(s.key, peer)
}

// dhAgree is key.agree with its failure (an all-zero X25519 or X448
// output) as illegal_parameter (RFC 8446, 7.4.2).
func dhAgree(key ecKeyPair, peer ecPeer) ([]byte, error) {
	shared, err := key.agree(peer)
	if err != nil {
		return nil, illegalParameter("invalid key share")
	}
	return shared, nil
}

// newPeerKey parses and validates a peer's key_exchange: crypto/ecdh
// accepts only the uncompressed form, on the curve and not the point at
// infinity, for the NIST curves, and exactly 32 bytes for X25519
// (RFC 8446, 4.2.8.2).
func newPeerKey(curve ecdh.Curve, b []byte) (*ecdh.PublicKey, error) {
	peer, err := curve.NewPublicKey(b)
	if err != nil {
		return nil, illegalParameter("invalid key share")
	}
	return peer, nil
}

// ecdhWith computes the shared secret: the X25519 output, or the
// x-coordinate of the shared point for the NIST curves (RFC 8446,
// 7.4.2). An all-zero X25519 output, from a low-order peer point, is an
// error (RFC 8446, 7.4.2; RFC 7748, 6.1), and so illegal_parameter.
func ecdhWith(key *ecdh.PrivateKey, peer *ecdh.PublicKey) ([]byte, error) {
	shared, err := key.ECDH(peer)
	if err != nil {
		return nil, illegalParameter("invalid key share")
	}
	return shared, nil
}
