package kx

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// TestStaticECDH: both sides agree on each named curve; the server sends
// no params, and the client takes none.
func TestStaticECDH(t *testing.T) {
	for _, tc := range []struct {
		curve elliptic.Curve
		group uint16
	}{{elliptic.P256(), wire.GroupSecp256r1}, {elliptic.P384(), wire.GroupSecp384r1}, {elliptic.P521(), wire.GroupSecp521r1}} {
		key, err := ecdsa.GenerateKey(tc.curve, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if g := CertCurveGroup(key.Public()); g != tc.group || !StaticECDHUsable(key) {
			t.Fatalf("group %#x usable %v", g, StaticECDHUsable(key))
		}
		srv, err := NewStaticECDHServer(key)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := srv.ServerParams(); p != nil || err != nil {
			t.Fatalf("server params %x %v", p, err)
		}
		cli, err := NewStaticECDHClient(key.Public(), SupportedGroups(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cli.ProcessServerParams([]byte{3, 0, 23, 1, 4}); err == nil {
			t.Fatal("client took ServerKeyExchange params")
		}
		body, pre, err := cli.ClientKeyExchange()
		if err != nil {
			t.Fatal(err)
		}
		spre, err := srv.ProcessClientKeyExchange(body)
		if err != nil || !bytes.Equal(pre, spre) || len(pre) != (tc.curve.Params().BitSize+7)/8 {
			t.Fatalf("premasters differ: %x / %x (%v)", pre, spre, err)
		}
	}
}

// TestStaticECDHRefusals: keys that cannot do it, curves not offered,
// and bad ClientKeyExchange bodies (empty, truncated, a point not on the
// curve, the point at infinity).
func TestStaticECDHRefusals(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	if StaticECDHUsable(edKey) {
		t.Error("Ed25519 key usable for static ECDH")
	}
	if _, err := NewStaticECDHServer(edKey); err == nil {
		t.Error("server with an Ed25519 key")
	}
	if _, err := NewStaticECDHClient(edKey.Public(), SupportedGroups(), rand.Reader); err == nil {
		t.Error("client with an Ed25519 key")
	}
	key, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	_, err := NewStaticECDHClient(key.Public(), []uint16{wire.GroupX25519, wire.GroupSecp256r1}, rand.Reader)
	wantAlert(t, err, alert.IllegalParameter)
	srv, err := NewStaticECDHServer(key)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := key.PublicKey.ECDH()
	good := pub.Bytes() // uncompressed: 0x04, X, Y; 97 bytes on P-384
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 1
	for _, tc := range []struct {
		name string
		body []byte
		want alert.Description
	}{
		{"empty", nil, alert.DecodeError},
		{"empty point", []byte{0}, alert.DecodeError},
		{"truncated", append([]byte{97}, good[:50]...), alert.DecodeError},
		{"trailing", append(append([]byte{97}, good...), 0), alert.DecodeError},
		{"not on the curve", append([]byte{97}, bad...), alert.IllegalParameter},
		{"infinity", []byte{1, 0}, alert.IllegalParameter},
	} {
		_, err := srv.ProcessClientKeyExchange(tc.body)
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		wantAlert(t, err, tc.want)
	}
	if _, err := srv.ProcessClientKeyExchange(append([]byte{97}, good...)); err != nil {
		t.Fatalf("a good point refused: %v", err)
	}
}
