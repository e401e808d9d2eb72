package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	ssl "github.com/gossl/ssl"
)

// The attacks of gossl stress: connections that end abruptly
// (abruptPhase), slowloris (slowlorisPhase) and a ClientHello flood
// (floodPhase).

// errCut is what a cutConn's Write returns once it has cut the
// connection.
var errCut = errors.New("stress: connection cut")

// cutConn writes the first left bytes given to it, then ends the
// connection in the middle of whatever it was writing: a reset
// (SO_LINGER 0) when rst, a normal close otherwise.
type cutConn struct {
	net.Conn
	mu   sync.Mutex
	left int
	rst  bool
	cut  bool
}

func (c *cutConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return 0, errCut
	}
	if len(p) <= c.left {
		c.left -= len(p)
		return c.Conn.Write(p)
	}
	n, _ := c.Conn.Write(p[:c.left])
	c.cut = true
	abort(c.Conn, c.rst)
	return n, errCut
}

// abort closes c, with a reset (SO_LINGER 0) if rst.
func abort(c net.Conn, rst bool) {
	if tc, ok := c.(*net.TCPConn); ok && rst {
		tc.SetLinger(0)
	}
	c.Close()
}

// cutListener is the server's TCP listener; while cutting is set, it
// cuts a quarter of the connections it accepts at a random point.
type cutListener struct {
	net.Listener
	st      *stress
	cutting atomic.Bool
	cuts    atomic.Int64
}

func (l *cutListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil || !l.cutting.Load() || l.st.intn(4) != 0 {
		return c, err
	}
	l.cuts.Add(1)
	return &cutConn{Conn: c, left: l.st.intn(cutRange), rst: l.st.intn(2) == 0}, nil
}

// cutRange bounds the cut points: past a TLS 1.3 client's first flight
// with an X25519MLKEM768 share (about 1.5 KB) and into the data that
// follows the handshake (abruptData bytes each way).
const (
	cutRange   = 3000
	abruptData = 2048
)

// Kinds of abrupt ends.
var abruptKinds = []string{"client-reset", "client-close", "stop-reading", "complete"}

// abruptPhase runs cfg.abrupt connections, cfg.workers at a time, each
// of a random version and suite and a random kind of end, with the
// server cutting a quarter of its connections too.
func (st *stress) abruptPhase() error {
	st.srv.raw.cutting.Store(true)
	defer st.srv.raw.cutting.Store(false)
	cuts0 := st.srv.raw.cuts.Load()
	var (
		next                  atomic.Int64
		wg                    sync.WaitGroup
		mu                    sync.Mutex
		count                 = map[string]int{}
		hung, completeFailed  atomic.Int64
		completeOK, hsErrored atomic.Int64
		firstHang             error
	)
	for w := 0; w < st.cfg.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(st.cfg.abrupt) {
					return
				}
				kind := abruptKinds[st.intn(len(abruptKinds))]
				k := stressMix[st.intn(len(stressMix))]
				err := st.abruptOne(kind, k, uint64(i))
				mu.Lock()
				count[kind]++
				mu.Unlock()
				switch {
				case isTimeout(err):
					hung.Add(1)
					mu.Lock()
					if firstHang == nil {
						firstHang = fmt.Errorf("%s %s: %w", kind, k.name, err)
					}
					mu.Unlock()
				case kind == "complete" && err != nil:
					completeFailed.Add(1)
				case kind == "complete":
					completeOK.Add(1)
				case err != nil:
					hsErrored.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	cuts := st.srv.raw.cuts.Load() - cuts0
	fmt.Fprintf(st.out, "abrupt: %d connections: client-reset %d, client-close %d, stop-reading %d, complete %d; the server cut %d\n",
		st.cfg.abrupt, count["client-reset"], count["client-close"], count["stop-reading"], count["complete"], cuts)
	fmt.Fprintf(st.out, "abrupt: complete ones: %d moved their data, %d failed (the server cut them); %d others ended in an error; %d hung\n",
		completeOK.Load(), completeFailed.Load(), hsErrored.Load(), hung.Load())
	if hung.Load() > 0 {
		return fmt.Errorf("%d connections hung (first: %v)", hung.Load(), firstHang)
	}
	if completeFailed.Load() > cuts {
		return fmt.Errorf("%d complete connections failed, more than the %d the server cut", completeFailed.Load(), cuts)
	}
	return nil
}

// isTimeout reports whether err is a deadline or handshake timeout: an
// end that should have come from the peer's reset or close and did not.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, ssl.ErrTimeout) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// abruptDeadline bounds each abrupt connection: every end comes from a
// reset or a close, so only a hang reaches it.
const abruptDeadline = 30 * time.Second

// abruptOne runs one connection of the abrupt phase and returns its
// error (expected for every kind but complete).
func (st *stress) abruptOne(kind string, k stressKind, seed uint64) error {
	raw, err := net.Dial("tcp", st.srv.addr)
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(abruptDeadline))
	var conn net.Conn = raw
	switch kind {
	case "client-reset", "client-close":
		conn = &cutConn{Conn: raw, left: st.intn(cutRange), rst: kind == "client-reset"}
	}
	s, err := ssl.ConnectConn(conn, st.clientOptions(k), abruptDeadline)
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(abruptDeadline))
	if kind != "stop-reading" {
		_, err := echo(s, abruptData, seed)
		return err
	}
	// Announce far more than will come, write without reading until
	// the writes block (the server's echo fills this side's buffers and
	// its own writes block), and reset the connection some time later.
	done := make(chan error, 1)
	go func() {
		var hdr [8]byte
		hdr[0] = 0x7f
		_, err := s.Write(hdr[:])
		buf := make([]byte, 16<<10)
		for err == nil {
			_, err = s.Write(buf)
		}
		done <- err
	}()
	time.Sleep(time.Duration(st.intn(50)) * time.Millisecond)
	abort(raw, true)
	err = <-done
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	return nil
}

// captureHello returns the first record a gossl client with opts sends:
// its ClientHello.
func captureHello(opts *ssl.Options) ([]byte, error) {
	a, b := net.Pipe()
	defer a.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if s, err := ssl.ConnectConn(a, opts, 5*time.Second); err == nil {
			s.Close()
		}
	}()
	defer func() { b.Close(); <-done }()
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(b, hdr); err != nil {
		return nil, err
	}
	body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
	if _, err := io.ReadFull(b, body); err != nil {
		return nil, err
	}
	return append(hdr, body...), nil
}

// latencies summarises durations: count, median, 99th percentile, max.
func latencies(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	q := func(f float64) float64 { return d[min(len(d)-1, int(f*float64(len(d))))].Seconds() * 1000 }
	return fmt.Sprintf("%d, median %.1f ms, p99 %.1f ms, max %.1f ms", len(d), q(0.5), q(0.99), d[len(d)-1].Seconds()*1000)
}

// normalClients runs workers clients one connection after another (a
// random version and suite, a small echo) until stop is closed, and
// returns their latencies (connect to echo done) and failures.
func (st *stress) normalClients(workers int, stop <-chan struct{}) (lat []time.Duration, failed int, firstErr error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := stressMix[st.intn(len(stressMix))]
				t0 := time.Now()
				s, err := st.connect(st.clientOptions(k), 30*time.Second)
				if err == nil {
					s.SetDeadline(time.Now().Add(30 * time.Second))
					var res echoResult
					if res, err = echo(s, 1024, uint64(i)); err == nil && res.corrupted {
						err = errors.New("corrupted echo")
					}
					s.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = fmt.Errorf("%s: %w", k.name, err)
					}
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, failed, firstErr
}

// slowlorisSlack is how late past the handshake timeout a slowloris
// client may be cut: timers and the accept loop on a loaded machine.
const slowlorisSlack = 2 * time.Second

// slowlorisPhase connects cfg.slowloris clients that send a ClientHello
// a byte at a time; each must be cut by the server's handshake timeout
// while normal clients keep being served.
func (st *stress) slowlorisPhase() error {
	hello, err := captureHello(st.clientOptions(stressMix[0]))
	if err != nil {
		return fmt.Errorf("capture a ClientHello: %w", err)
	}
	type slow struct {
		c     net.Conn
		start time.Time
		pos   int
		cut   atomic.Int64 // nanoseconds from start to the server's close; 0 while open
	}
	stop := make(chan struct{})
	var normLat []time.Duration
	var normFailed int
	var normErr error
	normDone := make(chan struct{})
	go func() {
		normLat, normFailed, normErr = st.normalClients(4, stop)
		close(normDone)
	}()
	var conns []*slow
	var readers sync.WaitGroup
	defer func() {
		for _, s := range conns {
			abort(s.c, true)
		}
		readers.Wait()
	}()
	t0 := time.Now()
	for i := 0; i < st.cfg.slowloris; i++ {
		c, err := net.Dial("tcp", st.srv.addr)
		if err != nil {
			close(stop)
			<-normDone
			return fmt.Errorf("slowloris client %d: %w", i, err)
		}
		s := &slow{c: c, start: time.Now()}
		conns = append(conns, s)
		readers.Add(1)
		go func() {
			defer readers.Done()
			io.Copy(io.Discard, c) // until the server closes
			s.cut.Store(int64(time.Since(s.start)))
		}()
	}
	dialed := time.Since(t0)
	limit := st.cfg.hsTimeout + slowlorisSlack
	tick := time.NewTicker(st.cfg.slowInterval)
	for {
		open := 0
		for _, s := range conns {
			if s.cut.Load() != 0 {
				continue
			}
			open++
			if s.pos < len(hello) && time.Since(s.start) < limit+time.Second {
				if _, err := s.c.Write(hello[s.pos : s.pos+1]); err == nil {
					s.pos++
				}
			}
		}
		if open == 0 || time.Since(t0) > dialed+limit+time.Second {
			break
		}
		<-tick.C
	}
	tick.Stop()
	close(stop)
	<-normDone
	var cut []time.Duration
	notCut, early, late, sent := 0, 0, 0, 0
	for _, s := range conns {
		sent += s.pos
		d := time.Duration(s.cut.Load())
		switch {
		case d == 0:
			notCut++
		case d > limit:
			late++
		case d < st.cfg.hsTimeout*9/10:
			early++
		}
		if d != 0 {
			cut = append(cut, d)
		}
	}
	fmt.Fprintf(st.out, "slowloris: %d clients (dialed in %.1f s), one byte every %v of a %d-byte ClientHello, %d bytes sent in all; handshake timeout %v\n",
		len(conns), dialed.Seconds(), st.cfg.slowInterval, len(hello), sent, st.cfg.hsTimeout)
	fmt.Fprintf(st.out, "slowloris: cut after: %s; %d not cut, %d cut late (past %v), %d cut early\n",
		latencies(cut), notCut, late, limit, early)
	fmt.Fprintf(st.out, "slowloris: normal clients meanwhile: %s; %d failed\n", latencies(normLat), normFailed)
	if notCut > 0 || late > 0 || early > 0 || normFailed > 0 || len(normLat) == 0 {
		return fmt.Errorf("%d not cut, %d cut late, %d cut early, %d normal clients failed (first: %v), %d served",
			notCut, late, early, normFailed, normErr, len(normLat))
	}
	return nil
}

// floodPhase sends cfg.flood ClientHellos from cfg.floodWorkers clients
// at once, each reset as soon as the server answers, and samples the
// heap: its peak over the second half of the flood must stay within
// twice the first half's plus 16 MB (memory that grows with the number
// of hellos, not with the concurrency, is a leak).
func (st *stress) floodPhase() error {
	var hellos [][]byte
	for _, i := range []int{0, 4, 9} { // TLS 1.3 with X25519MLKEM768, TLS 1.2 ECDHE-ECDSA, TLS 1.2 RSA
		h, err := captureHello(st.clientOptions(stressMix[i]))
		if err != nil {
			return fmt.Errorf("capture a ClientHello: %w", err)
		}
		hellos = append(hellos, h)
	}
	var (
		next, done, answered, unanswered atomic.Int64
		peak                             [2]atomic.Uint64
		wg                               sync.WaitGroup
	)
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-t.C:
			}
			half := 0
			if done.Load() >= int64(st.cfg.flood/2) {
				half = 1
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak[half].Load() {
				peak[half].Store(ms.HeapAlloc)
			}
		}
	}()
	t0 := time.Now()
	for w := 0; w < st.cfg.floodWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 512)
			for next.Add(1) <= int64(st.cfg.flood) {
				c, err := net.Dial("tcp", st.srv.addr)
				if err != nil {
					unanswered.Add(1)
					done.Add(1)
					continue
				}
				h := hellos[st.intn(len(hellos))]
				if st.intn(2) == 0 {
					h = append(append(append([]byte(nil), h...), h...), h...)
				}
				c.SetDeadline(time.Now().Add(10 * time.Second))
				_, err = c.Write(h)
				if err == nil {
					_, err = c.Read(buf)
				}
				if err != nil {
					unanswered.Add(1)
				} else {
					answered.Add(1)
				}
				abort(c, true)
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	d := time.Since(t0)
	close(stopSampling)
	<-sampled
	p1, p2 := float64(peak[0].Load())/1e6, float64(peak[1].Load())/1e6
	fmt.Fprintf(st.out, "flood: %d ClientHellos from %d clients at once in %.1f s (%.0f/s): %d answered, %d not\n",
		st.cfg.flood, st.cfg.floodWorkers, d.Seconds(), float64(st.cfg.flood)/d.Seconds(), answered.Load(), unanswered.Load())
	fmt.Fprintf(st.out, "flood: peak heap %.1f MB in the first half, %.1f MB in the second\n", p1, p2)
	if unanswered.Load() > 0 {
		return fmt.Errorf("%d ClientHellos got no answer", unanswered.Load())
	}
	if p2 > 2*p1+16 {
		return fmt.Errorf("the heap grows with the flood: peak %.1f MB in the second half, %.1f MB in the first", p2, p1)
	}
	return nil
}
