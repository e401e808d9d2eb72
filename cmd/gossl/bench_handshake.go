package main

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	ssl "github.com/gossl/ssl"
)

// hsMeter measures handshakes per second over loopback, one client at
// a time (or p.clients at once, each one after another); each connection echoes one byte (so the server's side of the
// handshake is done too) and is closed in the background (the closes
// are waited for at the end of each slice, off the clock). The server
// is the same implementation as the client, or with peer a server in
// another process (bench_peers.go), which echoes peer.ping. Every
// connection must have resumed when p.resume is set (but the first,
// unmeasured, one), and none may have resumed when it is not.
type hsMeter struct {
	p       profile
	one     func() (bool, error)
	closers sync.WaitGroup
	stop    func()
	n       int
	secs    float64
}

func (b *bench) newHsMeter(ct bool, p profile, peer *peerTarget) (*hsMeter, error) {
	m := &hsMeter{p: p, stop: func() {}}
	ping := []byte{'x'}
	var addr string
	if peer != nil {
		addr, ping = peer.addr, peer.ping
	} else {
		a, stop, err := b.echoServer(ct, p)
		if err != nil {
			return nil, err
		}
		addr, m.stop = a, stop
	}
	ccfg := b.ctConfig(p, false)
	gopts := b.gosslOpts(p, false)
	m.one = func() (bool, error) {
		rc, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			return false, err
		}
		rc.SetDeadline(time.Now().Add(10 * time.Second))
		var c net.Conn
		if ct {
			tc := tls.Client(rc, ccfg)
			if err := tc.Handshake(); err != nil {
				rc.Close()
				return false, err
			}
			c = tc
		} else {
			s, err := ssl.ConnectConn(rc, gopts, 10*time.Second)
			if err != nil {
				rc.Close()
				return false, err
			}
			c = s
		}
		defer func() {
			m.closers.Add(1)
			go func() { defer m.closers.Done(); c.Close() }()
		}()
		if _, err := c.Write(ping); err != nil {
			return false, err
		}
		back := make([]byte, len(ping))
		if _, err := io.ReadFull(c, back); err != nil {
			return false, err
		}
		return didResume(c)
	}
	// Warm-up (and, when resuming, the session or ticket to resume).
	resumed, err := m.one()
	if err == nil && p.resume == "" {
		err = m.check(resumed)
	}
	m.closers.Wait()
	if err != nil {
		m.close()
		return nil, err
	}
	return m, nil
}

func (m *hsMeter) check(resumed bool) error {
	switch {
	case m.p.resume != "" && !resumed:
		return errors.New("a connection did not resume")
	case m.p.resume == "" && resumed:
		return errors.New("a connection resumed in a full-handshake row")
	}
	return nil
}

func (m *hsMeter) slice(d time.Duration) error {
	defer m.closers.Wait()
	clients := max(1, m.p.clients)
	var (
		n     atomic.Int64
		errMu sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				resumed, err := m.one()
				if err == nil {
					err = m.check(resumed)
				}
				if err != nil {
					errMu.Lock()
					first = cmp.Or(first, err)
					errMu.Unlock()
					return
				}
				n.Add(1)
				if time.Since(start) >= d {
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	m.n += int(n.Load())
	m.secs += time.Since(start).Seconds()
	return nil
}

func (m *hsMeter) result() []float64 { return []float64{float64(m.n) / m.secs} }

func (m *hsMeter) close() {
	m.closers.Wait()
	m.stop()
}

// didResume reports whether a client connection resumed a session.
func didResume(c net.Conn) (bool, error) {
	switch c := c.(type) {
	case *tls.Conn:
		return c.ConnectionState().DidResume, nil
	case *ssl.Socket:
		info, err := c.ConnectionInformation("session_resumption")
		if err != nil {
			return false, err
		}
		if len(info) == 1 {
			if v, ok := info[0].Value.(bool); ok {
				return v, nil
			}
		}
		return false, fmt.Errorf("unexpected session_resumption %v", info)
	}
	return false, fmt.Errorf("unexpected connection type %T", c)
}

// echoServer listens on loopback with ct's or gossl's server for p; each
// connection's server echoes one byte and waits for the client to
// close. stop closes the listener and waits for every connection.
func (b *bench) echoServer(ct bool, p profile) (addr string, stop func(), err error) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var ln net.Listener
	if ct {
		ln = tls.NewListener(raw, b.ctConfig(p, true))
	} else {
		gl, err := ssl.NewListener(raw, b.gosslOpts(p, true))
		if err != nil {
			raw.Close()
			return "", nil, err
		}
		ln = gl
	}
	serve := func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var one [1]byte
		if _, err := io.ReadFull(c, one[:]); err != nil {
			return
		}
		if _, err := c.Write(one[:]); err != nil {
			return
		}
		c.Read(one[:]) // until the client closes
	}
	return raw.Addr().String(), serveEach(ln, serve), nil
}
