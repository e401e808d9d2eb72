package wire

import (
	"errors"

	"golang.org/x/crypto/cryptobyte"
)

// HeaderLen is the size of a TLS handshake message header: msg_type and a
// uint24 length (RFC 5246, Section 7.4; RFC 8446, Section 4).
const HeaderLen = 4

// maxUint24 bounds every handshake body: its length is a uint24.
const maxUint24 = 1<<24 - 1

// ErrHandshakeTooLarge is returned by HandshakeBuffer.Next when a message
// header announces a body longer than the caller's limit. The caller
// answers with a fatal alert (OTP uses handshake_failure for
// max_handshake_size; decode_error is also reasonable).
var ErrHandshakeTooLarge = errors.New("wire: handshake message too large")

// ParseHeader reads the 4-byte handshake header at the start of b: the
// message type and the announced body length. It does not require the body
// to be present; ok is false only when b is shorter than the header.
func ParseHeader(b []byte) (typ uint8, length int, ok bool) {
	s := cryptobyte.String(b)
	var n uint32
	if !s.ReadUint8(&typ) || !s.ReadUint24(&n) {
		return 0, 0, false
	}
	return typ, int(n), true
}

// Frame prepends a handshake header to body. It panics if body does not
// fit a uint24 length, which no caller can produce from a well-formed
// message (records carry at most 2^14 bytes, handshake limits are lower).
func Frame(typ uint8, body []byte) []byte {
	if len(body) > maxUint24 {
		panic("wire: handshake body longer than 2^24-1 bytes")
	}
	out := make([]byte, HeaderLen+len(body))
	out[0] = typ
	out[1] = byte(len(body) >> 16)
	out[2] = byte(len(body) >> 8)
	out[3] = byte(len(body))
	copy(out[HeaderLen:], body)
	return out
}

// readBody checks the handshake header of b against the expected type and
// the exact length of b, and returns the body. A length that disagrees with
// len(b) in either direction is malformed (trailing bytes or overrun).
func readBody(b []byte, typ uint8) (cryptobyte.String, bool) {
	s := cryptobyte.String(b)
	var t uint8
	var body cryptobyte.String
	if !s.ReadUint8(&t) || t != typ || !s.ReadUint24LengthPrefixed(&body) || !s.Empty() {
		return nil, false
	}
	return body, true
}

// marshalMessage builds a framed handshake message whose body is written by
// f. Errors set on the builder (vectors too long, invalid field values) are
// returned.
func marshalMessage(typ uint8, f func(b *cryptobyte.Builder)) ([]byte, error) {
	// Most messages fit in a few hundred bytes; starting there spares
	// the builder the string of small reallocations it makes from empty.
	b := cryptobyte.NewBuilder(make([]byte, 0, 128))
	b.AddUint8(typ)
	b.AddUint24LengthPrefixed(f)
	return b.Bytes()
}

// fail records a marshaling error on a builder; later additions become
// no-ops and Bytes returns the error.
func fail(b *cryptobyte.Builder, msg string) {
	b.SetError(errorString(msg))
}

// bytesOrNil returns a copy-free []byte view of s, or nil when s is empty,
// so that "absent" and "empty" compare equal after a round trip.
func bytesOrNil(s cryptobyte.String) []byte {
	if len(s) == 0 {
		return nil
	}
	return []byte(s)
}

// errorString is a marshaling error.
type errorString string

func (e errorString) Error() string { return "wire: " + string(e) }
