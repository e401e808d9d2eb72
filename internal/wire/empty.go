package wire

// Messages with an empty body. Any byte of body makes them malformed.

// Type returns TypeServerHelloDone.
func (m *ServerHelloDone) Type() uint8 { return TypeServerHelloDone }

// Marshal returns the 4-byte header with a zero length (RFC 5246, 7.4.5).
func (m *ServerHelloDone) Marshal() ([]byte, error) { return Frame(TypeServerHelloDone, nil), nil }

// Unmarshal accepts only the empty message.
func (m *ServerHelloDone) Unmarshal(b []byte) bool {
	*m = ServerHelloDone{}
	return unmarshalEmpty(b, TypeServerHelloDone, &m.Raw)
}

// Type returns TypeHelloRequest.
func (m *HelloRequest) Type() uint8 { return TypeHelloRequest }

// Marshal returns the 4-byte header with a zero length (RFC 5246, 7.4.1.1).
func (m *HelloRequest) Marshal() ([]byte, error) { return Frame(TypeHelloRequest, nil), nil }

// Unmarshal accepts only the empty message.
func (m *HelloRequest) Unmarshal(b []byte) bool {
	*m = HelloRequest{}
	return unmarshalEmpty(b, TypeHelloRequest, &m.Raw)
}

// EndOfEarlyData (RFC 8446, Section 4.5): empty.
type EndOfEarlyData struct{ Raw []byte }

// Type returns TypeEndOfEarlyData.
func (m *EndOfEarlyData) Type() uint8 { return TypeEndOfEarlyData }

// Marshal returns the 4-byte header with a zero length.
func (m *EndOfEarlyData) Marshal() ([]byte, error) { return Frame(TypeEndOfEarlyData, nil), nil }

// Unmarshal accepts only the empty message.
func (m *EndOfEarlyData) Unmarshal(b []byte) bool {
	*m = EndOfEarlyData{}
	return unmarshalEmpty(b, TypeEndOfEarlyData, &m.Raw)
}

func unmarshalEmpty(b []byte, typ uint8, raw *[]byte) bool {
	body, ok := readBody(b, typ)
	if !ok || !body.Empty() {
		return false
	}
	*raw = b
	return true
}
