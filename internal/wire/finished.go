package wire

// Type returns TypeFinished.
func (m *Finished) Type() uint8 { return TypeFinished }

// minVerifyDataLen is the shortest verify_data of any version: 12 bytes in
// TLS 1.0-1.2 ("verify_data_length ... MUST be at least 12", RFC 5246,
// Section 7.4.9), 36 in SSL 3.0, the hash length (at least 32) in TLS 1.3.
const minVerifyDataLen = 12

// Marshal frames VerifyData with a 4-byte header.
func (m *Finished) Marshal() ([]byte, error) {
	if len(m.VerifyData) < minVerifyDataLen {
		return nil, errorString("verify_data shorter than 12 bytes")
	}
	return marshalOpaque(TypeFinished, m.VerifyData)
}

// Unmarshal sets VerifyData to the body of b (aliasing b). Its exact
// length depends on the cipher suite and is checked by the engine; here
// only the lower bound of every version is enforced.
func (m *Finished) Unmarshal(b []byte) bool {
	*m = Finished{}
	body, ok := readBody(b, TypeFinished)
	if !ok || len(body) < minVerifyDataLen {
		return false
	}
	m.VerifyData, m.Raw = []byte(body), b
	return true
}
