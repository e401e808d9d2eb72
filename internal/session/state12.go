package session

import (
	"time"

	"golang.org/x/crypto/cryptobyte"
)

// State12 is a TLS 1.0–1.2 session (RFC 5246, 7.3): what an abbreviated
// handshake resumes. A server keeps it in its Store under the session ID
// or seals it into a ticket (RFC 5077, 4); a client keeps it with the
// session ID and ticket the server gave it.
type State12 struct {
	Version    uint16
	Suite      uint16
	Master     []byte
	EMS        bool // extended master secret (RFC 7627)
	ServerName string
	Created    time.Time
	// Lifetime bounds the session's use (0: the holder's default).
	Lifetime  time.Duration
	PeerCerts [][]byte // the peer's certificate chain, leaf first
	// ConfigKey names the server configuration that made the session, so
	// a listener never resumes a session another one (with other
	// certificates or verification settings) established.
	ConfigKey string
	// Credential (server side): the PSK or SRP user that authenticated
	// the client, if one did.
	Credential Credential
	// Client side only.
	SessionID []byte
	Ticket    []byte
	// Group is the (EC)DHE group of the handshake that made the session
	// (0: none): a resumption reports it, as BoringSSL does.
	Group uint16
}

// Marshal encodes the state.
func (s *State12) Marshal() ([]byte, error) {
	var b cryptobyte.Builder
	addLabel(&b, labelState12)
	b.AddUint16(s.Version)
	b.AddUint16(s.Suite)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.Master) })
	ems := uint8(0)
	if s.EMS {
		ems = 1
	}
	b.AddUint8(ems)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.ServerName)) })
	b.AddUint64(uint64(s.Created.Unix()))
	b.AddUint32(uint32(s.Lifetime / time.Second))
	addCertList(&b, s.PeerCerts)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(s.ConfigKey)) })
	addCredential(&b, s.Credential)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.SessionID) })
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.Ticket) })
	b.AddUint16(s.Group)
	return b.Bytes()
}

// Unmarshal decodes a state; false for anything malformed.
func (s *State12) Unmarshal(data []byte) bool {
	in := cryptobyte.String(data)
	var ems uint8
	var created uint64
	var lifetime uint32
	var master, name, certs, key, id, ticket cryptobyte.String
	if !readLabel(&in, labelState12) || !in.ReadUint16(&s.Version) || !in.ReadUint16(&s.Suite) ||
		!in.ReadUint8LengthPrefixed(&master) || !in.ReadUint8(&ems) || !in.ReadUint16LengthPrefixed(&name) ||
		!in.ReadUint64(&created) || !in.ReadUint32(&lifetime) || !in.ReadUint24LengthPrefixed(&certs) ||
		!in.ReadUint16LengthPrefixed(&key) || !readCredential(&in, &s.Credential) || !in.ReadUint8LengthPrefixed(&id) || !in.ReadUint16LengthPrefixed(&ticket) ||
		!in.ReadUint16(&s.Group) || !in.Empty() || len(master) != 48 || ems > 1 || len(id) > 32 {
		return false
	}
	s.Master = append([]byte(nil), master...)
	s.EMS = ems == 1
	s.ServerName = string(name)
	s.Created = time.Unix(int64(created), 0)
	s.Lifetime = time.Duration(lifetime) * time.Second
	s.ConfigKey = string(key)
	s.SessionID = bytesOrNil(id)
	s.Ticket = bytesOrNil(ticket)
	var ok bool
	s.PeerCerts, ok = readCertList(certs)
	return ok
}

func bytesOrNil(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// Expired reports whether the session may no longer be resumed at now:
// past its lifetime (or def when it has none), or from the future.
func (s *State12) Expired(now time.Time, def time.Duration) bool {
	life := s.Lifetime
	if life <= 0 || (def > 0 && life > def) {
		life = def
	}
	return now.Sub(s.Created) >= life || s.Created.After(now.Add(time.Minute))
}
