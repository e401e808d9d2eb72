package ssl

import (
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// reverseRecords relays datagrams from one end of a pipe to another,
// sending the records of each datagram as datagrams of their own in
// reverse order: the network reordering them (RFC 6347, 4.1). It counts
// the NewSessionTicket messages it saw in a datagram with a
// ChangeCipherSpec (the server's last flight when it sends a ticket).
func reverseRecords(from, to net.Conn, ticketFlights *atomic.Int32) {
	relayDatagrams(from, to, func(d []byte, send func([]byte) error) error {
		recs, hdrs := datagramRecords(d)
		ticket, ccs := false, false
		for i, h := range hdrs {
			ticket = ticket || h.Type == wire.TypeHandshake && h.Epoch == 0 && recs[i][dtls.HeaderLen] == wire.TypeNewSessionTicket
			ccs = ccs || h.Type == wire.TypeChangeCipherSpec
		}
		if ticket && ccs {
			ticketFlights.Add(1)
		}
		for i := len(recs) - 1; i >= 0; i-- {
			if err := send(recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestDTLSReorderedFlightRecords: every datagram's records arrive in
// reverse order, so the Finished (next epoch) overtakes the
// ChangeCipherSpec, which overtakes the ClientKeyExchange (server) and
// the NewSessionTicket (client). Both ends keep the early records and
// the handshake completes without a retransmission (the timer is far
// off). Before, the server dropped the Finished and refused nothing
// but waited for a retransmission that reversed again, and the client
// failed on a ChangeCipherSpec without the promised NewSessionTicket.
func TestDTLSReorderedFlightRecords(t *testing.T) {
	p := testpeers.NewPKI(t)
	var tickets atomic.Int32
	reverse := func(from, to net.Conn) { reverseRecords(from, to, &tickets) }
	co := dtlsClientOpts(p, 0)
	// Keep the session (so ask for a ticket) without offering one: a
	// full handshake whose server ends with NewSessionTicket.
	co.ReuseSessions, co.ReuseSessionsSave = nil, true
	echoThroughRelays(t, dtlsServerOpts(p, "ecdsa", 0), co, reverse, reverse)
	if tickets.Load() == 0 {
		t.Error("the server sent no NewSessionTicket with its ChangeCipherSpec: the client's case was not exercised")
	}
}

// echoThroughRelays runs a DTLS client and an echo server over pipes,
// with c2s relaying the client's datagrams to the server and s2c the
// server's to the client, and checks one echo. The retransmission timer
// is a minute on both sides: whatever is sent again is the relays'
// doing, not the timer's.
func echoThroughRelays(t *testing.T, so, co *Options, c2s, s2c func(from, to net.Conn)) {
	t.Helper()
	cc, proxyC := net.Pipe()
	sc, proxyS := net.Pipe()
	go c2s(proxyC, proxyS)
	go s2c(proxyS, proxyC)
	so.DTLSRetransmitTimeout, co.DTLSRetransmitTimeout = time.Minute, time.Minute
	srv := make(chan error, 1)
	go func() {
		s, err := HandshakeConn(sc, so, 10*time.Second)
		if err != nil {
			sc.Close()
			srv <- err
			return
		}
		srv <- echoSocket(s, 10*time.Second)
	}()
	s, err := ConnectConn(cc, co, 10*time.Second)
	if err != nil {
		t.Fatalf("ConnectConn: %v (server: %v)", err, <-srv)
	}
	if err := s.Send([]byte("through the relays")); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Recv(0, 10*time.Second); err != nil || string(b) != "through the relays" {
		t.Fatalf("echo: %q %v", b, err)
	}
	s.Close()
	if err := <-srv; err != nil {
		t.Fatalf("server: %v", err)
	}
}

// forgeFinishedFragment relays the client's datagrams and, ahead of the
// datagram that holds its ClientKeyExchange, sends a plaintext (epoch 0)
// fragment of the next message, the Finished, with made-up bytes.
func forgeFinishedFragment(from, to net.Conn) {
	relayDatagrams(from, to, func(d []byte, send func([]byte) error) error {
		if h, ok := dtls.ParseHeader(d); ok && h.Type == wire.TypeHandshake && h.Epoch == 0 &&
			len(d) > dtls.HeaderLen+wire.DTLSHeaderLen && d[dtls.HeaderLen] == wire.TypeClientKeyExchange {
			hs, _ := wire.ParseDTLSHeader(d[dtls.HeaderLen:])
			seq := hs.MessageSeq + 1
			frag := []byte{wire.TypeFinished, 0, 0, 12, byte(seq >> 8), byte(seq), 0, 0, 0, 0, 0, 4, 'f', 'a', 'k', 'e'}
			rec := append([]byte{wire.TypeHandshake, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 40, 0, byte(len(frag))}, frag...)
			if err := send(rec); err != nil {
				return err
			}
		}
		return send(d)
	})
}

// TestDTLSKeyChangeWithBufferedPlaintextRefused: a handshake fragment
// that came unprotected (epoch 0) for a message after the
// ChangeCipherSpec ends the handshake with unexpected_message when the
// ChangeCipherSpec comes: the messages after it belong to the new epoch
// (RFC 6347, 4.1), and plaintext bytes must not join the Finished.
// Before, the fragment stayed buffered across the key change, the
// protected Finished was merged over it and the handshake completed.
func TestDTLSKeyChangeWithBufferedPlaintextRefused(t *testing.T) {
	p := testpeers.NewPKI(t)
	cc, proxyC := net.Pipe()
	sc, proxyS := net.Pipe()
	go forgeFinishedFragment(proxyC, proxyS)
	go relayDatagrams(proxyS, proxyC, func(d []byte, send func([]byte) error) error { return send(d) })

	srv := make(chan error, 1)
	go func() {
		s, err := HandshakeConn(sc, dtlsServerOpts(p, "ecdsa", 0), 10*time.Second)
		if err == nil {
			s.Close()
		}
		sc.Close()
		srv <- err
	}()
	go func() {
		if s, err := ConnectConn(cc, dtlsClientOpts(p, 0), 10*time.Second); err == nil {
			s.Close()
		}
		cc.Close()
	}()
	var a *Alert
	if err := <-srv; !errors.As(err, &a) || a.Description != "unexpected_message" {
		t.Fatalf("server: %v, want unexpected_message", err)
	}
}
