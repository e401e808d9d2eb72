package wire

import (
	"bytes"
	"slices"
	"testing"
)

// v2Hello hand-builds an SSL 2.0-format ClientHello body (msg_type on)
// from its fields, each length given separately so that it can lie.
func v2Hello(typ uint8, version uint16, specs, id, challenge []byte, specLen, idLen, challengeLen int) []byte {
	b := []byte{typ, byte(version >> 8), byte(version), byte(specLen >> 8), byte(specLen), byte(idLen >> 8), byte(idLen),
		byte(challengeLen >> 8), byte(challengeLen)}
	b = append(b, specs...)
	b = append(b, id...)
	return append(b, challenge...)
}

// TestParseV2ClientHello: RFC 5246, Appendix E.2. TLS suites are the
// specs {0, x, y}; SSL 2.0 ones are skipped; the challenge becomes the
// right end of the random. Every length that does not add up is refused.
func TestParseV2ClientHello(t *testing.T) {
	specs := []byte{0x07, 0x00, 0xc0, 0x00, 0xc0, 0x13, 0x00, 0x00, 0x2f, 0x00, 0x00, 0xff}
	challenge := seq(16, 1)
	good := v2Hello(TypeClientHello, VersionTLS12, specs, nil, challenge, len(specs), 0, 16)
	ch, ok := ParseV2ClientHello(good)
	if !ok {
		t.Fatal("valid v2 hello refused")
	}
	want := append(make([]byte, 16), challenge...)
	if ch.Version != VersionTLS12 || !slices.Equal(ch.CipherSuites, []uint16{0xc013, 0x002f, 0x00ff}) ||
		!bytes.Equal(ch.Random, want) || ch.SessionID != nil || !slices.Equal(ch.CompressionMethods, []uint8{0}) || !bytes.Equal(ch.Raw, good) {
		t.Fatalf("parsed %+v", ch)
	}
	if ch, ok := ParseV2ClientHello(v2Hello(TypeClientHello, VersionTLS10, specs[3:6], seq(16, 9), seq(32, 2), 3, 16, 32)); !ok ||
		len(ch.SessionID) != 16 || !bytes.Equal(ch.Random, seq(32, 2)) {
		t.Fatal("v2 hello with a session ID and a 32-byte challenge")
	}
	for name, b := range map[string][]byte{
		"empty":                  nil,
		"header only":            good[:9],
		"not a client_hello":     v2Hello(2, VersionTLS12, specs, nil, challenge, len(specs), 0, 16),
		"SSL 2.0 version":        v2Hello(TypeClientHello, 0x0002, specs, nil, challenge, len(specs), 0, 16),
		"no cipher spec":         v2Hello(TypeClientHello, VersionTLS12, nil, nil, challenge, 0, 0, 16),
		"spec length not by 3":   v2Hello(TypeClientHello, VersionTLS12, specs[:4], nil, challenge, 4, 0, 16),
		"spec length too long":   v2Hello(TypeClientHello, VersionTLS12, specs, nil, challenge, len(specs)+3, 0, 16),
		"session id of 5":        v2Hello(TypeClientHello, VersionTLS12, specs, seq(5, 0), challenge, len(specs), 5, 16),
		"challenge of 15":        v2Hello(TypeClientHello, VersionTLS12, specs, nil, challenge[:15], len(specs), 0, 15),
		"challenge of 33":        v2Hello(TypeClientHello, VersionTLS12, specs, nil, seq(33, 0), len(specs), 0, 33),
		"challenge length lies":  v2Hello(TypeClientHello, VersionTLS12, specs, nil, challenge, len(specs), 0, 20),
		"trailing byte":          append(bytes.Clone(good), 0),
		"truncated in challenge": good[:len(good)-1],
	} {
		if _, ok := ParseV2ClientHello(b); ok {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzV2ClientHello: the parser never panics, and what it accepts has
// lengths that add up.
func FuzzV2ClientHello(f *testing.F) {
	specs := []byte{0x00, 0xc0, 0x13, 0x00, 0x00, 0xff}
	f.Add(v2Hello(TypeClientHello, VersionTLS12, specs, nil, seq(16, 1), len(specs), 0, 16))
	f.Add(v2Hello(TypeClientHello, VersionTLS10, specs, seq(16, 3), seq(32, 1), len(specs), 16, 32))
	f.Add(v2Hello(TypeClientHello, VersionTLS12, specs, nil, seq(16, 1), len(specs)+3, 0, 16))
	f.Fuzz(func(t *testing.T, b []byte) {
		ch, ok := ParseV2ClientHello(b)
		if !ok {
			return
		}
		specLen := int(b[3])<<8 | int(b[4])
		if 9+specLen+len(ch.SessionID)+int(b[7])<<8+int(b[8]) != len(b) || len(ch.CipherSuites) > specLen/3 || len(ch.Random) != 32 {
			t.Fatalf("accepted %x as %+v", b, ch)
		}
	})
}
