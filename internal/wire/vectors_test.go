package wire

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// opensslClientHello was sent by "openssl s_client -servername example.com
// -alpn h2,http/1.1" (OpenSSL 3.0.19): a TLS 1.3 ClientHello with TLS 1.2
// fallback, without the record header.
const opensslClientHello = "" +
	"0100014603036b2a85bb893b9920f133e6d89736ede7e37a710f334d4f7b113f" +
	"08b7761cee5f20b520a8401937c7c37b0703ff1bf347df9a019d84c097600c6d" +
	"7041bf358da60e003e130213031301c02cc030009fcca9cca8ccaac02bc02f00" +
	"9ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d00" +
	"3c0035002f00ff010000bf00000010000e00000b6578616d706c652e636f6d00" +
	"0b000403000102000a00160014001d0017001e00190018010001010102010301" +
	"04002300000010000e000c02683208687474702f312e31001600000017000000" +
	"0d002a0028040305030603080708080809080a080b0804080508060401050106" +
	"01030303010302040205020602002b0009080304030303020301002d00020101" +
	"003300260024001d002080df1dad9cb531d33bb00ead2165d4febdd37fd54bce" +
	"a176809a33325c43a438"

// gnutlsClientHello was sent by "gnutls-cli --sni-hostname example.com
// --alpn h2" (GnuTLS 3.7.9); it has renegotiation_info, status_request,
// two key shares and record_size_limit (28, unknown here).
const gnutlsClientHello = "" +
	"010001890303a3fe0c10e9a66fc5649fce81f53f97be0f235c9a739bc6383185" +
	"fa4e1bb17929208047ec37be1af441ac8ef32a6d408fb6ee397610d6306a914e" +
	"e5470bcbc9360c003a1302130313011304c02ccca9c0adc00ac02bc0acc009c0" +
	"30cca8c014c02fc013009dc09d0035009cc09c002f009fccaac09f0039009ec0" +
	"9e003301000106000500050100000000000a00160014001700180019001d001e" +
	"01000101010201030104000b00020100000d0022002004010809080404030807" +
	"0501080a0805050308080601080b080606030201020300100005000302683200" +
	"16000000170000002300000033006b00690017004104537d39fcba1c58bdea20" +
	"e43e48de018d61f336c0978f19abc96d852ba551b4461c7069181ae38db0a015" +
	"65c74e7d2953d78ed685d2c75aa7e18c949edf87fc1c001d00202a7e50857c54" +
	"3aa6cb6adc2291f65a39d9329f708c07593a5e5a2a133dec3308002b00090803" +
	"04030303020301ff0100010000000010000e00000b6578616d706c652e636f6d" +
	"002d0003020100001c00024001"

func TestOpenSSLClientHello(t *testing.T) {
	b := unhex(t, opensslClientHello)
	var m ClientHello
	if !m.Unmarshal(b) {
		t.Fatal("Unmarshal failed")
	}
	if m.Version != VersionTLS12 || len(m.SessionID) != 32 || m.ServerName != "example.com" ||
		!slices.Equal(m.ALPNProtocols, []string{"h2", "http/1.1"}) ||
		!slices.Equal(m.SupportedVersions, []uint16{VersionTLS13, VersionTLS12, VersionTLS11, VersionTLS10}) ||
		!m.ExtendedMasterSecret || !m.EncryptThenMAC || !m.SessionTicketExt || m.SessionTicket != nil ||
		!m.KeySharesPresent || len(m.KeyShares) != 1 || m.KeyShares[0].Group != GroupX25519 ||
		len(m.KeyShares[0].Data) != 32 || !slices.Equal(m.PSKModes, []uint8{1}) ||
		!slices.Equal(m.ECPointFormats, []uint8{0, 1, 2}) || len(m.Unknown) != 0 {
		t.Errorf("unexpected fields: %+v", m)
	}
	if len(m.CipherSuites) != 31 || m.CipherSuites[0] != 0x1302 || !slices.Contains(m.CipherSuites, SCSVRenegotiation) {
		t.Errorf("cipher suites %x", m.CipherSuites)
	}
	if !slices.Equal(m.SupportedGroups, []uint16{29, 23, 30, 25, 24, 256, 257, 258, 259, 260}) {
		t.Errorf("groups %v", m.SupportedGroups)
	}
	if len(m.SignatureAlgorithms) != 20 || m.SignatureAlgorithms[0] != SigECDSAP256SHA256 {
		t.Errorf("signature algorithms %x", m.SignatureAlgorithms)
	}
	if !bytes.Equal(m.Raw, b) {
		t.Error("Raw is not the input")
	}
	checkReparse(t, &m, &ClientHello{})
}

func TestGnuTLSClientHello(t *testing.T) {
	b := unhex(t, gnutlsClientHello)
	var m ClientHello
	if !m.Unmarshal(b) {
		t.Fatal("Unmarshal failed")
	}
	if !m.SecureRenegotiationValid || m.SecureRenegotiation != nil || !m.StatusRequest ||
		len(m.KeyShares) != 2 || m.KeyShares[0].Group != GroupSecp256r1 || len(m.KeyShares[0].Data) != 65 ||
		!slices.Equal(m.PSKModes, []uint8{1, 0}) || m.ServerName != "example.com" ||
		!m.Limits.HasRecordSizeLimit || m.Limits.RecordSizeLimit != 0x4001 || len(m.Unknown) != 0 {
		t.Errorf("unexpected fields: %+v", m)
	}
	checkReparse(t, &m, &ClientHello{})
}

// checkReparse marshals m and checks that the result parses into an equal
// value (our extension order may differ from the peer's).
func checkReparse(t *testing.T, m, into Message) {
	t.Helper()
	b, err := m.Marshal()
	if err != nil {
		t.Fatalf("%T: Marshal: %v", m, err)
	}
	if !into.Unmarshal(b) {
		t.Fatalf("%T: re-marshaled bytes do not parse: %x", m, b)
	}
	if !reflect.DeepEqual(withoutRaw(into), withoutRaw(m)) {
		t.Fatalf("%T: reparse differs\n got %+v\nwant %+v", m, into, m)
	}
}

// Hand-assembled vectors, field by field.
var vectors = []struct {
	name string
	msg  Message
	hex  string
}{
	{"TLS 1.2 ServerHello, EMS and empty renegotiation_info", &ServerHello{
		Version: VersionTLS12, Random: seq(32, 0), CipherSuite: 0xc02f,
		ExtendedMasterSecret: true, SecureRenegotiationValid: true,
	}, `02 00 00 31  0303
		000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
		00  c02f  00
		0009  0017 0000  ff01 0001 00`},
	{"HelloRetryRequest", &ServerHello{
		Version: VersionTLS12, Random: HelloRetryRequestRandom[:], CipherSuite: 0x1301,
		SupportedVersion: VersionTLS13, SelectedGroup: GroupSecp256r1,
	}, `02 00 00 34  0303
		cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c
		00  1301  00
		000c  002b 0002 0304  0033 0002 0017`},
	{"TLS 1.2 Certificate", &Certificate{Entries: []CertificateEntry{{Data: []byte{0x30, 0x00}}, {Data: []byte{0xaa}}}},
		`0b 00 00 0c  000009  000002 3000  000001 aa`},
	{"TLS 1.3 Certificate", &Certificate{TLS13: true, Entries: []CertificateEntry{{Data: []byte{0x30, 0x00}}}},
		`0b 00 00 0b  00  000007  000002 3000 0000`},
	{"TLS 1.2 CertificateRequest", &CertificateRequest{HasSignatureAlgorithms: true,
		CertificateTypes: []uint8{1, 64}, SignatureAlgorithms: []uint16{SigRSAPKCS1SHA256}, CertificateAuthorities: [][]byte{{0x30, 0x00}}},
		`0d 00 00 0d  02 0140  0002 0401  0004 0002 3000`},
	{"TLS 1.3 CertificateRequest", &CertificateRequest{TLS13: true, SignatureAlgorithms: []uint16{SigEd25519}},
		`0d 00 00 0b  00  0008 000d 0004 0002 0807`},
	{"TLS 1.2 CertificateVerify", &CertificateVerify{HasAlgorithm: true, Algorithm: SigECDSAP256SHA256, Signature: []byte{1, 2}},
		`0f 00 00 06  0403 0002 0102`},
	{"TLS 1.0 CertificateVerify", &CertificateVerify{Signature: []byte{1, 2}}, `0f 00 00 04  0002 0102`},
	{"KeyUpdate", &KeyUpdate{UpdateRequested: true}, `18 00 00 01 01`},
	{"ServerHelloDone", &ServerHelloDone{}, `0e 00 00 00`},
	{"NextProtocol", &NextProtocol{Protocol: "h2"}, `43 00 00 20  02 6832  1c` + strings.Repeat("00", 28)},
	{"TLS 1.2 NewSessionTicket", &NewSessionTicket{LifetimeHint: 300, Ticket: []byte{7}},
		`04 00 00 07  0000012c 0001 07`},
	{"TLS 1.3 NewSessionTicket", &NewSessionTicket{TLS13: true, LifetimeHint: 300, AgeAdd: 1, Nonce: []byte{0}, Ticket: []byte{7}, MaxEarlyData: 1024},
		`04 00 00 17  0000012c 00000001 01 00 0001 07  0008 002a 0004 00000400`},
	{"DTLS ClientHello", &ClientHello{DTLS: true, Version: VersionDTLS12, Random: seq(32, 0), Cookie: []byte{0xc0, 0x0c},
		CipherSuites: []uint16{0xc02b}, CompressionMethods: []uint8{0}},
		`01 00 00 2c  fefd
		000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
		00  02 c00c  0002 c02b  01 00`},
	{"HelloVerifyRequest", &HelloVerifyRequest{Version: VersionDTLS10, Cookie: []byte{1, 2, 3}}, `03 00 00 06  feff 03 010203`},
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		want := unhex(t, v.hex)
		got, err := v.msg.Marshal()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: Marshal = %x, %v\nwant %x", v.name, got, err, want)
			continue
		}
		m := fresh(v.msg)
		if !m.Unmarshal(want) || !reflect.DeepEqual(withoutRaw(m), v.msg) {
			t.Errorf("%s: Unmarshal = %+v", v.name, m)
		}
	}
}
