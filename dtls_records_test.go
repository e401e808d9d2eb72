package ssl

import (
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/wire"
)

// TestDTLSHandshakeMessageAfterHandshake: after a handshake whose last
// peer message was message_seq 4 (in epoch 1), a handshake message of
// epoch 1 that goes on numbering it (an extra Finished, message_seq 5)
// is unexpected_message; the Finished again (4), or any message of the
// last handshake's numbering, is a retransmission and dropped, and a new
// handshake's first message (message_seq 0) is taken. Before,
// the reassembly restarted at 0 after each handshake (renegotiation)
// held the extra Finished as a message far ahead and the connection
// went on (BoGo's DTLS12-SendExtraFinished), and a ClientHello at 1
// waited there to join the next handshake as its second message.
func TestDTLSHandshakeMessageAfterHandshake(t *testing.T) {
	fragment := func(typ uint8, seq uint16) []byte {
		body := make([]byte, 12)
		h := wire.DTLSHeader{Type: typ, Length: uint32(len(body)), MessageSeq: seq, FragmentLength: uint32(len(body))}
		return append(wire.AppendDTLSHeader(nil, h), body...)
	}
	for _, tc := range []struct {
		name    string
		typ     uint8
		seq     uint16
		refused bool
		kept    bool // in the reassembly for the next handshake
	}{
		{"extra Finished", wire.TypeFinished, 5, true, false},
		{"a message further on", wire.TypeServerHelloDone, 9, true, false},
		{"the Finished again", wire.TypeFinished, 4, false, false},
		{"a ClientHello numbered as in the last handshake", wire.TypeClientHello, 1, false, false},
		{"a new handshake's ClientHello", wire.TypeClientHello, 0, false, true},
	} {
		c := newDTLSConn(nil, nil, 0, 0, 1<<16)
		c.rn.lastNext, c.rn.baseEpoch = 5, 1
		err := c.handshakeRecord(dtls.Record{Type: wire.TypeHandshake, Epoch: 1, Data: fragment(tc.typ, tc.seq)})
		var ae *alert.Error
		if refused := errors.As(err, &ae) && ae.Desc == alert.UnexpectedMessage; refused != tc.refused {
			t.Errorf("%s: %v, want unexpected_message: %v", tc.name, err, tc.refused)
		}
		if kept := c.ra.Pending(); kept != tc.kept {
			t.Errorf("%s: kept for the next handshake: %v, want %v", tc.name, kept, tc.kept)
		}
	}
}
