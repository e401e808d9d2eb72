package ssl

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/testpeers"
)

// countingMetrics is a Metrics that counts its events by their fields.
type countingMetrics struct {
	mu     sync.Mutex
	counts map[string]int
	closed []CloseMetric
	slow   []time.Duration // handshakes with no latency
}

func newCountingMetrics() *countingMetrics { return &countingMetrics{counts: map[string]int{}} }

func (m *countingMetrics) HandshakeDone(h HandshakeMetric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[fmt.Sprintf("handshake %s %s %s resumed=%v %s %s", h.Role, h.Version, h.Suite, h.Resumed, h.Result, h.Alert)]++
	if h.Duration <= 0 {
		m.slow = append(m.slow, h.Duration)
	}
}

func (m *countingMetrics) Alert(a AlertMetric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir := "sent"
	if a.Received {
		dir = "received"
	}
	m.counts[fmt.Sprintf("alert %s %s %s %s", a.Role, dir, a.Level, a.Description)]++
}

func (m *countingMetrics) Closed(c CloseMetric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.counts[fmt.Sprintf("closed %s established=%v", c.Role, c.Established)]++
	m.closed = append(m.closed, c)
}

// check compares the counts with want, exactly, and resets them.
func (m *countingMetrics) check(t *testing.T, what string, want map[string]int) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if !maps.Equal(m.counts, want) {
		t.Errorf("%s: metrics\n%s\nwant\n%s", what, dumpCounts(m.counts), dumpCounts(want))
	}
	if len(m.slow) > 0 {
		t.Errorf("%s: handshake durations %v, want > 0", what, m.slow)
	}
	m.counts, m.slow = map[string]int{}, nil
}

func dumpCounts(c map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(c)) {
		fmt.Fprintf(&b, "\t%d %s\n", c[k], k)
	}
	return b.String()
}

// takeClosed returns the Closed events so far and forgets them.
func (m *countingMetrics) takeClosed() []CloseMetric {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.closed
	m.closed = nil
	return c
}

// metricsConn makes one connection from co to a server with so on ls:
// on success the client sends a message, the server reads it, the client
// closes, the server reads the close_notify (answering with its own) and
// closes. It returns both handshake errors. Both sides are done, and
// closed, when it returns.
func metricsConn(t *testing.T, ls *ListenSocket, co *Options) (clientErr, serverErr error) {
	t.Helper()
	srv := make(chan error, 1)
	// The server's Close runs before its result is sent, so that its
	// close is counted when metricsConn returns.
	serve := func() error {
		s, err := ls.TransportAccept(10 * time.Second)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.Handshake(10 * time.Second); err != nil {
			return err
		}
		// An echo, so that a TLS 1.3 client reads the ticket that
		// came before it.
		if m, err := s.Recv(4, 10*time.Second); err != nil || s.Send(m) != nil {
			return fmt.Errorf("server recv: %v", err)
		}
		if _, err := s.Recv(0, 10*time.Second); !errors.Is(err, ErrClosed) {
			return fmt.Errorf("server recv after the client's close: %v, want ErrClosed", err)
		}
		return nil
	}
	go func() { srv <- serve() }()
	c, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err == nil {
		if err := c.Send([]byte("ping")); err != nil {
			t.Fatalf("client send: %v", err)
		}
		if _, err := c.Recv(4, 10*time.Second); err != nil {
			t.Fatalf("client recv: %v", err)
		}
		c.Close()
	}
	select {
	case serr := <-srv:
		return err, serr
	case <-time.After(20 * time.Second):
		t.Fatal("server did not finish")
	}
	return nil, nil
}

// TestMetricsHandshakes counts, exactly, what each side's Metrics sees of
// a TLS 1.2 full and resumed handshake, a TLS 1.3 full and resumed one,
// and a handshake the client fails with an alert, which the server
// receives; and checks that the bytes reported at close match.
func TestMetricsHandshakes(t *testing.T) {
	p := testpeers.NewPKI(t)
	sm, cm := newCountingMetrics(), newCountingMetrics()
	const suite12 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
	const suite13 = "TLS_AES_128_GCM_SHA256"
	so := serverOpts(p, "ecdsa")
	so.Metrics = sm
	so.Ciphers = []string{suite12, suite13}
	so.LogAlert = Bool(false)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	forgetNewPort(ls)

	// The close of a connection: the client sends close_notify, the
	// server receives it and answers with its own.
	closes := func(established bool) map[string]int {
		return map[string]int{
			fmt.Sprintf("closed client established=%v", established): 1,
			fmt.Sprintf("closed server established=%v", established): 1,
		}
	}
	merge := func(ms ...map[string]int) map[string]int {
		out := map[string]int{}
		for _, m := range ms {
			for k, v := range m {
				out[k] += v
			}
		}
		return out
	}
	split := func(all map[string]int, role string) map[string]int {
		out := map[string]int{}
		for k, v := range all {
			if strings.Contains(k, " "+role+" ") || strings.HasSuffix(k, " "+role) {
				out[k] = v
			}
		}
		return out
	}
	notify := map[string]int{
		"alert client sent warning close_notify":     1,
		"alert server received warning close_notify": 1,
		"alert server sent warning close_notify":     1,
	}
	for _, tc := range []struct {
		name    string
		version Version
		suite   string
	}{{"TLSv1.2", TLSv1_2, suite12}, {"TLSv1.3", TLSv1_3, suite13}} {
		co := clientOpts(p)
		co.Versions = []Version{tc.version}
		co.Metrics = cm
		for _, resumed := range []bool{false, true} {
			cerr, serr := metricsConn(t, ls, co)
			if cerr != nil || serr != nil {
				t.Fatalf("%s resumed=%v: client %v, server %v", tc.name, resumed, cerr, serr)
			}
			hs := map[string]int{}
			for _, role := range []string{"client", "server"} {
				hs[fmt.Sprintf("handshake %s %s %s resumed=%v ok ", role, tc.version, tc.suite, resumed)] = 1
			}
			want := merge(hs, notify, closes(true))
			what := fmt.Sprintf("%s resumed=%v", tc.name, resumed)
			cm.check(t, what+" client", split(want, "client"))
			sm.check(t, what+" server", split(want, "server"))
			cc, sc := cm.takeClosed(), sm.takeClosed()
			if len(cc) != 1 || len(sc) != 1 {
				continue
			}
			// Everything the client wrote, close_notify last, the
			// server read; the server's close_notify may reach a
			// client that has stopped reading.
			if cc[0].BytesOut == 0 || cc[0].BytesOut != sc[0].BytesIn || sc[0].BytesOut < cc[0].BytesIn || cc[0].BytesIn == 0 {
				t.Errorf("%s: bytes client in %d out %d, server in %d out %d", what,
					cc[0].BytesIn, cc[0].BytesOut, sc[0].BytesIn, sc[0].BytesOut)
			}
		}
	}

	// A client that does not trust the server's certificate fails the
	// handshake with a fatal alert, which the server receives.
	co := &Options{CACertFile: p.CertFile("ecdsa"), ServerNameIndication: "localhost", Metrics: cm,
		ReuseSessions: Bool(false), LogAlert: Bool(false)}
	cerr, serr := metricsConn(t, ls, co)
	var ca, sa *Alert
	if !errors.As(cerr, &ca) || !errors.As(serr, &sa) || ca.Description != sa.Description {
		t.Fatalf("client %v, server %v: want one alert, sent and received", cerr, serr)
	}
	cm.check(t, "failed client", map[string]int{
		"handshake client   resumed=false alert_sent " + ca.Description: 1,
		"alert client sent fatal " + ca.Description:                     1,
		"closed client established=false":                               1,
	})
	sm.check(t, "failed server", map[string]int{
		"handshake server   resumed=false alert_received " + ca.Description: 1,
		"alert server received fatal " + ca.Description:                     1,
		"closed server established=false":                                   1,
	})
}

// TestMetricsAlertsAfterHandshake: alerts after the handshake are
// counted by name in both directions, and a socket is reported closed
// once however many times it is closed.
func TestMetricsAlertsAfterHandshake(t *testing.T) {
	so, co := modelOpts(t)
	sm, cm := newCountingMetrics(), newCountingMetrics()
	so.Metrics, co.Metrics = sm, cm
	so.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"}
	c, s := pair(t, so, co)
	// A warning that does not end the connection, then data.
	s.sendWarning(alert.UserCanceled)
	if err := s.Send([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Recv(1, 10*time.Second); err != nil {
		t.Fatalf("client recv: %v", err)
	}
	// A fatal alert that does.
	c.sendFatal(alert.New(alert.HandshakeFailure, "test"))
	if _, err := s.Recv(0, 10*time.Second); err == nil {
		t.Fatal("server recv after the client's fatal alert: no error")
	}
	c.Close()
	c.Close()
	s.Close()
	s.CloseTimeout(time.Second)
	const hs = " tlsv1.2 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 resumed=false ok "
	cm.check(t, "client", map[string]int{
		"handshake client" + hs:                       1,
		"alert client received warning user_canceled": 1,
		"alert client sent fatal handshake_failure":   1,
		"closed client established=true":              1,
	})
	sm.check(t, "server", map[string]int{
		"handshake server" + hs:                         1,
		"alert server sent warning user_canceled":       1,
		"alert server received fatal handshake_failure": 1,
		"closed server established=true":                1,
	})
}

// TestMetricsNoAllocsPerRecord: a Metrics adds no allocation to the data
// path (nothing is reported per record), for TLS 1.2 and 1.3.
func TestMetricsNoAllocsPerRecord(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		allocs := map[bool]float64{}
		for _, withMetrics := range []bool{false, true} {
			so, co := modelOpts(t)
			so.Versions, co.Versions = []Version{v}, []Version{v}
			if withMetrics {
				so.Metrics, co.Metrics = newCountingMetrics(), newCountingMetrics()
			}
			c, s := pair(t, so, co)
			msg, got := make([]byte, 32), make([]byte, 32)
			allocs[withMetrics] = testing.AllocsPerRun(200, func() {
				if _, err := c.Write(msg); err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadFull(s, got); err != nil {
					t.Fatal(err)
				}
			})
		}
		if allocs[true] > allocs[false] {
			t.Errorf("%s: %.1f allocations per record with Metrics, %.1f without", v, allocs[true], allocs[false])
		}
		t.Logf("%s: %.1f allocations per record with Metrics, %.1f without", v, allocs[true], allocs[false])
	}
}

// TestMetricsDTLS: a DTLS association reports its handshake with the
// DTLS version, the close_notify each way and one close per side.
func TestMetricsDTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	sm, cm := newCountingMetrics(), newCountingMetrics()
	so := dtlsServerOpts(p, "ecdsa", 0)
	so.Metrics = sm
	so.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}
	port, done := startDTLSEcho(t, so, 1)
	co := dtlsClientOpts(p, 0)
	co.Metrics = cm
	s, err := Connect("127.0.0.1", port, co, 20*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if err := s.Send([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(0, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	s.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not see close_notify")
	}
	const hs = " dtlsv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 resumed=false ok "
	cm.check(t, "client", map[string]int{
		"handshake client" + hs:                  1,
		"alert client sent warning close_notify": 1,
		"closed client established=true":         1,
	})
	sm.check(t, "server", map[string]int{
		"handshake server" + hs:                      1,
		"alert server received warning close_notify": 1,
		"alert server sent warning close_notify":     1,
		"closed server established=true":             1,
	})
	if c := sm.takeClosed(); len(c) != 1 || c[0].BytesIn == 0 || c[0].BytesOut == 0 {
		t.Errorf("server close %+v: want bytes both ways", c)
	}
}
