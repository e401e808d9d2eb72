package ssl

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPacketTypes: each packet type, with packets coalesced into one
// record and split across records, through Recv and active mode.
func TestPacketTypes(t *testing.T) {
	cases := []struct {
		packet  any
		packets []string
		wire    func(p string) []byte
	}{
		{1, []string{"a", "bc", strings.Repeat("d", 255), ""}, func(p string) []byte { return append([]byte{byte(len(p))}, p...) }},
		{2, []string{"hello", strings.Repeat("e", 40000), "x"}, func(p string) []byte { return append([]byte{byte(len(p) >> 8), byte(len(p))}, p...) }},
		{4, []string{"four", strings.Repeat("f", 100000), "y"}, func(p string) []byte {
			return append([]byte{byte(len(p) >> 24), byte(len(p) >> 16), byte(len(p) >> 8), byte(len(p))}, p...)
		}},
		{"line", []string{"one\n", "two two\n", strings.Repeat("g", 30000) + "\n"}, func(p string) []byte { return []byte(p) }},
	}
	for _, tc := range cases {
		for _, active := range []bool{false, true} {
			t.Run(strings.ReplaceAll(strings.TrimSpace(strings.Join([]string{typeName(tc.packet), map[bool]string{false: "passive", true: "active"}[active]}, "-")), " ", ""), func(t *testing.T) {
				checkGoroutines(t)
				so, co := modelOpts(t)
				so.Packet = tc.packet
				if active {
					so.Active = true
				}
				c, s := pair(t, so, co)
				var stream []byte
				for _, p := range tc.packets {
					stream = append(stream, tc.wire(p)...)
				}
				// Coalesced: every packet in one record; then split: the
				// same stream in 3-byte records.
				c.Write(stream)
				go func() {
					for i := 0; i < len(stream); i += 3 {
						c.Write(stream[i:min(i+3, len(stream))])
					}
				}()
				for round := 0; round < 2; round++ {
					for _, want := range tc.packets {
						var got []byte
						if active {
							got = dataOf(t, recvMsg(t, s.Messages()))
						} else {
							var err error
							if got, err = s.Recv(0, 10*time.Second); err != nil {
								t.Fatal(err)
							}
						}
						if string(got) != want {
							t.Fatalf("round %d: got %d bytes %.20q, want %d bytes %.20q", round, len(got), got, len(want), want)
						}
					}
				}
			})
		}
	}
}

func typeName(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return "packet" + string(rune('0'+v.(int)))
}

// TestPacketSendAndLimits: Send adds the header; packet_size refuses
// longer packets with emsgsize; setopts changes the framing of bytes
// already received.
func TestPacketSendAndLimits(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	so.Packet, co.Packet = 2, 2
	c, s := pair(t, so, co)
	c.Send([]byte("abc"))
	if got, err := s.Recv(0, 5*time.Second); err != nil || string(got) != "abc" {
		t.Fatalf("got %q %v", got, err)
	}
	if err := c.Send(make([]byte, 70000)); !errors.Is(err, ErrEmsgsize) {
		t.Fatalf("Send 70000 bytes with packet 2: %v", err)
	}
	// Switch framing with bytes pending: "L1\nL2\n" as one record, read
	// as packet 0 for 3 bytes, then as lines.
	c.Setopts(SockOpt{"packet", 0})
	s.Setopts(SockOpt{"packet", "raw"})
	c.Send([]byte("L1\nL2\n"))
	if got, err := s.Recv(3, 5*time.Second); err != nil || string(got) != "L1\n" {
		t.Fatalf("got %q %v", got, err)
	}
	s.Setopts(SockOpt{"packet", "line"})
	if got, err := s.Recv(0, 5*time.Second); err != nil || string(got) != "L2\n" {
		t.Fatalf("got %q %v", got, err)
	}
	if o, _ := s.Getopts("packet"); o[0].Value != "line" {
		t.Fatalf("getopts packet: %v", o)
	}
	s.Setopts(SockOpt{"packet", 4}, SockOpt{"packet_size", 10})
	c.Send([]byte{0, 0, 0, 11})
	if _, err := s.Recv(0, 5*time.Second); !errors.Is(err, ErrEmsgsize) {
		t.Fatalf("packet over packet_size: %v", err)
	}
	if err := s.Setopts(SockOpt{"packet", "http"}); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("packet http: %v", err)
	}
	if err := s.Setopts(SockOpt{"packet", 3}); err == nil {
		t.Fatal("packet 3 accepted")
	}
}

// TestModeListAndHeader: list mode gives Text; header N splits Header.
func TestModeListAndHeader(t *testing.T) { forProtocols(t, testModeListAndHeader) }

func testModeListAndHeader(t *testing.T, proto string) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, proto)
	so.Active = true
	so.Mode = "list"
	c, s := pair(t, so, co)
	c.Send([]byte("text"))
	m := recvMsg(t, s.Messages()).(SSLData)
	if m.Text != "text" || m.Data != nil || string(m.Bytes()) != "text" {
		t.Fatalf("list mode: %#v", m)
	}
	s.Setopts(SockOpt{"mode", "binary"}, SockOpt{"header", 2})
	c.Send([]byte("HDbody"))
	m = recvMsg(t, s.Messages()).(SSLData)
	if string(m.Header) != "HD" || string(m.Data) != "body" || string(m.Bytes()) != "HDbody" {
		t.Fatalf("header 2: %#v", m)
	}
	o, err := s.Getopts("mode", "header", "active")
	if err != nil || o[0].Value != "binary" || o[1].Value != 2 || o[2].Value != true {
		t.Fatalf("getopts: %v %v", o, err)
	}
	if err := s.Setopts(SockOpt{"mode", "text"}); err == nil {
		t.Fatal("mode text accepted")
	}
	if _, err := Listen(0, &Options{Active: "sometimes"}); err == nil {
		t.Fatal("active sometimes accepted")
	}
}

// TestTransportOptions: TCP options through Options, setopts, getopts.
func TestTransportOptions(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	co.NoDelay = Bool(true)
	co.SndBuf = 65536
	c, _ := pair(t, so, co)
	o, err := c.Getopts("nodelay", "sndbuf", "keepalive")
	if err != nil || o[0].Value != true || o[1].Value.(int) < 65536 {
		t.Fatalf("getopts: %v %v", o, err)
	}
	if err := c.Setopts(SockOpt{"nodelay", false}, SockOpt{"keepalive", true}, SockOpt{"recbuf", 32768}); err != nil {
		t.Fatal(err)
	}
	o, _ = c.Getopts("nodelay", "keepalive")
	if o[0].Value != false || o[1].Value != true {
		t.Fatalf("after setopts: %v", o)
	}
	if err := c.Setopts(SockOpt{"tos", 1}); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("unknown option: %v", err)
	}
	if p, err := c.Port(); err != nil || p == 0 {
		t.Fatalf("Port: %d %v", p, err)
	}
	if a, err := c.Peername(); err != nil || a.(*net.TCPAddr).IP.String() != "127.0.0.1" {
		t.Fatalf("Peername: %v %v", a, err)
	}
	if der, err := c.Peercert(); err != nil || len(der) == 0 {
		t.Fatalf("Peercert: %v", err)
	}
}

// TestSendTimeout: a Send blocked on a peer that does not read fails
// with ErrTimeout after send_timeout.
func TestSendTimeout(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	co.SendTimeout = 200 * time.Millisecond
	c, _ := pair(t, so, co)
	big := make([]byte, 1<<20)
	var err error
	start := time.Now()
	for i := 0; i < 200 && err == nil; i++ {
		err = c.Send(big)
	}
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 30*time.Second {
		t.Fatalf("Send: %v after %v", err, time.Since(start))
	}
}

// TestGetstat: the counters follow the traffic.
func TestGetstat(t *testing.T) { forProtocols(t, testGetstat) }

func testGetstat(t *testing.T, proto string) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, proto)
	c, s := pair(t, so, co)
	before, _ := c.Getstat()
	c.Send(make([]byte, 1000))
	s.Recv(1000, 5*time.Second)
	after, err := c.Getstat("send_cnt", "send_oct", "send_max")
	if err != nil {
		t.Fatal(err)
	}
	if after[1].Value < before[5].Value+1000 || after[0].Value != before[4].Value+1 || after[2].Value < 1000 {
		t.Fatalf("before %v after %v", before, after)
	}
	st, _ := s.Getstat("recv_oct", "recv_max")
	if st[0].Value < 1000 || st[1].Value < 1000 {
		t.Fatalf("server %v", st)
	}
	if _, err := c.Getstat("bogus"); err == nil {
		t.Fatal("unknown statistic accepted")
	}
}

// TestCloseTimeout: close waits for the peer's close_notify.
func TestCloseTimeout(t *testing.T) { forProtocols(t, testCloseTimeout) }

func testCloseTimeout(t *testing.T, proto string) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, proto)
	c, s := pair(t, so, co)
	go func() {
		for {
			if _, err := s.Recv(0, 10*time.Second); err != nil {
				return
			}
		}
	}()
	c.Send([]byte("last words"))
	start := time.Now()
	if err := c.CloseTimeout(5 * time.Second); err != nil || time.Since(start) > 4*time.Second {
		t.Fatalf("CloseTimeout: %v after %v", err, time.Since(start))
	}
	// A peer that never answers: ErrTimeout at the deadline.
	c2, s2 := pair(t, so, co)
	_ = s2
	start = time.Now()
	if err := c2.CloseTimeout(300 * time.Millisecond); err != nil && !errors.Is(err, ErrTimeout) {
		t.Fatalf("CloseTimeout without answer: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("CloseTimeout took %v", time.Since(start))
	}
}

// TestDowngrade: both sides leave TLS; the bytes the server sends right
// after its close_notify (often read together with it) reach the client.
func TestDowngrade(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	for _, active := range []bool{false, true} {
		if active {
			co.Active = true
		}
		c, s := pair(t, so, co)
		type res struct {
			conn net.Conn
			data []byte
			err  error
		}
		sch := make(chan res, 1)
		go func() {
			if active {
				// The active client's reader would answer a
				// close_notify at once: it must start the downgrade.
				time.Sleep(50 * time.Millisecond)
			}
			conn, data, err := s.Downgrade(5 * time.Second)
			if err == nil {
				// Plain data right behind the close_notify.
				conn.Write([]byte("plain from server"))
			}
			sch <- res{conn, data, err}
		}()
		if !active {
			time.Sleep(50 * time.Millisecond) // let the server's close_notify and data arrive together
		}
		conn, data, err := c.Downgrade(5 * time.Second)
		if err != nil {
			t.Fatalf("client Downgrade: %v", err)
		}
		r := <-sch
		if r.err != nil {
			t.Fatalf("server Downgrade: %v", r.err)
		}
		got := append([]byte(nil), data...)
		buf := make([]byte, 100)
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		for len(got) < len("plain from server") {
			n, err := conn.Read(buf)
			if err != nil {
				t.Fatalf("plain read: %v (got %q)", err, got)
			}
			got = append(got, buf[:n]...)
		}
		if string(got) != "plain from server" {
			t.Fatalf("got %q", got)
		}
		conn.Write([]byte("plain from client"))
		r.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := io.ReadFull(r.conn, buf[:17]); err != nil || string(buf[:n]) != "plain from client" {
			t.Fatalf("server plain read: %q %v", buf[:n], err)
		}
		conn.Close()
		r.conn.Close()
		if _, err := c.Recv(0, time.Second); err == nil {
			t.Fatal("Recv after Downgrade succeeded")
		}
	}
}

// TestShutdown: write, read and read_write.
func TestShutdown(t *testing.T) { forProtocols(t, testShutdown) }

func testShutdown(t *testing.T, proto string) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, proto)
	c, s := pair(t, so, co)
	s.Send([]byte("before"))
	if err := c.Shutdown("write"); err != nil {
		t.Fatal(err)
	}
	if err := c.Send([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after shutdown(write): %v", err)
	}
	if got, err := c.Recv(6, 5*time.Second); err != nil || string(got) != "before" {
		t.Fatalf("Recv after shutdown(write): %q %v", got, err)
	}
	if _, err := s.Recv(0, 5*time.Second); !errors.Is(err, ErrClosed) {
		t.Fatalf("server Recv: %v", err)
	}

	c2, s2 := pair(t, so, co)
	if err := c2.Shutdown("read"); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Recv(0, time.Second); !errors.Is(err, ErrClosed) {
		t.Fatalf("Recv after shutdown(read): %v", err)
	}
	if err := c2.Send([]byte("still")); err != nil {
		t.Fatalf("Send after shutdown(read): %v", err)
	}
	if got, err := s2.Recv(0, 5*time.Second); err != nil || string(got) != "still" {
		t.Fatalf("got %q %v", got, err)
	}
	if err := c2.Shutdown("read_write"); err != nil {
		t.Fatal(err)
	}
	if err := c2.Shutdown("sideways"); err == nil {
		t.Fatal("shutdown sideways accepted")
	}
	// CloseWrite, as net/http and io.Copy users call it.
	var _ interface{ CloseWrite() error } = c2
}

// TestHibernateAfter: an idle socket gives its buffers back, and works
// again on traffic, in both modes.
func TestHibernateAfter(t *testing.T) { forProtocols(t, testHibernateAfter) }

func testHibernateAfter(t *testing.T, proto string) {
	checkGoroutines(t)
	so, co := modelOptsFor(t, proto)
	so.HibernateAfter = 30 * time.Millisecond
	so.Active = true
	co.HibernateAfter = 30 * time.Millisecond
	c, s := pair(t, so, co)
	go func() {
		// The client's reader waits in Recv: it must hibernate too.
		for {
			b, err := c.Recv(0, 0)
			if err != nil {
				return
			}
			c.Send(b)
		}
	}()
	for i := 0; i < 3; i++ {
		s.Send([]byte("ping"))
		if got := dataOf(t, recvMsg(t, s.Messages())); string(got) != "ping" {
			t.Fatalf("got %q", got)
		}
		waitIdleReleased(t, i, s, c)
	}
}

// pipeModule is a TransportModule over in-memory pipes: Dial hands the
// other end to the listener's Accept.
type pipeModule struct {
	mu sync.Mutex
	ln *pipeListener
}

type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

type pipeAddr string

func (a pipeAddr) Network() string { return "pipe" }
func (a pipeAddr) String() string  { return string(a) }

func (m *pipeModule) Dial(ctx context.Context, host string, port int, _ net.IP) (net.Conn, error) {
	m.mu.Lock()
	ln := m.ln
	m.mu.Unlock()
	if ln == nil {
		return nil, errors.New("no listener")
	}
	a, b := net.Pipe()
	select {
	case ln.conns <- b:
		return a, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *pipeModule) Listen(net.IP, int) (net.Listener, error) {
	ln := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	m.mu.Lock()
	m.ln = ln
	m.mu.Unlock()
	return ln, nil
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}
func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return pipeAddr("pipe") }

// TestCbInfoPipe: handshake, active and passive data, close over a
// transport that is not TCP.
func TestCbInfoPipe(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	mod := &pipeModule{}
	so.CbInfo, co.CbInfo = mod, mod
	so.IP = nil
	so.Active = true
	c, s := pair(t, so, co)
	c.Send([]byte("over a pipe"))
	if got := dataOf(t, recvMsg(t, s.Messages())); string(got) != "over a pipe" {
		t.Fatalf("got %q", got)
	}
	go s.Send([]byte("back")) // a pipe has no buffer
	if got, err := c.Recv(4, 5*time.Second); err != nil || string(got) != "back" {
		t.Fatalf("got %q %v", got, err)
	}
	if a, _ := c.Peername(); a.Network() != "pipe" {
		t.Fatalf("peername %v", a)
	}
	if err := c.Setopts(SockOpt{"nodelay", true}); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("nodelay on a pipe: %v", err)
	}
	c.Close()
	if m := recvMsg(t, s.Messages()); m != (SSLClosed{s}) {
		t.Fatalf("got %#v", m)
	}
}

// TestNetHTTP: net/http over a gossl listener and a gossl dialer.
func TestNetHTTP(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello over gossl: "+r.URL.Path)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ls)
	defer srv.Close()
	tr := &http.Transport{DialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return DialContext(ctx, network, addr, co)
	}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	for i := 0; i < 3; i++ {
		resp, err := client.Get("https://127.0.0.1:" + itoa(ls.Port()) + "/x")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "hello over gossl: /x" {
			t.Fatalf("body %q", body)
		}
	}
	// POST with a body larger than a record.
	resp, err := client.Post("https://127.0.0.1:"+itoa(ls.Port())+"/post", "text/plain", bytes.NewReader(make([]byte, 100000)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func itoa(n int) string { return strconv.Itoa(n) }
