package ssl

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// maxKeyUpdates is how many KeyUpdates may come in a row after the
// handshake (BoringSSL: 32): each costs a key derivation, and one that
// requests an update also a write of ours.
const maxKeyUpdates = 32

// postLimits counts, after the handshake, what brings no application
// data, by kind, with the bounds the handshake uses (hslimits.go):
// empty records, warning alerts and KeyUpdates in a row. countIdle's
// overall bound still covers every record and message without data.
// Guarded by in; the fields sit in tlsState's padding.
type postLimits struct {
	empty, warnings, keyUpdates uint8
}

// gotData resets the counts of records without data.
func (s *Socket) gotData() {
	s.idleRecords = 0
	s.tls.limits = postLimits{}
}

// countRecord counts a record that brought no application data to the
// reader. A handshake record is not counted as such: a message may be
// split into records of a byte each (RFC 8446, 5.1), so its messages
// are counted, each once complete (handlePostHandshake), and a message
// cannot outgrow max_handshake_size.
func (s *Socket) countRecord(typ uint8, data []byte) error {
	l := &s.tls.limits
	if typ != wire.TypeAlert {
		l.warnings = 0
	}
	if len(data) > 0 {
		l.empty = 0
	}
	var e *alert.Error
	switch {
	case typ == wire.TypeApplicationData:
		e = bump(&l.empty, maxEmptyRecords, "too many empty records")
	case typ == wire.TypeAlert && len(data) == 2 && alert.Level(data[0]) == alert.Warning:
		e = bump(&l.warnings, maxWarningAlerts, "too many warning alerts in a row")
	case typ == wire.TypeHandshake:
		return nil
	}
	if e != nil {
		return s.sendFatal(e)
	}
	return s.countIdle()
}

// countKeyUpdate counts a KeyUpdate; application data resets the count.
func (s *Socket) countKeyUpdate() error {
	if e := bump(&s.tls.limits.keyUpdates, maxKeyUpdates, "too many KeyUpdates in a row"); e != nil {
		return s.sendFatal(e)
	}
	return nil
}
