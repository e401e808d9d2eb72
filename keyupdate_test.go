package ssl

import (
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// RFC 8446, 4.6.3: "If an implementation receives any other value [of
// request_update than 0 or 1], it MUST terminate the connection with an
// "illegal_parameter" alert." A KeyUpdate of the wrong length stays a
// decode_error. Each is written under the client's keys after the
// handshake; the gossl server sends the alert, which the client reads.
// The value 2 used to get decode_error.
func TestKeyUpdateRequestUpdateValue(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startConnServer(t, serverOpts(p, "ecdsa"))
	for _, tc := range []struct {
		name string
		body []byte
		desc string
	}{
		{"request_update_2", []byte{2}, "illegal_parameter"},
		{"request_update_255", []byte{255}, "illegal_parameter"},
		{"empty", nil, "decode_error"},
		{"two_bytes", []byte{1, 0}, "decode_error"},
		{"two_bytes_illegal_value", []byte{2, 0}, "decode_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			co := clientOpts(p)
			co.LogAlert = Bool(false)
			s, err := Connect("127.0.0.1", srv.port, co, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			s.out.Lock()
			err = s.wr.WriteRecord(wire.TypeHandshake, wire.Frame(wire.TypeKeyUpdate, tc.body))
			if err == nil {
				err = s.wr.Flush()
			}
			s.out.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			wantSentAlert(t, srv.result(t, s.LocalAddr().String()), tc.desc)
			_, cerr := s.Recv(0, 5*time.Second)
			wantReceivedAlert(t, cerr, tc.desc)
		})
	}
}
