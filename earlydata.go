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
	OffersEarlyData() bool
}

// earlyData collects a server's accepted 0-RTT data during the handshake
// and counts the refused records it skips (RFC 8446, 4.2.10), both
// bounded by max_early_data_size.
type earlyData struct {
	data         []byte
	skipped      int // records skipped
	skippedBytes int // their protected length
}

// Bounds on skipped 0-RTT data. RFC 8446, 4.2.10: a server that refuses
// 0-RTT data skips the records that do not open "up to the configured
// max_early_data_size", and max_early_data_size counts plaintext (4.6.1),
// which a skipped record does not show. So a record counts with its
// protected length, less recordExpansion: RFC 8446, 5.2's most a record
// may add to its content (AEAD tag, content type, padding), so that a
// client sending what our ticket allowed is never cut. A configuration
// that allows no 0-RTT data advertised none: a client sending some has a
// ticket from elsewhere or none at all, and gets maxSkippedUnoffered bytes
// as they come, as BoringSSL's bound. Records are bounded too, so tiny
// ones cannot make a long series.
const (
	recordExpansion     = 256
	maxSkippedUnoffered = 16384
)

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
		return e.skip(m, len(data))
	}
	return false, nil
}

// skip reports whether a record of n protected bytes that could not be
// read may be skipped as refused 0-RTT data; past the bounds above it is
// unexpected_message (RFC 8446, 4.2.10; 4.6.1 names that alert for too
// much 0-RTT data).
func (e *earlyData) skip(m handshake.Machine, n int) (bool, error) {
	es, ok := m.(earlyServer)
	if !ok || !es.SkippingEarlyData() {
		return false, nil
	}
	e.skipped++
	e.skippedBytes += n
	limit := maxSkippedUnoffered
	if es.OffersEarlyData() {
		limit = es.MaxEarlyData() + e.skipped*recordExpansion
	}
	if e.skipped > es.MaxEarlyData()/16+16 || e.skippedBytes > limit {
		return false, alert.New(alert.UnexpectedMessage, "more refused 0-RTT data than max_early_data_size")
	}
	return true, nil
}
