package kx

import "io"

// The RFC 7919 groups as TLS 1.3 key shares (RFC 8446, 4.2.8.1): the
// key_exchange value is Y = g^X mod p left-padded with zeros to the size
// of p, a peer's value of any other length is refused, 1 < Y < p − 1 is
// checked, and the shared secret Z keeps its leading zeros, left-padded
// to the size of p too (RFC 8446, 7.4.1). They are never in the default
// key shares: a 2048-bit exponentiation costs far more than an X25519
// one, so they are used when named in supported_groups.

type ffdheShare struct {
	key *dhKey
}

func generateFFDHEShare(group uint16, rand io.Reader) (KeyShare, error) {
	params := FFDHEGroup(group)
	if params == nil {
		return nil, internalError("key share group " + GroupName(group) + " not implemented")
	}
	key, err := generateDHKey(params, rand)
	if err != nil {
		return nil, err
	}
	return &ffdheShare{key: key}, nil
}

func (s *ffdheShare) Group() uint16  { return s.key.params.Group }
func (s *ffdheShare) Public() []byte { return append([]byte(nil), s.key.public...) }

func (s *ffdheShare) Shared(peerShare []byte) ([]byte, error) {
	if len(peerShare) != s.key.params.Size() {
		return nil, illegalParameter("ffdhe key share is not as long as the prime")
	}
	z, err := s.key.shared(peerShare)
	s.key.erase()
	return z, err
}

// prepareFFDHEShare is PrepareKeyShare for an ffdhe group: the client's
// share is checked before the server makes its own.
func prepareFFDHEShare(group uint16, clientShare []byte, rand io.Reader) ([]byte, func() ([]byte, error), error) {
	params := FFDHEGroup(group)
	if params == nil {
		return nil, nil, internalError("key share group " + GroupName(group) + " not implemented")
	}
	if len(clientShare) != params.Size() {
		return nil, nil, illegalParameter("ffdhe key share is not as long as the prime")
	}
	if err := params.checkPublic(clientShare); err != nil {
		return nil, nil, err
	}
	share, err := generateFFDHEShare(group, rand)
	if err != nil {
		return nil, nil, err
	}
	return share.Public(), func() ([]byte, error) { return share.Shared(clientShare) }, nil
}
