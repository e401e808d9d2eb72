package wire

import "golang.org/x/crypto/cryptobyte"

// Type returns TypeCertificateRequest.
func (m *CertificateRequest) Type() uint8 { return TypeCertificateRequest }

// Marshal encodes the CertificateRequest with its 4-byte header. The layout
// is chosen by m.TLS13 and, below TLS 1.3, m.HasSignatureAlgorithms (TLS
// 1.2).
func (m *CertificateRequest) Marshal() ([]byte, error) {
	return marshalMessage(TypeCertificateRequest, func(b *cryptobyte.Builder) {
		if m.TLS13 {
			m.marshalTLS13(b)
			return
		}
		if len(m.CertificateTypes) == 0 {
			fail(b, "certificate_types must not be empty")
			return
		}
		if len(m.Context) > 0 || len(m.SignatureAlgorithmsCert) > 0 || len(m.Unknown) > 0 {
			fail(b, "context, signature_algorithms_cert and extensions exist only in TLS 1.3")
			return
		}
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.CertificateTypes) })
		if m.HasSignatureAlgorithms {
			if len(m.SignatureAlgorithms) == 0 {
				fail(b, "supported_signature_algorithms must not be empty")
				return
			}
			addUint16List(b, m.SignatureAlgorithms)
		} else if len(m.SignatureAlgorithms) > 0 {
			fail(b, "SignatureAlgorithms set without HasSignatureAlgorithms")
			return
		}
		addDistinguishedNames(b, m.CertificateAuthorities)
	})
}

func (m *CertificateRequest) marshalTLS13(b *cryptobyte.Builder) {
	if len(m.SignatureAlgorithms) == 0 {
		fail(b, "a TLS 1.3 CertificateRequest must carry signature_algorithms")
		return
	}
	if len(m.CertificateTypes) > 0 {
		fail(b, "certificate_types does not exist in TLS 1.3")
		return
	}
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Context) })
	var w extWriter
	w.add(ExtSignatureAlgorithms, func(b *cryptobyte.Builder) { addUint16List(b, m.SignatureAlgorithms) })
	if len(m.SignatureAlgorithmsCert) > 0 {
		w.add(ExtSignatureAlgorithmsCert, func(b *cryptobyte.Builder) { addUint16List(b, m.SignatureAlgorithmsCert) })
	}
	if len(m.CertificateAuthorities) > 0 {
		w.add(ExtCertificateAuthorities, func(b *cryptobyte.Builder) { addDistinguishedNames(b, m.CertificateAuthorities) })
	}
	w.addUnknown(m.Unknown)
	w.writeTo(b, false)
}

// Unmarshal parses a CertificateRequest, header included. m.TLS13 and
// m.HasSignatureAlgorithms must be set by the caller beforehand to select
// the layout:
//   - TLS 1.0/1.1: certificate_types<1..2^8-1>, then
//     certificate_authorities<0..2^16-1> (RFC 4346, Section 7.4.4);
//   - TLS 1.2 (HasSignatureAlgorithms): supported_signature_algorithms
//     <2..2^16-2> between the two (RFC 5246, Section 7.4.4);
//   - TLS 1.3: certificate_request_context<0..2^8-1> and extensions, of
//     which signature_algorithms "MUST be specified" (RFC 8446, 4.3.2).
//
// Byte slices in m alias b.
func (m *CertificateRequest) Unmarshal(b []byte) bool {
	*m = CertificateRequest{TLS13: m.TLS13, HasSignatureAlgorithms: m.HasSignatureAlgorithms}
	body, ok := readBody(b, TypeCertificateRequest)
	if !ok {
		return false
	}
	if m.TLS13 {
		if !m.unmarshalTLS13(body) {
			return false
		}
		m.Raw = b
		return true
	}
	var types cryptobyte.String
	if !body.ReadUint8LengthPrefixed(&types) || len(types) == 0 {
		return false
	}
	m.CertificateTypes = []uint8(types)
	if m.HasSignatureAlgorithms && !readUint16List(&body, &m.SignatureAlgorithms) {
		return false
	}
	if !readDistinguishedNames(&body, &m.CertificateAuthorities, false) || !body.Empty() {
		return false
	}
	m.Raw = b
	return true
}

func (m *CertificateRequest) unmarshalTLS13(body cryptobyte.String) bool {
	var ctx cryptobyte.String
	if !body.ReadUint8LengthPrefixed(&ctx) {
		return false
	}
	m.Context = bytesOrNil(ctx)
	exts, ok := readExtensions(&body)
	if !ok || !body.Empty() {
		return false
	}
	for _, e := range exts {
		var ok bool
		switch e.typ {
		case ExtSignatureAlgorithms:
			ok = parseUint16ListExt(e.data, &m.SignatureAlgorithms)
		case ExtSignatureAlgorithmsCert:
			ok = parseUint16ListExt(e.data, &m.SignatureAlgorithmsCert)
		case ExtCertificateAuthorities:
			data := e.data
			ok = readDistinguishedNames(&data, &m.CertificateAuthorities, true) && data.Empty()
		default:
			// status_request, signed_certificate_timestamp, oid_filters:
			// kept raw for the engine.
			m.Unknown = append(m.Unknown, unknownExt(e))
			ok = true
		}
		if !ok {
			return false
		}
	}
	return len(m.SignatureAlgorithms) > 0
}
