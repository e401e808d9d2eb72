package kx

import (
	"crypto/rand"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// Fuzz targets for every parser of peer input in this package. The seed
// corpora are in testdata/fuzz/<FuzzName>/; f.Add adds valid messages made
// with this run's keys. Invariants: no panic, every error an *alert.Error,
// and results of the documented shape.

func mustAlert(t *testing.T, err error) {
	t.Helper()
	var a *alert.Error
	if !errors.As(err, &a) {
		t.Fatalf("error is not an alert: %v", err)
	}
}

func FuzzECDHEProcessServerParams(f *testing.F) {
	for _, g := range SupportedGroups() {
		srv, _ := NewECDHEServer(g, rand.Reader)
		p, _ := srv.ServerParams()
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cli := NewECDHEClient([]uint16{wire.GroupX25519, wire.GroupSecp256r1, wire.GroupSecp384r1, wire.GroupSecp521r1, wire.GroupX448}, rand.Reader)
		n, err := cli.ProcessServerParams(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if n < 5 || n > len(body) {
			t.Fatalf("params length %d of %d", n, len(body))
		}
		cke, pm, err := cli.ClientKeyExchange()
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(cke) < 2 || len(pm) == 0 {
			t.Fatal("empty ClientKeyExchange or premaster")
		}
	})
}

func FuzzECDHEProcessClientKeyExchange(f *testing.F) {
	servers := map[uint16]ServerKeyExchanger{}
	for _, g := range SupportedGroups() {
		servers[g], _ = NewECDHEServer(g, rand.Reader)
		k, _ := curveFor(g).GenerateKey(rand.Reader)
		pt := k.PublicKey().Bytes()
		f.Add(uint8(len(servers)-1), append([]byte{byte(len(pt))}, pt...))
	}
	groups := SupportedGroups()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		srv := servers[groups[int(which)%len(groups)]]
		pm, err := srv.ProcessClientKeyExchange(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(pm) == 0 {
			t.Fatal("empty premaster")
		}
	})
}

func FuzzRSAProcessClientKeyExchange(f *testing.F) {
	key := testRSA()
	for _, v := range []uint16{wire.VersionTLS12, wire.VersionSSL30} {
		body, _, _ := NewRSAClient(&key.PublicKey, v, rand.Reader).ClientKeyExchange()
		f.Add(v == wire.VersionSSL30, body)
	}
	tls := NewRSAServer(key, wire.VersionTLS12, rand.Reader)
	ssl3 := NewRSAServer(key, wire.VersionSSL30, rand.Reader)
	f.Fuzz(func(t *testing.T, isSSL3 bool, body []byte) {
		srv := tls
		if isSSL3 {
			srv = ssl3
		}
		pm, err := srv.ProcessClientKeyExchange(body)
		if err != nil {
			// Only framing may fail, never decryption.
			var a *alert.Error
			if !errors.As(err, &a) || a.Desc != alert.DecodeError {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(pm) != 48 {
			t.Fatalf("premaster of %d bytes", len(pm))
		}
	})
}

func FuzzPSKProcessServerParams(f *testing.F) {
	inner, _ := NewECDHEServer(wire.GroupSecp256r1, rand.Reader)
	srv, _ := NewPSKServerOver(inner, []byte("hint"), pskLookup, rand.Reader)
	p, _ := srv.ServerParams()
	f.Add(true, p)
	p, _ = NewPSKServer([]byte("hint"), pskLookup, rand.Reader).ServerParams()
	f.Add(false, p)
	f.Fuzz(func(t *testing.T, ecdhe bool, body []byte) {
		cli := NewPSKClient(clientLookup(testPSK))
		if ecdhe {
			cli = NewPSKClientOver(NewECDHEClient([]uint16{wire.GroupX25519, wire.GroupSecp256r1}, rand.Reader), true, clientLookup(testPSK))
		}
		n, err := cli.ProcessServerParams(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if n < 2 || n > len(body) {
			t.Fatalf("params length %d of %d", n, len(body))
		}
		cke, pm, err := cli.ClientKeyExchange()
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(cke) < 3 || len(pm) < 4+len(testPSK) {
			t.Fatal("short ClientKeyExchange or premaster")
		}
	})
}

func FuzzPSKProcessClientKeyExchange(f *testing.F) {
	body, _, _ := NewPSKClient(clientLookup(testPSK)).ClientKeyExchange()
	f.Add(false, body)
	inner, _ := NewECDHEServer(wire.GroupX25519, rand.Reader)
	esrv, _ := NewPSKServerOver(inner, nil, pskLookup, rand.Reader)
	cli := NewPSKClientOver(NewECDHEClient([]uint16{wire.GroupX25519}, rand.Reader), true, clientLookup(testPSK))
	p, _ := esrv.ServerParams()
	cli.ProcessServerParams(p)
	body, _, _ = cli.ClientKeyExchange()
	f.Add(true, body)
	psrv := NewPSKServer(nil, pskLookup, rand.Reader)
	f.Fuzz(func(t *testing.T, ecdhe bool, body []byte) {
		srv := psrv
		if ecdhe {
			srv = esrv
		}
		pm, err := srv.ProcessClientKeyExchange(body)
		if err != nil {
			mustAlert(t, err)
			return
		}
		if len(pm) < 6 {
			t.Fatalf("premaster of %d bytes", len(pm))
		}
	})
}
