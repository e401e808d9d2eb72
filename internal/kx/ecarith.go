package kx

import (
	"crypto/ecdh"
	"io"

	"github.com/gossl/ssl/internal/ec"
	"github.com/gossl/ssl/internal/wire"
)

// ecGroupArith is the arithmetic of one elliptic-curve (EC)DHE group, whichever
// package implements it: crypto/ecdh (X25519, the NIST curves) or
// internal/ec (secp256k1, brainpool and the smaller SEC 2 curves). ECDHE
// (ecdhe.go) and the TLS 1.3 key shares (keyshare.go) use only this.
type ecGroupArith interface {
	// generate makes an ephemeral key pair.
	generate(rand io.Reader) (ecKeyPair, error)
	// peer decodes and checks a peer's public value: the uncompressed
	// point on the curve, not the point at infinity, or 32 bytes for
	// X25519 (RFC 8422, 5.4; RFC 8446, 4.2.8.2).
	peer(b []byte) (ecPeer, error)
}

// ecPeer is a checked peer public value of the curve that made it.
type ecPeer any

// ecKeyPair is an ephemeral key pair.
type ecKeyPair interface {
	// public is the encoded public value (the ECPoint, or the X25519
	// u-coordinate).
	public() []byte
	// agree returns the shared secret with peer, a value of the same
	// curve's peer: the x-coordinate of the shared point, or the X25519
	// output, which must not be all zeros (RFC 8422, 5.10 and 5.11).
	agree(peer ecPeer) ([]byte, error)
}

// ecArithFor returns the curve of (EC)DHE group g, or nil. The TLS 1.3
// brainpool code points of RFC 8734 (31-33) are the same curves as the
// TLS 1.2 ones of RFC 7027 (26-28).
func ecArithFor(g uint16) ecGroupArith {
	if c := curveFor(g); c != nil {
		return stdCurve{c}
	}
	switch g {
	case groupBrainpoolP256r1TLS13, groupBrainpoolP384r1TLS13, groupBrainpoolP512r1TLS13:
		g = g - groupBrainpoolP256r1TLS13 + groupBrainpoolP256r1
	case wire.GroupX448:
		return x448Curve{}
	}
	if c := ec.ByTLSGroup(g); c != nil {
		return ecCurve{c}
	}
	return nil
}

// stdCurve is a crypto/ecdh curve; its keys come from the pools of
// pregen.go.
type stdCurve struct{ c ecdh.Curve }

type stdKey struct{ k *ecdh.PrivateKey }

func (s stdCurve) generate(rand io.Reader) (ecKeyPair, error) {
	k, err := ephemeralKey(s.c, rand)
	if err != nil {
		return nil, err
	}
	return stdKey{k}, nil
}

func (s stdCurve) peer(b []byte) (ecPeer, error) { return s.c.NewPublicKey(b) }

func (k stdKey) public() []byte { return k.k.PublicKey().Bytes() }

func (k stdKey) agree(peer ecPeer) ([]byte, error) {
	p, ok := peer.(*ecdh.PublicKey)
	if !ok {
		return nil, internalError("ECDH peer of another curve")
	}
	return k.k.ECDH(p)
}

// ecCurve is an internal/ec curve.
type ecCurve struct{ c *ec.Curve }

type ecKey struct{ k *ec.PrivateKey }

func (e ecCurve) generate(rand io.Reader) (ecKeyPair, error) {
	k, err := e.c.GenerateKey(rand)
	if err != nil {
		return nil, err
	}
	return ecKey{k}, nil
}

func (e ecCurve) peer(b []byte) (ecPeer, error) { return e.c.NewPublicKey(b) }

func (k ecKey) public() []byte { return k.k.PublicKey().Bytes() }

func (k ecKey) agree(peer ecPeer) ([]byte, error) {
	p, ok := peer.(*ec.PublicKey)
	if !ok {
		return nil, internalError("ECDH peer of another curve")
	}
	return k.k.ECDH(p)
}
