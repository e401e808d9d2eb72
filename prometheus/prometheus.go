// Package prometheus reports gossl's connection metrics to Prometheus:
// it is an ssl.Metrics that keeps them as Prometheus counters, a gauge
// and a histogram, and a prometheus.Collector to register.
//
//	m := prometheus.New()
//	prom.MustRegister(m) // or a registry of your own
//	opts := &ssl.Options{..., Metrics: m}
//
// It is a module of its own, so that gossl itself does not depend on
// the Prometheus client.
//
// The metrics, all prefixed gossl_:
//
//	handshakes_total{role,version,suite,result,alert}  counter
//	resumptions_total{role,version}                     counter
//	handshake_duration_seconds{role,resumed}            histogram, successful handshakes
//	alerts_total{role,direction,level,description}      counter, direction "sent" or "received"
//	received_bytes_total{role}, sent_bytes_total{role}  counters, at close, TLS records included
//	open_connections{role}                              gauge
//
// role is "client" or "server"; version and suite are empty for a failed
// handshake, whose result says how it failed (ssl.HandshakeAlertSent,
// ...) and alert names the alert, if one ended it. Labels take few
// values: the versions, suites and alerts gossl knows.
package prometheus

import (
	"strconv"

	"github.com/gossl/ssl"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics is an ssl.Metrics that keeps Prometheus metrics, and the
// prometheus.Collector that exports them. One Metrics serves any number
// of sockets, clients and servers alike.
type Metrics struct {
	handshakes  *prometheus.CounterVec
	resumptions *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	alerts      *prometheus.CounterVec
	received    *prometheus.CounterVec
	sent        *prometheus.CounterVec
	open        *prometheus.GaugeVec
}

// DefaultBuckets are the handshake latency buckets in seconds: 0.5 ms
// (a resumption on loopback) to about 8 s, doubling.
var DefaultBuckets = prometheus.ExponentialBuckets(0.0005, 2, 15)

// New returns a Metrics with the default buckets. Register it, once, in
// the registry to scrape (prometheus.MustRegister or a registry of your
// own); prometheus.WrapRegistererWith adds constant labels.
func New() *Metrics { return NewWithBuckets(DefaultBuckets) }

// NewWithBuckets returns a Metrics whose latency histogram has the
// given upper bounds, in seconds.
func NewWithBuckets(buckets []float64) *Metrics {
	const ns = "gossl"
	return &Metrics{
		handshakes: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "handshakes_total",
			Help: "TLS and DTLS handshakes ended, by role, negotiated version and suite, result and the alert that ended a failed one."},
			[]string{"role", "version", "suite", "result", "alert"}),
		resumptions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "resumptions_total",
			Help: "Successful abbreviated handshakes (session ID, ticket or TLS 1.3 PSK), by role and version."},
			[]string{"role", "version"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "handshake_duration_seconds",
			Help: "Latency of successful handshakes, by role and whether they resumed a session.", Buckets: buckets},
			[]string{"role", "resumed"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "alerts_total",
			Help: "Alerts sent and received, close_notify included, by role, direction, level and description."},
			[]string{"role", "direction", "level", "description"}),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "received_bytes_total",
			Help: "Bytes read from the transport by closed sockets, TLS records and handshake included."},
			[]string{"role"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "sent_bytes_total",
			Help: "Bytes written to the transport by closed sockets, TLS records and handshake included."},
			[]string{"role"}),
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Name: "open_connections",
			Help: "Connections whose handshake succeeded and that are not closed yet."},
			[]string{"role"}),
	}
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.handshakes, m.resumptions, m.latency, m.alerts, m.received, m.sent, m.open}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.collectors() {
		c.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.collectors() {
		c.Collect(ch)
	}
}

// HandshakeDone implements ssl.Metrics.
func (m *Metrics) HandshakeDone(h ssl.HandshakeMetric) {
	version := string(h.Version)
	m.handshakes.WithLabelValues(h.Role, version, h.Suite, h.Result, h.Alert).Inc()
	if h.Result != ssl.HandshakeOK {
		return
	}
	if h.Resumed {
		m.resumptions.WithLabelValues(h.Role, version).Inc()
	}
	m.latency.WithLabelValues(h.Role, strconv.FormatBool(h.Resumed)).Observe(h.Duration.Seconds())
	m.open.WithLabelValues(h.Role).Inc()
}

// Alert implements ssl.Metrics.
func (m *Metrics) Alert(a ssl.AlertMetric) {
	dir := "sent"
	if a.Received {
		dir = "received"
	}
	m.alerts.WithLabelValues(a.Role, dir, a.Level, a.Description).Inc()
}

// Closed implements ssl.Metrics.
func (m *Metrics) Closed(c ssl.CloseMetric) {
	m.received.WithLabelValues(c.Role).Add(float64(c.BytesIn))
	m.sent.WithLabelValues(c.Role).Add(float64(c.BytesOut))
	if c.Established {
		m.open.WithLabelValues(c.Role).Dec()
	}
}

var (
	_ ssl.Metrics          = (*Metrics)(nil)
	_ prometheus.Collector = (*Metrics)(nil)
)
