package kx

import (
	"io"

	"github.com/cloudflare/circl/dh/x448"
)

// X448 (RFC 7748, Section 5; TLS group 30, RFC 8422, 5.1.1 and RFC 8446,
// 4.2.7) from github.com/cloudflare/circl, whose x448 is constant-time
// (a Montgomery ladder with constant-time swaps over a fixed-size field).
// The key_exchange and ECPoint are the 56-byte u-coordinate (RFC 8446,
// 4.2.8.2; RFC 8422, 5.4.1); an all-zero shared secret, from a low-order
// peer value, is refused (RFC 7748, 6.2; RFC 8446, 7.4.2).
type x448Curve struct{}

type x448Key struct{ priv, pub x448.Key }

type x448Peer x448.Key

func (x448Curve) generate(rand io.Reader) (ecKeyPair, error) {
	k := &x448Key{}
	if _, err := io.ReadFull(rand, k.priv[:]); err != nil {
		return nil, err
	}
	x448.KeyGen(&k.pub, &k.priv)
	return k, nil
}

func (x448Curve) peer(b []byte) (ecPeer, error) {
	if len(b) != x448.Size {
		return nil, illegalParameter("X448 public value is not 56 bytes")
	}
	var p x448Peer
	copy(p[:], b)
	return &p, nil
}

func (k *x448Key) public() []byte { return append([]byte(nil), k.pub[:]...) }

func (k *x448Key) agree(peer ecPeer) ([]byte, error) {
	p, ok := peer.(*x448Peer)
	if !ok {
		return nil, internalError("ECDH peer of another curve")
	}
	var shared x448.Key
	pub := x448.Key(*p)
	if !x448.Shared(&shared, &k.priv, &pub) {
		return nil, illegalParameter("X448 shared secret is all zeros")
	}
	return shared[:], nil
}
