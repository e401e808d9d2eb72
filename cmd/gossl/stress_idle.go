package main

import (
	"fmt"
)

// idlePhase holds cfg.idle idle TLS 1.3 connections of gossl, then of
// crypto/tls, both ends in this process, and reports the heap they take
// (gossl bench's memory rows, at this size).
func (st *stress) idlePhase() error {
	n := st.cfg.idle
	// Two descriptors per connection (both ends are in this process),
	// the listener each pair is made with, and a margin for the
	// server's and the runtime's.
	const margin = 256
	limit, err := raiseFileLimit(uint64(2*n + margin))
	if err != nil {
		fit := (int(limit) - margin) / 2
		if limit == 0 || fit < 1 {
			return err
		}
		// Where the hard limit is too low (and cannot be raised), say
		// so and measure as many as fit: the figures per connection
		// hold, the total is for that many.
		fmt.Fprintf(st.out, "idle: %v: measuring %d connections, not %d\n", err, fit, n)
		n = fit
		st.b.cfg.idleConns = n
	}
	st.srv.ln.Close() // the server's phases are over: its descriptors are not needed
	fmt.Fprintf(st.out, "idle: %d connections per implementation (open-file limit %d)\n", n, limit)
	var res [2][]float64
	for i, ct := range []bool{false, true} {
		if res[i], err = st.b.idle(ct, profAES13); err != nil {
			return fmt.Errorf("%s: %w", map[bool]string{false: "gossl", true: "crypto/tls"}[ct], err)
		}
	}
	for i, name := range []string{"gossl", "crypto/tls"} {
		r := res[i]
		fmt.Fprintf(st.out, "idle: %-10s recently used %.2f KB per side; idle %.2f KB per side, %.2f KB per connection, %.1f MB in all; %.2f goroutines per connection\n",
			name, r[0], r[1], 2*r[1], 2*r[1]*float64(n)/1000, r[2])
	}
	if res[1][1] > 0 {
		fmt.Fprintf(st.out, "idle: gossl/crypto-tls idle heap ratio %.2f\n", res[0][1]/res[1][1])
	}
	return nil
}
