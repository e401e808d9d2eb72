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
	// ConfigKey names the server configuration that issued the ticket
	// (the one SNI chose), which alone may resume it.
	ConfigKey string
	// Credential: the external PSK of the handshake that issued the
	// ticket, if one authenticated the client.
	Credential Credential
}

// Every state starts with a label naming its kind and format. Tickets of
// both kinds are sealed with the same keys and travel in the same
// places, so the label is what keeps a TLS 1.2 session from opening as
// a TLS 1.3 ticket, or the reverse.
const (
	labelState12 = 0x12
	labelState13 = 0x13
	// labelClient13 is a client's TLS 1.3 ticket (ClientTicket), which a
	// client with session_tickets manual hands to its application.
	labelClient13 = 0x31
	// stateFormat changes with any kind's encoding (4: State12.Group):
	// a state of an older format does not open, and its session or
	// ticket gives a full handshake.
	stateFormat = 4
)

func addLabel(b *cryptobyte.Builder, kind uint8) {
	b.AddUint8(kind)
	b.AddUint8(stateFormat)
}

func readLabel(in *cryptobyte.String, kind uint8) bool {
	var k, f uint8
	return in.ReadUint8(&k) && in.ReadUint8(&f) && k == kind && f == stateFormat
}

// Marshal encodes the state.
func (s *State13) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	addLabel(&b, labelState13)
	b.AddUint16(s.Suite)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.PSK) })
	b.AddUint64(uint64(s.Created.Unix()))
	b.AddUint32(s.AgeAdd)
	b.AddUint32(uint32(s.Lifetime / time.Second))
	b.AddUint32(s.MaxEarlyData)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.ALPN)) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.ServerName)) })
	addCertList(&b, s.PeerCerts)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.ConfigKey)) })
	addCredential(&b, s.Credential)
	return b.Bytes()
}

// Unmarshal decodes a state; false for anything malformed.
func (s *State13) Unmarshal(data []byte) bool {
	in := cryptobyte.String(data)
	var created uint64
	var lifetime uint32
	var psk, alpn, name, certs, key cryptobyte.String
	if !readLabel(&in, labelState13) || !in.ReadUint16(&s.Suite) ||
		!in.ReadUint8LengthPrefixed(&psk) || !in.ReadUint64(&created) || !in.ReadUint32(&s.AgeAdd) ||
		!in.ReadUint32(&lifetime) || !in.ReadUint32(&s.MaxEarlyData) ||
		!in.ReadUint8LengthPrefixed(&alpn) || !in.ReadUint16LengthPrefixed(&name) ||
		!in.ReadUint24LengthPrefixed(&certs) || !in.ReadUint16LengthPrefixed(&key) ||
		!readCredential(&in, &s.Credential) || !in.Empty() || len(psk) == 0 {
		return false
	}
	s.PSK = append([]byte(nil), psk...)
	s.Created = time.Unix(int64(created), 0)
	s.Lifetime = time.Duration(lifetime) * time.Second
	s.ALPN, s.ServerName, s.ConfigKey = string(alpn), string(name), string(key)
	var ok bool
	s.PeerCerts, ok = readCertList(certs)
	return ok
}

// readCertList reads a list of uint24-prefixed, non-empty DER
// certificates.
func readCertList(certs cryptobyte.String) ([][]byte, bool) {
	var out [][]byte
	for !certs.Empty() {
		var c cryptobyte.String
		if !certs.ReadUint24LengthPrefixed(&c) || len(c) == 0 {
			return nil, false
		}
		out = append(out, append([]byte(nil), c...))
	}
	return out, true
}

// addCertList writes what readCertList reads.
func addCertList(b *cryptobyte.Builder, certs [][]byte) {
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, c := range certs {
			b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(c) })
		}
	})
}
