package wire

import "golang.org/x/crypto/cryptobyte"

// HelloVerifyRequest is the DTLS server's stateless cookie challenge
// (RFC 6347, Section 4.2.1).
type HelloVerifyRequest struct {
	Version uint16 // server_version
	Cookie  []byte // cookie<0..2^8-1>
	Raw     []byte
}

// Type returns TypeHelloVerifyRequest.
func (m *HelloVerifyRequest) Type() uint8 { return TypeHelloVerifyRequest }

// Marshal encodes the HelloVerifyRequest with a 4-byte header (the DTLS
// layer reframes it with the 12-byte one).
func (m *HelloVerifyRequest) Marshal() ([]byte, error) {
	return marshalMessage(TypeHelloVerifyRequest, func(b *cryptobyte.Builder) {
		b.AddUint16(m.Version)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Cookie) })
	})
}

// Unmarshal parses a HelloVerifyRequest with a 4-byte header. Cookie
// aliases b.
func (m *HelloVerifyRequest) Unmarshal(b []byte) bool {
	*m = HelloVerifyRequest{}
	body, ok := readBody(b, TypeHelloVerifyRequest)
	var cookie cryptobyte.String
	if !ok || !body.ReadUint16(&m.Version) || !body.ReadUint8LengthPrefixed(&cookie) || !body.Empty() {
		return false
	}
	m.Cookie, m.Raw = bytesOrNil(cookie), b
	return true
}
