package dtls

import (
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// benchRecords runs f once per iteration for each suite with a Sealer
// and an Opener under the same keys, a 1200-byte payload (an MTU-sized
// record) and a 1500-byte buffer; f must allocate nothing (0 allocs/op).
func benchRecords(b *testing.B, f func(b *testing.B, w *Sealer, r *Opener, data, buf []byte)) {
	for _, name := range []string{
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	} {
		b.Run(name, func(b *testing.B) {
			w, r := pair(b, suites.ByName(name), wire.VersionDTLS12)
			data, buf := make([]byte, 1200), make([]byte, 0, 1500)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				f(b, w, r, data, buf)
			}
		})
	}
}

func BenchmarkDTLSSeal(b *testing.B) {
	benchRecords(b, func(b *testing.B, w *Sealer, _ *Opener, data, buf []byte) {
		if _, err := w.Seal(buf, 1, wire.TypeApplicationData, data); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkDTLSOpen opens a fresh record each iteration (the replay
// window would drop a repeat); sealing it is not timed.
func BenchmarkDTLSOpen(b *testing.B) {
	benchRecords(b, func(b *testing.B, w *Sealer, r *Opener, data, buf []byte) {
		b.StopTimer()
		rec, err := w.Seal(buf, 1, wire.TypeApplicationData, data)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, _, ok := r.Open(rec); !ok {
			b.Fatal("discarded")
		}
	})
}
