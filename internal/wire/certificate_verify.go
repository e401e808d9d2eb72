package wire

import "golang.org/x/crypto/cryptobyte"

// Type returns TypeCertificateVerify.
func (m *CertificateVerify) Type() uint8 { return TypeCertificateVerify }

// Marshal encodes the CertificateVerify with its 4-byte header: the
// SignatureScheme first when m.HasAlgorithm is set (TLS 1.2 and 1.3), then
// signature<0..2^16-1> (RFC 5246, Sections 4.7 and 7.4.8; RFC 8446,
// Section 4.4.3).
func (m *CertificateVerify) Marshal() ([]byte, error) {
	return marshalMessage(TypeCertificateVerify, func(b *cryptobyte.Builder) {
		if m.HasAlgorithm {
			b.AddUint16(m.Algorithm)
		} else if m.Algorithm != 0 {
			fail(b, "Algorithm set without HasAlgorithm")
			return
		}
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Signature) })
	})
}

// Unmarshal parses a CertificateVerify, header included. m.HasAlgorithm
// must be set by the caller beforehand: TLS 1.0 and 1.1 have no algorithm
// field. Signature aliases b.
func (m *CertificateVerify) Unmarshal(b []byte) bool {
	*m = CertificateVerify{HasAlgorithm: m.HasAlgorithm}
	body, ok := readBody(b, TypeCertificateVerify)
	if !ok {
		return false
	}
	if m.HasAlgorithm && !body.ReadUint16(&m.Algorithm) {
		return false
	}
	var sig cryptobyte.String
	if !body.ReadUint16LengthPrefixed(&sig) || !body.Empty() {
		return false
	}
	m.Signature, m.Raw = bytesOrNil(sig), b
	return true
}
