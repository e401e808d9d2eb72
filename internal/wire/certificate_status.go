package wire

import "golang.org/x/crypto/cryptobyte"

// CertificateStatus carries a stapled OCSP response in TLS 1.2 (RFC 6066,
// Section 8): status_type ocsp(1) and OCSPResponse<1..2^24-1>. In TLS 1.3
// the same body is a CertificateEntry extension instead (RFC 8446,
// Section 4.4.2.1; StatusEntryExtension).
type CertificateStatus struct {
	Response []byte // DER OCSPResponse
	Raw      []byte
}

// Type returns TypeCertificateStatus.
func (m *CertificateStatus) Type() uint8 { return TypeCertificateStatus }

// Marshal encodes the CertificateStatus with its 4-byte header.
func (m *CertificateStatus) Marshal() ([]byte, error) {
	return marshalMessage(TypeCertificateStatus, func(b *cryptobyte.Builder) { addStatusBody(b, m.Response) })
}

func addStatusBody(b *cryptobyte.Builder, resp []byte) {
	if len(resp) == 0 {
		fail(b, "empty OCSP response")
		return
	}
	b.AddUint8(1)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(resp) })
}

// Unmarshal parses a CertificateStatus; only status_type ocsp is defined.
// Response aliases b.
func (m *CertificateStatus) Unmarshal(b []byte) bool {
	*m = CertificateStatus{}
	body, ok := readBody(b, TypeCertificateStatus)
	if !ok {
		return false
	}
	resp, ok := ParseStatusBody(body)
	if !ok {
		return false
	}
	m.Response, m.Raw = resp, b
	return true
}

// ParseStatusBody parses a CertificateStatus body, as the TLS 1.2 message
// and the TLS 1.3 entry extension carry it: status_type ocsp(1) and a
// non-empty OCSPResponse filling the rest. The response aliases data.
func ParseStatusBody(data []byte) ([]byte, bool) {
	body := cryptobyte.String(data)
	var typ uint8
	var resp cryptobyte.String
	if !body.ReadUint8(&typ) || typ != 1 ||
		!body.ReadUint24LengthPrefixed(&resp) || len(resp) == 0 || !body.Empty() {
		return nil, false
	}
	return resp, true
}

// StatusEntryExtension is the status_request extension of a TLS 1.3
// CertificateEntry carrying resp (RFC 8446, Section 4.4.2.1).
func StatusEntryExtension(resp []byte) (Extension, error) {
	var b cryptobyte.Builder
	addStatusBody(&b, resp)
	data, err := b.Bytes()
	return Extension{Type: ExtStatusRequest, Data: data}, err
}
