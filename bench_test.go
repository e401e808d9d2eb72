package ssl

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// BenchmarkBulk measures application data over loopback TCP, client to
// server, one write of the given size per op, for gossl and crypto/tls in
// the same run. With -benchmem, allocs/op is the per-record allocation
// count of the data path (a 16 KiB write is one record).
func BenchmarkBulk(b *testing.B) {
	p := testpeers.NewPKI(b)
	for _, suite := range []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"} {
		for _, size := range []int{16 << 10, 1 << 10} {
			b.Run(fmt.Sprintf("gossl/%s/%dk", suite, size>>10), func(b *testing.B) {
				so := serverOpts(p, "ecdsa")
				so.Ciphers = []string{suite}
				ls, err := Listen(0, so)
				if err != nil {
					b.Fatal(err)
				}
				defer ls.Close()
				go drain(ls)
				co := clientOpts(p)
				co.Ciphers = []string{suite}
				s, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				runBulk(b, s, size)
			})
			b.Run(fmt.Sprintf("crypto-tls/%s/%dk", suite, size>>10), func(b *testing.B) {
				id := CipherSuites(SuitesAll, TLSv1_2)
				var sid uint16
				for _, c := range id {
					if c.Name == suite {
						sid = c.ID
					}
				}
				certDER, key := p.Cert("ecdsa")
				ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
					Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}},
					MaxVersion:   tls.VersionTLS12, CipherSuites: []uint16{sid},
				})
				if err != nil {
					b.Fatal(err)
				}
				defer ln.Close()
				go drain(ln)
				c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost", MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{sid}})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				runBulk(b, c, size)
			})
		}
	}
}

func runBulk(b *testing.B, w io.Writer, size int) {
	buf := make([]byte, size)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
}

// drain accepts one connection and reads it to the end.
func drain(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	io.Copy(io.Discard, c)
}

// BenchmarkPingPong measures the round trip of one small message over an
// established TLS 1.3 loopback connection (client writes 32 bytes, the
// server echoes them), gossl and crypto/tls in the same run: the latency
// of the data path, where syscalls and goroutine wake-ups dominate.
func BenchmarkPingPong(b *testing.B) {
	p := testpeers.NewPKI(b)
	b.Run("gossl", func(b *testing.B) {
		ls, err := Listen(0, serverOpts(p, "ecdsa"))
		if err != nil {
			b.Fatal(err)
		}
		defer ls.Close()
		go echoAll(ls)
		s, err := Connect("127.0.0.1", ls.Port(), clientOpts(p), 10*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		runPingPong(b, s)
	})
	b.Run("crypto-tls", func(b *testing.B) {
		certDER, key := p.Cert("ecdsa")
		ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{certDER}, PrivateKey: key}},
		})
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go echoAll(ln)
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{RootCAs: p.CertPool(), ServerName: "localhost"})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		runPingPong(b, c)
	})
}

func runPingPong(b *testing.B, c io.ReadWriter) {
	msg := make([]byte, 32)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, msg); err != nil {
			b.Fatal(err)
		}
	}
}

// echoAll accepts one connection and echoes it until it ends.
func echoAll(ln net.Listener) {
	c, err := ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	io.Copy(c, c)
}
