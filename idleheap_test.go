package ssl

import (
	"io"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestIdleHeapTLS13 holds N idle TLS 1.3 connections over loopback, as
// gossl bench's memory rows do (fresh options per connection, each
// server end with a goroutine blocked in Read that echoes, one request
// and its echo per connection, then the client end unread),
// and reports the heap per side, which must stay a few KB: no record
// buffer, handshake state or compiled options per idle connection.
// GOSSL_HEAP_N sets N (default 50; the bench uses 1000);
// GOSSL_HEAP_PROFILE names a file for a heap profile taken while the
// connections idle.
func TestIdleHeapTLS13(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	n := 50
	if v := os.Getenv("GOSSL_HEAP_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	if os.Getenv("GOSSL_HEAP_PROFILE") != "" {
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 1
		defer func() { runtime.MemProfileRate = old }()
	}
	p := testpeers.NewPKI(t)
	for _, hib := range []time.Duration{0, 50 * time.Millisecond} {
		kb := idleHeap(t, p, n, hib)
		t.Logf("N=%d hibernate_after=%v: %.2f KB per side", n, hib, kb)
		// About 2.5 KB on linux/amd64 (transport, socket, Info, the
		// reading goroutine's buffer); a record buffer (37 KiB) or the
		// handshake state kept per connection would show at once.
		if kb > 8 && !raceEnabled {
			t.Errorf("hibernate_after=%v: %.2f KB per idle side, want under 8", hib, kb)
		}
	}
}

func idleHeap(t *testing.T, p *testpeers.PKI, n int, hib time.Duration) float64 {
	chain, key := p.Chain("ecdsa")
	ca := [][]byte{p.CA.Raw}
	opts := func(server bool) *Options {
		o := &Options{LogAlert: Bool(false), HibernateAfter: hib, Versions: []Version{TLSv1_3},
			SupportedGroups: []string{"x25519"}, Ciphers: []string{"TLS_AES_128_GCM_SHA256"}, SessionTickets: "disabled"}
		if server {
			o.Cert, o.Key = chain, key
		} else {
			o.Verify, o.CACerts, o.ServerNameIndication = VerifyPeer, ca, "localhost"
		}
		return o
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type pair struct{ c, s *Socket }
	var pairs []pair
	var wg sync.WaitGroup
	defer func() {
		for _, x := range pairs {
			x.c.Close()
			x.s.Close()
		}
		wg.Wait()
	}()
	h0 := heapNow()
	for i := 0; i < n; i++ {
		acc := make(chan net.Conn, 1)
		go func() { c, _ := ln.Accept(); acc <- c }()
		rc, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		rs := <-acc
		errc := make(chan error, 1)
		var s *Socket
		go func() {
			var err error
			s, err = HandshakeConn(rs, opts(true), 10*time.Second)
			errc <- err
		}()
		c, err := ConnectConn(rc, opts(false), 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, pair{c, s})
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 512)
			for {
				n, err := s.Read(buf)
				if err != nil {
					return
				}
				if _, err := s.Write(buf[:n]); err != nil {
					return
				}
			}
		}()
		// A request and its echo, so both ends have used their keys in
		// both directions.
		req := make([]byte, 64)
		if _, err := c.Write(req); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(c, req); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(4*hib + 100*time.Millisecond)
	h1 := heapNow()
	if f := os.Getenv("GOSSL_HEAP_PROFILE"); f != "" {
		out, err := os.Create(f + "." + strconv.Itoa(int(hib/time.Millisecond)))
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		pprof.Lookup("heap").WriteTo(out, 0)
		out.Close()
	}
	return (float64(h1) - float64(h0)) / float64(2*n) / 1000
}
