package ssl

import (
	"encoding/binary"
	"net"
	"sync/atomic"
	"testing"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// repeatClientKeyExchange relays the client's datagrams and, after the
// one that carries its protected Finished, sends the ClientKeyExchange
// record again copies times at once, each with a fresh sequence number:
// the client retransmitting its flight as fast as it can (a short
// timer, or a clock of its own). Only the plaintext record can be
// renumbered by a relay, and one old fragment is enough to say "your
// last flight was lost".
func repeatClientKeyExchange(from, to net.Conn, copies int) {
	defer to.Close()
	buf := make([]byte, 1<<16)
	var cke []byte
	for {
		n, err := from.Read(buf)
		if err != nil {
			return
		}
		finished := false
		for d := buf[:n]; len(d) >= dtls.HeaderLen; {
			h, ok := dtls.ParseHeader(d)
			end := dtls.HeaderLen + int(h.Length)
			if !ok || end > len(d) {
				break
			}
			if h.Type == wire.TypeHandshake && h.Epoch == 0 && d[dtls.HeaderLen] == wire.TypeClientKeyExchange {
				cke = append([]byte(nil), d[:end]...)
			}
			finished = finished || h.Type == wire.TypeHandshake && h.Epoch == 1
			d = d[end:]
		}
		if _, err := to.Write(buf[:n]); err != nil {
			return
		}
		for i := 0; finished && cke != nil && i < copies; i++ {
			c := append([]byte(nil), cke...)
			seq := binary.BigEndian.Uint64(append([]byte{0, 0}, c[5:11]...)) + 1000 + uint64(i)
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], seq)
			copy(c[5:11], b[2:])
			if _, err := to.Write(c); err != nil {
				return
			}
		}
	}
}

// countChangeCipherSpecs relays datagrams and counts those that carry a
// ChangeCipherSpec record.
func countChangeCipherSpecs(from, to net.Conn, n *atomic.Int32) {
	defer to.Close()
	buf := make([]byte, 1<<16)
	for {
		k, err := from.Read(buf)
		if err != nil {
			return
		}
		for d := buf[:k]; len(d) >= dtls.HeaderLen; {
			h, ok := dtls.ParseHeader(d)
			end := dtls.HeaderLen + int(h.Length)
			if !ok || end > len(d) {
				break
			}
			if h.Type == wire.TypeChangeCipherSpec {
				n.Add(1)
				break
			}
			d = d[end:]
		}
		if _, err := to.Write(buf[:k]); err != nil {
			return
		}
	}
}

// TestDTLSResendAnswersFirstRetransmissionAtOnce: the server's last
// flight (ChangeCipherSpec, Finished) goes out again when the client
// retransmits its own right away, once however many times the client
// repeats it meanwhile (RFC 6347, 4.2.4). Before, a retransmission that
// came within 250 ms of the flight was never answered: a client with a
// shorter timer waited for its next one, and one whose clock runs apart
// from ours (BoGo's DTLS-RetransmitFinished-Fragmented) not at all.
func TestDTLSResendAnswersFirstRetransmissionAtOnce(t *testing.T) {
	for _, tc := range []struct {
		copies, want int32
	}{{1, 2}, {8, 2}} {
		p := testpeers.NewPKI(t)
		var ccs atomic.Int32
		// The echo comes after the server read the copies: they were
		// sent before the data.
		echoThroughRelays(t, dtlsServerOpts(p, "ecdsa", 0), dtlsClientOpts(p, 0),
			func(from, to net.Conn) { repeatClientKeyExchange(from, to, int(tc.copies)) },
			func(from, to net.Conn) { countChangeCipherSpecs(from, to, &ccs) })
		if got := ccs.Load(); got != tc.want {
			t.Errorf("%d copies of the client's flight: the server sent its ChangeCipherSpec in %d datagrams, want %d", tc.copies, got, tc.want)
		}
	}
}
