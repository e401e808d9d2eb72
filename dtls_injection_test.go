package ssl

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// plaintextAppData is a DTLS 1.2 record of epoch 0 (no protection)
// carrying application data, as anyone who can send the client a
// datagram can forge it.
func plaintextAppData(seq byte, data string) []byte {
	rec := []byte{wire.TypeApplicationData, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, seq, 0, byte(len(data))}
	return append(rec, data...)
}

// TestDTLSPlaintextAppDataDuringHandshakeRefused: application data in
// epoch 0 is never protected, so none is genuine (RFC 6347, 4.1: it is
// sent only once the keys are in use). One that reaches the client
// during the handshake ends it with unexpected_message (RFC 5246,
// 6.2.1's unexpected record). Before, the client kept it with the data
// that overtakes the Finished and returned it from the first Recv as if
// the server had sent it over the secured association.
func TestDTLSPlaintextAppDataDuringHandshakeRefused(t *testing.T) {
	p := testpeers.NewPKI(t)
	cc, proxyC := net.Pipe()
	sc, proxyS := net.Pipe()
	defer proxyC.Close()
	defer proxyS.Close()
	go func() {
		s, err := HandshakeConn(sc, dtlsServerOpts(p, "ecdsa", 0), 10*time.Second)
		if err == nil {
			echoSocket(s, 10*time.Second)
		}
		sc.Close()
	}()
	// The proxy carries datagrams both ways; ahead of the server's first
	// flight it puts the forged record.
	relay := func(from, to net.Conn, inject []byte) {
		buf := make([]byte, 1<<16)
		for {
			n, err := from.Read(buf)
			if err != nil {
				to.Close()
				return
			}
			if inject != nil {
				if _, err := to.Write(inject); err != nil {
					return
				}
				inject = nil
			}
			if _, err := to.Write(buf[:n]); err != nil {
				return
			}
		}
	}
	go relay(proxyC, proxyS, nil)
	go relay(proxyS, proxyC, plaintextAppData(60, "INJECTED"))
	s, err := ConnectConn(cc, dtlsClientOpts(p, 0), 10*time.Second)
	if err == nil {
		defer s.Close()
		got, rerr := s.Recv(0, 2*time.Second)
		t.Fatalf("handshake completed; first Recv %q %v", got, rerr)
	}
	var a *Alert
	if !errors.As(err, &a) || a.Description != "unexpected_message" {
		t.Fatalf("handshake: %v, want unexpected_message", err)
	}
}
