package kx

import (
	"crypto/rand"
	"testing"

	"github.com/gossl/ssl/internal/wire"
)

// FuzzServerDHParams: a client's parsing and checking of ServerDHParams.
// Primes of 1024 to 8192 bits pass the size checks with minBits 1024;
// the exponentiation is only run for primes up to 1024 bits, to keep each
// input fast.
func FuzzServerDHParams(f *testing.F) {
	for _, g := range []uint16{wire.GroupFFDHE2048} {
		srv, _ := NewDHEServer(FFDHEGroup(g), rand.Reader)
		p, _ := srv.ServerParams()
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cli := NewDHEClient(1024, rand.Reader)
		n, err := cli.ProcessServerParams(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if n < 6 || n > len(body) {
			t.Fatalf("params length %d of %d", n, len(body))
		}
		if cli.(*dheClient).params.Bits() > 1024 {
			return
		}
		cke, pm, err := cli.ClientKeyExchange()
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(cke) < 3 || len(pm) == 0 || pm[0] == 0 {
			t.Fatal("empty ClientKeyExchange or premaster, or a premaster with a leading zero")
		}
	})
}

// FuzzClientDHPublic: a server's parsing and checking of
// ClientDiffieHellmanPublic over ffdhe2048.
func FuzzClientDHPublic(f *testing.F) {
	cli := NewDHEClient(2048, rand.Reader)
	srv, _ := NewDHEServer(FFDHEGroup(wire.GroupFFDHE2048), rand.Reader)
	sp, _ := srv.ServerParams()
	cli.ProcessServerParams(sp)
	body, _, _ := cli.ClientKeyExchange()
	f.Add(body)
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := ParseClientDHPublic(body); err != nil {
			mustAlert(t, err)
		}
		srv, err := NewDHEServer(FFDHEGroup(wire.GroupFFDHE2048), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		pm, err := srv.ProcessClientKeyExchange(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(pm) == 0 || len(pm) > 256 || pm[0] == 0 {
			t.Fatalf("premaster of %d bytes", len(pm))
		}
	})
}
