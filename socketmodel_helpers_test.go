package ssl

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// modelOpts are options for the socket-model tests: TLS 1.2 on
// 127.0.0.1, the ECDSA certificate; extra adjusts them.
func modelOpts(t *testing.T) (server, client *Options) {
	p := testpeers.NewPKI(t)
	server = serverOpts(p, "ecdsa")
	server.Versions = []Version{TLSv1_2}
	server.LogAlert = Bool(false)
	client = clientOpts(p)
	client.Versions = []Version{TLSv1_2}
	client.LogAlert = Bool(false)
	return server, client
}

// pair connects a gossl client to a gossl server and returns both
// sockets, closed at the end of the test.
func pair(t *testing.T, so, co *Options) (client, server *Socket) {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	defer ls.Close()
	type res struct {
		s   *Socket
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err == nil {
			err = s.Handshake(10 * time.Second)
		}
		ch <- res{s, err}
	}()
	c, err := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	r := <-ch
	if r.err != nil {
		c.Close()
		t.Fatalf("server handshake: %v", r.err)
	}
	t.Cleanup(func() { c.Close(); r.s.Close() })
	return c, r.s
}

// recvMsg waits (bounded) for one message on ch.
func recvMsg(t *testing.T, ch <-chan Message) Message {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(10 * time.Second):
		t.Fatalf("no message within 10s")
		return nil
	}
}

// noMsg checks that nothing arrives on ch for a moment.
func noMsg(t *testing.T, ch <-chan Message) {
	t.Helper()
	select {
	case m := <-ch:
		t.Fatalf("unexpected message %#v", m)
	case <-time.After(100 * time.Millisecond):
	}
}

// dataOf returns the bytes of an SSLData message, failing on others.
func dataOf(t *testing.T, m Message) []byte {
	t.Helper()
	d, ok := m.(SSLData)
	if !ok {
		t.Fatalf("got %#v, want SSLData", m)
	}
	return d.Bytes()
}

// checkGoroutines fails the test if goroutines started during it are
// still running at its end (after a bounded wait).
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				var ours []string
				for _, g := range strings.Split(string(buf), "\n\n") {
					if strings.Contains(g, "gossl/ssl.") && !strings.Contains(g, "testing.tRunner") {
						ours = append(ours, g)
					}
				}
				t.Errorf("%d goroutines leaked (%d before):\n%s", n-before, before, strings.Join(ours, "\n\n"))
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// idleReleased reports whether the sweep has released s (and s has had
// no traffic since).
func idleReleased(s *Socket) bool { return s.idleTicks.Load() == idleOff }

// waitIdleReleased waits up to five seconds until the sweep has released
// every socket given (after the traffic of the given round).
func waitIdleReleased(t *testing.T, round int, socks ...*Socket) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for i, s := range socks {
		for !idleReleased(s) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: socket %d of %d not released after 5 s", round, i+1, len(socks))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// modelProtocols are the protocols the socket-model tests that apply to
// both run over.
var modelProtocols = []string{"tls", "dtls"}

// forProtocols runs f as one subtest per protocol of modelProtocols.
func forProtocols(t *testing.T, f func(t *testing.T, proto string)) {
	for _, proto := range modelProtocols {
		t.Run(proto, func(t *testing.T) { f(t, proto) })
	}
}

// modelOptsFor is modelOpts over proto: with "dtls", DTLS 1.2 over UDP
// (and full handshakes: the client keeps no session).
func modelOptsFor(t *testing.T, proto string) (server, client *Options) {
	server, client = modelOpts(t)
	if proto == "dtls" {
		server.Protocol, client.Protocol = "dtls", "dtls"
		server.Versions, client.Versions = []Version{DTLSv1_2}, []Version{DTLSv1_2}
		client.ReuseSessions = Bool(false)
	}
	return server, client
}

// framed sets the packet option of opts for TLS, where a stream needs
// it to keep message boundaries; over DTLS each record is a message
// already (packet raw, the only one a DTLS socket takes).
func framed(proto string, packet any, opts ...*Options) {
	if proto == "dtls" {
		return
	}
	for _, o := range opts {
		o.Packet = packet
	}
}

// window paces a sender against its receiver over DTLS: at most
// dtlsWindow messages in flight, so that a burst never overflows the
// association's queue (a datagram protocol drops what it cannot hold,
// and the application protocol would retransmit). Over TLS, TCP's flow
// control does this and the window is nil.
type window chan struct{}

const dtlsWindow = 16

func newWindow(proto string) window {
	if proto != "dtls" {
		return nil
	}
	w := make(window, dtlsWindow)
	for range dtlsWindow {
		w <- struct{}{}
	}
	return w
}

// take waits for room to send one message.
func (w window) take() {
	if w != nil {
		<-w
	}
}

// give returns the room of one message received.
func (w window) give() {
	if w != nil {
		w <- struct{}{}
	}
}
