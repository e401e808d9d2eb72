package ssl

import (
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// BenchmarkDTLSHandshake: full DTLS 1.2 handshakes over loopback UDP
// (cookie exchange included), against TLS 1.2 over loopback TCP with the
// same certificate and suite in the same run.
func BenchmarkDTLSHandshake(b *testing.B) {
	p := testpeers.NewPKI(b)
	for _, proto := range []string{"dtls", "tls"} {
		b.Run(proto, func(b *testing.B) {
			so := serverOpts(p, "ecdsa")
			co := clientOpts(p)
			so.Protocol, co.Protocol = proto, proto
			co.ReuseSessions = Bool(false)
			co.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}
			if proto == "tls" {
				co.Versions = []Version{TLSv1_2}
			}
			port := serveEach(b, so, func(s *Socket) {
				if s.Handshake(10*time.Second) == nil {
					s.Recv(0, 10*time.Second)
				}
			})
			b.ReportAllocs()
			for b.Loop() {
				s, err := Connect("127.0.0.1", port, co, 10*time.Second)
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}
