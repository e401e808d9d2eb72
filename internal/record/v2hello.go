package record

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// TypeV2ClientHello is the content type ReadRecord reports for an SSL
// 2.0-format ClientHello (RFC 5246, Appendix E.2) when SetV2Hello allows
// one. It is not a TLS content type: the data is the message from
// msg_type on, for wire.ParseV2ClientHello, and it is what the handshake
// hashes (Appendix E.2: the two-byte header is left out).
const TypeV2ClientHello uint8 = 0x80

// SetV2Hello lets the first record be an SSL 2.0-format ClientHello, as a
// server with v2_hello_compatible allows. Any later record, and a first
// one without the top bit of its first byte set, is read as TLS.
func (r *Reader) SetV2Hello(ok bool) { r.v2Hello = ok }

// readV2Hello reads the SSL 2.0 record: a 2-byte header with the top bit
// set and a 15-bit length, then the message. A length too short for a
// ClientHello, or longer than a TLS record's plaintext, is decode_error:
// the parser of the message checks the rest.
func (r *Reader) readV2Hello() (uint8, []byte, error) {
	hdr := r.buf[r.start : r.start+2]
	n := int(hdr[0]&0x7f)<<8 | int(hdr[1])
	if n < wire.V2HelloMinLen || n > wire.MaxPlaintext {
		return 0, nil, alert.New(alert.DecodeError, "SSL 2.0 ClientHello of a length no ClientHello has")
	}
	if err := r.fill(2 + n); err != nil {
		return 0, nil, err
	}
	data := r.buf[r.start+2 : r.start+2+n]
	r.start += 2 + n
	r.seen = true
	r.v2Hello = false
	return TypeV2ClientHello, data, nil
}
