package wire

import (
	"golang.org/x/crypto/cryptobyte"
)

// Type returns TypeClientHello.
func (m *ClientHello) Type() uint8 { return TypeClientHello }

// Marshal encodes the ClientHello with its 4-byte handshake header. Known
// extensions are written in a fixed order, then Unknown in its order, then
// pre_shared_key, which must be last (RFC 8446, Section 4.2.11). It refuses
// values Unmarshal would refuse, so what it writes always parses back.
func (m *ClientHello) Marshal() ([]byte, error) {
	return marshalMessage(TypeClientHello, func(b *cryptobyte.Builder) {
		if len(m.Random) != 32 {
			fail(b, "ClientHello random must be 32 bytes")
			return
		}
		if len(m.SessionID) > 32 {
			fail(b, "session_id longer than 32 bytes")
			return
		}
		if len(m.CipherSuites) == 0 || len(m.CipherSuites) > 32767 {
			fail(b, "cipher_suites must hold 1..32767 values")
			return
		}
		if len(m.CompressionMethods) == 0 {
			fail(b, "compression_methods must not be empty")
			return
		}
		b.AddUint16(m.Version)
		b.AddBytes(m.Random)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SessionID) })
		if m.DTLS {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.Cookie) })
		}
		addUint16List(b, m.CipherSuites)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.CompressionMethods) })
		m.marshalExtensions(b)
	})
}

func (m *ClientHello) marshalExtensions(b *cryptobyte.Builder) {
	w := newExtWriter(512)
	if m.ServerName != "" {
		w.add(ExtServerName, func(b *cryptobyte.Builder) { addServerNameList(b, m.ServerName) })
	}
	if m.StatusRequest {
		// CertificateStatusRequest with status_type ocsp and empty
		// responder_id_list and request_extensions (RFC 6066, Section 8).
		w.add(ExtStatusRequest, func(b *cryptobyte.Builder) {
			b.AddUint8(1)
			b.AddUint16(0)
			b.AddUint16(0)
		})
	}
	if len(m.SupportedGroups) > 0 {
		w.add(ExtSupportedGroups, func(b *cryptobyte.Builder) { addUint16List(b, m.SupportedGroups) })
	}
	if len(m.ECPointFormats) > 0 {
		w.add(ExtECPointFormats, func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.ECPointFormats) })
		})
	}
	if len(m.SRPIdentity) > 0 {
		w.add(ExtSRP, func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.SRPIdentity) })
		})
	}
	if len(m.SignatureAlgorithms) > 0 {
		w.add(ExtSignatureAlgorithms, func(b *cryptobyte.Builder) { addUint16List(b, m.SignatureAlgorithms) })
	}
	if len(m.ALPNProtocols) > 0 {
		w.add(ExtALPN, func(b *cryptobyte.Builder) { addProtocolNames(b, m.ALPNProtocols) })
	}
	if m.EncryptThenMAC {
		w.addEmpty(ExtEncryptThenMAC)
	}
	if m.ExtendedMasterSecret {
		w.addEmpty(ExtExtendedMasterSecret)
	}
	if m.SessionTicketExt {
		// The body is the ticket itself, with no length prefix (RFC 5077,
		// Section 3.2).
		w.add(ExtSessionTicket, func(b *cryptobyte.Builder) { b.AddBytes(m.SessionTicket) })
	}
	if m.EarlyData {
		w.addEmpty(ExtEarlyData)
	}
	if len(m.SupportedVersions) > 0 {
		w.add(ExtSupportedVersions, func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, v := range m.SupportedVersions {
					b.AddUint16(v)
				}
			})
		})
	}
	if len(m.TLS13Cookie) > 0 {
		w.add(ExtCookie, func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.TLS13Cookie) })
		})
	}
	if len(m.PSKModes) > 0 {
		w.add(ExtPSKModes, func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(m.PSKModes) })
		})
	}
	if len(m.CertificateAuthorities) > 0 {
		w.add(ExtCertificateAuthorities, func(b *cryptobyte.Builder) {
			addDistinguishedNames(b, m.CertificateAuthorities)
		})
	}
	if len(m.SignatureAlgorithmsCert) > 0 {
		w.add(ExtSignatureAlgorithmsCert, func(b *cryptobyte.Builder) { addUint16List(b, m.SignatureAlgorithmsCert) })
	}
	if m.KeySharesPresent || len(m.KeyShares) > 0 {
		w.add(ExtKeyShare, func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, ks := range m.KeyShares {
					addKeyShare(b, ks)
				}
			})
		})
	}
	m.Limits.add(&w)
	if m.NextProtoNeg {
		w.addEmpty(ExtNextProtoNeg)
	}
	if m.SecureRenegotiationValid {
		w.add(ExtRenegotiationInfo, func(b *cryptobyte.Builder) { addRenegotiationInfo(b, m.SecureRenegotiation) })
	}
	for _, e := range m.Unknown {
		if e.Type == ExtPreSharedKey {
			fail(b, "pre_shared_key in Unknown: use PSKIdentities/PSKBinders")
			return
		}
	}
	w.addUnknown(m.Unknown)
	if len(m.PSKIdentities) > 0 {
		w.add(ExtPreSharedKey, m.marshalPSK)
	}
	w.writeTo(b, true)
}

// marshalPSK writes OfferedPsks (RFC 8446, Section 4.2.11). The engine
// writes placeholder binders of the right lengths, computes the binders
// over the truncated message and patches them in (or marshals again).
func (m *ClientHello) marshalPSK(b *cryptobyte.Builder) {
	if len(m.PSKBinders) != len(m.PSKIdentities) {
		fail(b, "one PSK binder per identity is required")
		return
	}
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, id := range m.PSKIdentities {
			if len(id.Identity) == 0 {
				fail(b, "empty PSK identity")
				return
			}
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(id.Identity) })
			b.AddUint32(id.ObfuscatedTicketAge)
		}
	})
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, binder := range m.PSKBinders {
			if len(binder) < 32 {
				fail(b, "PSK binder shorter than 32 bytes")
				return
			}
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(binder) })
		}
	})
}

// Unmarshal parses a ClientHello, header included. m.DTLS must be set by
// the caller beforehand: it selects the DTLS layout, where a cookie follows
// the session_id (RFC 6347, Section 4.2.1). Byte slices in m alias b.
func (m *ClientHello) Unmarshal(b []byte) bool { return m.unmarshal(b, false) }

// ClientHelloPSKIllegal reports whether b, a ClientHello that Unmarshal
// refuses, is refused only for its pre_shared_key: not the last
// extension, or identities and binders that differ in number. The alert
// is illegal_parameter then, not decode_error: RFC 8446, 4.2.11 names it
// for the first ("Servers MUST check that it is the last extension and
// otherwise fail the handshake with an "illegal_parameter" alert"), and
// the second is two fields inconsistent with each other (6.2), in a
// message that decodes.
func ClientHelloPSKIllegal(b []byte, dtls bool) bool {
	m := ClientHello{DTLS: dtls}
	return m.unmarshal(b, true)
}

// unmarshal is Unmarshal; with lenientPSK set it takes a pre_shared_key
// that is not last or whose identities and binders differ in number.
func (m *ClientHello) unmarshal(b []byte, lenientPSK bool) bool {
	*m = ClientHello{DTLS: m.DTLS}
	body, ok := readBody(b, TypeClientHello)
	if !ok {
		return false
	}
	var random []byte
	var sessionID, cookie, suites, compression cryptobyte.String
	if !body.ReadUint16(&m.Version) || !body.ReadBytes(&random, 32) ||
		!body.ReadUint8LengthPrefixed(&sessionID) || len(sessionID) > 32 {
		return false
	}
	if m.DTLS && !body.ReadUint8LengthPrefixed(&cookie) {
		return false
	}
	// cipher_suites<2..2^16-2> of two-byte values (RFC 5246, 7.4.1.2).
	if !body.ReadUint16LengthPrefixed(&suites) || len(suites) == 0 || len(suites)%2 != 0 {
		return false
	}
	// compression_methods<1..2^8-1>.
	if !body.ReadUint8LengthPrefixed(&compression) || len(compression) == 0 {
		return false
	}
	m.Random = random
	m.SessionID = bytesOrNil(sessionID)
	m.Cookie = bytesOrNil(cookie)
	m.CipherSuites = make([]uint16, 0, len(suites)/2)
	for !suites.Empty() {
		var s uint16
		suites.ReadUint16(&s)
		m.CipherSuites = append(m.CipherSuites, s)
	}
	m.CompressionMethods = []uint8(compression)

	// The extensions field may be absent altogether (RFC 5246, 7.4.1.2:
	// "the presence of extensions can be detected by determining whether
	// there are bytes following the compression_methods").
	if !body.Empty() {
		exts, ok := readExtensions(&body)
		if !ok || !body.Empty() {
			return false
		}
		for i, e := range exts {
			if e.typ == ExtPreSharedKey && i != len(exts)-1 && !lenientPSK {
				// "The "pre_shared_key" extension MUST be the last
				// extension in the ClientHello" (RFC 8446, Section 4.2.11):
				// binders are computed over everything before it.
				return false
			}
			if !m.unmarshalExtension(e) {
				return false
			}
		}
		// One binder per identity, in the same order (RFC 8446,
		// Section 4.2.11).
		if len(m.PSKBinders) != len(m.PSKIdentities) && !lenientPSK {
			return false
		}
	}
	// A TLS 1.3 ClientHello offering compression other than null alone
	// parses: it is well formed, and RFC 8446, 4.1.2 answers it with
	// illegal_parameter, which the server sends (decode_error would say
	// it could not be parsed). A server that settles on TLS 1.2 with it
	// may still pick null.
	m.Raw = b
	return true
}

func (m *ClientHello) unmarshalExtension(e rawExt) bool {
	if handled, ok := m.Limits.parse(e); handled {
		return ok
	}
	data := e.data
	switch e.typ {
	case ExtServerName:
		return parseServerNameList(data, &m.ServerName, &m.ServerNameInvalid)
	case ExtStatusRequest:
		return m.unmarshalStatusRequest(e)
	case ExtSupportedGroups:
		return parseUint16ListExt(data, &m.SupportedGroups)
	case ExtECPointFormats:
		return parseUint8ListExt(data, &m.ECPointFormats)
	case ExtSRP:
		// srp_I<1..2^8-1> (RFC 5054, Section 2.8.1).
		var id cryptobyte.String
		if !data.ReadUint8LengthPrefixed(&id) || len(id) == 0 || !data.Empty() {
			return false
		}
		m.SRPIdentity = []byte(id)
	case ExtSignatureAlgorithms:
		return parseUint16ListExt(data, &m.SignatureAlgorithms)
	case ExtSignatureAlgorithmsCert:
		return parseUint16ListExt(data, &m.SignatureAlgorithmsCert)
	case ExtALPN:
		return readProtocolNames(&data, &m.ALPNProtocols) && data.Empty()
	case ExtEncryptThenMAC:
		m.EncryptThenMAC = true
		return parseEmptyExt(data)
	case ExtExtendedMasterSecret:
		m.ExtendedMasterSecret = true
		return parseEmptyExt(data)
	case ExtSessionTicket:
		m.SessionTicketExt = true
		m.SessionTicket = bytesOrNil(data)
	case ExtEarlyData:
		m.EarlyData = true
		return parseEmptyExt(data)
	case ExtSupportedVersions:
		// versions<2..254> (RFC 8446, Section 4.2.1).
		var list cryptobyte.String
		if !data.ReadUint8LengthPrefixed(&list) || len(list) == 0 || len(list)%2 != 0 || !data.Empty() {
			return false
		}
		for !list.Empty() {
			var v uint16
			list.ReadUint16(&v)
			m.SupportedVersions = append(m.SupportedVersions, v)
		}
	case ExtCookie:
		// cookie<1..2^16-1> (RFC 8446, Section 4.2.2).
		var c cryptobyte.String
		if !data.ReadUint16LengthPrefixed(&c) || len(c) == 0 || !data.Empty() {
			return false
		}
		m.TLS13Cookie = []byte(c)
	case ExtPSKModes:
		return parseUint8ListExt(data, &m.PSKModes)
	case ExtCertificateAuthorities:
		return readDistinguishedNames(&data, &m.CertificateAuthorities, true) && data.Empty()
	case ExtKeyShare:
		// client_shares<0..2^16-1> (RFC 8446, Section 4.2.8); empty is
		// legal when the client waits for a HelloRetryRequest.
		var list cryptobyte.String
		if !data.ReadUint16LengthPrefixed(&list) || !data.Empty() {
			return false
		}
		m.KeySharesPresent = true
		for !list.Empty() {
			var ks KeyShare
			if !readKeyShare(&list, &ks) {
				return false
			}
			m.KeyShares = append(m.KeyShares, ks)
		}
	case ExtNextProtoNeg:
		// The client's extension is empty (draft-agl-tls-nextprotoneg-04,
		// Section 3).
		m.NextProtoNeg = true
		return parseEmptyExt(data)
	case ExtRenegotiationInfo:
		m.SecureRenegotiationValid = true
		return parseRenegotiationInfo(data, &m.SecureRenegotiation)
	case ExtPreSharedKey:
		return m.unmarshalPSK(data)
	default:
		m.Unknown = append(m.Unknown, unknownExt(e))
	}
	return true
}

// unmarshalStatusRequest parses CertificateStatusRequest (RFC 6066,
// Section 8). Only status_type ocsp(1) is understood; the OCSPStatusRequest
// must be well formed, but its responder IDs and extensions are not kept
// (no server uses them). Other status types are kept in Unknown.
func (m *ClientHello) unmarshalStatusRequest(e rawExt) bool {
	data := e.data
	var typ uint8
	if !data.ReadUint8(&typ) {
		return false
	}
	if typ != 1 {
		m.Unknown = append(m.Unknown, unknownExt(e))
		return true
	}
	var ids, exts cryptobyte.String
	if !data.ReadUint16LengthPrefixed(&ids) || !data.ReadUint16LengthPrefixed(&exts) || !data.Empty() {
		return false
	}
	for !ids.Empty() {
		// ResponderID<1..2^16-1>.
		var id cryptobyte.String
		if !ids.ReadUint16LengthPrefixed(&id) || len(id) == 0 {
			return false
		}
	}
	m.StatusRequest = true
	return true
}

// unmarshalPSK parses OfferedPsks (RFC 8446, Section 4.2.11):
// identities<7..2^16-1> and binders<33..2^16-1>, binders of 32..255
// bytes (unmarshal checks there is one per identity).
func (m *ClientHello) unmarshalPSK(data cryptobyte.String) bool {
	var ids, binders cryptobyte.String
	if !data.ReadUint16LengthPrefixed(&ids) || ids.Empty() ||
		!data.ReadUint16LengthPrefixed(&binders) || binders.Empty() || !data.Empty() {
		return false
	}
	for !ids.Empty() {
		var id PSKIdentity
		var identity cryptobyte.String
		if !ids.ReadUint16LengthPrefixed(&identity) || len(identity) == 0 ||
			!ids.ReadUint32(&id.ObfuscatedTicketAge) {
			return false
		}
		id.Identity = []byte(identity)
		m.PSKIdentities = append(m.PSKIdentities, id)
	}
	for !binders.Empty() {
		var binder cryptobyte.String
		if !binders.ReadUint8LengthPrefixed(&binder) || len(binder) < 32 {
			return false
		}
		m.PSKBinders = append(m.PSKBinders, []byte(binder))
	}
	return true
}

// offersTLS13 reports whether supported_versions lists TLS 1.3.
// PSKBindersLen returns the length of the binders field of the
// pre_shared_key extension as marshaled (uint16 length included), so the
// engine can find the truncated ClientHello over which binders are
// computed: Raw[:len(Raw)-PSKBindersLen()] (RFC 8446, Section 4.2.11.2).
// It returns 0 when no PSK is offered.
func (m *ClientHello) PSKBindersLen() int {
	if len(m.PSKIdentities) == 0 {
		return 0
	}
	n := 2
	for _, b := range m.PSKBinders {
		n += 1 + len(b)
	}
	return n
}
