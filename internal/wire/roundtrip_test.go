package wire

import (
	"bytes"
	"reflect"
	"testing"
)

func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// sampleMessages returns messages with every field exercised, for
// round-trip tests and as fuzz seeds.
func sampleMessages() []Message {
	binder := seq(32, 0x80)
	return []Message{
		&ClientHello{
			Version:                  VersionTLS12,
			Random:                   seq(32, 1),
			SessionID:                seq(32, 0x40),
			CipherSuites:             []uint16{0x1301, 0x1302, 0xc02f, SCSVRenegotiation},
			CompressionMethods:       []uint8{0},
			ServerName:               "example.com",
			SupportedGroups:          []uint16{GroupX25519MLKEM768, GroupX25519, GroupSecp256r1},
			ECPointFormats:           []uint8{0},
			SignatureAlgorithms:      []uint16{SigECDSAP256SHA256, SigRSAPSSRSAESHA256, SigRSAPKCS1SHA256},
			SignatureAlgorithmsCert:  []uint16{SigRSAPKCS1SHA1},
			ALPNProtocols:            []string{"h2", "http/1.1"},
			ExtendedMasterSecret:     true,
			EncryptThenMAC:           true,
			SecureRenegotiationValid: true,
			SessionTicketExt:         true,
			SessionTicket:            seq(40, 9),
			NextProtoNeg:             true,
			StatusRequest:            true,
			SupportedVersions:        []uint16{VersionTLS13, VersionTLS12},
			KeyShares:                []KeyShare{{GroupX25519, seq(32, 3)}, {GroupSecp256r1, seq(65, 4)}},
			KeySharesPresent:         true,
			PSKModes:                 []uint8{1},
			EarlyData:                true,
			TLS13Cookie:              seq(20, 7),
			SRPIdentity:              []byte("user"),
			CertificateAuthorities:   [][]byte{seq(10, 1), seq(3, 2)},
			PSKIdentities:            []PSKIdentity{{seq(16, 5), 12345}, {seq(1, 6), 0}},
			PSKBinders:               [][]byte{binder, seq(48, 1)},
			Unknown:                  []Extension{{0x0a0a, nil}, {0x1234, []byte{1, 2, 3}}},
		},
		&ClientHello{
			Version:                  VersionTLS10,
			Random:                   seq(32, 2),
			CipherSuites:             []uint16{0x002f},
			CompressionMethods:       []uint8{1, 0},
			SecureRenegotiationValid: true,
			SecureRenegotiation:      seq(12, 1),
		},
		&ClientHello{ // SSL 3.0 style: no extensions block at all
			Version:            VersionSSL30,
			Random:             seq(32, 3),
			CipherSuites:       []uint16{0x000a},
			CompressionMethods: []uint8{0},
		},
		&ClientHello{
			DTLS:               true,
			Version:            VersionDTLS12,
			Random:             seq(32, 4),
			Cookie:             seq(32, 8),
			CipherSuites:       []uint16{0xc02b},
			CompressionMethods: []uint8{0},
			SupportedGroups:    []uint16{GroupSecp256r1},
			KeySharesPresent:   true, // empty client_shares
		},
		&ServerHello{
			Version:                  VersionTLS12,
			Random:                   seq(32, 5),
			SessionID:                seq(32, 6),
			CipherSuite:              0xc02f,
			ExtendedMasterSecret:     true,
			EncryptThenMAC:           true,
			SecureRenegotiationValid: true,
			SecureRenegotiation:      seq(24, 1),
			SessionTicketExt:         true,
			ALPNProtocol:             "h2",
			ECPointFormats:           []uint8{0, 1, 2},
			ServerNameAck:            true,
			StatusRequest:            true,
			NextProtoNeg:             true,
			NextProtos:               []string{"spdy/3", "http/1.1"},
			Unknown:                  []Extension{{0x4444, []byte{0}}},
		},
		&ServerHello{ // TLS 1.2 without extensions
			Version:     VersionTLS12,
			Random:      seq(32, 7),
			CipherSuite: 0x002f,
		},
		&ServerHello{
			Version:          VersionTLS12,
			Random:           seq(32, 8),
			SessionID:        seq(32, 9),
			CipherSuite:      0x1301,
			SupportedVersion: VersionTLS13,
			KeyShare:         KeyShare{GroupX25519, seq(32, 10)},
			PSKSelected:      true,
			PSKIdentity:      1,
		},
		&ServerHello{
			Version:          VersionTLS12,
			Random:           HelloRetryRequestRandom[:],
			SessionID:        seq(32, 9),
			CipherSuite:      0x1302,
			SupportedVersion: VersionTLS13,
			SelectedGroup:    GroupSecp384r1,
			TLS13Cookie:      seq(50, 1),
		},
		&Certificate{Entries: []CertificateEntry{{Data: seq(300, 1)}, {Data: seq(200, 2)}}},
		&Certificate{}, // a client without a certificate
		&Certificate{TLS13: true, Context: seq(8, 1), Entries: []CertificateEntry{
			{Data: seq(300, 1), Extensions: []Extension{{ExtStatusRequest, seq(10, 1)}, {ExtSCT, seq(5, 1)}}},
			{Data: seq(200, 2)},
		}},
		&Certificate{TLS13: true},
		&CertificateRequest{CertificateTypes: []uint8{CertTypeRSASign, CertTypeDSSSign},
			CertificateAuthorities: [][]byte{seq(20, 1)}},
		&CertificateRequest{HasSignatureAlgorithms: true, CertificateTypes: []uint8{CertTypeRSASign, CertTypeECDSASign},
			SignatureAlgorithms: []uint16{SigRSAPKCS1SHA256, SigECDSAP256SHA256}},
		&CertificateRequest{TLS13: true, Context: seq(4, 1), SignatureAlgorithms: []uint16{SigEd25519},
			SignatureAlgorithmsCert: []uint16{SigRSAPKCS1SHA256}, CertificateAuthorities: [][]byte{seq(20, 1), seq(30, 2)},
			Unknown: []Extension{{ExtStatusRequest, nil}}},
		&ServerKeyExchange{Key: seq(100, 1)},
		&ClientKeyExchange{Key: seq(66, 1)},
		&ClientKeyExchange{},
		&CertificateVerify{Signature: seq(256, 1)},
		&CertificateVerify{HasAlgorithm: true, Algorithm: SigRSAPSSRSAESHA256, Signature: seq(256, 1)},
		&Finished{VerifyData: seq(12, 1)},
		&Finished{VerifyData: seq(48, 1)},
		&ServerHelloDone{},
		&HelloRequest{},
		&EndOfEarlyData{},
		&NewSessionTicket{LifetimeHint: 7200, Ticket: seq(160, 1)},
		&NewSessionTicket{LifetimeHint: 0},
		&NewSessionTicket{TLS13: true, LifetimeHint: 604800, AgeAdd: 0xdeadbeef, Nonce: seq(8, 1), Ticket: seq(100, 1),
			MaxEarlyData: 16384, Unknown: []Extension{{0xaaaa, nil}}},
		&NewSessionTicket{TLS13: true, Ticket: []byte{1}},
		&EncryptedExtensions{ALPNProtocol: "http/1.1", ServerNameAck: true, EarlyData: true,
			SupportedGroups: []uint16{GroupX25519}, Limits: RecordLimits{RecordSizeLimit: 0x4001, HasRecordSizeLimit: true},
			Unknown: []Extension{{0xaaaa, []byte{0x40, 0x01}}}},
		&EncryptedExtensions{Limits: RecordLimits{MaxFragmentLength: 2, HasMaxFragmentLength: true}},
		&ServerHello{Version: VersionTLS12, Random: seq(32, 1), CipherSuite: 0xc02b,
			Limits: RecordLimits{MaxFragmentLength: 9, HasMaxFragmentLength: true, RecordSizeLimit: 63, HasRecordSizeLimit: true}},
		&EncryptedExtensions{},
		&KeyUpdate{},
		&KeyUpdate{UpdateRequested: true},
		&NextProtocol{Protocol: "http/1.1"},
		&NextProtocol{Protocol: string(seq(30, 'a'))},
		&HelloVerifyRequest{Version: VersionDTLS10, Cookie: seq(32, 1)},
		&CertificateStatus{Response: seq(500, 1)},
	}
}

// fresh returns a zero message of the same type as m with the layout
// selectors (DTLS, TLS13, HasSignatureAlgorithms, HasAlgorithm) copied, as
// the engine sets them before Unmarshal.
func fresh(m Message) Message {
	v := reflect.New(reflect.TypeOf(m).Elem())
	for _, f := range []string{"DTLS", "TLS13", "HasSignatureAlgorithms", "HasAlgorithm"} {
		if src := reflect.ValueOf(m).Elem().FieldByName(f); src.IsValid() {
			v.Elem().FieldByName(f).Set(src)
		}
	}
	return v.Interface().(Message)
}

// withoutRaw returns a shallow copy of m with Raw cleared.
func withoutRaw(m Message) Message {
	v := reflect.New(reflect.TypeOf(m).Elem())
	v.Elem().Set(reflect.ValueOf(m).Elem())
	v.Elem().FieldByName("Raw").SetBytes(nil)
	return v.Interface().(Message)
}

func TestRoundTrip(t *testing.T) {
	for i, m := range sampleMessages() {
		b, err := m.Marshal()
		if err != nil {
			t.Fatalf("%d %T: Marshal: %v", i, m, err)
		}
		if typ, n, ok := ParseHeader(b); !ok || typ != m.Type() || n != len(b)-HeaderLen {
			t.Fatalf("%d %T: bad header %x", i, m, b[:4])
		}
		got := fresh(m)
		if !got.Unmarshal(b) {
			t.Fatalf("%d %T: Unmarshal failed on %x", i, m, b)
		}
		if raw := reflect.ValueOf(got).Elem().FieldByName("Raw").Bytes(); !bytes.Equal(raw, b) {
			t.Errorf("%d %T: Raw not set to the input", i, m)
		}
		if !reflect.DeepEqual(withoutRaw(got), m) {
			t.Errorf("%d %T: round trip mismatch\n got %+v\nwant %+v", i, m, got, m)
		}
		b2, err := got.Marshal()
		if err != nil || !bytes.Equal(b, b2) {
			t.Errorf("%d %T: re-marshal differs (%v)", i, m, err)
		}
		// Every truncation and every extension by one byte is malformed.
		for n := range len(b) {
			if fresh(m).Unmarshal(b[:n]) {
				t.Errorf("%d %T: accepted truncation to %d bytes", i, m, n)
			}
		}
		long := append(Frame(b[0], append(b[HeaderLen:len(b):len(b)], 0)), 0)
		if !opaqueBody(m) && fresh(m).Unmarshal(long[:len(long)-1]) {
			t.Errorf("%d %T: accepted a trailing byte", i, m)
		}
		if fresh(m).Unmarshal(append(b[:len(b):len(b)], 0)) {
			t.Errorf("%d %T: accepted a byte after the announced length", i, m)
		}
	}
}

func TestPSKBindersLen(t *testing.T) {
	m := sampleMessages()[0].(*ClientHello)
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	n := m.PSKBindersLen()
	if n != 2+33+49 {
		t.Fatalf("PSKBindersLen = %d", n)
	}
	// The truncated ClientHello ends with the identities: the binders
	// field is the tail of the message.
	if !bytes.HasSuffix(b, append(append([]byte{0, 82, 32}, m.PSKBinders[0]...), append([]byte{48}, m.PSKBinders[1]...)...)) {
		t.Fatal("binders are not the tail of the message")
	}
}

func TestHelloRetryRequest(t *testing.T) {
	for _, m := range sampleMessages() {
		sh, ok := m.(*ServerHello)
		if !ok {
			continue
		}
		want := sh.SelectedGroup != 0
		if sh.IsHelloRetryRequest() != want {
			t.Errorf("IsHelloRetryRequest = %v for %+v", !want, sh)
		}
	}
}

// opaqueBody reports whether m's body is taken whole, so that an extra byte
// changes the value rather than making the message malformed.
func opaqueBody(m Message) bool {
	switch m.(type) {
	case *ServerKeyExchange, *ClientKeyExchange, *Finished:
		return true
	}
	return false
}
