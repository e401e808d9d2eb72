package kx

import (
	"crypto/rand"
	"testing"

	"github.com/gossl/ssl/internal/wire"
)

// Benchmarks of one TLS 1.3 key exchange per group, split into the
// client's GenerateKeyShare, the server's RespondKeyShare and the client's
// Shared, and the three together (what one full handshake costs both
// sides).

func benchGroups() []uint16 { return TLS13Groups() }

func BenchmarkKeyShareGenerate(b *testing.B) {
	for _, g := range benchGroups() {
		b.Run(GroupName(g), func(b *testing.B) {
			for b.Loop() {
				if _, err := GenerateKeyShare(g, rand.Reader); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKeyShareRespond(b *testing.B) {
	for _, g := range benchGroups() {
		b.Run(GroupName(g), func(b *testing.B) {
			ks, _ := GenerateKeyShare(g, rand.Reader)
			pub := ks.Public()
			b.SetBytes(int64(len(pub)))
			for b.Loop() {
				if _, _, err := RespondKeyShare(g, pub, rand.Reader); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKeyShareShared(b *testing.B) {
	for _, g := range benchGroups() {
		b.Run(GroupName(g), func(b *testing.B) {
			ks, _ := GenerateKeyShare(g, rand.Reader)
			srv, _, _ := RespondKeyShare(g, ks.Public(), rand.Reader)
			b.SetBytes(int64(len(srv)))
			for b.Loop() {
				if _, err := ks.Shared(srv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKeyShareExchange(b *testing.B) {
	for _, g := range benchGroups() {
		b.Run(GroupName(g), func(b *testing.B) {
			for b.Loop() {
				ks, err := GenerateKeyShare(g, rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				srv, _, err := RespondKeyShare(g, ks.Public(), rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := ks.Shared(srv); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkX25519MLKEM768 is the hybrid alone, for quick comparison runs.
func BenchmarkX25519MLKEM768(b *testing.B) {
	g := wire.GroupX25519MLKEM768
	b.Run("generate", func(b *testing.B) {
		for b.Loop() {
			GenerateKeyShare(g, rand.Reader)
		}
	})
	ks, _ := GenerateKeyShare(g, rand.Reader)
	pub := ks.Public()
	b.Run("respond", func(b *testing.B) {
		for b.Loop() {
			RespondKeyShare(g, pub, rand.Reader)
		}
	})
	srv, _, _ := RespondKeyShare(g, pub, rand.Reader)
	b.Run("shared", func(b *testing.B) {
		for b.Loop() {
			ks.Shared(srv)
		}
	})
}
