package ssl

import (
	"net"

	"github.com/gossl/ssl/internal/dtls"
)

// relayDatagrams relays datagrams from one end of a pipe to another
// through handle, which sends what it likes in their place; it stops
// (and closes to) when either end fails.
func relayDatagrams(from, to net.Conn, handle func(d []byte, send func([]byte) error) error) {
	defer to.Close()
	send := func(b []byte) error { _, err := to.Write(b); return err }
	buf := make([]byte, 1<<16)
	for {
		n, err := from.Read(buf)
		if err != nil || handle(buf[:n], send) != nil {
			return
		}
	}
}

// datagramRecords splits a datagram into its records (slices of d), up
// to the first malformed one.
func datagramRecords(d []byte) (recs [][]byte, hdrs []dtls.Header) {
	for len(d) >= dtls.HeaderLen {
		h, ok := dtls.ParseHeader(d)
		end := dtls.HeaderLen + int(h.Length)
		if !ok || end > len(d) {
			break
		}
		recs, hdrs = append(recs, d[:end]), append(hdrs, h)
		d = d[end:]
	}
	return recs, hdrs
}
