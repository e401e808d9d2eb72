package wire

import "golang.org/x/crypto/cryptobyte"

// DTLSHeaderLen is the size of a DTLS handshake header (RFC 6347, Section
// 4.2.2).
const DTLSHeaderLen = 12

// DTLSHeader is the DTLS handshake message header: the TLS header plus
// message_seq, fragment_offset and fragment_length, which let a message be
// fragmented across datagrams and reordered (RFC 6347, Section 4.2.2).
// Lengths and offsets are uint24 on the wire.
type DTLSHeader struct {
	Type           uint8
	Length         uint32 // length of the whole message body
	MessageSeq     uint16
	FragmentOffset uint32
	FragmentLength uint32
}

// AppendDTLSHeader appends the 12-byte encoding of h to dst. Values above
// 2^24-1 are a programming error and panic.
func AppendDTLSHeader(dst []byte, h DTLSHeader) []byte {
	if h.Length > maxUint24 || h.FragmentOffset > maxUint24 || h.FragmentLength > maxUint24 {
		panic("wire: DTLS handshake header field exceeds 2^24-1")
	}
	b := cryptobyte.NewBuilder(dst)
	b.AddUint8(h.Type)
	b.AddUint24(h.Length)
	b.AddUint16(h.MessageSeq)
	b.AddUint24(h.FragmentOffset)
	b.AddUint24(h.FragmentLength)
	return b.BytesOrPanic()
}

// MarshalDTLSHeader returns the 12-byte encoding of h.
func MarshalDTLSHeader(h DTLSHeader) []byte {
	return AppendDTLSHeader(make([]byte, 0, DTLSHeaderLen), h)
}

// ParseDTLSHeader reads the 12-byte header at the start of b; the fragment
// that follows is not examined. ok is false when b is too short or the
// fragment would reach past the end of the message
// (fragment_offset + fragment_length > length), which no reassembler can
// use.
func ParseDTLSHeader(b []byte) (h DTLSHeader, ok bool) {
	s := cryptobyte.String(b)
	if !s.ReadUint8(&h.Type) || !s.ReadUint24(&h.Length) || !s.ReadUint16(&h.MessageSeq) ||
		!s.ReadUint24(&h.FragmentOffset) || !s.ReadUint24(&h.FragmentLength) {
		return DTLSHeader{}, false
	}
	if uint64(h.FragmentOffset)+uint64(h.FragmentLength) > uint64(h.Length) {
		return DTLSHeader{}, false
	}
	return h, true
}

// ToDTLS converts a message framed with the 4-byte TLS header (as Marshal
// returns it) into an unfragmented DTLS message with message_seq seq:
// fragment_offset 0 and fragment_length equal to the length. This is also
// the form DTLS hashes into the handshake transcript (RFC 6347, Section
// 4.2.6). It returns nil if msg is not a complete framed message.
func ToDTLS(msg []byte, seq uint16) []byte {
	typ, n, ok := ParseHeader(msg)
	if !ok || len(msg) != HeaderLen+n {
		return nil
	}
	out := make([]byte, 0, DTLSHeaderLen+n)
	out = AppendDTLSHeader(out, DTLSHeader{Type: typ, Length: uint32(n), MessageSeq: seq, FragmentLength: uint32(n)})
	return append(out, msg[HeaderLen:]...)
}

// TLSVersion maps a DTLS version to the TLS version it is derived from
// (RFC 4347, Section 1: DTLS 1.0 is TLS 1.1; RFC 6347, Section 1: DTLS 1.2
// is TLS 1.2), so that version comparisons and the choice of PRF, record
// protection and signature format need no DTLS special case. Any other
// version is returned as it is.
func TLSVersion(v uint16) uint16 {
	switch v {
	case VersionDTLS10:
		return VersionTLS11
	case VersionDTLS12:
		return VersionTLS12
	}
	return v
}
