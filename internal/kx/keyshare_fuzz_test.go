package kx

import (
	"crypto/rand"
	"testing"
)

// Fuzz targets for the TLS 1.3 key-share parsers: the server's
// RespondKeyShare over a client's key_exchange, and the client's
// KeyShare.Shared over a server's. The group is chosen by the first
// argument, an index into TLS13Groups. Seeds are in
// testdata/fuzz/<FuzzName>/, and f.Add adds valid shares made with this
// run's keys. Invariants: no panic, every error an *alert.Error, and on
// success a share and secret of the group's sizes.

func fuzzGroup(i uint8) uint16 {
	g := TLS13Groups()
	return g[int(i)%len(g)]
}

func FuzzRespondKeyShare(f *testing.F) {
	for i, g := range TLS13Groups() {
		ks, err := GenerateKeyShare(g, rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), ks.Public())
	}
	f.Fuzz(func(t *testing.T, gi uint8, share []byte) {
		g := fuzzGroup(gi)
		srv, secret, err := RespondKeyShare(g, share, rand.Reader)
		if err != nil {
			mustAlert(t, err)
			return
		}
		sz := shareSizes[g]
		if len(share) != sz[0] || len(srv) != sz[1] || len(secret) != sz[2] {
			t.Fatalf("%s: accepted %d-byte share, answered %d, secret %d", GroupName(g), len(share), len(srv), len(secret))
		}
	})
}

func FuzzKeyShareShared(f *testing.F) {
	for i, g := range TLS13Groups() {
		ks, _ := GenerateKeyShare(g, rand.Reader)
		srv, _, err := RespondKeyShare(g, ks.Public(), rand.Reader)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), srv)
	}
	shares := map[uint16]KeyShare{}
	for _, g := range TLS13Groups() {
		shares[g], _ = GenerateKeyShare(g, rand.Reader)
	}
	f.Fuzz(func(t *testing.T, gi uint8, peer []byte) {
		g := fuzzGroup(gi)
		secret, err := shares[g].Shared(peer)
		if err != nil {
			mustAlert(t, err)
			return
		}
		sz := shareSizes[g]
		if len(peer) != sz[1] || len(secret) != sz[2] {
			t.Fatalf("%s: accepted %d-byte share, secret %d", GroupName(g), len(peer), len(secret))
		}
	})
}
