package ssl

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// TestDTLSClientHelloFloodKeepsNoState: ClientHellos without a cookie, from
// many source ports, each get a HelloVerifyRequest no larger than
// themselves, and the listener keeps nothing for any of them (RFC 6347,
// 4.2.1); garbage gets no answer at all.
func TestDTLSClientHelloFloodKeepsNoState(t *testing.T) {
	p := testpeers.NewPKI(t)
	ls, err := Listen(0, dtlsServerOpts(p, "ecdsa", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	dl := ls.ln.(*dtlsListener)
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: ls.Port()}
	// A real ClientHello, as gossl's client sends it.
	hello := clientHelloDatagram(t)
	buf := make([]byte, 2048)
	for i := 0; i < 20; i++ {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 10; j++ {
			c.WriteToUDP(hello, to)
			c.WriteToUDP([]byte("garbage that is no record"), to)
		}
		answers := 0
		for {
			// Up to 10 answers come; then a short wait shows there is
			// no 11th (the garbage is not answered).
			wait := 5 * time.Second
			if answers == 10 {
				wait = 50 * time.Millisecond
			}
			c.SetReadDeadline(time.Now().Add(wait))
			n, _, err := c.ReadFromUDP(buf)
			if err != nil {
				break
			}
			answers++
			if n > len(hello) {
				t.Fatalf("answer of %d bytes to a ClientHello of %d", n, len(hello))
			}
			if h, _ := dtls.ParseHeader(buf[:n]); n <= dtls.HeaderLen+wire.DTLSHeaderLen || buf[dtls.HeaderLen] != wire.TypeHelloVerifyRequest || h.Epoch != 0 {
				t.Fatalf("answer is not a HelloVerifyRequest: %x", buf[:n])
			}
		}
		c.Close()
		if answers != 10 {
			t.Fatalf("%d answers to 10 ClientHellos and 10 garbage datagrams", answers)
		}
	}
	dl.mu.Lock()
	n := len(dl.assoc)
	dl.mu.Unlock()
	if n != 0 || len(dl.accept) != 0 {
		t.Fatalf("%d associations, %d queued, without a single valid cookie", n, len(dl.accept))
	}
}

// clientHelloDatagram returns the first datagram a gossl DTLS client
// sends: a ClientHello without a cookie.
func clientHelloDatagram(t *testing.T) []byte {
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	co := &Options{Protocol: "dtls", Verify: VerifyNone}
	go Connect("127.0.0.1", pc.LocalAddr().(*net.UDPAddr).Port, co, time.Second)
	buf := make([]byte, 2048)
	pc.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _, err := pc.ReadFromUDP(buf)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf[:n]...)
}

// TestDTLSHostileDatagramsDiscarded: on an established association,
// garbage datagrams, records of an unknown epoch, a replayed record, a
// tampered record and a truncated handshake fragment are all dropped
// (RFC 6347, 4.1.2.7) and the association goes on; the replayed record's
// data is delivered once.
func TestDTLSHostileDatagramsDiscarded(t *testing.T) {
	p := testpeers.NewPKI(t)
	port, done := startDTLSEcho(t, dtlsServerOpts(p, "ecdsa", 0), 1)
	s, err := Connect("127.0.0.1", port, dtlsClientOpts(p, 0), 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c := s.dtls()
	seal := func(epoch uint16, typ uint8, data []byte) []byte {
		c.wmu.Lock()
		defer c.wmu.Unlock()
		rec, err := c.w.Seal(make([]byte, 0, 2048), epoch, typ, data)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	once := seal(1, wire.TypeApplicationData, []byte("once"))
	tampered := seal(1, wire.TypeApplicationData, []byte("tampered"))
	tampered[len(tampered)-1] ^= 1
	badEpoch := append([]byte(nil), seal(1, wire.TypeApplicationData, []byte("epoch"))...)
	badEpoch[4] = 7
	// A handshake fragment claiming more bytes than it carries.
	frag := wire.AppendDTLSHeader(nil, wire.DTLSHeader{Type: wire.TypeFinished, Length: 100, MessageSeq: 9, FragmentLength: 50})
	truncated := seal(1, wire.TypeHandshake, append(frag, make([]byte, 10)...))
	for _, d := range [][]byte{[]byte("garbage"), {23, 0xfe, 0xfd}, badEpoch, tampered, truncated, once, once} {
		if err := c.writeDatagram(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Send([]byte("after")); err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	for len(got) < 2 {
		b, err := s.Recv(0, 10*time.Second)
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, b)
	}
	if !bytes.Equal(got[0], []byte("once")) || !bytes.Equal(got[1], []byte("after")) {
		t.Fatalf("echoed %q, want once, after", got)
	}
	s.Close()
	if err := <-done; err != nil {
		t.Fatalf("server: %v", err)
	}
}

// TestDTLSIdleAssociationExpires: a server association whose peer goes
// silent is dropped after the idle timeout (UDP has no FIN): the server's
// Recv ends with ErrClosed and the listener forgets the address.
func TestDTLSIdleAssociationExpires(t *testing.T) {
	defer func(d time.Duration) { dtlsIdleTimeout = d }(dtlsIdleTimeout)
	dtlsIdleTimeout = 300 * time.Millisecond
	p := testpeers.NewPKI(t)
	ls, err := Listen(0, dtlsServerOpts(p, "ecdsa", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	res := make(chan error, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err == nil {
			if err = s.Handshake(10 * time.Second); err == nil {
				_, err = s.Recv(0, 20*time.Second)
			}
		}
		res <- err
	}()
	c, err := Connect("127.0.0.1", ls.Port(), dtlsClientOpts(p, 0), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	select {
	case err := <-res:
		if err != ErrClosed {
			t.Fatalf("server Recv: %v, want ErrClosed", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("expired after %v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the silent association did not expire")
	}
	dl := ls.ln.(*dtlsListener)
	dl.mu.Lock()
	n := len(dl.assoc)
	dl.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d associations left", n)
	}
}
