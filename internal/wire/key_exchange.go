package wire

import "golang.org/x/crypto/cryptobyte"

// The key-exchange messages are opaque here: their layout depends on the
// negotiated key exchange (RFC 5246, Sections 7.4.3 and 7.4.7; RFC 4279;
// RFC 5054; RFC 8422), which the wire layer does not know.

// Type returns TypeServerKeyExchange.
func (m *ServerKeyExchange) Type() uint8 { return TypeServerKeyExchange }

// Marshal frames Key with a 4-byte header.
func (m *ServerKeyExchange) Marshal() ([]byte, error) {
	return marshalOpaque(TypeServerKeyExchange, m.Key)
}

// Unmarshal sets Key to the body of b (aliasing b). Any body is
// accepted; the key exchange parses it.
func (m *ServerKeyExchange) Unmarshal(b []byte) bool {
	*m = ServerKeyExchange{}
	body, ok := readBody(b, TypeServerKeyExchange)
	if !ok {
		return false
	}
	m.Key, m.Raw = bytesOrNil(body), b
	return true
}

// Type returns TypeClientKeyExchange.
func (m *ClientKeyExchange) Type() uint8 { return TypeClientKeyExchange }

// Marshal frames Key with a 4-byte header.
func (m *ClientKeyExchange) Marshal() ([]byte, error) {
	return marshalOpaque(TypeClientKeyExchange, m.Key)
}

// Unmarshal sets Key to the body of b (aliasing b). An empty body is
// legal: ClientDiffieHellmanPublic is empty when the client's certificate
// holds its DH key ("implicit", RFC 5246, Section 7.4.7.2).
func (m *ClientKeyExchange) Unmarshal(b []byte) bool {
	*m = ClientKeyExchange{}
	body, ok := readBody(b, TypeClientKeyExchange)
	if !ok {
		return false
	}
	m.Key, m.Raw = bytesOrNil(body), b
	return true
}

func marshalOpaque(typ uint8, body []byte) ([]byte, error) {
	return marshalMessage(typ, func(b *cryptobyte.Builder) { b.AddBytes(body) })
}
