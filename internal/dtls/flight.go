package dtls

import (
	"errors"
	"time"

	"github.com/gossl/ssl/internal/wire"
)

// minFragment is the smallest handshake fragment body worth a record of
// its own: when less room than this is left in a datagram (and the rest
// of the message is bigger), the next fragment starts a new datagram
// instead of spending 25 bytes of headers on a sliver.
const minFragment = 64

// Fragment cuts a message in the unfragmented DTLS form (12-byte header,
// then the body) into fragments of at most maxBody body bytes each, every
// one with the full header and its own fragment_offset and
// fragment_length (RFC 6347, Section 4.2.3). A message with an empty body
// is one fragment.
func Fragment(msg []byte, maxBody int) ([][]byte, error) {
	h, ok := wire.ParseDTLSHeader(msg)
	if !ok || h.FragmentOffset != 0 || h.FragmentLength != h.Length || len(msg) != wire.DTLSHeaderLen+int(h.Length) {
		return nil, errors.New("dtls: not a whole DTLS handshake message")
	}
	if maxBody <= 0 {
		return nil, errors.New("dtls: MTU too small for a handshake fragment")
	}
	body := msg[wire.DTLSHeaderLen:]
	var out [][]byte
	for off := 0; ; {
		n := min(maxBody, len(body)-off)
		out = append(out, appendFragment(nil, h, body, off, n))
		if off += n; off >= len(body) {
			return out, nil
		}
	}
}

// appendFragment appends the fragment [off, off+n) of a message with
// header h and body body to dst.
func appendFragment(dst []byte, h wire.DTLSHeader, body []byte, off, n int) []byte {
	h.FragmentOffset, h.FragmentLength = uint32(off), uint32(n)
	dst = wire.AppendDTLSHeader(dst, h)
	return append(dst, body[off:off+n]...)
}

// flightMsg is one message of a flight: a handshake message in the
// unfragmented DTLS form, or a ChangeCipherSpec, with the epoch it is
// sent in.
type flightMsg struct {
	epoch uint16
	typ   uint8
	data  []byte
}

// Flight is the last flight a side sent, kept as plaintext messages with
// their epochs so that it can be packed and sealed again, with fresh
// sequence numbers, each time it is retransmitted (RFC 6347, Section
// 4.2.4). The driver starts a new Flight when it sends the first message
// of its next flight, which is also when it knows the peer received the
// previous one.
type Flight struct {
	msgs []flightMsg
}

// Reset empties the flight.
func (f *Flight) Reset() { f.msgs = f.msgs[:0] }

// Len is the number of messages in the flight.
func (f *Flight) Len() int { return len(f.msgs) }

// AddHandshake appends a handshake message (unfragmented DTLS form) to be
// sent in epoch. The flight keeps msg; the caller must not change it.
func (f *Flight) AddHandshake(epoch uint16, msg []byte) {
	f.msgs = append(f.msgs, flightMsg{epoch: epoch, typ: wire.TypeHandshake, data: msg})
}

// AddChangeCipherSpec appends a ChangeCipherSpec, sent in epoch (the
// epoch before the one it announces).
func (f *Flight) AddChangeCipherSpec(epoch uint16) {
	f.msgs = append(f.msgs, flightMsg{epoch: epoch, typ: wire.TypeChangeCipherSpec, data: []byte{1}})
}

// Datagrams seals the flight with s into datagrams of at most mtu bytes:
// records are packed several to a datagram, and handshake messages are
// fragmented where they do not fit (RFC 6347, Section 4.1.1 and 4.2.3).
// Each call uses new record sequence numbers, as a retransmission must.
func (f *Flight) Datagrams(s *Sealer, mtu int) ([][]byte, error) {
	var out [][]byte
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	}
	// room is the record payload that still fits in the current
	// datagram for epoch, starting a new datagram when too little does.
	room := func(epoch uint16, want int) int {
		n := s.MaxPlaintext(epoch, mtu-len(cur))
		if n < want && n < minFragment+wire.DTLSHeaderLen {
			flush()
			n = s.MaxPlaintext(epoch, mtu)
		}
		return n
	}
	sealInto := func(epoch uint16, typ uint8, payload []byte) error {
		if cur == nil {
			cur = make([]byte, 0, mtu)
		}
		var err error
		cur, err = s.Seal(cur, epoch, typ, payload)
		return err
	}
	var frag []byte
	for _, m := range f.msgs {
		if m.typ != wire.TypeHandshake {
			if room(m.epoch, len(m.data)) < len(m.data) {
				return nil, errors.New("dtls: MTU too small for a record")
			}
			if err := sealInto(m.epoch, m.typ, m.data); err != nil {
				return nil, err
			}
			continue
		}
		h, _ := wire.ParseDTLSHeader(m.data)
		body := m.data[wire.DTLSHeaderLen:]
		for off := 0; ; {
			rest := len(body) - off
			n := room(m.epoch, wire.DTLSHeaderLen+rest) - wire.DTLSHeaderLen
			if n <= 0 && rest > 0 {
				return nil, errors.New("dtls: MTU too small for a handshake fragment")
			}
			n = min(n, rest)
			frag = appendFragment(frag[:0], h, body, off, n)
			if err := sealInto(m.epoch, wire.TypeHandshake, frag); err != nil {
				return nil, err
			}
			if off += n; off >= len(body) {
				break
			}
		}
	}
	flush()
	return out, nil
}

// Retransmission timer values (RFC 6347, Section 4.2.4.1): start at 1 s,
// double at each expiry, up to 60 s.
const (
	DefaultRetransmitTimeout = time.Second
	MaxRetransmitTimeout     = 60 * time.Second
)

// Timer is the retransmission timer of RFC 6347, Section 4.2.4. It holds
// no clock: the driver passes the time in and sets Deadline as its read
// deadline.
type Timer struct {
	initial  time.Duration
	cur      time.Duration
	deadline time.Time
	armed    bool
}

// NewTimer returns a stopped timer whose first period is initial (the
// retransmission timeout option; 0 means 1 s). initial is capped at 60 s.
func NewTimer(initial time.Duration) *Timer {
	if initial <= 0 {
		initial = DefaultRetransmitTimeout
	}
	initial = min(initial, MaxRetransmitTimeout)
	return &Timer{initial: initial, cur: initial}
}

// Start arms the timer for the current period from now: a flight was
// just sent.
func (t *Timer) Start(now time.Time) {
	t.deadline, t.armed = now.Add(t.cur), true
}

// Deadline is when the timer expires; ok is false when it is stopped.
func (t *Timer) Deadline() (deadline time.Time, ok bool) { return t.deadline, t.armed }

// Period is the current timer period.
func (t *Timer) Period() time.Duration { return t.cur }

// Expired reports whether the timer has run out at now. When it has, the
// period doubles (up to 60 s) and the timer is rearmed: the driver
// retransmits its flight.
func (t *Timer) Expired(now time.Time) bool {
	if !t.armed || now.Before(t.deadline) {
		return false
	}
	t.cur = min(2*t.cur, MaxRetransmitTimeout)
	t.Start(now)
	return true
}

// Stop stops the timer because the peer answered the flight. After an
// answer that needed no retransmission the period returns to its initial
// value; after one that did, the backed-off value is kept for the next
// flight, as Section 4.2.4.1 advises ("retain the current timer value
// until a transmission without loss occurs").
func (t *Timer) Stop(retransmitted bool) {
	t.armed = false
	if !retransmitted {
		t.cur = t.initial
	}
}

// Reset stops the timer and returns it to its initial period: the
// handshake is over.
func (t *Timer) Reset() {
	t.armed, t.cur = false, t.initial
}
