package wire

import "golang.org/x/crypto/cryptobyte"

// RecordLimits are the two extensions that cap the size of records:
// max_fragment_length (RFC 6066, Section 4), a code for 2^9..2^12 bytes,
// and record_size_limit (RFC 8449, Section 4), a byte count. A
// ClientHello, a TLS 1.2 ServerHello and TLS 1.3 EncryptedExtensions
// carry them. Values are kept as received, out of range ones included,
// so that the handshake can answer them with illegal_parameter as both
// RFCs require rather than decode_error.
type RecordLimits struct {
	MaxFragmentLength    uint8 // the MaxFragmentLength code
	HasMaxFragmentLength bool
	RecordSizeLimit      uint16
	HasRecordSizeLimit   bool
}

// Max fragment length codes (RFC 6066, Section 4): 2^9, 2^10, 2^11, 2^12.
const (
	MaxFragment512  uint8 = 1
	MaxFragment4096 uint8 = 4
)

// MaxFragmentBytes returns the fragment size a max_fragment_length code
// stands for, or 0 for a value RFC 6066 does not define.
func MaxFragmentBytes(code uint8) int {
	if code < MaxFragment512 || code > MaxFragment4096 {
		return 0
	}
	return 1 << (8 + code)
}

func (l *RecordLimits) add(w *extWriter) {
	if l.HasMaxFragmentLength {
		w.add(ExtMaxFragmentLength, func(b *cryptobyte.Builder) { b.AddUint8(l.MaxFragmentLength) })
	}
	if l.HasRecordSizeLimit {
		w.add(ExtRecordSizeLimit, func(b *cryptobyte.Builder) { b.AddUint16(l.RecordSizeLimit) })
	}
}

// parse reads e if it is one of the two extensions; handled reports
// whether it was, ok whether it was well formed (one byte, two bytes).
func (l *RecordLimits) parse(e rawExt) (handled, ok bool) {
	data := e.data
	switch e.typ {
	case ExtMaxFragmentLength:
		l.HasMaxFragmentLength = true
		return true, data.ReadUint8(&l.MaxFragmentLength) && data.Empty()
	case ExtRecordSizeLimit:
		l.HasRecordSizeLimit = true
		return true, data.ReadUint16(&l.RecordSizeLimit) && data.Empty()
	}
	return false, false
}
