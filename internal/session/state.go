package session

import (
	"time"

	"golang.org/x/crypto/cryptobyte"
)

// State13 is what a TLS 1.3 ticket carries (RFC 8446, 4.6.1): enough for
// the server to resume, kept sealed inside the ticket (stateless) or in
// the server's store (stateful).
type State13 struct {
	Suite        uint16
	PSK          []byte
	Created      time.Time
	AgeAdd       uint32
	Lifetime     time.Duration
	MaxEarlyData uint32
	ALPN         string
	ServerName   string
	PeerCerts    [][]byte // the client's certificate chain, if any
}

const state13Version = 1

// Marshal encodes the state.
func (s *State13) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddUint8(state13Version)
	b.AddUint16(s.Suite)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.PSK) })
	b.AddUint64(uint64(s.Created.Unix()))
	b.AddUint32(s.AgeAdd)
	b.AddUint32(uint32(s.Lifetime / time.Second))
	b.AddUint32(s.MaxEarlyData)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.ALPN)) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.ServerName)) })
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, c := range s.PeerCerts {
			b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c) })
		}
	})
	return b.Bytes()
}

// Unmarshal decodes a state; false for anything malformed.
func (s *State13) Unmarshal(data []byte) bool {
	in := cryptobyte.String(data)
	var v uint8
	var created uint64
	var lifetime uint32
	var psk, alpn, name, certs cryptobyte.String
	if !in.ReadUint8(&v) || v != state13Version || !in.ReadUint16(&s.Suite) ||
		!in.ReadUint8LengthPrefixed(&psk) || !in.ReadUint64(&created) || !in.ReadUint32(&s.AgeAdd) ||
		!in.ReadUint32(&lifetime) || !in.ReadUint32(&s.MaxEarlyData) ||
		!in.ReadUint8LengthPrefixed(&alpn) || !in.ReadUint16LengthPrefixed(&name) ||
		!in.ReadUint24LengthPrefixed(&certs) || !in.Empty() || len(psk) == 0 {
		return false
	}
	s.PSK = append([]byte(nil), psk...)
	s.Created = time.Unix(int64(created), 0)
	s.Lifetime = time.Duration(lifetime) * time.Second
	s.ALPN, s.ServerName = string(alpn), string(name)
	s.PeerCerts = nil
	for !certs.Empty() {
		var c cryptobyte.String
		if !certs.ReadUint24LengthPrefixed(&c) || len(c) == 0 {
			return false
		}
		s.PeerCerts = append(s.PeerCerts, append([]byte(nil), c...))
	}
	return true
}
