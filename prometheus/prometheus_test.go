package prometheus

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// server runs a gossl server on ls that, for each connection, echoes one
// message and waits for the client's close; each connection's handshake
// result and end are sent on the channels.
func server(ls *ssl.ListenSocket, handshaken, done chan<- error) {
	for {
		s, err := ls.TransportAccept(0)
		if err != nil {
			return
		}
		go func() {
			defer func() { s.Close(); done <- nil }()
			err := s.Handshake(10 * time.Second)
			handshaken <- err
			if err != nil {
				return
			}
			if m, err := s.Recv(4, 10*time.Second); err == nil {
				s.Send(m)
			}
			s.Recv(0, 10*time.Second) // until the client's close_notify
		}()
	}
}

func recvWithin(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not answer in time")
	}
	return nil
}

// TestPrometheus registers the adapter in a registry, makes a full and a
// resumed TLS 1.3 connection and one the client refuses, and compares
// the exposition, scraped through promhttp, with the exact counts.
func TestPrometheus(t *testing.T) {
	p := testpeers.NewPKI(t)
	m := New()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m)

	so := &ssl.Options{CertFile: p.CertFile("ecdsa"), KeyFile: p.KeyFile("ecdsa"), IP: net.IPv4(127, 0, 0, 1),
		Versions: []ssl.Version{ssl.TLSv1_3}, Ciphers: []string{"TLS_AES_128_GCM_SHA256"}, Metrics: m,
		LogAlert: ssl.Bool(false)}
	ls, err := ssl.Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	handshaken, done := make(chan error, 4), make(chan error, 4)
	go server(ls, handshaken, done)

	co := &ssl.Options{CACertFile: p.CAFile, ServerNameIndication: "localhost", Metrics: m}
	for i := 0; i < 2; i++ {
		c, err := ssl.Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if err := recvWithin(t, handshaken); err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"client", "server"} {
			if n := testutil.ToFloat64(m.open.WithLabelValues(role)); n != 1 {
				t.Errorf("connection %d: %s open_connections %v, want 1", i+1, role, n)
			}
		}
		if err := c.Send([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		// Reading the echo reads the TLS 1.3 ticket before it.
		if _, err := c.Recv(4, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		c.Close()
		recvWithin(t, done)
	}
	bad := &ssl.Options{CACertFile: p.CertFile("ecdsa"), ServerNameIndication: "localhost", Metrics: m,
		LogAlert: ssl.Bool(false)}
	_, err = ssl.Connect("127.0.0.1", ls.Port(), bad, 10*time.Second)
	var a *ssl.Alert
	if !errors.As(err, &a) {
		t.Fatalf("untrusted server: %v, want an alert", err)
	}
	if serr := recvWithin(t, handshaken); serr == nil {
		t.Fatal("server handshake succeeded with a client that refused it")
	}
	recvWithin(t, done)

	// Scraped as Prometheus would.
	hs := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer hs.Close()
	resp, err := http.Get(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`gossl_handshakes_total{alert="",result="ok",role="client",suite="TLS_AES_128_GCM_SHA256",version="tlsv1.3"} 2`,
		`gossl_handshakes_total{alert="",result="ok",role="server",suite="TLS_AES_128_GCM_SHA256",version="tlsv1.3"} 2`,
		`gossl_handshakes_total{alert="` + a.Description + `",result="alert_sent",role="client",suite="",version=""} 1`,
		`gossl_handshakes_total{alert="` + a.Description + `",result="alert_received",role="server",suite="",version=""} 1`,
		`gossl_resumptions_total{role="client",version="tlsv1.3"} 1`,
		`gossl_resumptions_total{role="server",version="tlsv1.3"} 1`,
		`gossl_handshake_duration_seconds_count{resumed="false",role="client"} 1`,
		`gossl_handshake_duration_seconds_count{resumed="true",role="server"} 1`,
		`gossl_alerts_total{description="close_notify",direction="sent",level="warning",role="client"} 2`,
		`gossl_alerts_total{description="close_notify",direction="received",level="warning",role="server"} 2`,
		`gossl_alerts_total{description="close_notify",direction="sent",level="warning",role="server"} 2`,
		`gossl_alerts_total{description="` + a.Description + `",direction="sent",level="fatal",role="client"} 1`,
		`gossl_alerts_total{description="` + a.Description + `",direction="received",level="fatal",role="server"} 1`,
		`gossl_open_connections{role="client"} 0`,
		`gossl_open_connections{role="server"} 0`,
	}
	for _, w := range want {
		if !strings.Contains(string(body), w+"\n") {
			t.Errorf("scrape lacks %s", w)
		}
	}
	if n := strings.Count(string(body), "gossl_alerts_total{"); n != 5 {
		t.Errorf("%d alert series, want 5:\n%s", n, body)
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", body)
	}
	in, out := testutil.ToFloat64(m.received.WithLabelValues("server")), testutil.ToFloat64(m.sent.WithLabelValues("client"))
	if in == 0 || in != out {
		t.Errorf("server received %v bytes, client sent %v: want the same, not 0", in, out)
	}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP gossl_open_connections Connections whose handshake succeeded and that are not closed yet.
# TYPE gossl_open_connections gauge
gossl_open_connections{role="client"} 0
gossl_open_connections{role="server"} 0
`), "gossl_open_connections"); err != nil {
		t.Error(err)
	}
}
