package ssl

import (
	"math/big"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// Bad DHE messages on the wire, in both roles: each must end the
// handshake with its alert, quickly, whatever the values.

// u16Vectors encodes each value as opaque<1..2^16-1>.
func u16Vectors(vs ...[]byte) []byte {
	var b cryptobyte.Builder
	for _, v := range vs {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
	}
	return b.BytesOrPanic()
}

func dheBadValues(t *testing.T) (p, pm1, small, huge, even []byte) {
	d := kx.FFDHEGroup(wire.GroupFFDHE2048)
	p = d.P.Bytes()
	pm1 = new(big.Int).Sub(d.P, big.NewInt(1)).Bytes()
	sd, err := kx.ParseDHParamsPEM(mustReadFile(t, "testdata/dh1024.pem"))
	if err != nil {
		t.Fatal(err)
	}
	small = sd.P.Bytes()
	h := new(big.Int).Lsh(d.P, 8200-2048)
	huge = h.SetBit(h, 0, 1).Bytes()
	even = new(big.Int).Add(d.P, big.NewInt(1)).Bytes()
	return
}

// TestDHEHostileServer: a TLS 1.2 server that sends bad ServerDHParams
// (signed or not: the client checks the params first).
func TestDHEHostileServer(t *testing.T) {
	p := testpeers.NewPKI(t)
	chain, _ := p.Chain("rsa")
	pr, pm1, small, huge, even := dheBadValues(t)
	sig := u16Vectors(make([]byte, 256)) // no valid signature is needed
	withSig := func(params []byte) []byte {
		s := wire.SigRSAPKCS1SHA256
		return append(append(params, byte(s>>8), byte(s)), sig...)
	}
	cases := []struct {
		name string
		ske  []byte
		want string
	}{
		{"Ys=0", withSig(u16Vectors(pr, []byte{2}, []byte{0})), "illegal_parameter"},
		{"Ys=1", withSig(u16Vectors(pr, []byte{2}, []byte{1})), "illegal_parameter"},
		{"Ys=p-1", withSig(u16Vectors(pr, []byte{2}, pm1)), "illegal_parameter"},
		{"g=1", withSig(u16Vectors(pr, []byte{1}, []byte{5})), "illegal_parameter"},
		{"even p", withSig(u16Vectors(even, []byte{2}, []byte{5})), "illegal_parameter"},
		{"8200-bit p", withSig(u16Vectors(huge, []byte{2}, []byte{5})), "illegal_parameter"},
		{"1024-bit p", withSig(u16Vectors(small, []byte{2}, []byte{5})), "insufficient_security"},
		{"truncated", u16Vectors(pr, []byte{2})[:200], "decode_error"},
		{"oversized", append(withSig(u16Vectors(pr, []byte{2}, []byte{5})), 0), "decode_error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			port, _ := hostileServer(t, func(conn net.Conn) error {
				ch, err := readClientHello(conn)
				if err != nil {
					return err
				}
				sh := &wire.ServerHello{Version: wire.VersionTLS12, Random: testRandom, SessionID: ch.SessionID,
					CipherSuite: 0x009e, ExtendedMasterSecret: true, SecureRenegotiationValid: true}
				cm := &wire.Certificate{}
				for _, d := range chain {
					cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: d})
				}
				for _, m := range []wire.Message{sh, cm, &wire.ServerKeyExchange{Key: c.ske}, &wire.ServerHelloDone{}} {
					if err := writeHandshake(conn, m); err != nil {
						return err
					}
				}
				return nil
			})
			co := clientOpts(p)
			co.Versions, co.Ciphers = []Version{TLSv1_2}, []string{"DHE-RSA-AES128-GCM-SHA256"}
			start := time.Now()
			_, err := Connect("127.0.0.1", port, co, 10*time.Second)
			wantSentAlert(t, err, c.want)
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("took %v", el)
			}
		})
	}
}

// TestDHEHostileClient: a client that sends a bad ClientKeyExchange right
// behind its ClientHello; the server answers its flight, then the alert.
func TestDHEHostileClient(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startHandshakeServer(t, serverOpts(p, "rsa"))
	defer srv.stop()
	pr, pm1, _, _, _ := dheBadValues(t)
	ch := goodClientHello(t, func(ch *wire.ClientHello) {
		ch.CipherSuites = []uint16{0x009e}
		ch.SupportedGroups = []uint16{wire.GroupFFDHE2048}
	})
	cke := func(body []byte) []byte {
		return append(handshakeHeader(wire.TypeClientKeyExchange, len(body)), body...)
	}
	cases := []struct {
		name string
		body []byte
		want uint8
	}{
		{"Yc=0", u16Vectors([]byte{0}), 47},
		{"Yc=1", u16Vectors([]byte{1}), 47},
		{"Yc=p-1", u16Vectors(pm1), 47},
		{"Yc=p", u16Vectors(pr), 47},
		{"Yc longer than p", u16Vectors(append([]byte{1}, pr...)), 47},
		{"truncated", u16Vectors(pm1)[:100], 50},
		{"oversized", append(u16Vectors([]byte{5}), 0), 50},
		{"empty", nil, 50},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := append(tlsRecord(wire.TypeHandshake, wire.VersionTLS12, ch), tlsRecord(wire.TypeHandshake, wire.VersionTLS12, cke(c.body))...)
			reply, _ := sendRaw(t, srv.port, data, false)
			var last []byte
			for in := reply; len(in) >= 5; {
				n := int(in[3])<<8 | int(in[4])
				if len(in) < 5+n {
					t.Fatalf("truncated record in the reply")
				}
				last, in = in[:5+n], in[5+n:]
			}
			wantAlertReply(t, last, c.want)
		})
	}
}

func mustReadFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
