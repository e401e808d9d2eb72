package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	ssl "github.com/gossl/ssl"
)

// serve --metrics ADDR: an ssl.Metrics that counts in memory, and an HTTP
// server that writes the counts at /metrics in the Prometheus text
// exposition format (version 0.0.4). The command writes the format
// itself rather than use github.com/prometheus/client_golang (which the
// github.com/gossl/ssl/prometheus module adapts): cmd/gossl belongs to
// the core module, which would then require client_golang and what it
// brings (protobuf among it) for every user of the library. The names,
// labels and help are the prometheus module's, so one dashboard reads
// both.

// metricFamily is one metric of the exposition, in the order written.
type metricFamily struct {
	name, typ, help string
}

var metricFamilies = []metricFamily{
	{"gossl_handshakes_total", "counter", "TLS and DTLS handshakes ended, by role, negotiated version and suite, result and the alert that ended a failed one."},
	{"gossl_resumptions_total", "counter", "Successful abbreviated handshakes (session ID, ticket or TLS 1.3 PSK), by role and version."},
	{"gossl_handshake_duration_seconds", "histogram", "Latency of successful handshakes, by role and whether they resumed a session."},
	{"gossl_alerts_total", "counter", "Alerts sent and received, close_notify included, by role, direction, level and description."},
	{"gossl_received_bytes_total", "counter", "Bytes read from the transport by closed sockets, TLS records and handshake included."},
	{"gossl_sent_bytes_total", "counter", "Bytes written to the transport by closed sockets, TLS records and handshake included."},
	{"gossl_open_connections", "gauge", "Connections whose handshake succeeded and that are not closed yet."},
}

// latencyBuckets are the prometheus module's DefaultBuckets: 0.5 ms
// doubling to about 8 s.
var latencyBuckets = func() []float64 {
	b := make([]float64, 15)
	for i := range b {
		b[i] = 0.0005 * float64(int(1)<<i)
	}
	return b
}()

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

// textMetrics is serve's ssl.Metrics. Per handshake and per close it
// takes a lock and formats a label set: nothing per record.
type textMetrics struct {
	mu     sync.Mutex
	values map[string]map[string]float64 // family -> label set -> value
	hists  map[string]*histogram         // label set -> latency
}

func newTextMetrics() *textMetrics {
	m := &textMetrics{values: map[string]map[string]float64{}, hists: map[string]*histogram{}}
	// The server's gauge exists from the start, at 0.
	m.add("gossl_open_connections", 0, "role", "server")
	return m
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// labels renders label pairs as {k="v",...}, values escaped as the text
// format says (backslash, double quote, newline).
func labels(kv ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(kv[i])
		b.WriteString(`="`)
		b.WriteString(labelEscaper.Replace(kv[i+1]))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// add adds v to a series; the caller holds mu, or m is not shared yet.
func (m *textMetrics) add(family string, v float64, kv ...string) {
	f := m.values[family]
	if f == nil {
		f = map[string]float64{}
		m.values[family] = f
	}
	f[labels(kv...)] += v
}

func (m *textMetrics) HandshakeDone(h ssl.HandshakeMetric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	version := string(h.Version)
	m.add("gossl_handshakes_total", 1, "alert", h.Alert, "result", h.Result, "role", h.Role, "suite", h.Suite, "version", version)
	if h.Result != ssl.HandshakeOK {
		return
	}
	if h.Resumed {
		m.add("gossl_resumptions_total", 1, "role", h.Role, "version", version)
	}
	key := labels("resumed", strconv.FormatBool(h.Resumed), "role", h.Role)
	hg := m.hists[key]
	if hg == nil {
		hg = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.hists[key] = hg
	}
	sec := h.Duration.Seconds()
	if i, _ := slices.BinarySearch(latencyBuckets, sec); i < len(latencyBuckets) {
		hg.counts[i]++
	}
	hg.sum += sec
	hg.count++
	m.add("gossl_open_connections", 1, "role", h.Role)
}

func (m *textMetrics) Alert(a ssl.AlertMetric) {
	dir := "sent"
	if a.Received {
		dir = "received"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.add("gossl_alerts_total", 1, "description", a.Description, "direction", dir, "level", a.Level, "role", a.Role)
}

func (m *textMetrics) Closed(c ssl.CloseMetric) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.add("gossl_received_bytes_total", float64(c.BytesIn), "role", c.Role)
	m.add("gossl_sent_bytes_total", float64(c.BytesOut), "role", c.Role)
	if c.Established {
		m.add("gossl_open_connections", -1, "role", c.Role)
	}
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// writeText writes every family that has a series, in the text format.
func (m *textMetrics) writeText(w io.Writer) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	for _, f := range metricFamilies {
		var keys []string
		if f.typ == "histogram" {
			for k := range m.hists {
				keys = append(keys, k)
			}
		} else {
			for k := range m.values[f.name] {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for _, k := range keys {
			if f.typ != "histogram" {
				fmt.Fprintf(&b, "%s%s %s\n", f.name, k, formatValue(m.values[f.name][k]))
				continue
			}
			hg := m.hists[k]
			inner := strings.TrimSuffix(k, "}") + ","
			var cum uint64
			for i, le := range latencyBuckets {
				cum += hg.counts[i]
				fmt.Fprintf(&b, "%s_bucket%sle=\"%s\"} %d\n", f.name, inner, formatValue(le), cum)
			}
			fmt.Fprintf(&b, "%s_bucket%sle=\"+Inf\"} %d\n", f.name, inner, hg.count)
			fmt.Fprintf(&b, "%s_sum%s %s\n%s_count%s %d\n", f.name, k, formatValue(hg.sum), f.name, k, hg.count)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ServeHTTP answers GET /metrics.
func (m *textMetrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/metrics" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.writeText(w)
}

// serveMetrics listens on addr for the metrics endpoint and serves it
// until the listener is closed; it returns the listener.
func serveMetrics(addr string, m *textMetrics) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics %s: %w", addr, err)
	}
	hs := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	return ln, nil
}
