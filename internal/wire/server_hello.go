package wire

import (
	"bytes"

	"golang.org/x/crypto/cryptobyte"
)

// HelloRetryRequestRandom is the Random of a HelloRetryRequest:
// SHA-256("HelloRetryRequest") (RFC 8446, Section 4.1.3). A ServerHello
// carrying it is a HelloRetryRequest.
var HelloRetryRequestRandom = [32]byte{
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
}

// Downgrade sentinels: the last 8 bytes of a TLS 1.3-capable server's
// Random when it negotiates TLS 1.2 or TLS 1.1 and below (RFC 8446,
// Section 4.1.3). A TLS 1.3 client must check them.
var (
	DowngradeTLS12 = [8]byte{0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01}
	DowngradeTLS11 = [8]byte{0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00}
)

// Type returns TypeServerHello.
func (m *ServerHello) Type() uint8 { return TypeServerHello }

// IsHelloRetryRequest reports whether m is a HelloRetryRequest, which is
// recognized by its Random alone (RFC 8446, Section 4.1.3).
func (m *ServerHello) IsHelloRetryRequest() bool {
	return bytes.Equal(m.Random, HelloRetryRequestRandom[:])
}

// Marshal encodes the ServerHello with its 4-byte header. The extensions
// field is omitted when no extension is set (legal up to TLS 1.2, RFC 5246,
// Section 7.4.1.3). For a HelloRetryRequest (Random equal to
// HelloRetryRequestRandom) key_share carries SelectedGroup; otherwise it
// carries KeyShare when KeyShare.Group is not zero.
func (m *ServerHello) Marshal() ([]byte, error) {
	return marshalMessage(TypeServerHello, func(b *cryptobyte.Builder) {
		if len(m.Random) != 32 {
			fail(b, "ServerHello random must be 32 bytes")
			return
		}
		if len(m.SessionID) > 32 {
			fail(b, "session_id longer than 32 bytes")
			return
		}
		if m.SupportedVersion == VersionTLS13 && m.CompressionMethod != 0 {
			fail(b, "TLS 1.3 legacy_compression_method must be 0")
			return
		}
		b.AddUint16(m.Version)
		b.AddBytes(m.Random)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SessionID) })
		b.AddUint16(m.CipherSuite)
		b.AddUint8(m.CompressionMethod)
		m.marshalExtensions(b)
	})
}

func (m *ServerHello) marshalExtensions(b *cryptobyte.Builder) {
	w := newExtWriter(128)
	if m.ServerNameAck {
		w.addEmpty(ExtServerName)
	}
	if m.StatusRequest {
		w.addEmpty(ExtStatusRequest)
	}
	if len(m.ECPointFormats) > 0 {
		w.add(ExtECPointFormats, func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.ECPointFormats) })
		})
	}
	if m.ALPNProtocol != "" {
		w.add(ExtALPN, func(b *cryptobyte.Builder) { addProtocolNames(b, []string{m.ALPNProtocol}) })
	}
	if m.EncryptThenMAC {
		w.addEmpty(ExtEncryptThenMAC)
	}
	if m.ExtendedMasterSecret {
		w.addEmpty(ExtExtendedMasterSecret)
	}
	if m.SessionTicketExt {
		w.addEmpty(ExtSessionTicket)
	}
	if m.PSKSelected {
		w.add(ExtPreSharedKey, func(b *cryptobyte.Builder) { b.AddUint16(m.PSKIdentity) })
	}
	if m.SupportedVersion != 0 {
		w.add(ExtSupportedVersions, func(b *cryptobyte.Builder) { b.AddUint16(m.SupportedVersion) })
	}
	if len(m.TLS13Cookie) > 0 {
		w.add(ExtCookie, func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.TLS13Cookie) })
		})
	}
	if m.IsHelloRetryRequest() {
		if m.SelectedGroup != 0 {
			w.add(ExtKeyShare, func(b *cryptobyte.Builder) { b.AddUint16(m.SelectedGroup) })
		}
	} else if m.KeyShare.Group != 0 {
		w.add(ExtKeyShare, func(b *cryptobyte.Builder) { addKeyShare(b, m.KeyShare) })
	}
	m.Limits.add(&w)
	if m.NextProtoNeg {
		w.add(ExtNextProtoNeg, func(b *cryptobyte.Builder) {
			for _, p := range m.NextProtos {
				if p == "" {
					fail(b, "empty NPN protocol name")
					return
				}
				b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(p)) })
			}
		})
	}
	if m.SecureRenegotiationValid {
		w.add(ExtRenegotiationInfo, func(b *cryptobyte.Builder) { addRenegotiationInfo(b, m.SecureRenegotiation) })
	}
	w.addUnknown(m.Unknown)
	w.writeTo(b, true)
}

// Unmarshal parses a ServerHello or HelloRetryRequest, header included.
// Byte slices in m alias b.
func (m *ServerHello) Unmarshal(b []byte) bool {
	*m = ServerHello{}
	body, ok := readBody(b, TypeServerHello)
	if !ok {
		return false
	}
	var random []byte
	var sessionID cryptobyte.String
	if !body.ReadUint16(&m.Version) || !body.ReadBytes(&random, 32) ||
		!body.ReadUint8LengthPrefixed(&sessionID) || len(sessionID) > 32 ||
		!body.ReadUint16(&m.CipherSuite) || !body.ReadUint8(&m.CompressionMethod) {
		return false
	}
	m.Random = random
	m.SessionID = bytesOrNil(sessionID)
	if !body.Empty() {
		exts, ok := readExtensions(&body)
		if !ok || !body.Empty() {
			return false
		}
		hrr := m.IsHelloRetryRequest()
		for _, e := range exts {
			if !m.unmarshalExtension(e, hrr) {
				return false
			}
		}
	}
	// "legacy_compression_method: A single byte which MUST have the value
	// 0" (RFC 8446, Section 4.1.3).
	if m.SupportedVersion == VersionTLS13 && m.CompressionMethod != 0 {
		return false
	}
	m.Raw = b
	return true
}

func (m *ServerHello) unmarshalExtension(e rawExt, hrr bool) bool {
	if handled, ok := m.Limits.parse(e); handled {
		return ok
	}
	data := e.data
	switch e.typ {
	case ExtServerName:
		// The server's acknowledgement is empty (RFC 6066, Section 3).
		m.ServerNameAck = true
		return parseEmptyExt(data)
	case ExtStatusRequest:
		// Empty in a TLS 1.2 ServerHello (RFC 6066, Section 8).
		m.StatusRequest = true
		return parseEmptyExt(data)
	case ExtECPointFormats:
		return parseUint8ListExt(data, &m.ECPointFormats)
	case ExtALPN:
		return parseALPNSelected(data, &m.ALPNProtocol)
	case ExtEncryptThenMAC:
		m.EncryptThenMAC = true
		return parseEmptyExt(data)
	case ExtExtendedMasterSecret:
		m.ExtendedMasterSecret = true
		return parseEmptyExt(data)
	case ExtSessionTicket:
		// "The server uses a zero-length SessionTicket extension to
		// indicate to the client that it will send a new session ticket"
		// (RFC 5077, Section 3.2).
		m.SessionTicketExt = true
		return parseEmptyExt(data)
	case ExtPreSharedKey:
		// selected_identity (RFC 8446, Section 4.2.11).
		m.PSKSelected = true
		return data.ReadUint16(&m.PSKIdentity) && data.Empty()
	case ExtSupportedVersions:
		// selected_version (RFC 8446, Section 4.2.1); 0 is reserved and
		// stands for "absent" here.
		return data.ReadUint16(&m.SupportedVersion) && m.SupportedVersion != 0 && data.Empty()
	case ExtCookie:
		var c cryptobyte.String
		if !data.ReadUint16LengthPrefixed(&c) || len(c) == 0 || !data.Empty() {
			return false
		}
		m.TLS13Cookie = []byte(c)
	case ExtKeyShare:
		// A HelloRetryRequest carries only selected_group, a ServerHello
		// one KeyShareEntry (RFC 8446, Section 4.2.8). Group 0 is not a
		// NamedGroup and stands for "absent" here.
		if hrr {
			return data.ReadUint16(&m.SelectedGroup) && m.SelectedGroup != 0 && data.Empty()
		}
		return readKeyShare(&data, &m.KeyShare) && m.KeyShare.Group != 0 && data.Empty()
	case ExtNextProtoNeg:
		// An optional list of non-empty protocol names, without an outer
		// length (draft-agl-tls-nextprotoneg-04, Section 3).
		m.NextProtoNeg = true
		for !data.Empty() {
			var p cryptobyte.String
			if !data.ReadUint8LengthPrefixed(&p) || len(p) == 0 {
				return false
			}
			m.NextProtos = append(m.NextProtos, string(p))
		}
	case ExtRenegotiationInfo:
		m.SecureRenegotiationValid = true
		return parseRenegotiationInfo(data, &m.SecureRenegotiation)
	default:
		m.Unknown = append(m.Unknown, unknownExt(e))
	}
	return true
}
