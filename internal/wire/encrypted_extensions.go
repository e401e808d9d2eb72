package wire

import "golang.org/x/crypto/cryptobyte"

// Type returns TypeEncryptedExtensions.
func (m *EncryptedExtensions) Type() uint8 { return TypeEncryptedExtensions }

// Marshal encodes the EncryptedExtensions with its 4-byte header.
func (m *EncryptedExtensions) Marshal() ([]byte, error) {
	return marshalMessage(TypeEncryptedExtensions, func(b *cryptobyte.Builder) {
		w := newExtWriter(64)
		if m.ServerNameAck {
			w.addEmpty(ExtServerName)
		}
		if len(m.SupportedGroups) > 0 {
			w.add(ExtSupportedGroups, func(b *cryptobyte.Builder) { addUint16List(b, m.SupportedGroups) })
		}
		if m.ALPNProtocol != "" {
			w.add(ExtALPN, func(b *cryptobyte.Builder) { addProtocolNames(b, []string{m.ALPNProtocol}) })
		}
		if m.EarlyData {
			w.addEmpty(ExtEarlyData)
		}
		m.Limits.add(&w)
		w.addUnknown(m.Unknown)
		w.writeTo(b, false)
	})
}

// Unmarshal parses EncryptedExtensions, header included: an extensions
// block and nothing else (RFC 8446, Section 4.3.1). Extensions other than
// server_name, supported_groups, ALPN, early_data, max_fragment_length
// and record_size_limit are kept in Unknown;
// the engine refuses those it did not offer. Byte slices in m alias b.
func (m *EncryptedExtensions) Unmarshal(b []byte) bool {
	*m = EncryptedExtensions{}
	body, ok := readBody(b, TypeEncryptedExtensions)
	if !ok {
		return false
	}
	exts, ok := readExtensions(&body)
	if !ok || !body.Empty() {
		return false
	}
	for _, e := range exts {
		handled, ok := m.Limits.parse(e)
		if handled {
			if !ok {
				return false
			}
			continue
		}
		switch e.typ {
		case ExtServerName:
			m.ServerNameAck, ok = true, parseEmptyExt(e.data)
		case ExtSupportedGroups:
			ok = parseUint16ListExt(e.data, &m.SupportedGroups)
		case ExtALPN:
			ok = parseALPNSelected(e.data, &m.ALPNProtocol)
		case ExtEarlyData:
			m.EarlyData, ok = true, parseEmptyExt(e.data)
		default:
			m.Unknown, ok = append(m.Unknown, unknownExt(e)), true
		}
		if !ok {
			return false
		}
	}
	m.Raw = b
	return true
}
