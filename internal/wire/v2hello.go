package wire

import "golang.org/x/crypto/cryptobyte"

// SSL 2.0-format ClientHello offering SSL 3.0 or TLS (RFC 5246, Appendix
// E.2; RFC 6101, Appendix E.1), which old clients sent to reach both
// SSL 2.0 and newer servers. Its 2-byte record header has the top bit
// set and the message length in the other 15; the message is
//
//	uint8  msg_type;            /* 1: client_hello */
//	uint16 version;             /* the highest version the client supports */
//	uint16 cipher_spec_length;  /* a non-zero multiple of 3 */
//	uint16 session_id_length;   /* 0, or 16 for an SSL 2.0 session */
//	uint16 challenge_length;    /* 16 to 32 */
//	V2CipherSpec cipher_specs[cipher_spec_length];
//	opaque session_id[session_id_length];
//	opaque challenge[challenge_length];
//
// A V2CipherSpec of the form {0, x, y} is the TLS suite {x, y}; the others
// are SSL 2.0 ciphers and are skipped. The client random is the challenge
// right-aligned in 32 bytes, zeros on the left.

// V2HelloMinLen and V2HelloMaxLen bound the message (msg_type through
// the challenge): one cipher spec and a 16-byte challenge at least; the
// 15-bit length field at most, which RFC 5246 allows in full.
const (
	V2HelloMinLen = 9 + 3 + 16
	V2HelloMaxLen = 1<<15 - 1
)

// ParseV2ClientHello reads an SSL 2.0-format ClientHello (msg_type
// through the challenge, without the 2-byte record header) into a
// ClientHello with no extensions and the null compression method. It
// reports false for any length that does not add up, or a message that
// is not a client_hello offering a 3.x version. Raw is b.
func ParseV2ClientHello(b []byte) (*ClientHello, bool) {
	s := cryptobyte.String(b)
	var typ uint8
	var version, specLen, idLen, challengeLen uint16
	if !s.ReadUint8(&typ) || typ != TypeClientHello || !s.ReadUint16(&version) || version>>8 != 3 ||
		!s.ReadUint16(&specLen) || !s.ReadUint16(&idLen) || !s.ReadUint16(&challengeLen) {
		return nil, false
	}
	if specLen == 0 || specLen%3 != 0 || (idLen != 0 && idLen != 16) || challengeLen < 16 || challengeLen > 32 {
		return nil, false
	}
	var specs, id, challenge []byte
	if !s.ReadBytes(&specs, int(specLen)) || !s.ReadBytes(&id, int(idLen)) || !s.ReadBytes(&challenge, int(challengeLen)) || !s.Empty() {
		return nil, false
	}
	ch := &ClientHello{Version: version, CompressionMethods: []uint8{0}, Raw: b}
	ch.Random = make([]byte, 32)
	copy(ch.Random[32-len(challenge):], challenge)
	if len(id) > 0 {
		ch.SessionID = id
	}
	for i := 0; i < len(specs); i += 3 {
		if specs[i] == 0 {
			ch.CipherSuites = append(ch.CipherSuites, uint16(specs[i+1])<<8|uint16(specs[i+2]))
		}
	}
	return ch, true
}
