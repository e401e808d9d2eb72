package ssl

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// v2HelloRecord hand-builds an SSL 2.0-format ClientHello record (RFC
// 5246, Appendix E.2) offering version with ECDHE-ECDSA-AES128-SHA and
// the renegotiation SCSV, after an SSL 2.0 cipher spec; adjust may edit
// the message before its 2-byte header is added.
func v2HelloRecord(version uint16, adjust func([]byte) []byte) []byte {
	specs := []byte{0x07, 0x00, 0xc0, 0x00, 0xc0, 0x09, 0x00, 0x00, 0xff}
	msg := []byte{wire.TypeClientHello, byte(version >> 8), byte(version), 0, byte(len(specs)), 0, 0, 0, 16}
	msg = append(msg, specs...)
	for i := 0; i < 16; i++ {
		msg = append(msg, byte(i*13))
	}
	if adjust != nil {
		msg = adjust(msg)
	}
	return append([]byte{0x80 | byte(len(msg)>>8), byte(len(msg))}, msg...)
}

// firstRecord sends raw to a gossl server and returns the type and the
// first two bytes of the fragment of the first record it answers with.
func firstRecord(t *testing.T, port int, raw []byte) (typ uint8, head []byte) {
	t.Helper()
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(raw); err != nil {
		t.Fatal(err)
	}
	hdr := make([]byte, 7)
	if _, err := io.ReadFull(c, hdr); err != nil {
		t.Fatalf("no answer: %v", err)
	}
	return hdr[0], hdr[5:7]
}

// TestV2HelloCompatible: a server with v2_hello_compatible answers a
// hand-built SSL 2.0 ClientHello offering TLS 1.0 or 1.2 with a TLS
// ServerHello of that version; without the option it refuses it as
// before (unexpected_message); a v2 record too short for a ClientHello,
// or a message whose lengths do not add up, is decode_error.
func TestV2HelloCompatible(t *testing.T) {
	p := testpeers.NewPKI(t)
	server := func(v2 bool) *Options {
		so := serverOpts(p, "ecdsa")
		so.Versions = []Version{TLSv1_2, TLSv1_1, TLSv1}
		so.V2HelloCompatible = v2
		// A v2 hello has no signature_algorithms: TLS 1.2 then means
		// SHA-1 (RFC 5246, 7.4.1.4.1).
		so.SignatureAlgs = []string{"ecdsa_sha1", "ecdsa_secp256r1_sha256"}
		return so
	}
	for _, v := range []uint16{wire.VersionTLS10, wire.VersionTLS12} {
		port, done := acceptOne(t, server(true), func(*Socket) error { return nil })
		typ, head := firstRecord(t, port, v2HelloRecord(v, nil))
		if typ != wire.TypeHandshake || head[0] != wire.TypeServerHello {
			t.Fatalf("%s: answer %d %x, want a ServerHello", wire.VersionName(v), typ, head)
		}
		<-done
	}
	for _, tc := range []struct {
		name   string
		v2     bool
		record []byte
		desc   byte
	}{
		{"not enabled", false, v2HelloRecord(wire.VersionTLS12, nil), 10},
		{"record too short", true, []byte{0x80, 5, 1, 3, 1, 0, 0, 0, 0}, 50},
		{"challenge length lies", true, v2HelloRecord(wire.VersionTLS12, func(m []byte) []byte { m[8] = 20; return m }), 50},
		{"spec length lies", true, v2HelloRecord(wire.VersionTLS12, func(m []byte) []byte { m[4] = 12; return m }), 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, done := acceptOne(t, server(tc.v2), func(*Socket) error { return nil })
			typ, head := firstRecord(t, port, tc.record)
			if typ != wire.TypeAlert || head[0] != 2 || head[1] != tc.desc {
				t.Fatalf("answer %d %x, want fatal alert %d", typ, head, tc.desc)
			}
			if err := <-done; err == nil {
				t.Fatal("the server accepted the connection")
			}
		})
	}
}
