package wire

import (
	"testing"

	"golang.org/x/crypto/cryptobyte"
)

// helloParts are the raw pieces of a ClientHello or ServerHello, so that
// each strictness rule can be broken on its own.
type helloParts struct {
	server    bool
	dtls      bool
	random    []byte
	sessionID []byte
	cookie    []byte
	suites    []byte // raw vector body (ClientHello) or the 2-byte suite
	comp      []byte // raw vector body (ClientHello) or the 1-byte method
	exts      [][]byte
	noExts    bool
	trailing  []byte
}

func ext(typ uint16, body ...byte) []byte {
	return append([]byte{byte(typ >> 8), byte(typ), byte(len(body) >> 8), byte(len(body))}, body...)
}

func (p helloParts) bytes() []byte {
	var b cryptobyte.Builder
	typ := TypeClientHello
	if p.server {
		typ = TypeServerHello
	}
	b.AddUint8(typ)
	b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16(VersionTLS12)
		b.AddBytes(p.random)
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(p.sessionID) })
		if p.server {
			b.AddBytes(p.suites)
			b.AddBytes(p.comp)
		} else {
			if p.dtls {
				b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(p.cookie) })
			}
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(p.suites) })
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(p.comp) })
		}
		if !p.noExts {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, e := range p.exts {
					b.AddBytes(e)
				}
			})
		}
		b.AddBytes(p.trailing)
	})
	return b.BytesOrPanic()
}

func clientParts(exts ...[]byte) helloParts {
	return helloParts{random: seq(32, 0), suites: []byte{0xc0, 0x2f}, comp: []byte{0}, exts: exts}
}

func serverParts(exts ...[]byte) helloParts {
	return helloParts{server: true, random: seq(32, 0), suites: []byte{0xc0, 0x2f}, comp: []byte{0}, exts: exts}
}

var (
	extSNI      = ext(ExtServerName, 0, 8, 0, 0, 5, 'a', '.', 'c', 'o', 'm')
	extEMS      = ext(ExtExtendedMasterSecret)
	extTLS13    = ext(ExtSupportedVersions, 2, 3, 4)
	extPSK      = ext(ExtPreSharedKey, append([]byte{0, 7, 0, 1, 'x', 0, 0, 0, 0, 0, 33, 32}, seq(32, 0)...)...)
	extRenegOK  = ext(ExtRenegotiationInfo, 0)
	extALPNGood = ext(ExtALPN, 0, 3, 2, 'h', '2')
)

func TestClientHelloStrictness(t *testing.T) {
	// Sanity: the base and each "good" extension parse.
	for i, p := range []helloParts{clientParts(), clientParts(extSNI, extEMS, extTLS13, extRenegOK, extALPNGood, extPSK)} {
		var m ClientHello
		if !m.Unmarshal(p.bytes()) {
			t.Fatalf("valid ClientHello %d refused", i)
		}
	}
	var m ClientHello
	if p := clientParts(extRenegOK); !m.Unmarshal(p.bytes()) || !m.SecureRenegotiationValid || m.SecureRenegotiation != nil {
		t.Fatal("empty renegotiation_info not reported as present")
	}
	if p := clientParts(ext(ExtSRP, 5, 'a', 'l', 'i', 'c', 'e')); !m.Unmarshal(p.bytes()) || string(m.SRPIdentity) != "alice" {
		t.Fatal("srp extension not parsed")
	}
	if p := clientParts(); !m.Unmarshal(p.bytes()) || m.SecureRenegotiationValid {
		t.Fatal("absent renegotiation_info reported as present")
	}
	noExts := clientParts()
	noExts.noExts = true
	if !m.Unmarshal(noExts.bytes()) {
		t.Fatal("ClientHello without extensions refused")
	}
	// A TLS 1.3 hello with compression other than null alone is well
	// formed: the server answers it with illegal_parameter (RFC 8446,
	// 4.1.2), not with the decode_error of a refused parse.
	tls13Comp := clientParts(extTLS13)
	tls13Comp.comp = []byte{0, 1}
	if !m.Unmarshal(tls13Comp.bytes()) || len(m.CompressionMethods) != 2 {
		t.Fatal("TLS 1.3 ClientHello with compression {0,1} refused by the parser")
	}

	bad := map[string]helloParts{}
	p := clientParts()
	p.sessionID = seq(33, 0)
	bad["session_id of 33 bytes"] = p
	p = clientParts()
	p.suites = nil
	bad["empty cipher_suites"] = p
	p = clientParts()
	p.suites = []byte{0xc0, 0x2f, 0x00}
	bad["odd cipher_suites"] = p
	p = clientParts()
	p.comp = nil
	bad["empty compression_methods"] = p
	p = clientParts()
	p.trailing = []byte{0}
	bad["byte after extensions"] = p
	p = clientParts()
	p.noExts, p.trailing = true, []byte{0}
	bad["single byte in place of extensions"] = p
	bad["duplicate known extension"] = clientParts(extEMS, extSNI, extEMS)
	bad["duplicate unknown extension"] = clientParts(ext(0x7777), ext(0x7777, 1))
	bad["extension overruns block"] = clientParts([]byte{0, 23, 0, 1})
	bad["empty server_name list"] = clientParts(ext(ExtServerName, 0, 0))
	// srp_I<1..2^8-1> (RFC 5054, 2.8.1).
	bad["empty srp username"] = clientParts(ext(ExtSRP, 0))
	bad["byte after srp username"] = clientParts(ext(ExtSRP, 1, 'a', 0))
	bad["srp username overruns"] = clientParts(ext(ExtSRP, 2, 'a'))
	bad["srp extension without username"] = clientParts(ext(ExtSRP))
	bad["empty host_name"] = clientParts(ext(ExtServerName, 0, 3, 0, 0, 0))
	bad["server_name list overrun"] = clientParts(ext(ExtServerName, 0, 9, 0, 0, 5, 'a', '.', 'c', 'o', 'm'))
	bad["ALPN name of length 0"] = clientParts(ext(ExtALPN, 0, 4, 2, 'h', '2', 0))
	bad["empty ALPN list"] = clientParts(ext(ExtALPN, 0, 0))
	bad["pre_shared_key not last"] = clientParts(extPSK, extEMS)
	bad["PSK binder shorter than 32"] = clientParts(ext(ExtPreSharedKey, append([]byte{0, 7, 0, 1, 'x', 0, 0, 0, 0, 0, 32, 31}, seq(31, 0)...)...))
	bad["PSK binders fewer than identities"] = clientParts(ext(ExtPreSharedKey,
		append([]byte{0, 14, 0, 1, 'x', 0, 0, 0, 0, 0, 1, 'y', 0, 0, 0, 0, 0, 33, 32}, seq(32, 0)...)...))
	bad["PSK empty identity"] = clientParts(ext(ExtPreSharedKey, append([]byte{0, 6, 0, 0, 0, 0, 0, 0, 0, 33, 32}, seq(32, 0)...)...))
	bad["renegotiation_info without inner length"] = clientParts(ext(ExtRenegotiationInfo))
	bad["renegotiation_info inner length overrun"] = clientParts(ext(ExtRenegotiationInfo, 2, 0))
	bad["renegotiation_info trailing"] = clientParts(ext(ExtRenegotiationInfo, 0, 0))
	bad["extended_master_secret with a body"] = clientParts(ext(ExtExtendedMasterSecret, 0))
	bad["empty supported_groups"] = clientParts(ext(ExtSupportedGroups, 0, 0))
	bad["odd supported_groups"] = clientParts(ext(ExtSupportedGroups, 0, 1, 23))
	bad["odd signature_algorithms"] = clientParts(ext(ExtSignatureAlgorithms, 0, 3, 4, 1, 5))
	bad["empty supported_versions"] = clientParts(ext(ExtSupportedVersions, 0))
	bad["odd supported_versions"] = clientParts(ext(ExtSupportedVersions, 1, 3))
	bad["empty ec_point_formats"] = clientParts(ext(ExtECPointFormats, 0))
	bad["key share with empty key_exchange"] = clientParts(ext(ExtKeyShare, 0, 4, 0, 29, 0, 0))
	bad["empty cookie"] = clientParts(ext(ExtCookie, 0, 0))
	bad["empty psk_key_exchange_modes"] = clientParts(ext(ExtPSKModes, 0))
	bad["empty certificate_authorities"] = clientParts(ext(ExtCertificateAuthorities, 0, 0))
	bad["next_protocol_negotiation with a body"] = clientParts(ext(ExtNextProtoNeg, 0))
	for name, p := range bad {
		var m ClientHello
		if m.Unmarshal(p.bytes()) {
			t.Errorf("%s: accepted", name)
		}
	}

	// DTLS: the cookie is mandatory in the layout.
	p = clientParts()
	p.dtls, p.cookie = true, []byte{1, 2}
	m = ClientHello{DTLS: true}
	if !m.Unmarshal(p.bytes()) || string(m.Cookie) != "\x01\x02" {
		t.Error("DTLS ClientHello refused")
	}
	if (&ClientHello{}).Unmarshal(p.bytes()) {
		t.Error("DTLS ClientHello parsed as TLS")
	}
	if (&ClientHello{DTLS: true}).Unmarshal(clientParts().bytes()) {
		t.Error("TLS ClientHello parsed as DTLS")
	}
}

func TestServerHelloStrictness(t *testing.T) {
	var m ServerHello
	p := serverParts()
	p.noExts = true
	if !m.Unmarshal(p.bytes()) {
		t.Fatal("ServerHello without extensions refused")
	}
	if !m.Unmarshal(serverParts(extEMS, extRenegOK, ext(ExtALPN, 0, 3, 2, 'h', '2')).bytes()) || m.ALPNProtocol != "h2" {
		t.Fatal("valid ServerHello refused")
	}
	bad := map[string]helloParts{}
	p = serverParts()
	p.sessionID = seq(33, 0)
	bad["session_id of 33 bytes"] = p
	p = serverParts(ext(ExtSupportedVersions, 3, 4))
	p.comp = []byte{1}
	bad["TLS 1.3 with compression 1"] = p
	p = serverParts()
	p.trailing = []byte{0}
	bad["trailing byte"] = p
	bad["two ALPN protocols"] = serverParts(ext(ExtALPN, 0, 6, 2, 'h', '2', 2, 'h', '3'))
	bad["empty ALPN protocol"] = serverParts(ext(ExtALPN, 0, 1, 0))
	bad["duplicate extension"] = serverParts(extEMS, extEMS)
	bad["key_share group 0"] = serverParts(ext(ExtKeyShare, 0, 0, 0, 1, 1))
	bad["key_share trailing"] = serverParts(ext(ExtKeyShare, 0, 29, 0, 1, 1, 0))
	bad["supported_versions as a list"] = serverParts(ext(ExtSupportedVersions, 2, 3, 4))
	bad["server_name with a body"] = serverParts(extSNI)
	bad["session_ticket with a body"] = serverParts(ext(ExtSessionTicket, 1))
	bad["empty NPN protocol"] = serverParts(ext(ExtNextProtoNeg, 0))
	hrr := serverParts(ext(ExtKeyShare, 0, 29, 0, 1, 1))
	hrr.random = HelloRetryRequestRandom[:]
	bad["HelloRetryRequest with a KeyShareEntry"] = hrr
	for name, p := range bad {
		if (&ServerHello{}).Unmarshal(p.bytes()) {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestOtherStrictness(t *testing.T) {
	bad := []struct {
		name string
		msg  Message
		hex  string
	}{
		{"empty certificate", &Certificate{}, `0b 000006 000003 000000`},
		{"certificate overruns list", &Certificate{}, `0b 000007 000004 000002 30`},
		{"TLS 1.3 empty certificate", &Certificate{TLS13: true}, `0b 000009 00 000005 000000 0000`},
		{"TLS 1.3 certificate without extensions", &Certificate{TLS13: true}, `0b 000008 00 000004 000001 30`},
		{"TLS 1.3 certificate duplicate extension", &Certificate{TLS13: true}, `0b 000012 00 00000e 000001 30 0008 0005 0000 0005 0000`},
		{"TLS 1.2 list after TLS 1.3 context", &Certificate{}, `0b 000008 00 000004 000001 30`},
		{"CertificateRequest empty types", &CertificateRequest{}, `0d 000003 00 0000`},
		{"CertificateRequest empty DN", &CertificateRequest{}, `0d 000006 01 01 0002 0000`},
		{"TLS 1.2 CertificateRequest without algorithms", &CertificateRequest{HasSignatureAlgorithms: true}, `0d 000004 01 01 0000`},
		{"TLS 1.2 CertificateRequest empty algorithms", &CertificateRequest{HasSignatureAlgorithms: true}, `0d 000006 01 01 0000 0000`},
		{"TLS 1.2 CertificateRequest odd algorithms", &CertificateRequest{HasSignatureAlgorithms: true}, `0d 000007 01 01 0001 04 0000`},
		{"TLS 1.1 CertificateRequest with algorithms", &CertificateRequest{}, `0d 000008 01 01 0002 0401 0000`},
		{"TLS 1.3 CertificateRequest without signature_algorithms", &CertificateRequest{TLS13: true}, `0d 000003 00 0000`},
		{"TLS 1.3 CertificateRequest empty certificate_authorities", &CertificateRequest{TLS13: true},
			`0d 000011 00 000e 000d 0004 0002 0807 002f 0002 0000`},
		{"ServerHelloDone with a body", &ServerHelloDone{}, `0e 000001 00`},
		{"HelloRequest with a body", &HelloRequest{}, `00 000001 00`},
		{"EndOfEarlyData with a body", &EndOfEarlyData{}, `05 000001 00`},
		{"KeyUpdate 2", &KeyUpdate{}, `18 000001 02`},
		{"KeyUpdate empty", &KeyUpdate{}, `18 000000`},
		{"Finished of 11 bytes", &Finished{}, `14 00000b 0102030405060708090a0b`},
		{"CertificateVerify trailing", &CertificateVerify{}, `0f 000003 0000 00`},
		{"CertificateVerify without algorithm", &CertificateVerify{HasAlgorithm: true}, `0f 000002 0000`},
		{"TLS 1.2 NewSessionTicket trailing", &NewSessionTicket{}, `04 000007 00000000 0000 00`},
		{"TLS 1.3 NewSessionTicket empty ticket", &NewSessionTicket{TLS13: true}, `04 00000d 00000000 00000000 00 0000 0000`},
		{"TLS 1.3 NewSessionTicket short early_data", &NewSessionTicket{TLS13: true},
			`04 000014 00000000 00000000 00 0001 07 0006 002a 0002 0000`},
		{"EncryptedExtensions two ALPN protocols", &EncryptedExtensions{}, `08 00000e 000c 0010 0008 0006 026832 026833`},
		{"EncryptedExtensions missing block", &EncryptedExtensions{}, `08 000000`},
		{"EncryptedExtensions duplicate", &EncryptedExtensions{}, `08 00000a 0008 002a 0000 002a 0000`},
		// RFC 8446, 4.2: no type twice in a block, known or not.
		{"EncryptedExtensions duplicate unknown", &EncryptedExtensions{}, `08 00000a 0008 7777 0000 7777 0000`},
		{"TLS 1.3 certificate duplicate unknown extension", &Certificate{TLS13: true}, `0b 000012 00 00000e 000001 30 0008 7777 0000 7777 0000`},
		{"TLS 1.3 CertificateRequest duplicate unknown extension", &CertificateRequest{TLS13: true},
			`0d 000013 00 0010 000d 0004 0002 0807 7777 0000 7777 0000`},
		{"TLS 1.3 NewSessionTicket duplicate unknown extension", &NewSessionTicket{TLS13: true},
			`04 000016 00000000 00000000 00 0001 07 0008 7777 0000 7777 0000`},
		{"NextProtocol without padding", &NextProtocol{}, `43 000003 02 6832`},
		{"NextProtocol trailing", &NextProtocol{}, `43 000005 02 6832 00 00`},
		{"CertificateStatus unknown type", &CertificateStatus{}, `16 000005 02 000001 30`},
		{"CertificateStatus empty", &CertificateStatus{}, `16 000004 01 000000`},
		{"wrong type", &ServerHelloDone{}, `00 000000`},
		{"length overrun", &ServerKeyExchange{}, `0c 000002 00`},
		{"header only partly", &ClientKeyExchange{}, `10 0000`},
	}
	for _, v := range bad {
		if v.msg.Unmarshal(unhex(t, v.hex)) {
			t.Errorf("%s: accepted", v.name)
		}
	}
}

func TestMarshalRefusesInvalid(t *testing.T) {
	good := func() *ClientHello {
		return &ClientHello{Version: VersionTLS12, Random: seq(32, 0), CipherSuites: []uint16{1}, CompressionMethods: []uint8{0}}
	}
	cases := map[string]Message{}
	m := good()
	m.Random = seq(31, 0)
	cases["31-byte random"] = m
	m = good()
	m.SessionID = seq(33, 0)
	cases["33-byte session_id"] = m
	m = good()
	m.CipherSuites = nil
	cases["no cipher suites"] = m
	m = good()
	m.CompressionMethods = nil
	cases["no compression"] = m
	m = good()
	m.ALPNProtocols = []string{"h2", ""}
	cases["empty ALPN name"] = m
	m = good()
	m.Unknown = []Extension{{ExtExtendedMasterSecret, nil}}
	m.ExtendedMasterSecret = true
	cases["duplicate via Unknown"] = m
	m = good()
	m.Unknown = []Extension{{ExtPreSharedKey, nil}}
	cases["pre_shared_key in Unknown"] = m
	m = good()
	m.PSKIdentities = []PSKIdentity{{Identity: []byte{1}}}
	cases["PSK without binder"] = m
	cases["ServerHello 31-byte random"] = &ServerHello{Random: seq(31, 0)}
	cases["empty certificate"] = &Certificate{Entries: []CertificateEntry{{}}}
	cases["TLS 1.3 CertificateRequest without algorithms"] = &CertificateRequest{TLS13: true}
	cases["CertificateRequest without types"] = &CertificateRequest{}
	cases["short Finished"] = &Finished{VerifyData: seq(11, 0)}
	cases["TLS 1.3 ticket empty"] = &NewSessionTicket{TLS13: true}
	cases["session_id in Unknown clash"] = &EncryptedExtensions{EarlyData: true, Unknown: []Extension{{ExtEarlyData, nil}}}
	cases["oversized ALPN name"] = &ServerHello{Random: seq(32, 0), ALPNProtocol: string(seq(256, 0))}
	for name, m := range cases {
		if b, err := m.Marshal(); err == nil {
			t.Errorf("%s: Marshal succeeded: %x", name, b)
		}
	}
}

// TestRecordLimitsParsing: max_fragment_length is one byte and
// record_size_limit two, in every message that carries them; any other
// length is malformed. Values out of range parse (the handshake answers
// them with illegal_parameter).
func TestRecordLimitsParsing(t *testing.T) {
	var ch ClientHello
	if p := clientParts(ext(ExtMaxFragmentLength, 9), ext(ExtRecordSizeLimit, 0, 10)); !ch.Unmarshal(p.bytes()) ||
		ch.Limits != (RecordLimits{MaxFragmentLength: 9, HasMaxFragmentLength: true, RecordSizeLimit: 10, HasRecordSizeLimit: true}) {
		t.Fatalf("out-of-range values not kept: %+v", ch.Limits)
	}
	var sh ServerHello
	if p := serverParts(ext(ExtMaxFragmentLength, 2)); !sh.Unmarshal(p.bytes()) || sh.Limits.MaxFragmentLength != 2 {
		t.Fatal("ServerHello max_fragment_length not parsed")
	}
	for name, e := range map[string][]byte{
		"mfl empty":     ext(ExtMaxFragmentLength),
		"mfl two bytes": ext(ExtMaxFragmentLength, 1, 1),
		"rsl one byte":  ext(ExtRecordSizeLimit, 64),
		"rsl 3 bytes":   ext(ExtRecordSizeLimit, 0, 64, 0),
	} {
		if ch.Unmarshal(clientParts(e).bytes()) {
			t.Errorf("ClientHello with %s accepted", name)
		}
		if sh.Unmarshal(serverParts(e).bytes()) {
			t.Errorf("ServerHello with %s accepted", name)
		}
		var b cryptobyte.Builder
		b.AddUint8(TypeEncryptedExtensions)
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(e) })
		})
		var ee EncryptedExtensions
		if ee.Unmarshal(b.BytesOrPanic()) {
			t.Errorf("EncryptedExtensions with %s accepted", name)
		}
	}
	if MaxFragmentBytes(1) != 512 || MaxFragmentBytes(4) != 4096 || MaxFragmentBytes(0) != 0 || MaxFragmentBytes(5) != 0 {
		t.Fatal("MaxFragmentBytes")
	}
}
