package ssl

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
)

// earlyServer is what a server machine tells the driver about 0-RTT.
type earlyServer interface {
	AcceptingEarlyData() bool
	SkippingEarlyData() bool
	MaxEarlyData() int
}

// earlyData collects a server's accepted 0-RTT data during the handshake
// and counts the refused records it skips (RFC 8446, 4.2.10), both
// bounded by max_early_data_size.
type earlyData struct {
	data    []byte
	skipped int
}

// take keeps an application data record received during the handshake
// if it is accepted 0-RTT data, or drops it if it is refused 0-RTT data
// (sent before a HelloRetryRequest was seen). It reports whether the
// record was consumed.
func (e *earlyData) take(m handshake.Machine, data []byte) (bool, error) {
	es, ok := m.(earlyServer)
	if !ok {
		return false, nil
	}
	switch {
	case es.AcceptingEarlyData():
		if len(e.data)+len(data) > es.MaxEarlyData() {
			return true, alert.New(alert.UnexpectedMessage, "early data beyond max_early_data_size")
		}
		e.data = append(e.data, data...)
		return true, nil
	case es.SkippingEarlyData():
		return e.skip(m), nil
	}
	return false, nil
}

// skip reports whether a record that could not be read may be skipped as
// refused 0-RTT data: at most as many records as max_early_data_size
// bytes could fill with the smallest records.
func (e *earlyData) skip(m handshake.Machine) bool {
	es, ok := m.(earlyServer)
	if !ok || !es.SkippingEarlyData() {
		return false
	}
	e.skipped++
	return e.skipped <= es.MaxEarlyData()/16+16
}
