package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeMetrics runs serve --metrics 127.0.0.1:0, makes one connection
// that echoes and one that the client refuses (it does not trust the
// certificate), and scrapes /metrics over HTTP: the text format with the
// exact counts, the prometheus module's names.
func TestServeMetrics(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--metrics", "127.0.0.1:0", "--cert-out", cert)
	m := regexp.MustCompile(`(?m)^METRICS (127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(srv.stdout.String())
	if m == nil {
		t.Fatalf("no METRICS line before ACCEPT:\n%s", srv.stdout.String())
	}
	url := "http://" + m[1] + "/metrics"

	r := gossl(t, "hello\n", "connect", srv.addr, "--cacertfile", cert, "--wait", "1s")
	if r.code != 0 || r.stdout != "hello\n" {
		t.Fatalf("connect: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	suite := regexp.MustCompile(`(?m)^cipher_suite: (\S+)$`).FindStringSubmatch(r.stderr)
	if suite == nil {
		t.Fatalf("no cipher_suite in connect's block:\n%s", r.stderr)
	}
	// Not trusted by the system roots: the client refuses with an alert.
	if r := gossl(t, "", "connect", srv.addr, "--wait", "0"); r.code == 0 {
		t.Fatalf("connect without the certificate succeeded:\n%s", r.stderr)
	}

	scrape := func() (string, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", url, resp.Status, err)
		}
		return string(body), resp.Header.Get("Content-Type")
	}
	// The server sees each close a moment after the client has gone.
	var body, ctype string
	eventually(t, "both connections closed in the metrics", func() bool {
		body, ctype = scrape()
		return strings.Contains(body, "\ngossl_open_connections{role=\"server\"} 0\n") &&
			strings.Contains(body, `gossl_received_bytes_total{role="server"}`) &&
			strings.Contains(body, `result="alert_received"`) &&
			strings.Contains(body, `description="close_notify",direction="sent"`)
	})
	if !strings.HasPrefix(ctype, "text/plain; version=0.0.4; charset=utf-8") {
		t.Errorf("Content-Type %q", ctype)
	}
	alert := regexp.MustCompile(`gossl_handshakes_total\{alert="([a-z_]+)",result="alert_received",role="server",suite="",version=""\} 1\n`).FindStringSubmatch(body)
	if alert == nil {
		t.Fatalf("no failed handshake with the client's alert:\n%s", body)
	}
	for _, want := range []string{
		"# TYPE gossl_handshakes_total counter\n",
		`gossl_handshakes_total{alert="",result="ok",role="server",suite="` + suite[1] + `",version="tlsv1.3"} 1` + "\n",
		`gossl_alerts_total{description="` + alert[1] + `",direction="received",level="fatal",role="server"} 1` + "\n",
		`gossl_alerts_total{description="close_notify",direction="received",level="warning",role="server"} 1` + "\n",
		`gossl_alerts_total{description="close_notify",direction="sent",level="warning",role="server"} 1` + "\n",
		"# TYPE gossl_handshake_duration_seconds histogram\n",
		`gossl_handshake_duration_seconds_bucket{resumed="false",role="server",le="+Inf"} 1` + "\n",
		`gossl_handshake_duration_seconds_count{resumed="false",role="server"} 1` + "\n",
		"# TYPE gossl_open_connections gauge\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if n := strings.Count(body, "\ngossl_alerts_total{"); n != 3 {
		t.Errorf("%d alert series, want 3", n)
	}
	if strings.Contains(body, "gossl_resumptions_total") {
		t.Error("a resumption counted: connect made full handshakes")
	}
	if !regexp.MustCompile(`\ngossl_received_bytes_total\{role="server"\} [1-9][0-9]*\n`).MatchString(body) {
		t.Error("no bytes received")
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", body)
	}
	if resp, err := http.Get("http://" + m[1] + "/other"); err != nil || resp.StatusCode != 404 {
		t.Errorf("GET /other: %v, want 404", err)
	} else {
		resp.Body.Close()
	}
}
