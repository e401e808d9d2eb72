package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// DTLS mode (Config.DTLS; RFC 6347). The ≤1.2 machines run DTLS with
// their logic unchanged: internally the version is the TLS version DTLS
// is derived from (TLS 1.2 for DTLS 1.2, TLS 1.1 for DTLS 1.0), so every
// version comparison, suite check and signature format stays as it is.
// What differs is at the machine's edges, all in this file:
//
//   - the hello versions go on the wire as DTLS versions (wireVersion,
//     fromWire), and the ClientHello has the DTLS layout with a cookie;
//   - handshake messages in and out carry the 12-byte DTLS header,
//     unfragmented; the machine counts the message_seq of what it sends
//     and hashes every message in that form (Section 4.2.6);
//   - a client answers a HelloVerifyRequest with the same ClientHello
//     plus the cookie, and neither enters the transcript (Section 4.2.1,
//     4.2.6).
//
// The driver does the rest (fragmentation, reassembly, flights, timers,
// the record layer); SetVersion and Keys carry the TLS version, which the
// driver maps back with wire.TLSVersion's inverse.

// maxHelloVerifyRequests bounds how many HelloVerifyRequests a client
// answers in one handshake: a server asks once; a peer that keeps asking
// is not going to accept the cookie it gets.
const maxHelloVerifyRequests = 3

// dtlsState is the DTLS bookkeeping of a machine; nil outside DTLS.
type dtlsState struct {
	inside bool   // a public call is being handled: no second conversion
	in     []byte // the TLS-form view of the message being handled
	inSeq  uint16 // its message_seq
	// outNext is the message_seq of our next message. A client starts
	// at 0; a server at the message_seq of the ClientHello it answers
	// (1 after a stateless cookie exchange, Section 4.2.2).
	outNext uint16
	started bool
	// sent are the messages recorded for sending since the last public
	// call returned, with the message_seq each was given.
	sent []sentMessage
	hvrs int // HelloVerifyRequests answered
}

type sentMessage struct {
	first *byte
	n     int
	seq   uint16
}

// DTLSVersion is the DTLS version derived from TLS version v (TLS 1.2:
// DTLS 1.2, TLS 1.1: DTLS 1.0), or 0 when there is none.
func DTLSVersion(v uint16) uint16 {
	switch v {
	case wire.VersionTLS12:
		return wire.VersionDTLS12
	case wire.VersionTLS11:
		return wire.VersionDTLS10
	}
	return 0
}

// wireVersion is how version v is written in a hello.
func (s *session) wireVersion(v uint16) uint16 {
	if s.cfg.DTLS {
		return DTLSVersion(v)
	}
	return v
}

// fromWire is the internal version for the ServerHello's version: in DTLS,
// the TLS version the DTLS one is derived from, and 0 (never enabled)
// for anything that is not a DTLS version.
func (s *session) fromWire(v uint16) uint16 {
	if s.dtls == nil {
		return v
	}
	if v != wire.VersionDTLS10 && v != wire.VersionDTLS12 {
		return 0
	}
	return wire.TLSVersion(v)
}

// clientVersion is the internal version for ClientHello.client_version,
// the highest the client supports. In DTLS a version above DTLS 1.2
// (a smaller number: DTLS versions are the one's complement of their
// major and minor, RFC 6347, 4.1) counts as DTLS 1.2, and one between
// DTLS 1.0 and 1.2 as DTLS 1.0: a server answers a newer client with
// the best version it has (RFC 5246, E.1), as it does in TLS. Below
// DTLS 1.0 there is nothing (0).
func (s *session) clientVersion(v uint16) uint16 {
	switch {
	case s.dtls == nil:
		return v
	case v <= wire.VersionDTLS12:
		return wire.VersionTLS12
	case v <= wire.VersionDTLS10:
		return wire.VersionTLS11
	}
	return 0
}

// dtlsEnter starts DTLS bookkeeping on the first public call of a machine
// configured for DTLS, and reports whether this call must be converted
// (it is not already inside a converted one).
func (s *session) dtlsEnter() bool {
	if !s.cfg.DTLS && s.dtls == nil {
		return false
	}
	if s.dtls == nil {
		s.dtls = &dtlsState{}
	}
	return !s.dtls.inside
}

// dtlsCall runs one public call of the machine in DTLS mode: msg (nil for
// Start) arrives in the DTLS form and is handed to handle as a TLS-form
// view, and the SendMessage actions handle returns are put into the DTLS
// form with the message_seq the transcript gave them.
func (s *session) dtlsCall(msg []byte, handle func([]byte) ([]Action, error)) ([]Action, error) {
	d := s.dtls
	d.inside = true
	defer func() { d.inside, d.in, d.sent = false, nil, d.sent[:0] }()
	if msg != nil {
		h, ok := wire.ParseDTLSHeader(msg)
		if !ok || h.FragmentOffset != 0 || h.FragmentLength != h.Length || len(msg) != wire.DTLSHeaderLen+int(h.Length) {
			return nil, alert.New(alert.InternalError, "DTLS handshake message not reassembled")
		}
		if !d.started {
			// A renegotiating server that sent a HelloRequest numbers
			// its first message after it (Server.HandleMessage).
			d.outNext, d.started = max(d.outNext, h.MessageSeq), true
		}
		// The TLS form is the DTLS one without message_seq and the
		// fragment fields: rewrite the last four header bytes as a TLS
		// header and hand out the view from there, without a copy.
		msg = msg[wire.DTLSHeaderLen-wire.HeaderLen:]
		msg[0], msg[1], msg[2], msg[3] = h.Type, byte(h.Length>>16), byte(h.Length>>8), byte(h.Length)
		d.in, d.inSeq = msg, h.MessageSeq
	}
	d.started = true
	acts, err := handle(msg)
	if err != nil {
		return nil, err
	}
	for i := range acts {
		if acts[i].Kind != SendMessage {
			continue
		}
		seq, ok := d.seqOf(acts[i].Data)
		if !ok {
			return nil, alert.New(alert.InternalError, "DTLS: a handshake message was sent but not hashed")
		}
		acts[i].Data = wire.ToDTLS(acts[i].Data, seq)
	}
	return acts, nil
}

func (d *dtlsState) seqOf(msg []byte) (uint16, bool) {
	for _, m := range d.sent {
		if len(msg) > 0 && m.first == &msg[0] && m.n == len(msg) {
			return m.seq, true
		}
	}
	return 0, false
}

// recordDTLS hashes a TLS-form message in the DTLS form (Section 4.2.6:
// as if sent in one fragment). The message being handled gets the
// message_seq it came with; any other is one we are sending, and gets
// our next one.
func (s *session) recordDTLS(msg []byte) {
	d := s.dtls
	seq := d.inSeq
	if len(d.in) == 0 || &msg[0] != &d.in[0] {
		seq = d.outNext
		d.outNext++
		d.sent = append(d.sent, sentMessage{first: &msg[0], n: len(msg), seq: seq})
	}
	n := uint32(len(msg) - wire.HeaderLen)
	var hdr [wire.DTLSHeaderLen]byte
	s.transcript.Write(wire.AppendDTLSHeader(hdr[:0], wire.DTLSHeader{Type: msg[0], Length: n, MessageSeq: seq, FragmentLength: n}))
	s.transcript.Write(msg[wire.HeaderLen:])
}

// handleHelloVerifyRequest answers a HelloVerifyRequest (Section 4.2.1):
// the same ClientHello (same random, session and suites) with the cookie.
// The transcript starts again with it: the first ClientHello and the
// HelloVerifyRequest are not hashed (Section 4.2.6).
func (c *Client) handleHelloVerifyRequest(msg []byte) ([]Action, error) {
	var hvr wire.HelloVerifyRequest
	if !hvr.Unmarshal(msg) {
		return nil, alert.New(alert.DecodeError, "malformed HelloVerifyRequest")
	}
	if hvr.Version != wire.VersionDTLS10 && hvr.Version != wire.VersionDTLS12 {
		return nil, alert.New(alert.ProtocolVersion, "HelloVerifyRequest with version "+wire.VersionName(hvr.Version))
	}
	if c.dtls.hvrs++; c.dtls.hvrs > maxHelloVerifyRequests {
		return nil, alert.New(alert.UnexpectedMessage, "too many HelloVerifyRequests")
	}
	c.hello.Cookie = append([]byte(nil), hvr.Cookie...)
	raw, err := c.hello.Marshal()
	if err != nil {
		return nil, alert.New(alert.InternalError, "marshal ClientHello: "+err.Error())
	}
	c.transcript.Reset()
	c.record(raw)
	return []Action{{Kind: SendMessage, Data: raw}, {Kind: Flush}}, nil
}

// handleDTLS is the client's HandleMessage in DTLS mode: a
// HelloVerifyRequest may come instead of the ServerHello.
func (c *Client) handleDTLS(msg []byte) ([]Action, error) {
	if msg[0] == wire.TypeHelloVerifyRequest && c.state == clientWaitServerHello {
		return c.handleHelloVerifyRequest(msg)
	}
	return c.HandleMessage(msg)
}

// DTLSCookie is the cookie of the client's last ClientHello (the server's
// HelloVerifyRequest's, or Cookie), for the association's next
// handshake.
func (c *Client) DTLSCookie() []byte {
	if c.hello == nil {
		return nil
	}
	return c.hello.Cookie
}
