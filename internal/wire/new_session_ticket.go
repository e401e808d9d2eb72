package wire

import "golang.org/x/crypto/cryptobyte"

// Type returns TypeNewSessionTicket.
func (m *NewSessionTicket) Type() uint8 { return TypeNewSessionTicket }

// Marshal encodes the NewSessionTicket with its 4-byte header, in the
// TLS 1.3 layout when m.TLS13 is set.
func (m *NewSessionTicket) Marshal() ([]byte, error) {
	return marshalMessage(TypeNewSessionTicket, func(b *cryptobyte.Builder) {
		b.AddUint32(m.LifetimeHint)
		if !m.TLS13 {
			if m.AgeAdd != 0 || len(m.Nonce) > 0 || m.MaxEarlyData != 0 || len(m.Unknown) > 0 {
				fail(b, "age_add, nonce and extensions exist only in TLS 1.3")
				return
			}
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Ticket) })
			return
		}
		if len(m.Ticket) == 0 {
			fail(b, "a TLS 1.3 ticket must not be empty")
			return
		}
		b.AddUint32(m.AgeAdd)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Nonce) })
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Ticket) })
		var w extWriter
		if m.MaxEarlyData != 0 {
			w.add(ExtEarlyData, func(b *cryptobyte.Builder) { b.AddUint32(m.MaxEarlyData) })
		}
		w.addUnknown(m.Unknown)
		w.writeTo(b, false)
	})
}

// Unmarshal parses a NewSessionTicket, header included; m.TLS13 must be
// set by the caller beforehand to select the layout.
//   - TLS 1.2: ticket_lifetime_hint and ticket<0..2^16-1> (RFC 5077,
//     Section 3.3; an empty ticket withdraws the announced one).
//   - TLS 1.3: ticket_lifetime, ticket_age_add, ticket_nonce<0..255>,
//     ticket<1..2^16-1> and extensions, of which early_data carries
//     max_early_data_size (RFC 8446, Sections 4.6.1 and 4.2.10).
//
// Byte slices in m alias b.
func (m *NewSessionTicket) Unmarshal(b []byte) bool {
	*m = NewSessionTicket{TLS13: m.TLS13}
	body, ok := readBody(b, TypeNewSessionTicket)
	if !ok || !body.ReadUint32(&m.LifetimeHint) {
		return false
	}
	var nonce, ticket cryptobyte.String
	if !m.TLS13 {
		if !body.ReadUint16LengthPrefixed(&ticket) || !body.Empty() {
			return false
		}
		m.Ticket, m.Raw = bytesOrNil(ticket), b
		return true
	}
	if !body.ReadUint32(&m.AgeAdd) || !body.ReadUint8LengthPrefixed(&nonce) ||
		!body.ReadUint16LengthPrefixed(&ticket) || len(ticket) == 0 {
		return false
	}
	m.Nonce, m.Ticket = bytesOrNil(nonce), []byte(ticket)
	exts, ok := readExtensions(&body)
	if !ok || !body.Empty() {
		return false
	}
	for _, e := range exts {
		if e.typ != ExtEarlyData {
			m.Unknown = append(m.Unknown, unknownExt(e))
			continue
		}
		data := e.data
		if !data.ReadUint32(&m.MaxEarlyData) || !data.Empty() {
			return false
		}
		if m.MaxEarlyData == 0 {
			// Zero is how "absent" is represented; keep the extension
			// raw so that a re-marshal writes the same bytes.
			m.Unknown = append(m.Unknown, unknownExt(e))
		}
	}
	m.Raw = b
	return true
}
