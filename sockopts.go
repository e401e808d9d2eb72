package ssl

import (
	"errors"
	"fmt"
	"time"
)

// SockOpt is one {Name, Value} pair of setopts/getopts, with Erlang's
// option names and Go values:
//
//	"active"       false, true, "once" (ActiveOnce) or an int N (-32768..32767)
//	"mode"         "binary" or "list"
//	"packet"       0 or "raw", 1, 2, 4, "line"
//	"packet_size"  int, 0 for the default limit
//	"header"       int
//	"nodelay", "keepalive"          bool (passed to the transport)
//	"sndbuf", "recbuf"              int  (passed to the transport)
//	"send_timeout"                  time.Duration, 0 for infinity
//	"delay_send"                    bool (see Options.DelaySend)
//
// Any other name is passed to the transport's Setopts/Getopts when it has
// them (see Transport); otherwise it is an *OptionError.
type SockOpt struct {
	Name  string
	Value any
}

// ActiveOnce is the value "once" of the active option.
const ActiveOnce = "once"

// Default limits for packet framing when packet_size is 0: a header's own
// range for 1 and 2, and defaultMaxPacket for 4 and line, so that a peer
// cannot make a socket buffer without bound.
const defaultMaxPacket = 64 << 20

// Packet types.
const (
	packetRaw  = 0
	packetLine = -1
)

// activeKind is the active option's state.
type activeKind uint8

const (
	activeFalse activeKind = iota
	activeTrue
	activeOnce
	activeN
)

// sockState holds the socket options that shape delivered data. It is
// guarded by the socket's act.mu.
type sockState struct {
	active      activeKind
	list        bool // mode list
	delaySend   bool // wanted: the queue is made at the end of the handshake
	n           int  // the counter of active N
	packet      int  // packetRaw, 1, 2, 4 or packetLine
	packetSize  int
	header      int
	sendTimeout time.Duration
}

// parseActive turns an active value into its kind and counter.
func parseActive(v any) (activeKind, int, error) {
	switch x := v.(type) {
	case nil:
		return activeFalse, 0, nil
	case bool:
		if x {
			return activeTrue, 0, nil
		}
		return activeFalse, 0, nil
	case string:
		switch x {
		case "once":
			return activeOnce, 0, nil
		case "true":
			return activeTrue, 0, nil
		case "false":
			return activeFalse, 0, nil
		}
	case int:
		if x >= -32768 && x <= 32767 {
			return activeN, x, nil
		}
	}
	return 0, 0, badOption("active", v, "must be true, false, once or an integer in -32768..32767")
}

func parsePacket(v any) (int, error) {
	switch x := v.(type) {
	case nil:
		return packetRaw, nil
	case int:
		switch x {
		case 0, 1, 2, 4:
			return x, nil
		}
	case string:
		switch x {
		case "raw", "0":
			return packetRaw, nil
		case "1", "2", "4":
			return int(x[0] - '0'), nil
		case "line":
			return packetLine, nil
		case "asn1", "cdr", "sunrm", "fcgi", "tpkt", "http", "http_bin", "httph", "httph_bin":
			return 0, notSupported("packet", x)
		}
	}
	return 0, badOption("packet", v, "must be 0, raw, 1, 2, 4 or line")
}

func parseMode(v any) (bool, error) {
	switch v {
	case "", "binary", nil:
		return false, nil
	case "list":
		return true, nil
	}
	return false, badOption("mode", v, "must be binary or list")
}

// initialSockState checks the socket-option fields of o.
func (o *Options) initialSockState() (sockState, error) {
	var st sockState
	var err error
	if o == nil {
		st.packetSize = 0
		return st, nil
	}
	if st.active, st.n, err = parseActive(o.Active); err != nil {
		return st, err
	}
	if st.active == activeN && st.n <= 0 {
		st.active, st.n = activeFalse, 0
	}
	if st.list, err = parseMode(o.Mode); err != nil {
		return st, err
	}
	if st.packet, err = parsePacket(o.Packet); err != nil {
		return st, err
	}
	if o.PacketSize < 0 {
		return st, badOption("packet_size", o.PacketSize, "must be a non-negative integer")
	}
	st.packetSize = o.PacketSize
	if o.Header < 0 {
		return st, badOption("header", o.Header, "must be a non-negative integer")
	}
	st.header = o.Header
	if o.SendTimeout < 0 {
		return st, badOption("send_timeout", o.SendTimeout, "must be a non-negative duration")
	}
	st.sendTimeout = o.SendTimeout
	st.delaySend = o.DelaySend
	return st, nil
}

// transportOpts are the socket-option fields passed to the transport at
// connect or accept time.
func (o *Options) transportOpts() []SockOpt {
	if o == nil {
		return nil
	}
	var out []SockOpt
	if o.NoDelay != nil {
		out = append(out, SockOpt{"nodelay", *o.NoDelay})
	}
	if o.KeepAlive != nil {
		out = append(out, SockOpt{"keepalive", *o.KeepAlive})
	}
	if o.SndBuf > 0 {
		out = append(out, SockOpt{"sndbuf", o.SndBuf})
	}
	if o.RecBuf > 0 {
		out = append(out, SockOpt{"recbuf", o.RecBuf})
	}
	return out
}

// Setopts sets socket options: ssl:setopts/2. They take effect at once:
// a new packet type applies to bytes already received and not yet
// delivered; active false stops deliveries before Setopts returns, and a
// message the owner had not taken yet goes back to the socket for Recv.
// Options are applied in order; on an error the earlier ones stay set.
func (s *Socket) Setopts(opts ...SockOpt) error {
	if s.closed.Load() {
		return ErrClosed
	}
	for _, o := range opts {
		if err := s.setopt(o); err != nil {
			return err
		}
	}
	return nil
}

func (s *Socket) setopt(o SockOpt) error {
	switch o.Name {
	case "active":
		k, n, err := parseActive(o.Value)
		if err != nil {
			return err
		}
		s.setActive(k, n)
		return nil
	case "mode", "packet", "packet_size", "header", "send_timeout":
		return s.setShape(o)
	case "delay_send":
		on, ok := o.Value.(bool)
		if !ok {
			return badOption(o.Name, o.Value, "must be true or false")
		}
		return s.setDelaySend(on)
	}
	if err := transportSetopts(s.conn, o); err != nil {
		return err
	}
	return nil
}

// setShape sets an option that changes how data is framed or delivered.
func (s *Socket) setShape(o SockOpt) error {
	var apply func(st *sockState)
	switch o.Name {
	case "mode":
		list, err := parseMode(o.Value)
		if err != nil {
			return err
		}
		apply = func(st *sockState) { st.list = list }
	case "packet":
		p, err := parsePacket(o.Value)
		if err != nil {
			return err
		}
		apply = func(st *sockState) { st.packet = p }
	case "packet_size", "header":
		n, ok := o.Value.(int)
		if !ok || n < 0 {
			return badOption(o.Name, o.Value, "must be a non-negative integer")
		}
		if o.Name == "header" {
			apply = func(st *sockState) { st.header = n }
		} else {
			apply = func(st *sockState) { st.packetSize = n }
		}
	case "send_timeout":
		var d time.Duration
		switch x := o.Value.(type) {
		case time.Duration:
			d = x
		case int:
			d = time.Duration(x) * time.Millisecond
		case string:
			if x != "infinity" {
				return badOption(o.Name, o.Value, "must be a duration or infinity")
			}
		default:
			return badOption(o.Name, o.Value, "must be a duration or infinity")
		}
		if d < 0 {
			return badOption(o.Name, o.Value, "must be non-negative")
		}
		apply = func(st *sockState) { st.sendTimeout = d }
	}
	s.act.lock()
	apply(&s.act.st)
	s.act.unlock()
	return nil
}

// Getopts returns socket options: ssl:getopts/2. Names are those of
// SockOpt; other names are asked of the transport.
func (s *Socket) Getopts(names ...string) ([]SockOpt, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	s.act.lock()
	st := s.act.st
	s.act.unlock()
	var out []SockOpt
	for _, n := range names {
		var v any
		switch n {
		case "active":
			switch st.active {
			case activeFalse:
				v = false
			case activeTrue:
				v = true
			case activeOnce:
				v = ActiveOnce
			case activeN:
				v = st.n
			}
		case "mode":
			v = "binary"
			if st.list {
				v = "list"
			}
		case "packet":
			switch st.packet {
			case packetRaw:
				v = 0
			case packetLine:
				v = "line"
			default:
				v = st.packet
			}
		case "packet_size":
			v = st.packetSize
		case "header":
			v = st.header
		case "send_timeout":
			v = st.sendTimeout
		case "delay_send":
			v = st.delaySend
		default:
			tv, err := transportGetopt(s.conn, n)
			if err != nil {
				return nil, err
			}
			v = tv
		}
		out = append(out, SockOpt{n, v})
	}
	return out, nil
}

// ErrEinval is Erlang's {error, einval}, returned by Recv and Read on a
// socket in active mode; errors.Is(err, ErrEinval) tests for it.
var ErrEinval = errors.New("einval")

// ErrEmsgsize is Erlang's {error, emsgsize}: a packet longer than
// packet_size, or too long for its header.
var ErrEmsgsize = errors.New("emsgsize")

func errActiveRecv() error {
	return fmt.Errorf("%w: recv on a socket in active mode", ErrEinval)
}
