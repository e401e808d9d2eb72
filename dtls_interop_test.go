package ssl

import (
	"bytes"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestDTLSInteropOpenSSLServer: gossl's DTLS client against openssl
// s_server, DTLS 1.2 and 1.0, both sides cutting records and handshake
// fragments to a 300-byte MTU; data goes both ways.
func TestDTLSInteropOpenSSLServer(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range []struct {
		v      Version
		flag   string
		cipher string
	}{
		{DTLSv1_2, "-dtls1_2", "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{DTLSv1_2, "-dtls1_2", "ECDHE-ECDSA-AES256-SHA384"},
		{DTLSv1, "-dtls1", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0"},
	} {
		t.Run(string(tc.v)+"/"+tc.cipher, func(t *testing.T) {
			srv, addr := testpeers.OpenSSLServer(t, tc.flag, "-mtu", "300", "-cert", p.CertFile("ecdsa"), "-key", p.KeyFile("ecdsa"), "-cipher", tc.cipher)
			_, port, _ := net.SplitHostPort(addr)
			n, _ := strconv.Atoi(port)
			co := dtlsClientOpts(p, 300)
			co.Versions = []Version{tc.v}
			s, err := Connect("127.0.0.1", n, co, 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v\n%s", err, srv.Output())
			}
			defer s.Close()
			if info, _ := s.ConnectionInformation("protocol"); len(info) != 1 || info[0].Value != string(tc.v) {
				t.Fatalf("protocol %v", info)
			}
			if err := s.Send([]byte("hello from gossl\n")); err != nil {
				t.Fatal(err)
			}
			if err := srv.WaitFor("hello from gossl", 10*time.Second); err != nil {
				t.Fatalf("s_server did not print the data: %v\n%s", err, srv.Output())
			}
			srv.Stdin.Write([]byte("hello from openssl\n"))
			b, err := s.Recv(0, 10*time.Second)
			if err != nil || string(b) != "hello from openssl\n" {
				t.Fatalf("Recv: %q %v", b, err)
			}
		})
	}
}

// TestDTLSInteropOpenSSLClient: openssl s_client -dtls1_2 (and -dtls1)
// with a 300-byte MTU against gossl's DTLS listener: the cookie exchange,
// fragmented flights and data both ways.
func TestDTLSInteropOpenSSLClient(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range []struct{ flag, cipher string }{
		{"-dtls1_2", "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"-dtls1_2", "ECDHE-ECDSA-CHACHA20-POLY1305"},
		{"-dtls1", "ECDHE-ECDSA-AES256-SHA:@SECLEVEL=0"},
	} {
		t.Run(tc.flag+"/"+tc.cipher, func(t *testing.T) {
			so := dtlsServerOpts(p, "ecdsa", 300)
			so.Versions = []Version{DTLSv1_2, DTLSv1}
			ls, err := Listen(0, so)
			if err != nil {
				t.Fatal(err)
			}
			defer ls.Close()
			cl := testpeers.OpenSSLClient(t, "127.0.0.1:"+strconv.Itoa(ls.Port()), tc.flag, "-mtu", "300", "-cipher", tc.cipher)
			serveOneLine(t, ls, cl)
		})
	}
}

// serveOneLine accepts one DTLS association on ls from the command-line
// peer cl, which sends what is written to its stdin and prints what it
// receives: a line goes each way.
func serveOneLine(t *testing.T, ls *ListenSocket, cl *testpeers.Proc) {
	t.Helper()
	serveOneLineCheck(t, ls, cl, nil)
}

// serveOneLineCheck is serveOneLine with check run on the socket once
// its handshake is done (nil: none).
func serveOneLineCheck(t *testing.T, ls *ListenSocket, cl *testpeers.Proc, check func(*Socket)) {
	t.Helper()
	s, err := ls.TransportAccept(20 * time.Second)
	if err != nil {
		t.Fatalf("TransportAccept: %v\n%s", err, cl.Output())
	}
	defer s.Close()
	if err := s.Handshake(20 * time.Second); err != nil {
		t.Fatalf("Handshake: %v\n%s", err, cl.Output())
	}
	if check != nil {
		check(s)
	}
	cl.Stdin.Write([]byte("hello from the peer\n"))
	b, err := s.Recv(0, 10*time.Second)
	if err != nil || string(b) != "hello from the peer\n" {
		t.Fatalf("Recv: %q %v\n%s", b, err, cl.Output())
	}
	if err := s.Send([]byte("hello from gossl\n")); err != nil {
		t.Fatal(err)
	}
	if err := cl.WaitFor("hello from gossl", 10*time.Second); err != nil {
		t.Fatalf("the peer did not print the data: %v\n%s", err, cl.Output())
	}
}

// lossyProxy relays UDP datagrams between one client and a server,
// dropping, duplicating, delaying and so reordering them at random.
type lossyProxy struct {
	front, back *net.UDPConn
	server      *net.UDPAddr
	loss, dup   float64
	mu          sync.Mutex
	rng         *rand.Rand
	client      *net.UDPAddr
	dropped     int
	wg          sync.WaitGroup
}

func startLossyProxy(t *testing.T, server *net.UDPAddr, loss, dup float64, seed uint64) *lossyProxy {
	front, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	back, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	p := &lossyProxy{front: front, back: back, server: server, loss: loss, dup: dup, rng: rand.New(rand.NewPCG(seed, 1))}
	p.wg.Add(2)
	go p.relay(front, true)
	go p.relay(back, false)
	t.Cleanup(func() { front.Close(); back.Close(); p.wg.Wait() })
	return p
}

func (p *lossyProxy) relay(from *net.UDPConn, fromClient bool) {
	defer p.wg.Done()
	buf := make([]byte, 1<<16)
	for {
		n, addr, err := from.ReadFromUDP(buf)
		if err != nil {
			return
		}
		d := append([]byte(nil), buf[:n]...)
		p.mu.Lock()
		if fromClient {
			p.client = addr
		}
		out, dst := p.front, p.client
		if fromClient {
			out, dst = p.back, p.server
		}
		copies := 1
		if p.rng.Float64() < p.loss {
			copies = 0
			p.dropped++
		} else if p.rng.Float64() < p.dup {
			copies = 2
		}
		delays := []time.Duration{time.Duration(p.rng.IntN(30)) * time.Millisecond, time.Duration(p.rng.IntN(30)) * time.Millisecond}
		p.mu.Unlock()
		for i := 0; i < copies; i++ {
			time.AfterFunc(delays[i], func() { out.WriteToUDP(d, dst) })
		}
	}
}

// TestDTLSLossyNetwork: through a proxy that drops 20% of the datagrams
// and duplicates, delays and reorders others, DTLS handshakes complete
// (retransmission, RFC 6347, 4.2.4) within a bounded time, and data
// arrives intact where the application retransmits, as datagram
// applications do.
func TestDTLSLossyNetwork(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := dtlsServerOpts(p, "ecdsa", 400)
	so.DTLSRetransmitTimeout = 50 * time.Millisecond
	const rounds = 5
	port, _ := startDTLSEcho(t, so, rounds)
	dropped := 0
	for i := 0; i < rounds; i++ {
		proxy := startLossyProxy(t, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}, 0.2, 0.1, uint64(i))
		co := dtlsClientOpts(p, 400)
		co.DTLSRetransmitTimeout = 50 * time.Millisecond
		start := time.Now()
		s, err := Connect("127.0.0.1", proxy.front.LocalAddr().(*net.UDPAddr).Port, co, 30*time.Second)
		if err != nil {
			t.Fatalf("round %d: Connect through the lossy proxy: %v", i, err)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Fatalf("round %d: handshake took %v", i, d)
		}
		msg := bytes.Repeat([]byte{byte('a' + i)}, 200)
		var got []byte
		for try := 0; try < 50 && !bytes.Equal(got, msg); try++ {
			if err := s.Send(msg); err != nil {
				t.Fatal(err)
			}
			got, _ = s.Recv(0, 200*time.Millisecond)
		}
		if !bytes.Equal(got, msg) {
			t.Fatalf("round %d: data never came back intact", i)
		}
		s.Close()
		proxy.mu.Lock()
		dropped += proxy.dropped
		proxy.mu.Unlock()
	}
	if dropped == 0 {
		t.Fatal("the proxy dropped nothing: the test proved nothing")
	}
}
