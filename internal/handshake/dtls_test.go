package handshake

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// dtlsEnd is one side of a DTLS association driven without sockets: the
// machine over internal/dtls's record layer, reassembly and flights. The
// tests below run it in memory and against OpenSSL over UDP.
type dtlsEnd struct {
	t         testing.TB
	m         Machine
	mtu       int
	w         dtls.Sealer
	r         dtls.Opener
	ra        *dtls.Reassembler
	flight    dtls.Flight
	newFlight bool     // the next message starts a new flight
	out       [][]byte // datagrams to send
	appData   [][]byte // application data received
}

func newDTLSEnd(t testing.TB, m Machine, mtu int, firstSeq uint16) *dtlsEnd {
	e := &dtlsEnd{t: t, m: m, mtu: mtu, ra: dtls.NewReassembler(firstSeq, wire.DefaultMaxHandshakeSize), newFlight: true}
	e.w.SetVersion(wire.VersionDTLS10) // until the ServerHello (RFC 6347, 4.1)
	return e
}

func (e *dtlsEnd) apply(acts []Action) error {
	for _, a := range acts {
		if (a.Kind == SendMessage || a.Kind == SendChangeCipherSpec) && e.newFlight {
			e.flight.Reset()
			e.newFlight = false
		}
		switch a.Kind {
		case SendMessage:
			e.flight.AddHandshake(e.w.Epoch(), a.Data)
		case SendChangeCipherSpec:
			e.flight.AddChangeCipherSpec(e.w.Epoch())
		case SetWriteKeys, SetReadKeys:
			p, err := dtls.NewProtectorWith(a.Keys.Suite, DTLSVersion(a.Keys.Version), a.Keys.Key, a.Keys.MACKey, a.Keys.IV,
				record.Options{EncryptThenMAC: a.Keys.EncryptThenMAC})
			if err != nil {
				return err
			}
			if a.Kind == SetWriteKeys {
				err = e.w.NextEpoch(p)
			} else {
				err = e.r.NextEpoch(p)
			}
			if err != nil {
				return err
			}
		case SetVersion:
			e.w.SetVersion(DTLSVersion(a.Version))
			e.r.SetVersion(DTLSVersion(a.Version))
		case Flush:
			if err := e.resend(); err != nil {
				return err
			}
			e.newFlight = true
		}
	}
	return nil
}

// resend puts the last flight on the wire again (or for the first time).
func (e *dtlsEnd) resend() error {
	d, err := e.flight.Datagrams(&e.w, e.mtu)
	if err != nil {
		return err
	}
	for _, x := range d {
		if len(x) > e.mtu {
			e.t.Errorf("datagram of %d bytes over the MTU %d", len(x), e.mtu)
		}
	}
	e.out = append(e.out, d...)
	return nil
}

// receive handles one datagram; a retransmission by the peer makes it
// resend its last flight (RFC 6347, 4.2.4).
func (e *dtlsEnd) receive(d []byte) error {
	for rest := d; len(rest) > 0; {
		rec, next, ok := e.r.Open(rest)
		rest = next
		if !ok {
			continue
		}
		var acts []Action
		var err error
		switch rec.Type {
		case wire.TypeChangeCipherSpec:
			if rec.Previous {
				continue // a retransmission already acted on
			}
			acts, err = e.m.HandleChangeCipherSpec()
		case wire.TypeApplicationData:
			e.appData = append(e.appData, append([]byte(nil), rec.Data...))
		case wire.TypeAlert:
			return fmt.Errorf("alert %x received", rec.Data)
		case wire.TypeHandshake:
			old, aerr := e.ra.Add(rec.Data)
			if aerr != nil {
				return aerr
			}
			if old && e.flight.Len() > 0 {
				if err := e.resend(); err != nil {
					return err
				}
			}
			for msg, ok := e.ra.Next(); ok; msg, ok = e.ra.Next() {
				more, herr := e.m.HandleMessage(msg)
				if herr != nil {
					return herr
				}
				acts = append(acts, more...)
			}
		}
		if err != nil {
			return err
		}
		if err := e.apply(acts); err != nil {
			return err
		}
	}
	return nil
}

func (e *dtlsEnd) take() [][]byte {
	out := e.out
	e.out = nil
	return out
}

func (e *dtlsEnd) sendData(b []byte) []byte {
	rec, err := e.w.Seal(make([]byte, 0, len(b)+e.w.Overhead(e.w.Epoch())), e.w.Epoch(), wire.TypeApplicationData, b)
	if err != nil {
		e.t.Fatal(err)
	}
	return rec
}

func dtlsConfig(t *testing.T, withCert bool) *Config {
	cfg := testConfig(t, withCert)
	cfg.DTLS = true
	cfg.Versions = []uint16{wire.VersionTLS12}
	return cfg
}

// lossyNet carries datagrams between two ends, dropping, duplicating and
// reordering them at random. When nothing is in flight it plays the
// retransmission timer: both sides resend their last flight.
type lossyNet struct {
	rng       *rand.Rand
	loss, dup float64
	timeouts  int // how often the timer had to fire
}

func (n *lossyNet) carry(in [][]byte) [][]byte {
	var out [][]byte
	for _, d := range in {
		if n.rng.Float64() < n.loss {
			continue
		}
		out = append(out, append([]byte(nil), d...))
		if n.rng.Float64() < n.dup {
			out = append(out, append([]byte(nil), d...))
		}
	}
	n.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// runDTLS runs a client against a server behind a stateless cookie check
// (dtls.CookieJar.Screen, as a listener does) over net until both are
// done, and returns both ends.
func runDTLS(t *testing.T, client *Client, serverCfg *Config, mtu int, net *lossyNet) (*dtlsEnd, *dtlsEnd) {
	t.Helper()
	jar := dtls.NewCookieJar(0)
	c := newDTLSEnd(t, client, mtu, 0)
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.apply(acts); err != nil {
		t.Fatal(err)
	}
	var s *dtlsEnd
	var server *Server
	hvrs := 0
	for round := 0; round < 200; round++ {
		if client.Done() && server != nil && server.Done() {
			return c, s
		}
		toServer := net.carry(c.take())
		var toClient [][]byte
		for _, d := range toServer {
			if s == nil {
				sc := jar.Screen(time.Now(), "127.0.0.1:5000", d)
				if sc.Reply != nil {
					hvrs++
					toClient = append(toClient, sc.Reply)
				}
				if !sc.Accept {
					continue
				}
				server = NewServer(serverCfg)
				s = newDTLSEnd(t, server, mtu, sc.MessageSeq)
				s.w.SkipTo(sc.RecordSeq)
			}
			if err := s.receive(d); err != nil {
				t.Fatalf("server: %v", err)
			}
		}
		if s != nil {
			toClient = append(toClient, s.take()...)
		}
		for _, d := range net.carry(toClient) {
			if err := c.receive(d); err != nil {
				t.Fatalf("client: %v", err)
			}
		}
		if client.Done() && server != nil && server.Done() {
			return c, s
		}
		if len(c.out) == 0 && (s == nil || len(s.out) == 0) {
			// The timer fires: resend the last flights.
			net.timeouts++
			if err := c.resend(); err != nil {
				t.Fatal(err)
			}
			if s != nil && s.flight.Len() > 0 {
				if err := s.resend(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if hvrs == 0 {
		t.Fatal("no HelloVerifyRequest was sent")
	}
	t.Fatalf("handshake did not complete: client in %s", client.State())
	return nil, nil
}

// TestDTLSMachines: the TLS 1.2 machines in DTLS mode complete a
// handshake through a stateless cookie exchange, with messages fragmented
// to a small MTU, and the keys they install carry application data.
func TestDTLSMachines(t *testing.T) {
	for _, mtu := range []int{256, 1400} {
		client := NewClient(dtlsConfig(t, false))
		net := &lossyNet{rng: rand.New(rand.NewPCG(1, uint64(mtu)))}
		c, s := runDTLS(t, client, dtlsConfig(t, true), mtu, net)
		// Nothing was lost, so nothing needed retransmitting: in
		// particular the client kept the server's first flight, whose
		// record numbers follow the HelloVerifyRequest's.
		if net.timeouts != 0 {
			t.Fatalf("MTU %d: a lossless handshake needed %d retransmissions", mtu, net.timeouts)
		}
		ci, si := client.Info(), s.m.Info()
		if !bytes.Equal(ci.MasterSecret, si.MasterSecret) || ci.Version != wire.VersionTLS12 || !ci.ExtendedMasterSecret {
			t.Fatalf("sides disagree: %+v / %+v", ci, si)
		}
		if err := s.receive(c.sendData([]byte("ping"))); err != nil || len(s.appData) != 1 || string(s.appData[0]) != "ping" {
			t.Fatalf("client to server: %v %q", err, s.appData)
		}
		if err := c.receive(s.sendData([]byte("pong"))); err != nil || len(c.appData) != 1 || string(c.appData[0]) != "pong" {
			t.Fatalf("server to client: %v %q", err, c.appData)
		}
	}
}

// TestDTLSMachinesLossy: the handshake completes at 20% loss with
// duplicated and reordered datagrams, for many loss patterns.
func TestDTLSMachinesLossy(t *testing.T) {
	for seed := uint64(0); seed < 30; seed++ {
		client := NewClient(dtlsConfig(t, false))
		runDTLS(t, client, dtlsConfig(t, true), 300, &lossyNet{rng: rand.New(rand.NewPCG(seed, 7)), loss: 0.2, dup: 0.1})
	}
}

// TestDTLSClientHelloCookie: the second ClientHello repeats the first
// with the cookie (same random), and the first and the HelloVerifyRequest
// stay out of the transcript (RFC 6347, 4.2.1 and 4.2.6).
func TestDTLSClientHelloCookie(t *testing.T) {
	client := NewClient(dtlsConfig(t, false))
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	first := acts[0].Data
	h, _ := wire.ParseDTLSHeader(first)
	if h.MessageSeq != 0 || h.Type != wire.TypeClientHello {
		t.Fatalf("first ClientHello header %+v", h)
	}
	hvr, _ := (&wire.HelloVerifyRequest{Version: wire.VersionDTLS10, Cookie: []byte("cookie")}).Marshal()
	acts, err = client.HandleMessage(wire.ToDTLS(hvr, 0))
	if err != nil {
		t.Fatal(err)
	}
	second := acts[0].Data
	h2, _ := wire.ParseDTLSHeader(second)
	if h2.MessageSeq != 1 {
		t.Fatalf("second ClientHello message_seq %d, want 1", h2.MessageSeq)
	}
	ch1, ch2 := &wire.ClientHello{DTLS: true}, &wire.ClientHello{DTLS: true}
	tlsForm := func(m []byte) []byte {
		return append([]byte{m[0], m[1], m[2], m[3]}, m[wire.DTLSHeaderLen:]...)
	}
	if !ch1.Unmarshal(tlsForm(first)) || !ch2.Unmarshal(tlsForm(second)) {
		t.Fatal("ClientHellos do not parse")
	}
	if !bytes.Equal(ch1.Random, ch2.Random) || string(ch2.Cookie) != "cookie" || ch1.Version != wire.VersionDTLS12 {
		t.Fatalf("second ClientHello: version %x cookie %q", ch1.Version, ch2.Cookie)
	}
	if !bytes.Equal(client.transcript.Bytes(), second) {
		t.Fatal("transcript is not exactly the second ClientHello in its DTLS form")
	}
	for i := 0; i < maxHelloVerifyRequests-1; i++ {
		if _, err := client.HandleMessage(wire.ToDTLS(hvr, uint16(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := client.HandleMessage(wire.ToDTLS(hvr, 9)); err == nil {
		t.Fatal("endless HelloVerifyRequests answered")
	}
}

// TestDTLSMachinesOpenSSLServer runs the client machine, over
// internal/dtls and a UDP socket, against openssl s_server -dtls1_2 with
// an MTU small enough to fragment the certificate: the transcript form,
// cookie exchange and record protection agree with OpenSSL's.
func TestDTLSMachinesOpenSSLServer(t *testing.T) {
	pki := testpeers.NewPKI(t)
	for _, tc := range []struct{ version, cipher string }{
		{"-dtls1_2", "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"-dtls1_2", "ECDHE-ECDSA-AES256-SHA384"},
		{"-dtls1_2", "ECDHE-ECDSA-CHACHA20-POLY1305"},
		// DTLS 1.0 is TLS 1.1 inside: SECLEVEL 2 refuses it otherwise.
		{"-dtls1", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0"},
	} {
		t.Run(tc.version+"/"+tc.cipher, func(t *testing.T) {
			srv, addr := testpeers.OpenSSLServer(t, tc.version, "-mtu", "300", "-cert", pki.CertFile("ecdsa"), "-key", pki.KeyFile("ecdsa"), "-cipher", tc.cipher)
			conn, err := net.Dial("udp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			cfg := dtlsConfig(t, false)
			cfg.Versions = []uint16{wire.VersionTLS12, wire.VersionTLS11}
			cfg.Suites = suites.Filter(suites.All(), cfg.Versions)
			client := NewClient(cfg)
			c := newDTLSEnd(t, client, 300, 0)
			acts, err := client.Start()
			if err != nil {
				t.Fatal(err)
			}
			if err := c.apply(acts); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 2048)
			deadline := time.Now().Add(15 * time.Second)
			for !client.Done() {
				for _, d := range c.take() {
					if _, err := conn.Write(d); err != nil {
						t.Fatal(err)
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("no handshake; client in %s; server said:\n%s", client.State(), srv.Output())
				}
				conn.SetReadDeadline(time.Now().Add(time.Second))
				n, err := conn.Read(buf)
				if err != nil {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						c.resend()
						continue
					}
					t.Fatal(err)
				}
				if err := c.receive(buf[:n]); err != nil {
					t.Fatalf("client: %v; server said:\n%s", err, srv.Output())
				}
			}
			if client.dtls.hvrs != 1 {
				t.Fatalf("%d HelloVerifyRequests, want 1 (s_server exchanges cookies)", client.dtls.hvrs)
			}
			for _, d := range c.take() {
				conn.Write(d)
			}
			if _, err := conn.Write(c.sendData([]byte("hello over DTLS\n"))); err != nil {
				t.Fatal(err)
			}
			if err := srv.WaitFor("hello over DTLS", 10*time.Second); err != nil {
				t.Fatalf("server did not get the data: %v\n%s", err, srv.Output())
			}
		})
	}
}

// TestDTLSMachinesOpenSSLClient runs the server machine behind the
// stateless cookie check, over internal/dtls and a UDP socket, against
// openssl s_client -dtls1_2 with a small MTU; the data s_client sends
// arrives.
func TestDTLSMachinesOpenSSLClient(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	cl := testpeers.OpenSSLClient(t, pc.LocalAddr().String(), "-dtls1_2", "-mtu", "300", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
	cl.Stdin.Write([]byte("hello from s_client\n"))
	jar := dtls.NewCookieJar(0)
	var s *dtlsEnd
	var server *Server
	buf := make([]byte, 2048)
	deadline := time.Now().Add(15 * time.Second)
	hvrs := 0
	for s == nil || len(s.appData) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no data; client said:\n%s", cl.Output())
		}
		pc.SetReadDeadline(time.Now().Add(time.Second))
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() && s != nil && s.flight.Len() > 0 {
				if err := s.resend(); err != nil {
					t.Fatal(err)
				}
			} else if !ok || !ne.Timeout() {
				t.Fatal(err)
			}
		} else if s == nil {
			sc := jar.Screen(time.Now(), from.String(), buf[:n])
			if sc.Reply != nil {
				hvrs++
				pc.WriteTo(sc.Reply, from)
			}
			if sc.Accept {
				server = NewServer(dtlsConfig(t, true))
				s = newDTLSEnd(t, server, 300, sc.MessageSeq)
				s.w.SkipTo(sc.RecordSeq)
				if err := s.receive(buf[:n]); err != nil {
					t.Fatal(err)
				}
			}
		} else if err := s.receive(buf[:n]); err != nil {
			t.Fatalf("server: %v; client said:\n%s", err, cl.Output())
		}
		if s != nil {
			for _, d := range s.take() {
				pc.WriteTo(d, from)
			}
		}
	}
	if !server.Done() || hvrs != 1 || string(s.appData[0]) != "hello from s_client\n" {
		t.Fatalf("done %v, %d HelloVerifyRequests, data %q", server.Done(), hvrs, s.appData[0])
	}
}
