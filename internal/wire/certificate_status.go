package wire

import "golang.org/x/crypto/cryptobyte"

// CertificateStatus carries a stapled OCSP response in TLS 1.2 (RFC 6066,
// Section 8): status_type ocsp(1) and OCSPResponse<1..2^24-1>. In TLS 1.3
// the same body is a CertificateEntry extension instead.
type CertificateStatus struct {
	Response []byte // DER OCSPResponse
	Raw      []byte
}

// Type returns TypeCertificateStatus.
func (m *CertificateStatus) Type() uint8 { return TypeCertificateStatus }

// Marshal encodes the CertificateStatus with its 4-byte header.
func (m *CertificateStatus) Marshal() ([]byte, error) {
	return marshalMessage(TypeCertificateStatus, func(b *cryptobyte.Builder) {
		if len(m.Response) == 0 {
			fail(b, "empty OCSP response")
			return
		}
		b.AddUint8(1)
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Response) })
	})
}

// Unmarshal parses a CertificateStatus; only status_type ocsp is defined.
// Response aliases b.
func (m *CertificateStatus) Unmarshal(b []byte) bool {
	*m = CertificateStatus{}
	body, ok := readBody(b, TypeCertificateStatus)
	var typ uint8
	var resp cryptobyte.String
	if !ok || !body.ReadUint8(&typ) || typ != 1 ||
		!body.ReadUint24LengthPrefixed(&resp) || len(resp) == 0 || !body.Empty() {
		return false
	}
	m.Response, m.Raw = []byte(resp), b
	return true
}
