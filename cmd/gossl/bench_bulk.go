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

// bulkMeter measures MB/s received over one connection: writers loop on
// writes of size bytes while the meter's gate is open; the bytes the
// readers receive while it is open are counted. Closing the gate, it
// waits until every byte written has been read.
type bulkMeter struct {
	rc, rs, c, s net.Conn
	wg           sync.WaitGroup

	mu      sync.Mutex
	cond    sync.Cond
	open    bool
	quit    bool
	inWrite int   // writers inside Write
	werr    error // a writer's error
	written atomic.Int64
	got     atomic.Int64
	bytes   int64
	secs    float64
}

func (b *bench) newBulkMeter(ct bool, p profile, transport string, size int, both bool) (*bulkMeter, error) {
	rc, rs, c, s, err := b.tlsOver(transport, ct, p)
	if err != nil {
		return nil, err
	}
	return b.startBulk(rc, rs, c, s, size, both)
}

// newPlainMeter is newBulkMeter without TLS: the transport's own
// ceiling, for the bulk/plain-tcp rows.
func (b *bench) newPlainMeter(transport string, size int) (*bulkMeter, error) {
	rc, rs, err := rawPair(transport)
	if err != nil {
		return nil, err
	}
	return b.startBulk(rc, rs, rc, rs, size, false)
}

// startBulk starts the writer and reader goroutines over c and s (TLS
// over rc and rs, or rc and rs themselves) and warms the connection up.
func (b *bench) startBulk(rc, rs, c, s net.Conn, size int, both bool) (*bulkMeter, error) {
	m := &bulkMeter{rc: rc, rs: rs, c: c, s: s}
	m.cond.L = &m.mu
	m.wg.Add(2)
	go m.writer(c, size)
	go m.reader(s)
	if both {
		m.wg.Add(2)
		go m.writer(s, size)
		go m.reader(c)
	}
	// Warm-up: buffers in place, the TCP window open.
	if err := m.slice(b.cfg.bulkWarm); err != nil {
		m.close()
		return nil, err
	}
	m.bytes, m.secs = 0, 0
	return m, nil
}

func (m *bulkMeter) writer(w net.Conn, size int) {
	defer m.wg.Done()
	buf := make([]byte, size)
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		for !m.open && !m.quit {
			m.cond.Wait()
		}
		if m.quit {
			return
		}
		m.inWrite++
		m.mu.Unlock()
		n, err := w.Write(buf)
		m.written.Add(int64(n))
		m.mu.Lock()
		m.inWrite--
		if err != nil {
			if !m.quit && m.werr == nil {
				m.werr = err
			}
			m.cond.Broadcast()
			return
		}
		m.cond.Broadcast()
	}
}

func (m *bulkMeter) reader(r net.Conn) {
	defer m.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		m.got.Add(int64(n))
		if err != nil {
			return
		}
	}
}

func (m *bulkMeter) slice(d time.Duration) error {
	g0, t0 := m.got.Load(), time.Now()
	m.mu.Lock()
	m.open = true
	m.cond.Broadcast()
	m.mu.Unlock()
	time.Sleep(d)
	// On a machine busy enough that nothing arrived yet, the slice lasts
	// until something has.
	for wait := t0.Add(10 * time.Second); m.got.Load() == g0 && time.Now().Before(wait); {
		time.Sleep(time.Millisecond)
	}
	m.mu.Lock()
	m.open = false
	m.mu.Unlock()
	g1, t1 := m.got.Load(), time.Now()
	// Come to rest: every writer out of Write and everything read.
	deadline := t1.Add(10 * time.Second)
	for {
		m.mu.Lock()
		idle, werr := m.inWrite == 0, m.werr
		m.mu.Unlock()
		if werr != nil {
			return werr
		}
		if idle && m.got.Load() == m.written.Load() {
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the connection did not drain")
		}
		time.Sleep(100 * time.Microsecond)
	}
	if g1 == g0 {
		return errors.New("no data received")
	}
	m.bytes += g1 - g0
	m.secs += t1.Sub(t0).Seconds()
	return nil
}

func (m *bulkMeter) result() []float64 { return []float64{float64(m.bytes) / m.secs / 1e6} }

func (m *bulkMeter) close() {
	m.mu.Lock()
	m.quit = true
	m.cond.Broadcast()
	m.mu.Unlock()
	// Closing the transports unblocks every reader and writer.
	m.rc.Close()
	m.rs.Close()
	m.wg.Wait()
	m.c.Close()
	m.s.Close()
}

// sealMeter measures crypto/cipher's AES-128-GCM Seal on one goroutine:
// 16 KiB of plaintext sealed in place (with a 5-byte additional data, a
// TLS 1.3 record header, and a new nonce each time); MB/s of plaintext.
type sealMeter struct {
	aead      cipher.AEAD
	buf       []byte
	nonce, ad []byte
	seq       uint64
	n         int
	secs      float64
}

const sealSize = 16 << 10

// sendMeter measures one sender's MB/s of 16 KiB writes into a transport
// that drops what it is given (memPipe's sink, after the handshake): the
// record layer's sealing and framing alone, with no reader and no kernel.
type sendMeter struct {
	raw, peer net.Conn
	c, s      net.Conn
	buf       []byte
	n         int64
	secs      float64
}

func (b *bench) newSendMeter(ct bool, p profile, size int) (*sendMeter, error) {
	rc, rs, c, s, err := b.tlsOver("pipe", ct, p)
	if err != nil {
		return nil, err
	}
	rc.(*pipeConn).sink()
	m := &sendMeter{raw: rc, peer: rs, c: c, s: s, buf: make([]byte, size)}
	if err := m.slice(b.cfg.bulkWarm); err != nil {
		m.close()
		return nil, err
	}
	m.n, m.secs = 0, 0
	return m, nil
}

func (m *sendMeter) slice(d time.Duration) error {
	return timedBatches(d, &m.secs, func() error {
		for i := 0; i < 8; i++ {
			if _, err := m.c.Write(m.buf); err != nil {
				return err
			}
		}
		m.n += 8 * int64(len(m.buf))
		return nil
	})
}

// timedBatches runs batch until d has passed (at least once) and adds
// the time it took to *secs.
func timedBatches(d time.Duration, secs *float64, batch func() error) error {
	start := time.Now()
	for {
		if err := batch(); err != nil {
			return err
		}
		if el := time.Since(start); el >= d {
			*secs += el.Seconds()
			return nil
		}
	}
}

func (m *sendMeter) result() []float64 { return []float64{float64(m.n) / m.secs / 1e6} }

func (m *sendMeter) close() {
	m.raw.Close()
	m.peer.Close()
	m.c.Close()
	m.s.Close()
}

func newSealMeter(warm time.Duration) (*sealMeter, error) {
	key := make([]byte, 16)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	blk, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	m := &sealMeter{aead: aead, buf: make([]byte, sealSize, sealSize+aead.Overhead()),
		nonce: make([]byte, aead.NonceSize()), ad: []byte{23, 3, 3, 0, 0}}
	binary.BigEndian.PutUint16(m.ad[3:], sealSize+1+uint16(aead.Overhead()))
	m.slice(warm)
	m.n, m.secs = 0, 0
	return m, nil
}

func (m *sealMeter) slice(d time.Duration) error {
	return timedBatches(d, &m.secs, func() error {
		for i := 0; i < 32; i++ {
			binary.BigEndian.PutUint64(m.nonce[len(m.nonce)-8:], m.seq)
			m.seq++
			m.aead.Seal(m.buf[:0], m.nonce, m.buf, m.ad)
		}
		m.n += 32
		return nil
	})
}

func (m *sealMeter) result() []float64 { return []float64{float64(m.n) * sealSize / m.secs / 1e6} }
func (m *sealMeter) close()            {}

// allocs counts heap allocations per record: records of size bytes are
// written over the in-memory pipe and read on the other end, and the
// process's malloc count is compared before and after.
func (b *bench) allocs(ct bool, p profile, size int) ([]float64, error) {
	rc, rs, c, s, err := b.tlsOver("pipe", ct, p)
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
