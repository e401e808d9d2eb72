package ssl

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// SockOpt is one {Name, Value} pair of setopts/getopts, with Erlang's
// option names and Go values:
//
//	"active"       false, true, "once" (ActiveOnce) or an int N (-32768..32767)
//	"mode"         "binary" or "list"
//	"packet"       0 or "raw", 1, 2, 4, "line", "asn1", "cdr", "sunrm", "fcgi", "tpkt"
//	"packet_size"  int, 0 for the default limit
//	"header"       int
//	"nodelay", "keepalive"          bool (passed to the transport)
//	"sndbuf", "recbuf"              int  (passed to the transport)
//	"send_timeout"                  time.Duration, 0 for infinity
//	"delay_send"                    bool (see Options.DelaySend)
//	"exit_on_close"                 bool (see Options.ExitOnClose)
//
// Any other name is passed to the transport's Setopts/Getopts when it has
// them (see Transport); otherwise it is an *OptionError.
type SockOpt struct {
	Name  string
	Value any
}

// ActiveMode is a typed value of the active option (Options.Active and
// SockOpt "active"), for programs that want the compiler to check it:
// ActiveFalse, ActiveTrue, ActiveOnce or ActiveN(n). The Erlang-shaped
// values (false, true, "once", an int) keep working; anything else is
// refused with the list of valid values.
type ActiveMode string

const (
	// ActiveFalse is {active, false}: passive, the Go default.
	ActiveFalse ActiveMode = "false"
	// ActiveTrue is {active, true}.
	ActiveTrue ActiveMode = "true"
	// ActiveOnce is {active, once}.
	ActiveOnce ActiveMode = "once"
)

// ActiveN is {active, N}: its type bounds N to -32768..32767, the range
// Erlang allows, so a constant out of range does not compile.
func ActiveN(n int16) ActiveMode { return ActiveMode(strconv.Itoa(int(n))) }

// PacketType is a typed value of the packet option (Options.Packet and
// SockOpt "packet"); the Erlang-shaped values (0, 1, 2, 4, "raw",
// "line") keep working.
type PacketType string

const (
	PacketRaw  PacketType = "raw"  // {packet, raw} (or 0): no framing
	Packet1    PacketType = "1"    // {packet, 1}: a 1-byte length header
	Packet2    PacketType = "2"    // {packet, 2}: a 2-byte length header
	Packet4    PacketType = "4"    // {packet, 4}: a 4-byte length header
	PacketLine PacketType = "line" // {packet, line}: newline-ended packets
)

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
	active    activeKind
	list      bool // mode list
	delaySend bool // wanted: the queue is made at the end of the handshake
	// halfClose is exit_on_close false: the peer's close_notify ends
	// only the read side (Options.ExitOnClose).
	halfClose   bool
	n           int // the counter of active N
	packet      int // packetRaw, 1, 2, 4, packetLine or a header type (packet_types.go)
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
	case ActiveMode:
		if n, err := strconv.Atoi(string(x)); err == nil && n >= -32768 && n <= 32767 {
			return activeN, n, nil
		}
		return parseActive(string(x))
	}
	return 0, 0, badOption("active", v, "must be true, false, \"once\" or an int in -32768..32767, or typed: ssl.ActiveFalse, ssl.ActiveTrue, ssl.ActiveOnce, ssl.ActiveN(n)"+goType(v))
}

// goType names v's Go type in a refusal when it is not the type of a
// valid value (int64(4) where an int is wanted): ", not a T".
func goType(v any) string {
	switch v.(type) {
	case nil, bool, int, string, ActiveMode, PacketType:
		return ""
	}
	return fmt.Sprintf(", not a %T", v)
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
	case PacketType:
		return parsePacket(string(x))
	case string:
		switch x {
		case "raw", "0":
			return packetRaw, nil
		case "1", "2", "4":
			return int(x[0] - '0'), nil
		case "line":
			return packetLine, nil
		case "asn1", "cdr", "sunrm", "fcgi", "tpkt":
			return headerPacketTypes[x], nil
		case "http", "http_bin", "httph", "httph_bin":
			return 0, notSupported("packet", x)
		}
	}
	return 0, badOption("packet", v, "must be 0, 1, 2, 4 (ints), \"raw\", \"line\", \"asn1\", \"cdr\", \"sunrm\", \"fcgi\" or \"tpkt\", or typed: ssl.PacketRaw, ssl.Packet1, ssl.Packet2, ssl.Packet4, ssl.PacketLine, ssl.PacketASN1, ..."+goType(v))
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
	st.halfClose = o.ExitOnClose != nil && !*o.ExitOnClose
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
//
// As in Erlang, the list is applied as a whole or not at all: every
// option is checked first, and an invalid one anywhere leaves them all
// unset. gossl's own options then change together, with no delivery in
// between ({active, 5} followed by {active, -4} is {active, 1}). The
// transport's options are set before them; only a custom Transport's
// Setopts can fail there, after the ones before it in the list.
func (s *Socket) Setopts(opts ...SockOpt) error {
	if s.closed.Load() {
		return ErrClosed
	}
	edits := make([]sockEdit, 0, len(opts))
	var transport []SockOpt
	takeOut := false
	for _, o := range opts {
		takeOut = takeOut || o.Name == "delay_send"
		e, err := sockEditFor(o)
		if err != nil {
			return err
		}
		if e != nil {
			edits = append(edits, e)
			continue
		}
		if err := transportCheck(s.conn, o); err != nil {
			return err
		}
		transport = append(transport, o)
	}
	for _, o := range transport {
		if err := transportSetopts(s.conn, o); err != nil {
			return err
		}
	}
	return s.applySockEdits(edits, takeOut)
}

// sockEdit is one checked option of a setopts list: its change to the
// socket's options, made with the others of the list under act.mu.
type sockEdit func(st *sockState, ch *sockChange)

// sockChange is what a setopts list changed beyond the sockState.
type sockChange struct {
	active     bool // an active option was given
	passiveDue bool // the last one took {active, N} to 0 or below
	delaySend  bool // delay_send was given
}

// activeEdit is {active, k} (with counter n for N): N adds to the
// counter of an active N socket, and a result <= 0 is passive with an
// SSLPassive message, as in Erlang.
func activeEdit(k activeKind, n int) sockEdit {
	return func(st *sockState, ch *sockChange) {
		k, n := k, n
		ch.active, ch.passiveDue = true, false
		if k == activeN {
			if st.active == activeN {
				n += st.n
			}
			n = min(n, 32767)
			if n <= 0 {
				k, n = activeFalse, 0
				ch.passiveDue = true
			}
		}
		st.active, st.n = k, n
	}
}

// sockEditFor checks one option and returns its edit, or nil for an
// option of the transport.
func sockEditFor(o SockOpt) (sockEdit, error) {
	nonNegative := func() (int, error) {
		n, ok := o.Value.(int)
		if !ok || n < 0 {
			return 0, badOption(o.Name, o.Value, "must be a non-negative integer")
		}
		return n, nil
	}
	boolean := func() (bool, error) {
		b, ok := o.Value.(bool)
		if !ok {
			return false, badOption(o.Name, o.Value, "must be true or false")
		}
		return b, nil
	}
	switch o.Name {
	case "active":
		k, n, err := parseActive(o.Value)
		if err != nil {
			return nil, err
		}
		return activeEdit(k, n), nil
	case "mode":
		list, err := parseMode(o.Value)
		return func(st *sockState, _ *sockChange) { st.list = list }, err
	case "packet":
		p, err := parsePacket(o.Value)
		return func(st *sockState, _ *sockChange) { st.packet = p }, err
	case "packet_size":
		n, err := nonNegative()
		return func(st *sockState, _ *sockChange) { st.packetSize = n }, err
	case "header":
		n, err := nonNegative()
		return func(st *sockState, _ *sockChange) { st.header = n }, err
	case "send_timeout":
		d, err := parseSendTimeout(o.Value)
		return func(st *sockState, _ *sockChange) { st.sendTimeout = d }, err
	case "delay_send":
		on, err := boolean()
		return func(st *sockState, ch *sockChange) { st.delaySend, ch.delaySend = on, true }, err
	case "exit_on_close":
		on, err := boolean()
		return func(st *sockState, _ *sockChange) { st.halfClose = !on }, err
	}
	return nil, nil
}

func parseSendTimeout(v any) (time.Duration, error) {
	var d time.Duration
	switch x := v.(type) {
	case time.Duration:
		d = x
	case int:
		d = time.Duration(x) * time.Millisecond
	case string:
		if x != "infinity" {
			return 0, badOption("send_timeout", v, "must be a duration or infinity")
		}
	default:
		return 0, badOption("send_timeout", v, "must be a duration or infinity")
	}
	if d < 0 {
		return 0, badOption("send_timeout", v, "must be non-negative")
	}
	return d, nil
}

// applySockEdits makes the changes of a checked setopts list under
// act.mu, which the delivering goroutine takes to read the options: it
// sees the options before the list or after it, never in between.
// With delay_send (takeOut) it takes out first, as writers find the
// queue under it.
func (s *Socket) applySockEdits(edits []sockEdit, takeOut bool) error {
	if takeOut {
		s.out.Lock()
		defer s.out.Unlock()
	}
	var ch sockChange
	a := &s.act
	a.lock()
	st := a.st
	for _, e := range edits {
		e(&st, &ch)
	}
	if s.dtls() != nil {
		if err := checkDTLSSockState(st); err != nil {
			a.unlock()
			return err
		}
	}
	a.st = st
	if ch.active {
		a.passiveDue = a.passiveDue || ch.passiveDue
		if st.active == activeFalse {
			s.quiesceLocked(true)
		}
		if (st.active != activeFalse || a.passiveDue) && s.hsDone.Load() && s.hsErr == nil {
			s.startActiveLocked()
		}
		signal(a.wake)
	}
	a.unlock()
	if ch.delaySend {
		return s.switchSendQueueLocked(st.delaySend)
	}
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
			v = packetName(st.packet)
		case "packet_size":
			v = st.packetSize
		case "header":
			v = st.header
		case "send_timeout":
			v = st.sendTimeout
		case "delay_send":
			v = st.delaySend
		case "exit_on_close":
			v = !st.halfClose
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
