package handshake

import (
	"bytes"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// zeroFirstRand gives random bytes whose first 16 of each 32 are zero, so
// that a client random can be sent as a 16-byte SSL 2.0 challenge (RFC
// 5246, Appendix E.2 pads the challenge with zeros on the left).
type zeroFirstRand struct{ n int }

func (z *zeroFirstRand) Read(p []byte) (int, error) {
	for i := range p {
		if z.n%32 < 16 {
			p[i] = 0
		} else {
			p[i] = byte(z.n*7 + 1)
		}
		z.n++
	}
	return len(p), nil
}

// toV2Hello hand-builds the SSL 2.0-format form of ch (msg_type on): its
// suites and the renegotiation SCSV (RFC 5746, 3.3) as {0, x, y} specs
// after an SSL 2.0 one, no session ID, the
// last 16 bytes of its random as the challenge.
func toV2Hello(ch *wire.ClientHello, version uint16) []byte {
	specs := []byte{0x07, 0x00, 0xc0} // SSL_CK_DES_192_EDE3_CBC_WITH_MD5, skipped
	for _, s := range append(ch.CipherSuites, wire.SCSVRenegotiation) {
		specs = append(specs, 0, byte(s>>8), byte(s))
	}
	b := []byte{wire.TypeClientHello, byte(version >> 8), byte(version), byte(len(specs) >> 8), byte(len(specs)), 0, 0, 0, 16}
	b = append(b, specs...)
	return append(b, ch.Random[16:]...)
}

// TestV2ClientHelloHandshake: a server with V2HelloCompatible completes a
// handshake that starts with an SSL 2.0-format ClientHello (the client
// side is gossl's machine with its transcript set to the v2 bytes, as an
// SSLv2-compatible client hashes them, RFC 5246, Appendix E.2), with the
// SCSV giving secure renegotiation; without the option, or with bad
// lengths, it refuses.
func TestV2ClientHelloHandshake(t *testing.T) {
	for _, v := range []uint16{wire.VersionTLS10, wire.VersionTLS12} {
		cc, sc := testConfig(t, false), testConfig(t, true)
		cc.Rand = &zeroFirstRand{}
		cc.Versions = []uint16{v}
		sc.V2HelloCompatible = true
		// No signature_algorithms in a v2 hello: TLS 1.2 then means
		// {sha1, ecdsa} (RFC 5246, 7.4.1.4.1), which must be enabled.
		cc.SignatureSchemes = append(cc.SignatureSchemes, 0x0203)
		sc.SignatureSchemes = append(sc.SignatureSchemes, 0x0203)
		c, s := NewClient(cc), NewServer(sc)
		if _, err := c.Start(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.hello.Random[:16], make([]byte, 16)) {
			t.Fatal("test random does not start with zeros")
		}
		v2 := toV2Hello(c.hello, v)
		c.transcript.Reset()
		c.record(v2)
		acts, err := s.HandleV2ClientHello(v2)
		if err != nil {
			t.Fatalf("%s: %v", wire.VersionName(v), err)
		}
		var w1, r1, w2, r2 []*Keys
		for i := 0; i < 4 && !(c.Done() && s.Done()); i++ {
			acts = deliver(t, acts, c, &w1, &r1)
			acts = deliver(t, acts, s, &w2, &r2)
		}
		if !c.Done() || !s.Done() {
			t.Fatalf("not done: %s / %s", c.State(), s.State())
		}
		ci, si := c.Info(), s.Info()
		if si.Version != v || !bytes.Equal(ci.MasterSecret, si.MasterSecret) || si.ExtendedMasterSecret || !si.SecureRenegotiation {
			t.Fatalf("%s: %+v", wire.VersionName(v), si)
		}
	}

	cc, sc := testConfig(t, false), testConfig(t, true)
	cc.Rand = &zeroFirstRand{}
	c := NewClient(cc)
	c.Start()
	v2 := toV2Hello(c.hello, wire.VersionTLS10)
	if _, err := NewServer(sc).HandleV2ClientHello(v2); !isAlert(err, alert.UnexpectedMessage) {
		t.Fatalf("without v2_hello_compatible: %v", err)
	}
	sc.V2HelloCompatible = true
	bad := bytes.Clone(v2)
	bad[4]++ // cipher_spec_length one more than the specs
	if _, err := NewServer(sc).HandleV2ClientHello(bad); !isAlert(err, alert.DecodeError) {
		t.Fatalf("bad cipher_spec_length: %v", err)
	}
	s := NewServer(sc)
	if _, err := s.HandleV2ClientHello(v2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.HandleV2ClientHello(v2); !isAlert(err, alert.UnexpectedMessage) {
		t.Fatalf("a second v2 hello: %v", err)
	}
}

func isAlert(err error, d alert.Description) bool {
	ae, ok := err.(*alert.Error)
	return ok && ae.Desc == d
}
