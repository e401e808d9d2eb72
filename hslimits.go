package ssl

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// Records and messages that move a handshake no step further cost the
// receiver a read and, under keys, a decryption each; without a bound a
// peer could stream them for as long as the handshake timeout lets it
// (or forever, without one). The bounds follow BoringSSL's where it has
// one; each is far above what a correct peer sends.
const (
	// maxWarningAlerts is how many warning alerts may come in a row
	// (BoringSSL: 4). Under TLS 1.3 only user_canceled can be a warning
	// at all (RFC 8446, Section 6).
	maxWarningAlerts = 4
	// maxEmptyRecords is how many empty records (accepted 0-RTT data of
	// no bytes: no other record may be empty during a handshake) may
	// come in a row (BoringSSL: 32).
	maxEmptyRecords = 32
	// maxCompatCCS is how many compatibility ChangeCipherSpec records a
	// TLS 1.3 handshake takes: a peer sends one, before its second
	// flight or right after its first ClientHello (RFC 8446, D.4).
	maxCompatCCS = 1
	// maxHelloRequests is how many HelloRequests a client ignores while
	// it negotiates (RFC 5246, 7.4.1.1): a server sends one, and only to
	// ask for a renegotiation.
	maxHelloRequests = 4
)

// hsLimits counts, during one handshake, what the bounds above limit.
type hsLimits struct {
	warnings      uint8 // warning alerts in a row
	empty         uint8 // empty records in a row
	compatCCS     uint8 // ChangeCipherSpec records the machine dropped
	helloRequests uint8 // HelloRequests the machine ignored
}

// record counts one record of type typ and length n as it comes in, and
// says when the peer went past a bound.
func (l *hsLimits) record(typ uint8, n int) *alert.Error {
	if typ != wire.TypeAlert {
		l.warnings = 0
	}
	if n > 0 {
		l.empty = 0
		return nil
	}
	return bump(&l.empty, maxEmptyRecords, "too many empty records")
}

// bump counts one more of what *n counts and says when it passes max.
func bump(n *uint8, max uint8, reason string) *alert.Error {
	if *n < 255 {
		*n++
	}
	if *n > max {
		return alert.New(alert.UnexpectedMessage, reason)
	}
	return nil
}

// warning counts a warning alert the handshake goes on after.
func (l *hsLimits) warning() *alert.Error {
	return bump(&l.warnings, maxWarningAlerts, "too many warning alerts in a row")
}

// droppedCCS counts a compatibility ChangeCipherSpec (one the machine
// took without an action: only TLS 1.3 drops them).
func (l *hsLimits) droppedCCS() *alert.Error {
	return bump(&l.compatCCS, maxCompatCCS, "more than one compatibility ChangeCipherSpec")
}

// helloRequest counts a HelloRequest a client received while it
// negotiates.
func (l *hsLimits) helloRequest() *alert.Error {
	return bump(&l.helloRequests, maxHelloRequests, "too many HelloRequests during the handshake")
}

// handshakeAlert decides what an alert received during a handshake
// does. A warning the handshake goes on after gives (nil, nil); any
// other alert ends the handshake: a fatal one, close_notify, and under
// TLS 1.3 every warning but user_canceled (RFC 8446, Section 6: "all
// alerts ... MUST be treated as error alerts when received regardless of
// the AlertLevel", except close_notify and user_canceled), which is
// returned as received. A malformed or one warning too many is an alert
// of our own to send.
func (s *Socket) handshakeAlert(l *hsLimits, data []byte) (*Alert, *alert.Error) {
	if len(data) != 2 {
		return nil, alert.New(alert.DecodeError, "malformed alert")
	}
	level, desc := alert.Level(data[0]), alert.Description(data[1])
	s.reportAlert(level, desc, true)
	tls13 := s.rd.Version() == wire.VersionTLS13
	if level == alert.Warning && desc != alert.CloseNotify && !(tls13 && errorWarning13(level, desc)) {
		return nil, l.warning()
	}
	return s.remoteAlert(level, desc), nil
}

// errorWarning13 reports whether a received alert ends a TLS 1.3
// connection although it came as a warning: every alert but
// close_notify and user_canceled (RFC 8446, Section 6). OpenSSL and
// BoringSSL treat them so too.
func errorWarning13(level alert.Level, desc alert.Description) bool {
	return level == alert.Warning && desc != alert.CloseNotify && desc != alert.UserCanceled
}

// checkCCS checks a ChangeCipherSpec record: a single byte of value 1
// (RFC 5246, 7.1), never in the middle of a handshake message. A wrong
// one is unexpected_message, as OpenSSL and BoringSSL send: the record
// is not a ChangeCipherSpec at all rather than a malformed one.
func (s *Socket) checkCCS(data []byte) *alert.Error {
	if len(data) != 1 || data[0] != 1 {
		return alert.New(alert.UnexpectedMessage, "malformed ChangeCipherSpec")
	}
	if s.in.hbuf.Len() != 0 {
		return alert.New(alert.UnexpectedMessage, "ChangeCipherSpec inside a handshake message")
	}
	return nil
}
