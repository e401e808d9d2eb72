package kx

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

func wantAlert(t *testing.T, err error, d alert.Description) {
	t.Helper()
	var a *alert.Error
	if !errors.As(err, &a) {
		t.Fatalf("got %v, want alert %v", err, d)
	}
	if a.Desc != d {
		t.Fatalf("got alert %v (%v), want %v", a.Desc, a, d)
	}
}

func ecdheRun(t *testing.T, group uint16) {
	srv, err := NewECDHEServer(group, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	params, err := srv.ServerParams()
	if err != nil {
		t.Fatal(err)
	}
	if params[0] != 3 || uint16(params[1])<<8|uint16(params[2]) != group || int(params[3]) != len(params)-4 {
		t.Fatalf("bad ServerECDHParams framing %x", params[:4])
	}
	cli := NewECDHEClient(ImplementedGroups(), rand.Reader)
	// A signature follows the params in a real ServerKeyExchange.
	n, err := cli.ProcessServerParams(append(append([]byte{}, params...), 0x04, 0x03, 0, 2, 0xaa, 0xbb))
	if err != nil {
		t.Fatal(err)
	}
	if n != len(params) {
		t.Fatalf("params took %d bytes, want %d", n, len(params))
	}
	if g := cli.(Grouped).Group(); g != group {
		t.Fatalf("client group %d", g)
	}
	body, cpm, err := cli.ClientKeyExchange()
	if err != nil {
		t.Fatal(err)
	}
	spm, err := srv.ProcessClientKeyExchange(body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cpm, spm) || len(cpm) == 0 {
		t.Fatal("premaster secrets differ")
	}
	if bytes.Equal(cpm, make([]byte, len(cpm))) {
		t.Fatal("zero premaster")
	}
}

func TestECDHEAgreement(t *testing.T) {
	for _, g := range ImplementedGroups() {
		t.Run(GroupName(g), func(t *testing.T) { ecdheRun(t, g) })
	}
}

func TestECDHEUnimplementedGroup(t *testing.T) {
	// brainpoolP256r1tls13 (TLS 1.3 only), ffdhe2048 (not an elliptic
	// curve), SecP384r1MLKEM1024 (a hybrid gossl only names).
	for _, g := range []uint16{groupBrainpoolP256r1TLS13, wire.GroupFFDHE2048, groupSecP384r1MLKEM1024} {
		if _, err := NewECDHEServer(g, rand.Reader); err == nil {
			t.Fatalf("%s server accepted", GroupName(g))
		}
	}
}

func serverParams(group uint16, point []byte) []byte {
	return append([]byte{3, byte(group >> 8), byte(group), byte(len(point))}, point...)
}

func TestECDHEClientRefusals(t *testing.T) {
	p256, _ := ecdh.P256().GenerateKey(rand.Reader)
	x, _ := ecdh.X25519().GenerateKey(rand.Reader)
	good := p256.PublicKey().Bytes()

	cases := []struct {
		name    string
		allowed []uint16
		body    []byte
		want    alert.Description
	}{
		{"group not offered", []uint16{wire.GroupX25519}, serverParams(wire.GroupSecp256r1, good), alert.IllegalParameter},
		{"group offered but unimplemented", []uint16{groupSecP384r1MLKEM1024}, serverParams(groupSecP384r1MLKEM1024, make([]byte, 43)), alert.IllegalParameter},
		{"explicit curve", SupportedGroups(), append([]byte{1}, good...), alert.IllegalParameter},
		{"compressed point", SupportedGroups(), serverParams(wire.GroupSecp256r1, append([]byte{2}, good[1:33]...)), alert.IllegalParameter},
		{"point off curve", SupportedGroups(), serverParams(wire.GroupSecp256r1, append(append([]byte{}, good[:64]...), good[64]^1)), alert.IllegalParameter},
		{"point at infinity", SupportedGroups(), serverParams(wire.GroupSecp256r1, []byte{0}), alert.IllegalParameter},
		{"x25519 short", SupportedGroups(), serverParams(wire.GroupX25519, x.PublicKey().Bytes()[:31]), alert.IllegalParameter},
		{"empty", SupportedGroups(), nil, alert.DecodeError},
		{"truncated group", SupportedGroups(), []byte{3, 0}, alert.DecodeError},
		{"truncated point", SupportedGroups(), serverParams(wire.GroupSecp256r1, good)[:40], alert.DecodeError},
		{"empty point", SupportedGroups(), serverParams(wire.GroupSecp256r1, nil), alert.DecodeError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cli := NewECDHEClient(c.allowed, rand.Reader)
			_, err := cli.ProcessServerParams(c.body)
			wantAlert(t, err, c.want)
		})
	}

	// An X25519 point of low order gives an all-zero secret, refused.
	cli := NewECDHEClient(SupportedGroups(), rand.Reader)
	if _, err := cli.ProcessServerParams(serverParams(wire.GroupX25519, make([]byte, 32))); err != nil {
		t.Fatal(err) // the point parses; the secret is the problem
	}
	_, _, err := cli.ClientKeyExchange()
	wantAlert(t, err, alert.IllegalParameter)

	// ClientKeyExchange before the params is a local error.
	_, _, err = NewECDHEClient(SupportedGroups(), rand.Reader).ClientKeyExchange()
	wantAlert(t, err, alert.InternalError)
}

func TestECDHEServerRefusals(t *testing.T) {
	for _, g := range SupportedGroups() {
		t.Run(GroupName(g), func(t *testing.T) {
			srv, _ := NewECDHEServer(g, rand.Reader)
			key, _ := curveFor(g).GenerateKey(rand.Reader)
			pt := key.PublicKey().Bytes()
			withLen := append([]byte{byte(len(pt))}, pt...)

			_, err := srv.ProcessClientKeyExchange(nil)
			wantAlert(t, err, alert.DecodeError)
			_, err = srv.ProcessClientKeyExchange([]byte{0})
			wantAlert(t, err, alert.DecodeError)
			_, err = srv.ProcessClientKeyExchange(withLen[:len(withLen)-1])
			wantAlert(t, err, alert.DecodeError)
			_, err = srv.ProcessClientKeyExchange(append(withLen, 0))
			wantAlert(t, err, alert.DecodeError)

			bad := append([]byte{}, withLen...)
			bad[len(bad)-1] ^= 0x55
			if g == wire.GroupX25519 {
				bad = append([]byte{32}, make([]byte, 32)...) // low order
			}
			_, err = srv.ProcessClientKeyExchange(bad)
			wantAlert(t, err, alert.IllegalParameter)

			if _, err := srv.ProcessClientKeyExchange(withLen); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestGroupNames(t *testing.T) {
	for _, c := range []struct {
		g    uint16
		name string
	}{
		{wire.GroupX25519, "x25519"}, {wire.GroupSecp256r1, "secp256r1"},
		{wire.GroupSecp384r1, "secp384r1"}, {wire.GroupSecp521r1, "secp521r1"},
		{wire.GroupX448, "x448"}, {wire.GroupFFDHE2048, "ffdhe2048"},
		{wire.GroupX25519MLKEM768, "x25519mlkem768"}, {14, "sect571r1"},
	} {
		if n := GroupName(c.g); n != c.name {
			t.Errorf("GroupName(%d) = %q, want %q", c.g, n, c.name)
		}
		if g, ok := GroupByName(c.name); !ok || g != c.g {
			t.Errorf("GroupByName(%q) = %d, %v", c.name, g, ok)
		}
	}
	if GroupName(0xfafa) != "unknown" {
		t.Error("unknown group name")
	}
	if _, ok := GroupByName("nope"); ok {
		t.Error("unknown name found")
	}
	want := []uint16{wire.GroupX25519, wire.GroupSecp256r1, wire.GroupSecp384r1, wire.GroupSecp521r1}
	got := SupportedGroups()
	got[0] = 0 // the caller owns the copy
	if SupportedGroups()[0] != want[0] || len(got) != len(want) {
		t.Error("SupportedGroups")
	}
}

func BenchmarkECDHE(b *testing.B) {
	for _, g := range SupportedGroups() {
		b.Run(GroupName(g), func(b *testing.B) {
			curve := curveFor(g)
			peer, _ := curve.GenerateKey(rand.Reader)
			for b.Loop() {
				k, err := curve.GenerateKey(rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := k.ECDH(peer.PublicKey()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkECDHEExchange runs a whole exchange through the package API:
// server key and params, client parse, key and premaster, server premaster.
func BenchmarkECDHEExchange(b *testing.B) {
	for _, g := range SupportedGroups() {
		b.Run(GroupName(g), func(b *testing.B) {
			for b.Loop() {
				srv, _ := NewECDHEServer(g, rand.Reader)
				p, _ := srv.ServerParams()
				cli := NewECDHEClient([]uint16{g}, rand.Reader)
				if _, err := cli.ProcessServerParams(p); err != nil {
					b.Fatal(err)
				}
				body, _, err := cli.ClientKeyExchange()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := srv.ProcessClientKeyExchange(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
