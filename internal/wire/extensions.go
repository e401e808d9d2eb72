package wire

import (
	"slices"

	"golang.org/x/crypto/cryptobyte"
)

// rawExt is one extension as read from the wire, before interpretation.
type rawExt struct {
	typ  uint16
	data cryptobyte.String
}

// readExtensions reads an extensions block (a uint16-length-prefixed list of
// Extension structures, RFC 8446, Section 4.2) from s. It refuses an
// extension that overruns the block and a type seen twice: "There MUST NOT
// be more than one extension of the same type in a given extension block"
// (RFC 8446, Section 4.2; RFC 5246, Section 7.4.1.4).
func readExtensions(s *cryptobyte.String) ([]rawExt, bool) {
	var block cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&block) {
		return nil, false
	}
	var exts []rawExt
	for !block.Empty() {
		var e rawExt
		if !block.ReadUint16(&e.typ) || !block.ReadUint16LengthPrefixed(&e.data) {
			return nil, false
		}
		exts = append(exts, e)
	}
	types := make([]uint16, len(exts))
	for i, e := range exts {
		types[i] = e.typ
	}
	if hasDuplicate(types) {
		return nil, false
	}
	return exts, true
}

// hasDuplicate reports whether a value occurs twice. An extensions block
// holds up to 16383 entries, so large inputs are sorted rather than
// compared pairwise.
func hasDuplicate(types []uint16) bool {
	if len(types) <= 16 {
		for i := range types {
			for j := i + 1; j < len(types); j++ {
				if types[i] == types[j] {
					return true
				}
			}
		}
		return false
	}
	sorted := slices.Clone(types)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return true
		}
	}
	return false
}

// unknownExt keeps an extension this package does not interpret.
func unknownExt(e rawExt) Extension {
	return Extension{Type: e.typ, Data: bytesOrNil(e.data)}
}

// extWriter accumulates an extensions block for Marshal.
type extWriter struct {
	types []uint16
	b     cryptobyte.Builder
}

// newExtWriter returns a writer whose buffer starts with room for size
// bytes, so that adding extensions does not regrow it from empty.
func newExtWriter(size int) extWriter {
	return extWriter{b: *cryptobyte.NewBuilder(make([]byte, 0, size))}
}

func (w *extWriter) add(typ uint16, f cryptobyte.BuilderContinuation) {
	w.types = append(w.types, typ)
	w.b.AddUint16(typ)
	w.b.AddUint16LengthPrefixed(f)
}

func (w *extWriter) addEmpty(typ uint16) {
	w.add(typ, func(*cryptobyte.Builder) {})
}

func (w *extWriter) addUnknown(exts []Extension) {
	for _, e := range exts {
		w.add(e.Type, func(b *cryptobyte.Builder) { b.AddBytes(e.Data) })
	}
}

// writeTo appends the block to b with its uint16 length. When omitEmpty is
// set and no extension was added, nothing is written: a ClientHello or
// ServerHello of TLS 1.2 and earlier may end without the extensions field
// (RFC 5246, Section 7.4.1.2 and 7.4.1.3).
func (w *extWriter) writeTo(b *cryptobyte.Builder, omitEmpty bool) {
	if hasDuplicate(w.types) {
		fail(b, "duplicate extension type (a field and Unknown both set it?)")
		return
	}
	data, err := w.b.Bytes()
	if err != nil {
		b.SetError(err)
		return
	}
	if omitEmpty && len(w.types) == 0 {
		return
	}
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(data) })
}

// readUint16List reads a uint16-length-prefixed vector of uint16 values
// that must hold at least one value (NamedGroupList, RFC 8446, Section
// 4.2.7; supported_signature_algorithms<2..2^16-2>, RFC 5246, 7.4.1.4.1).
func readUint16List(s *cryptobyte.String, out *[]uint16) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || len(list) == 0 || len(list)%2 != 0 {
		return false
	}
	vals := make([]uint16, 0, len(list)/2)
	for !list.Empty() {
		var v uint16
		list.ReadUint16(&v)
		vals = append(vals, v)
	}
	*out = vals
	return true
}

// addUint16List writes a uint16-length-prefixed vector of uint16 values.
func addUint16List(b *cryptobyte.Builder, vals []uint16) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, v := range vals {
			b.AddUint16(v)
		}
	})
}

// parseUint16ListExt parses an extension body that is exactly one
// non-empty uint16 list (supported_groups, signature_algorithms,
// signature_algorithms_cert).
func parseUint16ListExt(data cryptobyte.String, out *[]uint16) bool {
	return readUint16List(&data, out) && data.Empty()
}

// parseUint8ListExt parses an extension body that is a non-empty
// uint8-length-prefixed vector of bytes (ec_point_format_list<1..2^8-1>,
// RFC 8422, Section 5.1.2; PskKeyExchangeMode ke_modes<1..255>, RFC 8446,
// Section 4.2.9).
func parseUint8ListExt(data cryptobyte.String, out *[]uint8) bool {
	var list cryptobyte.String
	if !data.ReadUint8LengthPrefixed(&list) || len(list) == 0 || !data.Empty() {
		return false
	}
	*out = []uint8(list)
	return true
}

// parseServerNameList parses the client's server_name extension (RFC 6066,
// Section 3): server_name_list<1..2^16-1> of ServerName, each a name_type
// and, for host_name (0), HostName<1..2^16-1>. Names of other types are
// skipped: RFC 6066 requires every future type to begin with a 16-bit
// length, so that servers can step over them. A list that parses but
// breaks a rule of the RFC is reported in invalid, for the server to
// answer with illegal_parameter: two host_names ("MUST NOT contain more
// than one name of the same name_type"), or a host name that is not
// printable ASCII ("represented as a byte string using ASCII encoding";
// a NUL, a control character or an escape sequence in it would also
// reach sni_fun, logs and the command's info block).
func parseServerNameList(data cryptobyte.String, out, invalid *string) bool {
	var list cryptobyte.String
	if !data.ReadUint16LengthPrefixed(&list) || len(list) == 0 || !data.Empty() {
		return false
	}
	hostNames := 0
	for !list.Empty() {
		var typ uint8
		var name cryptobyte.String
		if !list.ReadUint8(&typ) || !list.ReadUint16LengthPrefixed(&name) {
			return false
		}
		if typ != 0 {
			continue
		}
		if len(name) == 0 {
			return false
		}
		if hostNames++; hostNames > 1 {
			*invalid = "server_name lists more than one host_name"
			continue
		}
		*out = string(name)
		for _, c := range name {
			if c <= ' ' || c >= 0x7f {
				*invalid = "server_name host_name is not printable ASCII"
			}
		}
	}
	return true
}

func addServerNameList(b *cryptobyte.Builder, name string) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint8(0) // host_name
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(name)) })
	})
}

// readProtocolNames reads a ProtocolNameList (RFC 7301, Section 3.1):
// protocol_name_list<2..2^16-1> of ProtocolName<1..2^8-1>. Empty names are
// forbidden ("Empty strings MUST NOT be included").
func readProtocolNames(s *cryptobyte.String, out *[]string) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return false
	}
	var names []string
	for !list.Empty() {
		var name cryptobyte.String
		if !list.ReadUint8LengthPrefixed(&name) || len(name) == 0 {
			return false
		}
		names = append(names, string(name))
	}
	*out = names
	return true
}

func addProtocolNames(b *cryptobyte.Builder, names []string) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, n := range names {
			if n == "" {
				fail(b, "empty ALPN protocol name")
				return
			}
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(n)) })
		}
	})
}

// parseALPNSelected parses a server's ALPN extension, whose list "MUST
// contain exactly one ProtocolName" (RFC 7301, Section 3.1).
func parseALPNSelected(data cryptobyte.String, out *string) bool {
	var names []string
	if !readProtocolNames(&data, &names) || !data.Empty() || len(names) != 1 {
		return false
	}
	*out = names[0]
	return true
}

// parseRenegotiationInfo parses the renegotiation_info body, a
// renegotiated_connection<0..255> (RFC 5746, Section 3.2).
func parseRenegotiationInfo(data cryptobyte.String, out *[]byte) bool {
	var v cryptobyte.String
	if !data.ReadUint8LengthPrefixed(&v) || !data.Empty() {
		return false
	}
	*out = bytesOrNil(v)
	return true
}

func addRenegotiationInfo(b *cryptobyte.Builder, v []byte) {
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
}

// readKeyShare reads one KeyShareEntry: a NamedGroup and
// key_exchange<1..2^16-1> (RFC 8446, Section 4.2.8).
func readKeyShare(s *cryptobyte.String, out *KeyShare) bool {
	var data cryptobyte.String
	if !s.ReadUint16(&out.Group) || !s.ReadUint16LengthPrefixed(&data) || len(data) == 0 {
		return false
	}
	out.Data = []byte(data)
	return true
}

func addKeyShare(b *cryptobyte.Builder, ks KeyShare) {
	if len(ks.Data) == 0 {
		fail(b, "empty key_exchange in KeyShareEntry")
		return
	}
	b.AddUint16(ks.Group)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(ks.Data) })
}

// readDistinguishedNames reads a uint16-length-prefixed list of
// DistinguishedName<1..2^16-1> (RFC 5246, Section 7.4.4; RFC 8446, Section
// 4.2.4). nonEmpty enforces authorities<3..2^16-1> of the TLS 1.3
// certificate_authorities extension; the TLS 1.2 CertificateRequest list
// may be empty.
func readDistinguishedNames(s *cryptobyte.String, out *[][]byte, nonEmpty bool) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || (nonEmpty && list.Empty()) {
		return false
	}
	var names [][]byte
	for !list.Empty() {
		var dn cryptobyte.String
		if !list.ReadUint16LengthPrefixed(&dn) || len(dn) == 0 {
			return false
		}
		names = append(names, []byte(dn))
	}
	*out = names
	return true
}

func addDistinguishedNames(b *cryptobyte.Builder, names [][]byte) {
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		for _, dn := range names {
			if len(dn) == 0 {
				fail(b, "empty distinguished name")
				return
			}
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(dn) })
		}
	})
}

// parseEmptyExt accepts only an empty extension body, as for
// extended_master_secret (RFC 7627, Section 5.1), encrypt_then_mac
// (RFC 7366, Section 2) and early_data in a ClientHello (RFC 8446, 4.2.10).
func parseEmptyExt(data cryptobyte.String) bool {
	return data.Empty()
}
