package dtls

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// reassemblyWindow is how many messages past the next expected one are
// buffered. A flight has at most about eight messages (ServerHello,
// Certificate, CertificateStatus, ServerKeyExchange, CertificateRequest,
// ServerHelloDone, or a client's Certificate ... Finished), so a whole
// flight that arrives out of order is kept; anything further ahead is
// dropped and comes again with the next retransmission.
const reassemblyWindow = 16

// maxRanges bounds the list of received byte ranges of one message: a
// peer sending many tiny disjoint fragments cannot make it grow without
// bound. A fragment that would need more ranges is dropped (the peer's
// retransmission then fills the gaps with larger fragments).
const maxRanges = 32

// partial is one handshake message being reassembled.
type partial struct {
	typ    uint8
	length uint32
	// msg is the whole message in the unfragmented DTLS form: the 12-byte
	// header with fragment_offset 0 and fragment_length = length, then
	// the body as it arrives.
	msg []byte
	// ranges are the received body byte ranges, sorted, disjoint and not
	// adjacent: [start, end) pairs.
	ranges [][2]uint32
}

func (p *partial) complete() bool {
	return p.length == 0 || len(p.ranges) == 1 && p.ranges[0] == [2]uint32{0, p.length}
}

// add merges the received range [start, end) into p.ranges. It reports
// false when that would take more than maxRanges ranges.
func (p *partial) add(start, end uint32) bool {
	if start == end {
		return true
	}
	out := make([][2]uint32, 0, len(p.ranges)+1)
	placed := false
	for _, r := range p.ranges {
		switch {
		case r[1] < start: // entirely before, not touching
			out = append(out, r)
		case r[0] > end: // entirely after
			if !placed {
				out = append(out, [2]uint32{start, end})
				placed = true
			}
			out = append(out, r)
		default: // overlapping or adjacent: merge into [start, end)
			start, end = min(start, r[0]), max(end, r[1])
		}
	}
	if !placed {
		out = append(out, [2]uint32{start, end})
	}
	if len(out) > maxRanges {
		return false
	}
	p.ranges = out
	return true
}

// Reassembler turns the handshake fragments of DTLS records into whole
// handshake messages, delivered strictly in message_seq order (RFC 6347,
// Section 4.2.2). Fragments may come in any order, overlap, or repeat.
// Each message is bounded by the max_handshake_size given to
// NewReassembler before anything is allocated for it, and the bytes held
// for messages not yet complete by twice that.
//
// Messages come out in the form the transcript hashes (Section 4.2.6):
// the 12-byte header with fragment_offset 0 and fragment_length equal to
// the length, then the body.
type Reassembler struct {
	next      uint16 // message_seq of the next message to deliver
	max       uint32 // largest message body accepted
	held      uint64 // bytes allocated for messages in slots
	slots     [reassemblyWindow]*partial
	discarded uint64
}

// NewReassembler returns a Reassembler that expects message_seq next
// first (0 for a client; for a server, the message_seq of the ClientHello
// that carried a valid cookie) and accepts messages of up to max body
// bytes (max_handshake_size).
func NewReassembler(next uint16, max int) *Reassembler {
	if max <= 0 || max > 1<<24-1 {
		max = 1<<24 - 1
	}
	return &Reassembler{next: next, max: uint32(max)}
}

// Discarded counts the fragments dropped so far: malformed, outside the
// window, inconsistent with earlier fragments of the same message, or
// over the memory bound.
func (r *Reassembler) Discarded() uint64 { return r.discarded }

// NextSeq is the message_seq of the next message Next will return.
func (r *Reassembler) NextSeq() uint16 { return r.next }

// Add takes the payload of one handshake record, which holds one or more
// fragments. old reports that a fragment belonged to a message already
// delivered: the peer is retransmitting, so our last flight was probably
// lost (RFC 6347, Section 4.2.4). A malformed fragment ends the payload
// and is dropped silently like an invalid record (Section 4.1.2.7); a
// message longer than max_handshake_size is an error with the
// handshake_failure alert, as in TLS.
func (r *Reassembler) Add(payload []byte) (old bool, err error) {
	for len(payload) > 0 {
		h, ok := wire.ParseDTLSHeader(payload)
		if !ok || len(payload)-wire.DTLSHeaderLen < int(h.FragmentLength) {
			r.discarded++
			return old, nil
		}
		body := payload[wire.DTLSHeaderLen : wire.DTLSHeaderLen+int(h.FragmentLength)]
		payload = payload[wire.DTLSHeaderLen+int(h.FragmentLength):]
		d := h.MessageSeq - r.next // wraps: "behind" is the upper half
		switch {
		case d >= 1<<15:
			old = true
			continue
		case d >= reassemblyWindow:
			r.discarded++
			continue
		}
		if h.Length > r.max {
			return old, alert.New(alert.HandshakeFailure, "handshake message larger than max_handshake_size")
		}
		r.addFragment(int(d), h, body)
	}
	return old, nil
}

func (r *Reassembler) addFragment(slot int, h wire.DTLSHeader, body []byte) {
	p := r.slots[slot]
	if p == nil {
		size := uint64(wire.DTLSHeaderLen) + uint64(h.Length)
		if r.held+size > 2*uint64(r.max)+wire.DTLSHeaderLen*reassemblyWindow {
			r.discarded++
			return
		}
		p = &partial{typ: h.Type, length: h.Length, msg: make([]byte, 0, size)}
		p.msg = wire.AppendDTLSHeader(p.msg, wire.DTLSHeader{Type: h.Type, Length: h.Length, MessageSeq: h.MessageSeq, FragmentLength: h.Length})
		p.msg = p.msg[:size]
		r.held += size
		r.slots[slot] = p
	}
	// Every fragment of a message must agree on what the message is
	// (Section 4.2.2); a disagreeing one is forged or broken.
	if h.Type != p.typ || h.Length != p.length {
		r.discarded++
		return
	}
	end := h.FragmentOffset + h.FragmentLength
	if !p.add(h.FragmentOffset, end) {
		r.discarded++
		return
	}
	copy(p.msg[wire.DTLSHeaderLen+int(h.FragmentOffset):], body)
}

// Next returns the next message if it is complete, and moves on to the
// one after it. The returned slice belongs to the caller.
func (r *Reassembler) Next() (msg []byte, ok bool) {
	p := r.slots[0]
	if p == nil || !p.complete() {
		return nil, false
	}
	copy(r.slots[:], r.slots[1:])
	r.slots[reassemblyWindow-1] = nil
	r.held -= uint64(len(p.msg))
	r.next++
	return p.msg, true
}

// Pending reports whether fragments of messages not yet delivered are
// held: at the end of a handshake, a peer still sending messages beyond
// the last one expected.
func (r *Reassembler) Pending() bool {
	for _, p := range r.slots {
		if p != nil {
			return true
		}
	}
	return false
}

// Restart starts the reassembly of a new handshake on the association,
// which expects message_seq 0 first (RFC 6347, 4.2.2: "The first message
// each side transmits in each handshake always has message_seq = 0"),
// and returns the message_seq the finished one would have delivered
// next. Fragments still held are dropped.
func (r *Reassembler) Restart() (next uint16) {
	next = r.next
	r.next, r.held = 0, 0
	r.slots = [reassemblyWindow]*partial{}
	return next
}
