package ssl

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// Packet framing (the packet option of inet, applied to the decrypted
// stream): raw delivers whatever arrived; 1, 2 and 4 a big-endian length
// header and that many bytes; line everything up to and including a
// newline. The bytes of a packet that is not complete yet wait in in.acc,
// bounded by packet_size (or the header's range, or defaultMaxPacket).

// shape returns the current socket options.
func (s *Socket) shape() sockState {
	s.act.lock()
	defer s.act.unlock()
	return s.act.st
}

// sendTimeout returns the send_timeout option.
func (s *Socket) sendTimeout() time.Duration {
	s.act.lock()
	defer s.act.unlock()
	return s.act.st.sendTimeout
}

// maxPacket is the longest packet body accepted under st.
func maxPacket(st sockState) int {
	limit := defaultMaxPacket
	switch st.packet {
	case 1:
		limit = 0xff
	case 2:
		limit = 0xffff
	}
	if st.packetSize > 0 {
		limit = min(limit, st.packetSize)
	}
	return limit
}

// readPacketLocked returns the next packet under the packet option in
// force when it completes. raw is every byte taken from the stream (the
// caller owns it; it is what goes back if the packet cannot be
// delivered) and body the packet without its length header. length is
// Recv's length, used with packet raw only. The caller holds in.
func (s *Socket) readPacketLocked(length int) (raw, body []byte, err error) {
	for {
		raw, body, ok, err := s.takePacketLocked(s.shape(), length)
		if err != nil {
			s.in.err = err
			return nil, nil, err
		}
		if ok {
			return raw, body, nil
		}
		if err := s.fillLocked(); err != nil {
			return nil, nil, err
		}
	}
}

// readAvailableLocked is Recv(0) with packet raw: "all available
// bytes" (the ssl manual), what OTP joins from consecutive application
// data records. It waits for data only when none is here; then it takes
// every record already in the reader's buffer, as long as they carry
// application data, decrypting each into the result, which is made once
// with room for all of them (a record's plaintext is never longer than
// its ciphertext). A record of another type, or one that fails, stops it
// and waits for the next call, which handles it (or reports the error)
// before reading on. The caller holds in.
func (s *Socket) readAvailableLocked() ([]byte, error) {
	for len(s.in.acc) == 0 && len(s.in.pending) == 0 {
		if err := s.fillLocked(); err != nil {
			return nil, err
		}
	}
	out := s.in.acc
	s.in.acc = nil
	need := len(s.in.pending)
	if rc := s.records(); rc.RecordReady() {
		need += len(rc.Buffered())
	}
	if cap(out)-len(out) < need {
		out = append(make([]byte, 0, len(out)+need), out...)
	}
	for {
		out = append(out, s.in.pending...)
		s.in.pending = nil
		if len(out) == cap(out) {
			return out, nil
		}
		n, err := s.fillToLocked(out[len(out):cap(out)], true)
		out = out[:len(out)+n]
		if err != nil || (n == 0 && len(s.in.pending) == 0) {
			// An error is sticky in in.err: the next call reports it.
			return out, nil
		}
	}
}

// takePacketLocked cuts a packet from in.acc and in.pending if one is
// complete.
func (s *Socket) takePacketLocked(st sockState, length int) (raw, body []byte, ok bool, err error) {
	in := &s.in
	if st.packet == packetRaw && length == 0 {
		switch {
		case len(in.acc) > 0:
			raw, in.acc = in.acc, nil
		case len(in.pending) > 0:
			raw = bytes.Clone(in.pending)
			in.pending = nil
		default:
			return nil, nil, false, nil
		}
		return raw, raw, true, nil
	}
	if len(in.pending) > 0 {
		in.acc = append(in.acc, in.pending...)
		in.pending = nil
	}
	var n int // bytes of the packet, header included
	hdr := 0
	switch st.packet {
	case packetRaw:
		if len(in.acc) < length {
			return nil, nil, false, nil
		}
		n = length
	case packetLine:
		limit := maxPacket(st)
		i := bytes.IndexByte(in.acc, '\n')
		if i < 0 {
			if len(in.acc) > limit {
				return nil, nil, false, fmt.Errorf("%w: line longer than %d bytes", ErrEmsgsize, limit)
			}
			return nil, nil, false, nil
		}
		if i+1 > limit {
			return nil, nil, false, fmt.Errorf("%w: line longer than %d bytes", ErrEmsgsize, limit)
		}
		n = i + 1
	case packetASN1, packetCDR, packetSunRM, packetFCGI, packetTPKT:
		total, deliver, ok, err := headerPacket(st.packet, in.acc, maxPacket(st))
		if !ok || err != nil {
			return nil, nil, false, err
		}
		raw = in.acc[:total:total]
		if in.acc = in.acc[total:]; len(in.acc) == 0 {
			in.acc = nil
		}
		return raw, raw[:deliver], true, nil
	default:
		hdr = st.packet
		if len(in.acc) < hdr {
			return nil, nil, false, nil
		}
		var size int
		switch hdr {
		case 1:
			size = int(in.acc[0])
		case 2:
			size = int(binary.BigEndian.Uint16(in.acc))
		case 4:
			size = int(binary.BigEndian.Uint32(in.acc))
		}
		if limit := maxPacket(st); size > limit {
			return nil, nil, false, fmt.Errorf("%w: packet of %d bytes, limit %d", ErrEmsgsize, size, limit)
		}
		if len(in.acc) < hdr+size {
			return nil, nil, false, nil
		}
		n = hdr + size
	}
	raw = in.acc[:n:n]
	if in.acc = in.acc[n:]; len(in.acc) == 0 {
		in.acc = nil
	}
	return raw, raw[hdr:], true, nil
}

// framePacket adds the length header of packet 1, 2 or 4 to data.
func framePacket(st sockState, data []byte) ([]byte, error) {
	hdr := st.packet
	if hdr != 1 && hdr != 2 && hdr != 4 {
		return data, nil
	}
	if len(data) > maxPacket(st) && (hdr != 4 || st.packetSize > 0) || hdr == 4 && uint64(len(data)) > 0xffffffff {
		return nil, fmt.Errorf("%w: packet of %d bytes", ErrEmsgsize, len(data))
	}
	out := make([]byte, hdr+len(data))
	switch hdr {
	case 1:
		out[0] = byte(len(data))
	case 2:
		binary.BigEndian.PutUint16(out, uint16(len(data)))
	case 4:
		binary.BigEndian.PutUint32(out, uint32(len(data)))
	}
	copy(out[hdr:], data)
	return out, nil
}
