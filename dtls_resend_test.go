package ssl

import (
	"bytes"
	"encoding/binary"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// quietPeriod outlasts the quarter of the default retransmission
// period within which a copy of the peer's flight is taken for the
// network's duplicate: what comes after it reads as a retransmission.
const quietPeriod = dtls.DefaultRetransmitTimeout/4 + 50*time.Millisecond

// renumbered is a copy of a plaintext (epoch 0) record with its
// sequence number moved on by n: a record the replay window takes.
func renumbered(rec []byte, n uint64) []byte {
	c := append([]byte(nil), rec...)
	var b [8]byte
	copy(b[2:], c[5:11])
	binary.BigEndian.PutUint64(b[:], binary.BigEndian.Uint64(b[:])+n)
	copy(c[5:11], b[2:])
	return c
}

// repeatClientKeyExchange relays the client's datagrams and, a quiet
// period after the one that carries its protected Finished, sends the
// ClientKeyExchange record again copies times at once, each renumbered:
// the client retransmitting its flight. Only the plaintext record can
// be renumbered by a relay, and one old fragment is enough to say "your
// last flight was lost".
func repeatClientKeyExchange(from, to net.Conn, copies int) {
	var cke []byte
	relayDatagrams(from, to, func(d []byte, send func([]byte) error) error {
		recs, hdrs := datagramRecords(d)
		finished := false
		for i, h := range hdrs {
			if h.Type == wire.TypeHandshake && h.Epoch == 0 && recs[i][dtls.HeaderLen] == wire.TypeClientKeyExchange {
				cke = append([]byte(nil), recs[i]...)
			}
			finished = finished || h.Type == wire.TypeHandshake && h.Epoch == 1
		}
		if err := send(d); err != nil || !finished || cke == nil {
			return err
		}
		time.Sleep(quietPeriod)
		for i := 0; i < copies; i++ {
			if err := send(renumbered(cke, 1000+uint64(i))); err != nil {
				return err
			}
		}
		return nil
	})
}

// repeatNewSessionTicket relays the server's datagrams; in the one that
// carries the NewSessionTicket of its last flight, it sends the records
// up to the ticket, then after a quiet period a renumbered copy of the
// ticket, then the rest (ChangeCipherSpec, Finished): the peer's
// current flight duplicated, late enough to pass for a retransmission.
func repeatNewSessionTicket(from, to net.Conn) {
	relayDatagrams(from, to, func(d []byte, send func([]byte) error) error {
		recs, hdrs := datagramRecords(d)
		for i, h := range hdrs {
			if h.Type != wire.TypeHandshake || h.Epoch != 0 || recs[i][dtls.HeaderLen] != wire.TypeNewSessionTicket {
				continue
			}
			split := len(d) - len(bytes.Join(recs[i+1:], nil))
			if err := send(d[:split]); err != nil {
				return err
			}
			time.Sleep(quietPeriod)
			// +2: past the ChangeCipherSpec's number, which the replay
			// window must still take when it comes after.
			if err := send(renumbered(recs[i], 2)); err != nil || split == len(d) {
				return err
			}
			return send(d[split:])
		}
		return send(d)
	})
}

// countDatagramsWith relays datagrams and counts those that carry a
// record for which is returns true.
func countDatagramsWith(from, to net.Conn, n *atomic.Int32, is func(h dtls.Header, body []byte) bool) {
	relayDatagrams(from, to, func(d []byte, send func([]byte) error) error {
		recs, hdrs := datagramRecords(d)
		for i, h := range hdrs {
			if is(h, recs[i][dtls.HeaderLen:]) {
				n.Add(1)
				break
			}
		}
		return send(d)
	})
}

func isChangeCipherSpec(h dtls.Header, _ []byte) bool { return h.Type == wire.TypeChangeCipherSpec }

func isClientKeyExchange(h dtls.Header, body []byte) bool {
	return h.Type == wire.TypeHandshake && h.Epoch == 0 && len(body) > 0 && body[0] == wire.TypeClientKeyExchange
}

// TestDTLSResendOnPeerRetransmission: the server's last flight
// (ChangeCipherSpec, Finished) goes out again when the client
// retransmits its own, once however many copies come at once (RFC 6347,
// 4.2.4).
func TestDTLSResendOnPeerRetransmission(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, copies := range []int{1, 8} {
		var ccs atomic.Int32
		// The echo comes after the server read the copies: they were
		// sent before the data.
		echoThroughRelays(t, dtlsServerOpts(p, "ecdsa", 0), dtlsClientOpts(p, 0),
			func(from, to net.Conn) { repeatClientKeyExchange(from, to, copies) },
			func(from, to net.Conn) { countDatagramsWith(from, to, &ccs, isChangeCipherSpec) })
		if got := ccs.Load(); got != 2 {
			t.Errorf("%d copies of the client's flight: the server sent its ChangeCipherSpec in %d datagrams, want 2", copies, got)
		}
	}
}

// TestDTLSNoResendOnPeerNextFlightCopy: a copy of a message of the
// peer's flight that answers ours (the server's NewSessionTicket, the
// client waiting for its Finished) says the peer has our flight: the
// client does not send it again. Before, any old fragment did, so a
// duplicating network (or BoGo's MixCompleteMessageWithFragments,
// ReorderHandshakeFragments-Large and SendEmptyFragments, once their
// copies came late) made the client resend its flight in the middle of
// the server's.
func TestDTLSNoResendOnPeerNextFlightCopy(t *testing.T) {
	p := testpeers.NewPKI(t)
	var cke atomic.Int32
	co := dtlsClientOpts(p, 0)
	// Keep the session (so ask for a ticket) without offering one: a
	// full handshake whose server ends with NewSessionTicket.
	co.ReuseSessions, co.ReuseSessionsSave = nil, true
	echoThroughRelays(t, dtlsServerOpts(p, "ecdsa", 0), co,
		func(from, to net.Conn) { countDatagramsWith(from, to, &cke, isClientKeyExchange) },
		repeatNewSessionTicket)
	if got := cke.Load(); got != 1 {
		t.Errorf("the client sent its ClientKeyExchange in %d datagrams, want 1", got)
	}
}
