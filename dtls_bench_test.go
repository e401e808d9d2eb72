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

// BenchmarkDTLSDataPath: one 1 KiB application-data record per
// operation over an established DTLS 1.2 association on loopback UDP
// (AES-128-GCM), written with Write on one side and read with Read into
// the caller's buffer on the other, each direction: allocs/op is the
// allocations per record of the whole data path, sealing, the datagram
// I/O, the listener's demultiplexing (to_server) and opening.
func BenchmarkDTLSDataPath(b *testing.B) {
	p := testpeers.NewPKI(b)
	so := dtlsServerOpts(p, "ecdsa", 0)
	so.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}
	c, s, err := dtlsPair(b, so, dtlsClientOpts(p, 0))
	if err != nil {
		b.Fatal(err)
	}
	record := make([]byte, 1024)
	buf := make([]byte, 1<<14)
	for _, dir := range []struct {
		name string
		w, r *Socket
	}{{"to_server", c, s}, {"to_client", s, c}} {
		b.Run(dir.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(record)))
			for b.Loop() {
				if _, err := dir.w.Write(record); err != nil {
					b.Fatal(err)
				}
				if n, err := dir.r.Read(buf); err != nil || n != len(record) {
					b.Fatalf("read %d %v", n, err)
				}
			}
		})
	}
}
