package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Bulk rows: throughput, the raw AES-GCM seal speed, allocations per
// record.

// bulk measures MB/s received over one connection: writers loop on
// writes of size bytes; after a warm-up, the bytes the readers receive
// during the window are counted.
func (b *bench) bulk(ct bool, p profile, transport string, size int, both bool) ([]float64, error) {
	rc, rs, err := rawPair(transport)
	if err != nil {
		return nil, err
	}
	c, s, err := b.tlsPair(ct, p, rc, rs)
	if err != nil {
		return nil, err
	}
	var got atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	writer := func(w net.Conn) {
		defer wg.Done()
		buf := make([]byte, size)
		for !stop.Load() {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}
	reader := func(r net.Conn) {
		defer wg.Done()
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			got.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go writer(c)
	go reader(s)
	if both {
		wg.Add(2)
		go writer(s)
		go reader(c)
	}
	time.Sleep(b.cfg.bulkWarm)
	n0, t0 := got.Load(), time.Now()
	time.Sleep(b.cfg.bulkDur)
	n1, t1 := got.Load(), time.Now()
	stop.Store(true)
	// Closing the transports unblocks every reader and writer.
	rc.Close()
	rs.Close()
	wg.Wait()
	c.Close()
	s.Close()
	if n1 == n0 {
		return nil, errors.New("no data received")
	}
	return []float64{float64(n1-n0) / t1.Sub(t0).Seconds() / 1e6}, nil
}

// sealSpeed measures crypto/cipher's AES-128-GCM Seal on one goroutine:
// 16 KiB of plaintext sealed in place (with a 5-byte additional data, a
// TLS 1.3 record header, and a new nonce each time) for a warm-up, then
// for a window; it returns MB/s of plaintext.
func sealSpeed(warm, window time.Duration) (float64, error) {
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return 0, err
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return 0, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return 0, err
	}
	const size = 16 << 10
	buf := make([]byte, size, size+aead.Overhead())
	nonce := make([]byte, aead.NonceSize())
	ad := []byte{23, 3, 3, 0, 0}
	binary.BigEndian.PutUint16(ad[3:], size+1+uint16(aead.Overhead()))
	var seq uint64
	run := func(d time.Duration) (int, time.Duration) {
		n, start := 0, time.Now()
		for {
			for i := 0; i < 32; i++ {
				binary.BigEndian.PutUint64(nonce[len(nonce)-8:], seq)
				seq++
				aead.Seal(buf[:0], nonce, buf, ad)
			}
			n += 32
			if el := time.Since(start); el >= d {
				return n, el
			}
		}
	}
	run(warm)
	n, el := run(window)
	return float64(n) * size / el.Seconds() / 1e6, nil
}

// allocs counts heap allocations per record: records of size bytes are
// written over the in-memory pipe and read on the other end, and the
// process's malloc count is compared before and after.
func (b *bench) allocs(ct bool, p profile, size int) ([]float64, error) {
	rc, rs, err := rawPair("pipe")
	if err != nil {
		return nil, err
	}
	c, s, err := b.tlsPair(ct, p, rc, rs)
	if err != nil {
		return nil, err
	}
	defer func() { rc.Close(); rs.Close(); c.Close(); s.Close() }()
	records := b.cfg.allocRecords
	buf := make([]byte, size)
	rbuf := make([]byte, 32<<10)
	transfer := func(k int) error {
		errc := make(chan error, 1)
		go func() {
			var err error
			for want := k * size; want > 0 && err == nil; {
				var m int
				m, err = s.Read(rbuf[:min(len(rbuf), want)])
				want -= m
			}
			errc <- err
		}()
		for i := 0; i < k; i++ {
			if _, err := c.Write(buf); err != nil {
				return err
			}
		}
		return <-errc
	}
	if err := transfer(16); err != nil { // buffers in place
		return nil, err
	}
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	if err := transfer(records); err != nil {
		return nil, err
	}
	runtime.ReadMemStats(&m1)
	// The reading goroutine and its channel add a few allocations per
	// transfer, not per record: they round away.
	return []float64{float64(m1.Mallocs-m0.Mallocs) / float64(records)}, nil
}
