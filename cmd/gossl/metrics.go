package main

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gossl/ssl/prometheus"
	promclient "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// serve --metrics ADDR: the server's Options.Metrics is the prometheus
// module's adapter, in a registry of its own, served at /metrics by
// promhttp in the Prometheus text format (or what the scraper
// negotiates). The command is a module of its own, so client_golang is a
// requirement of the command only, never of the library; and the
// exposition is the adapter's, one definition of the names, labels and
// buckets for the library and the command.

// serveMetrics listens on addr for the metrics endpoint and serves it
// until the listener is closed; it returns the listener and the adapter
// to set as Options.Metrics.
func serveMetrics(addr string) (net.Listener, *prometheus.Metrics, error) {
	m := prometheus.New()
	reg := promclient.NewRegistry()
	if err := reg.Register(m); err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("--metrics %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	return ln, m, nil
}
