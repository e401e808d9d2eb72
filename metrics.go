package ssl

import (
	"context"
	"errors"
	"time"

	"github.com/gossl/ssl/internal/alert"
)

// Metrics receives what a monitoring system counts of a program's TLS
// connections: handshakes by version, cipher suite and result,
// resumptions, alerts by name, handshake latency, bytes and open
// connections. Options.Metrics sets it (on Listen's options it serves
// every accepted socket); nil, the default, costs nothing.
//
// The methods are called from the goroutines that run the sockets, many
// at once, so an implementation must be safe for concurrent use, and it
// runs on the connection's path: it should count and return, not do I/O.
// Nothing is called per record: a socket counts its bytes in the
// counters it keeps for Getstat anyway and reports them once, at close.
// The events are passed by value and allocate nothing.
//
// A connection is open from the HandshakeDone with Result HandshakeOK
// until the Closed with Established true that follows it (exactly one,
// when the program closes the socket: Close, CloseTimeout, Downgrade).
// Every socket whose handshake has ended gets one Closed: a failed
// handshake's, at once after its HandshakeDone.
//
// The github.com/gossl/ssl/prometheus module adapts it to Prometheus.
type Metrics interface {
	// HandshakeDone is called once per socket when its handshake ends,
	// successfully or not. A renegotiation is not reported.
	HandshakeDone(HandshakeMetric)
	// Alert is called for each alert sent or received, close_notify
	// included.
	Alert(AlertMetric)
	// Closed is called once per socket whose handshake has ended, when
	// the socket is closed.
	Closed(CloseMetric)
}

// HandshakeMetric describes a handshake that ended.
type HandshakeMetric struct {
	// Role is "client" or "server".
	Role string
	// Version is the negotiated protocol (TLSv1_3, TLSv1_2, DTLSv1_2,
	// ...); "" when the handshake failed.
	Version Version
	// Suite is the negotiated cipher suite by its RFC name (as OTP's
	// ssl:suite_to_str/1 gives it, "TLS_AES_128_GCM_SHA256"); "" when
	// the handshake failed.
	Suite string
	// Resumed is true for an abbreviated handshake: a TLS 1.2 session ID
	// or ticket, a TLS 1.3 PSK.
	Resumed bool
	// Result is HandshakeOK or how the handshake failed.
	Result string
	// Alert is the description of the alert that ended a failed
	// handshake ("handshake_failure", "bad_certificate", ...) when
	// Result is HandshakeAlertSent or HandshakeAlertReceived.
	Alert string
	// Duration is the handshake's latency, from its start (Connect, or
	// Handshake on the server) to its end.
	Duration time.Duration
}

// The values of HandshakeMetric.Result.
const (
	HandshakeOK            = "ok"
	HandshakeAlertSent     = "alert_sent"     // we sent a fatal alert
	HandshakeAlertReceived = "alert_received" // the peer sent one
	HandshakeTimeout       = "timeout"        // the timeout or the context's deadline passed
	HandshakeClosed        = "closed"         // the transport closed or failed, no alert
	HandshakeError         = "error"          // anything else: a cancelled context, a bad option
)

// AlertMetric describes an alert sent or received.
type AlertMetric struct {
	// Role is "client" or "server".
	Role string
	// Level is "warning" or "fatal".
	Level string
	// Description is the alert's name, as Erlang spells it
	// ("close_notify", "handshake_failure", ...; "alert(N)" for a code
	// without one).
	Description string
	// Received is true for an alert from the peer, false for one sent.
	Received bool
}

// CloseMetric describes a socket that was closed.
type CloseMetric struct {
	// Role is "client" or "server".
	Role string
	// Established is true when the socket's handshake had succeeded: it
	// counted as an open connection until now.
	Established bool
	// BytesIn and BytesOut are the bytes read from and written to the
	// transport over the socket's life, TLS records with their headers
	// and the handshake included: Getstat's recv_oct and send_oct.
	BytesIn, BytesOut uint64
}

// metrics returns the socket's hook, nil when it has none.
func (s *Socket) metrics() Metrics {
	if s.post != nil {
		return s.post.metrics
	}
	if s.res == nil {
		return nil
	}
	return s.res.metrics
}

// reportHandshake reports the end of the handshake that started at
// start, with its error (nil for success). A failed handshake's socket
// is closed already and is reported closed too.
func (s *Socket) reportHandshake(m Metrics, start time.Time, err error) {
	h := HandshakeMetric{Role: s.role.String(), Result: handshakeResult(err), Duration: time.Since(start)}
	if err == nil {
		info := s.connInfo()
		h.Version = versionName(info.Version)
		if info.Suite != nil {
			h.Suite = info.Suite.Name
		}
		h.Resumed = info.Resumed
		s.out.counted.Store(true)
		m.HandshakeDone(h)
		if s.closed.Load() {
			// A Close that ran before the handshake was marked done
			// did not report: whichever of the two clears counted
			// reports the close.
			s.reportClosed()
		}
		return
	}
	var a *Alert
	if errors.As(err, &a) {
		h.Alert = a.Description
	}
	m.HandshakeDone(h)
	m.Closed(s.closeMetric(false))
}

// handshakeResult classifies a handshake's error for HandshakeMetric.
func handshakeResult(err error) string {
	var a *Alert
	switch {
	case err == nil:
		return HandshakeOK
	case errors.As(err, &a):
		if a.Received {
			return HandshakeAlertReceived
		}
		return HandshakeAlertSent
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return HandshakeTimeout
	case errors.Is(err, ErrClosed):
		return HandshakeClosed
	}
	return HandshakeError
}

// reportClosed reports the close of a socket whose handshake succeeded,
// once: Close, CloseTimeout and Downgrade call it, and so does the end
// of a handshake that a Close overtook.
func (s *Socket) reportClosed() {
	if !s.out.counted.Swap(false) {
		return
	}
	if m := s.metrics(); m != nil {
		m.Closed(s.closeMetric(true))
	}
}

func (s *Socket) closeMetric(established bool) CloseMetric {
	return CloseMetric{Role: s.role.String(), Established: established,
		BytesIn: s.stats.src.c.oct.Load(), BytesOut: s.stats.dst.c.oct.Load()}
}

// reportAlert reports an alert sent or received to the socket's hook.
func (s *Socket) reportAlert(level alert.Level, desc alert.Description, received bool) {
	if m := s.metrics(); m != nil {
		m.Alert(AlertMetric{Role: s.role.String(), Level: level.String(), Description: desc.String(), Received: received})
	}
}
