package ssl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// The packet types that frame by a protocol's own header: Erlang's asn1,
// cdr, sunrm, fcgi and tpkt (inet:setopts/2, erlang:decode_packet/3). On
// receipt each complete packet is delivered with its header, as OTP does;
// fcgi's padding is consumed but not delivered. On sending the
// application writes the header itself, so Send leaves the data as it is.
// The limits are OTP's: packet_size bounds the packet without its header
// (fcgi: content and padding), a packet must fit in a signed 32-bit
// length, and a header that is not the protocol's is invalid.
const (
	packetASN1  = -2 - iota // BER tag-length-value
	packetCDR               // CORBA GIOP: 12-byte header, "GIOP" magic
	packetSunRM             // ONC RPC record marking (RFC 5531, 11)
	packetFCGI              // FastCGI record: 8-byte header, version 1
	packetTPKT              // RFC 1006: 4-byte header, version 3
)

// PacketType values of the protocol-header types.
const (
	PacketASN1  PacketType = "asn1"  // {packet, asn1}: ASN.1 BER tag-length-value
	PacketCDR   PacketType = "cdr"   // {packet, cdr}: CORBA GIOP messages
	PacketSunRM PacketType = "sunrm" // {packet, sunrm}: Sun RPC record marking
	PacketFCGI  PacketType = "fcgi"  // {packet, fcgi}: FastCGI records
	PacketTPKT  PacketType = "tpkt"  // {packet, tpkt}: TPKT (RFC 1006)
)

var headerPacketTypes = map[string]int{
	"asn1": packetASN1, "cdr": packetCDR, "sunrm": packetSunRM, "fcgi": packetFCGI, "tpkt": packetTPKT,
}

// headerPacketName is the option value of one of these types, or "".
func headerPacketName(p int) string {
	for name, v := range headerPacketTypes {
		if v == p {
			return name
		}
	}
	return ""
}

// ErrInvalidPacket is Erlang's {error, {invalid_packet, Data}}: the bytes
// received do not start with a header of the packet type in force (a
// tpkt version other than 3, a GIOP message without its magic, ...).
// Like ErrEmsgsize it ends the socket's reading.
var ErrInvalidPacket = errors.New("invalid_packet")

// headerPacket finds the packet at the start of b under one of the
// protocol-header types: ok is false while more bytes are needed; n is
// the whole packet's length in the stream and deliver how much of it is
// delivered (less than n only for fcgi's padding). limit bounds the
// packet without its header.
func headerPacket(typ int, b []byte, limit int) (n, deliver int, ok bool, err error) {
	var hdr, body, padding int
	switch typ {
	case packetASN1:
		if hdr, body, ok, err = berPacket(b); !ok || err != nil {
			return 0, 0, ok, err
		}
	case packetCDR:
		// GIOP header: "GIOP", version (2), flags (bit 0: little-endian
		// sizes), message type, message size (4).
		if len(b) < 12 {
			return 0, 0, false, nil
		}
		if string(b[:4]) != "GIOP" {
			return 0, 0, false, invalidPacket("a GIOP header must start with \"GIOP\"")
		}
		hdr = 12
		if b[6]&1 != 0 {
			body = int(binary.LittleEndian.Uint32(b[8:]))
		} else {
			body = int(binary.BigEndian.Uint32(b[8:]))
		}
	case packetSunRM:
		// RFC 5531, 11: the high bit marks the last fragment, the other
		// 31 give the fragment's length.
		if len(b) < 4 {
			return 0, 0, false, nil
		}
		hdr, body = 4, int(binary.BigEndian.Uint32(b)&0x7fffffff)
	case packetFCGI:
		// version, type, request id (2), content length (2), padding
		// length, reserved.
		if len(b) < 8 {
			return 0, 0, false, nil
		}
		if b[0] != 1 {
			return 0, 0, false, invalidPacket(fmt.Sprintf("FastCGI version %d, want 1", b[0]))
		}
		hdr, body, padding = 8, int(binary.BigEndian.Uint16(b[4:])), int(b[6])
	case packetTPKT:
		// RFC 1006, 6: version 3, reserved, length of the whole packet.
		if len(b) < 4 {
			return 0, 0, false, nil
		}
		if b[0] != 3 {
			return 0, 0, false, invalidPacket(fmt.Sprintf("TPKT version %d, want 3", b[0]))
		}
		total := int(binary.BigEndian.Uint16(b[2:]))
		if total < 4 {
			return 0, 0, false, invalidPacket(fmt.Sprintf("TPKT length %d is shorter than its header", total))
		}
		hdr, body = 4, total-4
	default:
		return 0, 0, false, fmt.Errorf("packet type %d has no header", typ)
	}
	if int64(hdr)+int64(body)+int64(padding) > math.MaxInt32 {
		return 0, 0, false, invalidPacket("packet longer than 2^31-1 bytes")
	}
	if body+padding > limit {
		return 0, 0, false, fmt.Errorf("%w: packet of %d bytes, limit %d", ErrEmsgsize, body+padding, limit)
	}
	n = hdr + body + padding
	if len(b) < n {
		return 0, 0, false, nil
	}
	return n, hdr + body, true, nil
}

// maxBERTagOctets bounds a BER identifier: 1 + 9 base-128 octets hold
// any 63-bit tag number.
const maxBERTagOctets = 10

// berPacket reads a BER tag and length (X.690, 8.1.2 and 8.1.3). As
// OTP's, an indefinite length (0x80) makes a packet of the identifier
// and length octets alone, and a definite length takes at most 4 octets
// and must fit in a signed 32-bit integer.
func berPacket(b []byte) (hdr, body int, ok bool, err error) {
	i := 1
	if len(b) < 1 {
		return 0, 0, false, nil
	}
	if b[0]&0x1f == 0x1f { // high tag number form: base-128, last octet without bit 8
		for {
			if i >= len(b) {
				return 0, 0, false, nil
			}
			i++
			if b[i-1]&0x80 == 0 {
				break
			}
			// OTP reads any number of octets; a bound keeps a peer
			// from making the socket buffer an endless tag.
			if i > maxBERTagOctets {
				return 0, 0, false, invalidPacket(fmt.Sprintf("BER tag longer than %d octets", maxBERTagOctets))
			}
		}
	}
	if i >= len(b) {
		return 0, 0, false, nil
	}
	l := b[i]
	i++
	switch {
	case l < 0x80:
		return i, int(l), true, nil
	case l == 0x80:
		return i, 0, true, nil
	}
	k := int(l & 0x7f)
	if len(b) < i+k {
		return 0, 0, false, nil
	}
	if k > 4 {
		return 0, 0, false, invalidPacket(fmt.Sprintf("BER length of %d octets", k))
	}
	var v uint64
	for _, c := range b[i : i+k] {
		v = v<<8 | uint64(c)
	}
	if v > math.MaxInt32 {
		return 0, 0, false, invalidPacket("BER length past 2^31-1")
	}
	return i + k, int(v), true, nil
}

func invalidPacket(why string) error {
	return fmt.Errorf("%w: %s", ErrInvalidPacket, why)
}
