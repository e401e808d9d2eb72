package main

import (
	"crypto/tls"
	"errors"
	"net"
	"runtime"
	"sync/atomic"
	"time"

	ssl "github.com/gossl/ssl"
	pion "github.com/pion/dtls/v4"
	"github.com/pion/dtls/v4/pkg/crypto/ciphersuite"
	"github.com/pion/dtls/v4/pkg/protocol"
)

// DTLS rows: gossl against pion/dtls (github.com/pion/dtls/v4), the
// other DTLS stack in Go, in the crypto/tls column (crypto/tls has no
// DTLS). This file and its test are the only places outside _test.go
// files that import pion; the ssl library never does.

const dtlsPionNote = "the crypto/tls column is pion/dtls v4 (crypto/tls has no DTLS)"

// dtlsSuite is the suite and curve of every DTLS row: ECDHE-ECDSA
// AES-128-GCM over X25519, an ECDSA P-256 certificate, DTLS 1.2.
const dtlsSuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"

// dtlsGroups are the DTLS rows.
func (b *bench) dtlsGroups() []benchGroup {
	hs := benchGroup{names: []string{"handshake/dtls12-ecdhe-ecdsa-p256-x25519"}, units: []string{"handshakes/s"},
		sliceDur: b.hsSlice(), notes: []string{dtlsPionNote},
		newG: func() (meter, error) { return b.newDTLSHsMeter(false) },
		newC: func() (meter, error) { return b.newDTLSHsMeter(true) }}
	bulk := benchGroup{names: []string{"bulk/dtls12-aes128gcm/1k/loopback"}, units: []string{"MB/s"},
		sliceDur: b.bulkSlice(), notes: []string{dtlsPionNote},
		newG: func() (meter, error) { return b.newDTLSBulkMeter(false) },
		newC: func() (meter, error) { return b.newDTLSBulkMeter(true) }}
	mem := benchGroup{names: []string{"memory/dtls12/idle"}, units: []string{"KB/association"},
		rounds: b.cfg.memRounds, notes: []string{dtlsPionNote + "; both ends of each association, heap after a GC, 1.5 s after the last traffic (lower is better)"},
		g: func() ([]float64, error) { return b.dtlsIdle(false) },
		c: func() ([]float64, error) { return b.dtlsIdle(true) }}
	return []benchGroup{hs, bulk, mem}
}

func (b *bench) dtlsGosslOpts(server bool) *ssl.Options {
	o := &ssl.Options{Protocol: "dtls", LogAlert: ssl.Bool(false), Ciphers: []string{dtlsSuite}, Eccs: []string{"x25519"},
		ReuseSessions: ssl.Bool(false), IP: net.IPv4(127, 0, 0, 1)}
	if server {
		l := b.certs["ecdsa"]
		o.Cert, o.Key = l.chain, l.key
	} else {
		o.Verify, o.CACerts, o.ServerNameIndication = ssl.VerifyPeer, b.ca, "localhost"
	}
	return o
}

func (b *bench) dtlsPionOpts(server bool) []pion.Option {
	o := []pion.Option{pion.WithMaxVersion(protocol.Version1_2), pion.WithMinVersion(protocol.Version1_2),
		pion.WithCipherSuites(ciphersuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)}
	if server {
		l := b.certs["ecdsa"]
		return append(o, pion.WithCertificates(tls.Certificate{Certificate: l.chain, PrivateKey: l.key}))
	}
	return append(o, pion.WithRootCAs(b.roots), pion.WithServerName("localhost"))
}

// dtlsServer runs an in-process DTLS server of gossl or pion on
// loopback; each association is handed to serve on its own goroutine
// once accepted. stop closes the listener and waits for the goroutines.
func (b *bench) dtlsServer(usePion bool, serve func(net.Conn)) (port int, stop func(), err error) {
	var ln net.Listener
	if usePion {
		opts := b.dtlsPionOpts(true)
		sopts := make([]pion.ServerOption, len(opts))
		for i, o := range opts {
			sopts[i] = o
		}
		ln, err = pion.ListenAddr("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, sopts...)
		if err != nil {
			return 0, nil, err
		}
		port = ln.Addr().(*net.UDPAddr).Port
	} else {
		ls, err := ssl.Listen(0, b.dtlsGosslOpts(true))
		if err != nil {
			return 0, nil, err
		}
		ln, port = ls, ls.Port()
	}
	return port, serveEach(ln, serve), nil
}

// dtlsDial connects a gossl or pion DTLS client to 127.0.0.1:port and
// completes its handshake.
func (b *bench) dtlsDial(usePion bool, port int) (net.Conn, error) {
	if !usePion {
		return ssl.Connect("127.0.0.1", port, b.dtlsGosslOpts(false), 10*time.Second)
	}
	opts := b.dtlsPionOpts(false)
	copts := make([]pion.ClientOption, len(opts))
	for i, o := range opts {
		copts[i] = o
	}
	c, err := pion.Dial("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}, copts...)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if err := c.Handshake(); err != nil {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

// echoOne answers the one-byte ping of a handshake row, then waits for
// the client to close.
func echoOne(c net.Conn) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return
	}
	if _, err := c.Write(buf[:n]); err != nil {
		return
	}
	c.Read(buf)
}

// newDTLSHsMeter measures full DTLS handshakes per second, one client
// after another, the server in the same process and of the same stack:
// the cookie exchange, the handshake, a one-byte echo, then the close in
// the background.
func (b *bench) newDTLSHsMeter(usePion bool) (meter, error) {
	port, stop, err := b.dtlsServer(usePion, echoOne)
	if err != nil {
		return nil, err
	}
	m := &hsMeter{stop: stop}
	m.one = func() (bool, error) {
		c, err := b.dtlsDial(usePion, port)
		if err != nil {
			return false, err
		}
		defer func() {
			m.closers.Add(1)
			go func() { defer m.closers.Done(); c.Close() }()
		}()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte{'x'}); err != nil {
			return false, err
		}
		var one [64]byte
		if n, err := c.Read(one[:]); err != nil || n != 1 {
			return false, errors.Join(errors.New("no echo"), err)
		}
		return false, nil
	}
	if _, err := m.one(); err != nil {
		m.closers.Wait()
		m.close()
		return nil, err
	}
	m.closers.Wait()
	return m, nil
}

// dtlsBulkMeter measures application data over one DTLS association on
// loopback: the client writes 1 KiB records (one per datagram), the
// server counts what it reads. UDP has no flow control, so the writer
// keeps at most dtlsWindow records in flight (sent, not yet read): a
// record lost anyway (the kernel's buffers overflowing) is written off
// after a pause, so the writer never stalls for good.
type dtlsBulkMeter struct {
	c      net.Conn
	stop   func()
	recv   atomic.Int64 // bytes the server has read
	sent   int64
	bytes  int64
	secs   float64
	record []byte
}

const dtlsWindow = 64

func (b *bench) newDTLSBulkMeter(usePion bool) (meter, error) {
	m := &dtlsBulkMeter{record: make([]byte, 1024)}
	port, stop, err := b.dtlsServer(usePion, func(c net.Conn) {
		buf := make([]byte, 1<<14)
		for {
			n, err := c.Read(buf)
			if err != nil {
				return
			}
			m.recv.Add(int64(n))
		}
	})
	if err != nil {
		return nil, err
	}
	c, err := b.dtlsDial(usePion, port)
	if err != nil {
		stop()
		return nil, err
	}
	m.c, m.stop = c, stop
	return m, nil
}

func (m *dtlsBulkMeter) slice(d time.Duration) error {
	start := time.Now()
	from := m.recv.Load()
	m.sent = from
	var waitSince time.Time
	for time.Since(start) < d {
		if m.sent-m.recv.Load() >= dtlsWindow*int64(len(m.record)) {
			if waitSince.IsZero() {
				waitSince = time.Now()
			} else if time.Since(waitSince) > 20*time.Millisecond {
				m.sent = m.recv.Load() // lost on the way: written off
			}
			runtime.Gosched()
			continue
		}
		waitSince = time.Time{}
		if _, err := m.c.Write(m.record); err != nil {
			return err
		}
		m.sent += int64(len(m.record))
	}
	// Come to rest: what was sent is read, or given up on.
	for rest := time.Now(); m.recv.Load() < m.sent && time.Since(rest) < 100*time.Millisecond; {
		runtime.Gosched()
	}
	m.bytes += m.recv.Load() - from
	m.secs += time.Since(start).Seconds()
	return nil
}

func (m *dtlsBulkMeter) result() []float64 { return []float64{float64(m.bytes) / m.secs / 1e6} }

func (m *dtlsBulkMeter) close() {
	m.c.Close()
	m.stop()
}

// dtlsIdle establishes idleConns/5 associations of gossl or pion on
// loopback (both ends in this process, each server end with a goroutine
// blocked in Read, each having carried a request and its echo) and
// reports the heap per association (KB, both ends, after a GC) once they
// have been idle for 1.5 s.
func (b *bench) dtlsIdle(usePion bool) ([]float64, error) {
	n := max(b.cfg.idleConns/5, 10)
	settle := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	h0 := settle()
	port, stop, err := b.dtlsServer(usePion, func(c net.Conn) {
		buf := make([]byte, 512)
		for {
			k, err := c.Read(buf)
			if err != nil {
				return
			}
			c.Write(buf[:k])
		}
	})
	if err != nil {
		return nil, err
	}
	defer stop()
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		c, err := b.dtlsDial(usePion, port)
		if err != nil {
			return nil, err
		}
		conns = append(conns, c)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte("ping")); err != nil {
			return nil, err
		}
		var buf [64]byte
		if _, err := c.Read(buf[:]); err != nil {
			return nil, err
		}
		c.SetDeadline(time.Time{})
	}
	time.Sleep(1500 * time.Millisecond)
	h1 := settle()
	return []float64{float64(int64(h1)-int64(h0)) / float64(n) / 1024}, nil
}
