package kx

import (
	"crypto/ecdh"
	"crypto/mlkem"
	"io"

	"github.com/gossl/ssl/internal/wire"
)

// X25519MLKEM768 (code point 0x11ec, draft-ietf-tls-ecdhe-mlkem, 3):
// ML-KEM-768 (FIPS 203) and X25519 run side by side, ML-KEM first in every
// concatenation:
//
//	client key_exchange = ML-KEM-768 encapsulation key (1184) ‖ X25519 public (32)
//	server key_exchange = ML-KEM-768 ciphertext (1088)       ‖ X25519 public (32)
//	shared secret       = ML-KEM-768 shared key (32)         ‖ X25519 shared (32)
//
// The other hybrids of the draft put the ECDH part first; this one does
// not, for FIPS reasons (draft, 3). Lengths are fixed, so anything else is
// illegal_parameter, as is an encapsulation key that fails the modulus
// check of FIPS 203, 7.2, or an X25519 value giving an all-zero output.

// Sizes of the X25519MLKEM768 key_exchange values (draft-ietf-tls-ecdhe-mlkem, 3).
const (
	x25519Len                  = 32
	x25519MLKEM768ClientLen    = mlkem.EncapsulationKeySize768 + x25519Len // 1216
	x25519MLKEM768ServerLen    = mlkem.CiphertextSize768 + x25519Len       // 1120
	x25519MLKEM768SharedSecret = mlkem.SharedKeySize + x25519Len           // 64
)

type x25519MLKEM768Share struct {
	dk  *mlkem.DecapsulationKey768
	ecd *ecdh.PrivateKey
	pub []byte
}

func generateX25519MLKEM768(rand io.Reader) (KeyShare, error) {
	dk, err := ephemeralMLKEM768(rand)
	if err != nil {
		return nil, internalError("ML-KEM-768 key generation failed")
	}
	ecd, err := ephemeralKey(ecdh.X25519(), rand)
	if err != nil {
		return nil, internalError("key share generation failed")
	}
	pub := make([]byte, 0, x25519MLKEM768ClientLen)
	pub = append(pub, dk.EncapsulationKey().Bytes()...)
	pub = append(pub, ecd.PublicKey().Bytes()...)
	return &x25519MLKEM768Share{dk: dk, ecd: ecd, pub: pub}, nil
}

func (s *x25519MLKEM768Share) Group() uint16 { return wire.GroupX25519MLKEM768 }

// Public returns a copy, so that a caller writing into it cannot change
// what a later call returns.
func (s *x25519MLKEM768Share) Public() []byte { return append([]byte(nil), s.pub...) }

// Shared decapsulates the server's ciphertext and runs X25519 with its
// public value. A ciphertext of the right length that does not decrypt
// yields ML-KEM's implicit-rejection key (FIPS 203, 7.3), not an error:
// the handshake then fails at the server's Finished, as it must.
func (s *x25519MLKEM768Share) Shared(peerShare []byte) ([]byte, error) {
	if len(peerShare) != x25519MLKEM768ServerLen {
		return nil, illegalParameter("invalid X25519MLKEM768 key share length")
	}
	ct, xpub := peerShare[:mlkem.CiphertextSize768], peerShare[mlkem.CiphertextSize768:]
	peer, err := newPeerKey(ecdh.X25519(), xpub)
	if err != nil {
		return nil, err
	}
	xs, err := ecdhWith(s.ecd, peer)
	if err != nil {
		return nil, err
	}
	ks, err := s.dk.Decapsulate(ct)
	if err != nil {
		return nil, illegalParameter("invalid X25519MLKEM768 key share")
	}
	return hybridSecret(ks, xs), nil
}

// prepareX25519MLKEM768 encapsulates to the client's ML-KEM key at once
// (the ciphertext is part of the server's share) and leaves the X25519
// agreement to agree.
func prepareX25519MLKEM768(clientShare []byte, rand io.Reader) (serverShare []byte, agree func() ([]byte, error), err error) {
	if len(clientShare) != x25519MLKEM768ClientLen {
		return nil, nil, illegalParameter("invalid X25519MLKEM768 key share length")
	}
	ekBytes, xpub := clientShare[:mlkem.EncapsulationKeySize768], clientShare[mlkem.EncapsulationKeySize768:]
	ek, err := mlkem.NewEncapsulationKey768(ekBytes)
	if err != nil {
		return nil, nil, illegalParameter("invalid X25519MLKEM768 key share")
	}
	peer, err := newPeerKey(ecdh.X25519(), xpub)
	if err != nil {
		return nil, nil, err
	}
	ecd, err := ephemeralKey(ecdh.X25519(), rand)
	if err != nil {
		return nil, nil, internalError("key share generation failed")
	}
	ks, ct := ek.Encapsulate()
	serverShare = make([]byte, 0, x25519MLKEM768ServerLen)
	serverShare = append(serverShare, ct...)
	serverShare = append(serverShare, ecd.PublicKey().Bytes()...)
	agree = func() ([]byte, error) {
		xs, err := ecdhWith(ecd, peer)
		if err != nil {
			clear(ks)
			return nil, err
		}
		return hybridSecret(ks, xs), nil
	}
	return serverShare, agree, nil
}

// hybridSecret concatenates ML-KEM's key then X25519's, and erases both.
func hybridSecret(kem, ecdhe []byte) []byte {
	out := make([]byte, 0, x25519MLKEM768SharedSecret)
	out = append(out, kem...)
	out = append(out, ecdhe...)
	clear(kem)
	clear(ecdhe)
	return out
}
