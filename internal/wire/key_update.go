package wire

// Type returns TypeKeyUpdate.
func (m *KeyUpdate) Type() uint8 { return TypeKeyUpdate }

// Marshal encodes the KeyUpdate with its 4-byte header.
func (m *KeyUpdate) Marshal() ([]byte, error) {
	v := byte(0) // update_not_requested
	if m.UpdateRequested {
		v = 1 // update_requested
	}
	return Frame(TypeKeyUpdate, []byte{v}), nil
}

// Unmarshal parses a KeyUpdate: one byte that must be 0 or 1 ("If an
// implementation receives any other value, it MUST terminate the
// connection with an "illegal_parameter" alert", RFC 8446, Section 4.6.3).
func (m *KeyUpdate) Unmarshal(b []byte) bool {
	*m = KeyUpdate{}
	body, ok := readBody(b, TypeKeyUpdate)
	var v uint8
	if !ok || !body.ReadUint8(&v) || !body.Empty() || v > 1 {
		return false
	}
	m.UpdateRequested, m.Raw = v == 1, b
	return true
}

// KeyUpdateValueIllegal reports whether b is a KeyUpdate of the right
// form whose request_update is neither 0 nor 1. Unmarshal refuses it as
// it refuses a malformed one, but the alert differs: illegal_parameter
// here (RFC 8446, 4.6.3), decode_error for a body of the wrong length.
func KeyUpdateValueIllegal(b []byte) bool {
	body, ok := readBody(b, TypeKeyUpdate)
	var v uint8
	return ok && body.ReadUint8(&v) && body.Empty() && v > 1
}
