package ssl

import (
	"bytes"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// dtlsServerOpts and dtlsClientOpts are the options of a DTLS pair with
// the test PKI and a small MTU, so that the certificate is fragmented.
func dtlsServerOpts(p *testpeers.PKI, name string, mtu int) *Options {
	o := serverOpts(p, name)
	o.Protocol, o.DTLSMTU = "dtls", mtu
	return o
}

func dtlsClientOpts(p *testpeers.PKI, mtu int) *Options {
	o := clientOpts(p)
	o.Protocol, o.DTLSMTU, o.ReuseSessions = "dtls", mtu, Bool(false)
	return o
}

// startDTLSEcho runs a gossl DTLS echo server that serves n associations
// one after another; it returns the port and the server-side errors.
func startDTLSEcho(t *testing.T, opts *Options, n int) (int, <-chan error) {
	t.Helper()
	ls, err := Listen(0, opts)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { ls.Close() })
	done := make(chan error, n)
	go func() {
		for i := 0; i < n; i++ {
			s, err := ls.TransportAccept(30 * time.Second)
			if err != nil {
				done <- err
				return
			}
			go func() { done <- echoSocket(s, 30*time.Second) }()
		}
	}()
	return ls.Port(), done
}

// TestDTLSLoopback: Connect and Listen with {protocol, dtls}, both
// versions, a small MTU (the certificate chain is fragmented), data both
// ways (one record per Recv, a large Send as several records), the
// protocol reported as DTLS, and close_notify ending the server's loop.
func TestDTLSLoopback(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, v := range []Version{DTLSv1_2, DTLSv1} {
		t.Run(string(v), func(t *testing.T) {
			so := dtlsServerOpts(p, "ecdsa", 300)
			so.Versions = []Version{DTLSv1_2, DTLSv1}
			port, done := startDTLSEcho(t, so, 1)
			co := dtlsClientOpts(p, 300)
			co.Versions = []Version{v}
			s, err := Connect("127.0.0.1", port, co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			info, err := s.ConnectionInformation("protocol")
			if err != nil || len(info) != 1 || info[0].Value != string(v) {
				t.Fatalf("protocol %v %v, want %s", info, err, v)
			}
			if err := s.Send([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			if b, err := s.Recv(0, 10*time.Second); err != nil || string(b) != "hello" {
				t.Fatalf("echo: %q %v", b, err)
			}
			// 1000 bytes at MTU 300: several records, each echoed on its
			// own; Recv returns one record at a time.
			big := bytes.Repeat([]byte("0123456789"), 100)
			if err := s.Send(big); err != nil {
				t.Fatal(err)
			}
			var got []byte
			for n := 0; len(got) < len(big); n++ {
				b, err := s.Recv(0, 10*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if len(b) > 300 {
					t.Fatalf("a record of %d bytes at MTU 300", len(b))
				}
				got = append(got, b...)
			}
			if !bytes.Equal(got, big) {
				t.Fatal("large send garbled")
			}
			// With a length, exactly that many bytes, across records, as
			// for TLS (OTP's recv/3 on a DTLS socket).
			if err := s.Send([]byte("abc")); err != nil {
				t.Fatal(err)
			}
			if err := s.Send([]byte("defg")); err != nil {
				t.Fatal(err)
			}
			if b, err := s.Recv(5, 10*time.Second); err != nil || string(b) != "abcde" {
				t.Fatalf("Recv(5): %q %v", b, err)
			}
			if b, err := s.Recv(0, 10*time.Second); err != nil || string(b) != "fg" {
				t.Fatalf("Recv(0) after Recv(5): %q %v", b, err)
			}
			// getstat counts datagrams, as for the UDP socket: at least
			// the records just exchanged, the handshake's flights too.
			st, err := s.Getstat("recv_cnt", "send_cnt", "recv_oct", "send_max")
			if err != nil || len(st) != 4 || st[0].Value < 8 || st[1].Value < 8 || st[2].Value < 1000 || st[3].Value > 300 {
				t.Fatalf("getstat %v %v", st, err)
			}
			s.Close()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("server: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("server did not see close_notify")
			}
		})
	}
}

// TestDTLSOptions: DTLS versions need {protocol, dtls} and the reverse;
// the socket options a DTLS socket does not do are refused, not ignored.
func TestDTLSOptions(t *testing.T) {
	for _, o := range []*Options{
		{Versions: []Version{DTLSv1_2}},
		{Protocol: "dtls", Versions: []Version{TLSv1_2}},
		{Protocol: "dtls", DTLSMTU: -1},
		{Protocol: "dtls", Packet: 2},
		{Protocol: "dtls", DelaySend: true},
		{Protocol: "udp"},
	} {
		_, err := Listen(0, o)
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Errorf("%+v: %v, want an OptionError", o, err)
		}
	}
}

// TestDTLSExportKeyMaterials: export_key_materials (RFC 5705) on a DTLS
// association gives both ends the same keying material, different for
// different labels.
func TestDTLSExportKeyMaterials(t *testing.T) {
	p := testpeers.NewPKI(t)
	ls, err := Listen(0, dtlsServerOpts(p, "ecdsa", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer ls.Close()
	labels, contexts, lengths := []string{"EXPERIMENTAL a", "EXPERIMENTAL b"}, [][]byte{nil, []byte("ctx")}, []int{32, 16}
	type result struct {
		keys [][]byte
		err  error
	}
	srv := make(chan result, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err == nil {
			defer s.Close()
			if err = s.Handshake(10 * time.Second); err == nil {
				k, err := s.ExportKeyMaterials(labels, contexts, lengths)
				srv <- result{k, err}
				s.Recv(0, 10*time.Second) // until the client closes
				return
			}
		}
		srv <- result{nil, err}
	}()
	c, err := Connect("127.0.0.1", ls.Port(), dtlsClientOpts(p, 0), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ck, err := c.ExportKeyMaterials(labels, contexts, lengths)
	if err != nil {
		t.Fatal(err)
	}
	r := <-srv
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(ck) != 2 || len(ck[0]) != 32 || len(ck[1]) != 16 || !bytes.Equal(ck[0], r.keys[0]) || !bytes.Equal(ck[1], r.keys[1]) || bytes.Equal(ck[0][:16], ck[1]) {
		t.Fatalf("client %x, server %x", ck, r.keys)
	}
}

// TestDTLSConnectConnOverPipe: ConnectConn and HandshakeConn with
// {protocol, dtls} over a transport of the caller's (here net.Pipe, which
// keeps message boundaries): the handshake, with verification, and data.
func TestDTLSConnectConnOverPipe(t *testing.T) {
	p := testpeers.NewPKI(t)
	c1, c2 := net.Pipe()
	srv := make(chan error, 1)
	go func() {
		s, err := HandshakeConn(c2, dtlsServerOpts(p, "ecdsa", 0), 10*time.Second)
		if err != nil {
			srv <- err
			return
		}
		srv <- echoSocket(s, 10*time.Second)
	}()
	s, err := ConnectConn(c1, dtlsClientOpts(p, 0), 10*time.Second)
	if err != nil {
		t.Fatalf("ConnectConn: %v", err)
	}
	if info, _ := s.ConnectionInformation("protocol"); len(info) != 1 || info[0].Value != "dtlsv1.2" {
		t.Fatalf("protocol %v", info)
	}
	if err := s.Send([]byte("over a pipe")); err != nil {
		t.Fatal(err)
	}
	if b, err := s.Recv(0, 10*time.Second); err != nil || string(b) != "over a pipe" {
		t.Fatalf("echo: %q %v", b, err)
	}
	s.Close()
	if err := <-srv; err != nil {
		t.Fatalf("server: %v", err)
	}
}
