package wire

import "golang.org/x/crypto/cryptobyte"

// Type returns TypeCertificate.
func (m *Certificate) Type() uint8 { return TypeCertificate }

// Marshal encodes the Certificate with its 4-byte header, in the TLS 1.3
// layout when m.TLS13 is set.
func (m *Certificate) Marshal() ([]byte, error) {
	return marshalMessage(TypeCertificate, func(b *cryptobyte.Builder) {
		if m.TLS13 {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Context) })
		} else if len(m.Context) > 0 {
			fail(b, "certificate_request_context exists only in TLS 1.3")
			return
		}
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			for _, e := range m.Entries {
				if len(e.Data) == 0 {
					fail(b, "empty certificate")
					return
				}
				b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e.Data) })
				if m.TLS13 {
					var w extWriter
					w.addUnknown(e.Extensions)
					w.writeTo(b, false)
				} else if len(e.Extensions) > 0 {
					fail(b, "certificate extensions exist only in TLS 1.3")
					return
				}
			}
		})
	})
}

// Unmarshal parses a Certificate, header included. m.TLS13 must be set by
// the caller beforehand to select the layout. TLS 1.2 and earlier:
// certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1> (RFC 5246, Section
// 7.4.2). TLS 1.3: certificate_request_context<0..2^8-1>, then
// CertificateEntry values, each cert_data<1..2^24-1> and an extensions
// block (RFC 8446, Section 4.4.2). An empty list is legal: it is how a
// client without a suitable certificate answers a CertificateRequest.
// Byte slices in m alias b.
func (m *Certificate) Unmarshal(b []byte) bool {
	*m = Certificate{TLS13: m.TLS13}
	body, ok := readBody(b, TypeCertificate)
	if !ok {
		return false
	}
	if m.TLS13 {
		var ctx cryptobyte.String
		if !body.ReadUint8LengthPrefixed(&ctx) {
			return false
		}
		m.Context = bytesOrNil(ctx)
	}
	var list cryptobyte.String
	if !body.ReadUint24LengthPrefixed(&list) || !body.Empty() {
		return false
	}
	for !list.Empty() {
		var cert cryptobyte.String
		if !list.ReadUint24LengthPrefixed(&cert) || len(cert) == 0 {
			return false
		}
		e := CertificateEntry{Data: []byte(cert)}
		if m.TLS13 {
			// status_request (OCSP) and signed_certificate_timestamp are
			// the usual entry extensions; they are passed on raw.
			exts, ok := readExtensions(&list)
			if !ok {
				return false
			}
			for _, x := range exts {
				e.Extensions = append(e.Extensions, unknownExt(x))
			}
		}
		m.Entries = append(m.Entries, e)
	}
	m.Raw = b
	return true
}

// Certificates returns the DER certificates of m, leaf first.
func (m *Certificate) Certificates() [][]byte {
	out := make([][]byte, len(m.Entries))
	for i, e := range m.Entries {
		out[i] = e.Data
	}
	return out
}
