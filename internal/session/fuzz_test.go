package session

import (
	"bytes"
	"testing"
	"time"
)

// FuzzClientTicketUnmarshal: the decoder of a stored TLS 1.3 client
// ticket, which reads what SessionTicket.UnmarshalBinary is given (gossl
// connect --use-ticket files, an application's own store), never panics
// on any input, and what it accepts is exactly what Marshal writes back:
// a ticket file cannot smuggle bytes the client would not keep. Seeds in
// testdata/fuzz/FuzzClientTicketUnmarshal: a ticket of gossl serve with
// its certificate chain, made-up ones (ALPN, certificates, 0-RTT
// allowance), and truncated and trailing variants.
func FuzzClientTicketUnmarshal(f *testing.F) {
	ct := &ClientTicket{Ticket: []byte("t"), Suite: 0x1301, PSK: make([]byte, 32), Received: time.UnixMilli(1e12), Lifetime: time.Hour}
	b, err := ct.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var ct ClientTicket
		if !ct.Unmarshal(data) {
			return
		}
		if len(ct.Ticket) == 0 || len(ct.PSK) == 0 {
			t.Fatalf("accepted a ticket without an identity or a secret: %+v", ct)
		}
		out, err := ct.Marshal()
		if err != nil {
			t.Fatalf("Marshal of an accepted ticket: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("round trip differs:\n in %x\nout %x", data, out)
		}
	})
}
