package wire

import "golang.org/x/crypto/cryptobyte"

// Type returns TypeNextProtocol.
func (m *NextProtocol) Type() uint8 { return TypeNextProtocol }

// Marshal encodes the NextProtocol with its 4-byte header:
// selected_protocol<0..255> then padding<0..255> of zero bytes, sized so
// that the body is a multiple of 32 bytes, which hides the length of the
// protocol name from an observer (draft-agl-tls-nextprotoneg-04, Section 3).
func (m *NextProtocol) Marshal() ([]byte, error) {
	return marshalMessage(TypeNextProtocol, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(m.Protocol)) })
		pad := 32 - (len(m.Protocol)+2)%32
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, pad)) })
	})
}

// Unmarshal parses a NextProtocol, header included. The padding's length
// is not checked (its size is only recommended), but it must be well
// formed and nothing may follow it. Protocol is copied out of b.
func (m *NextProtocol) Unmarshal(b []byte) bool {
	*m = NextProtocol{}
	body, ok := readBody(b, TypeNextProtocol)
	var proto, padding cryptobyte.String
	if !ok || !body.ReadUint8LengthPrefixed(&proto) || !body.ReadUint8LengthPrefixed(&padding) || !body.Empty() {
		return false
	}
	m.Protocol, m.Raw = string(proto), b
	return true
}
