package ssl

import (
	"bytes"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
	pion "github.com/pion/dtls/v4"
)

// rebindingRelay relays UDP datagrams between one client and a server,
// and can rebind: send to the server from a new socket (a new source
// port), as a NAT that forgot its mapping does. It records the content
// type of each datagram's first record, per direction, after Mark.
type rebindingRelay struct {
	t      *testing.T
	front  *net.UDPConn
	server *net.UDPAddr

	mu       sync.Mutex
	back     *net.UDPConn
	client   *net.UDPAddr
	marked   bool
	last     []byte // the last datagram to the server
	hold     bool   // keep the next datagram to the server in held
	held     []byte
	toServer []uint8
	toClient []uint8
}

func startRebindingRelay(t *testing.T, serverPort int) *rebindingRelay {
	front, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	r := &rebindingRelay{t: t, front: front, server: &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: serverPort}}
	r.rebind()
	go r.fromClient()
	t.Cleanup(func() {
		front.Close()
		r.mu.Lock()
		r.back.Close()
		r.mu.Unlock()
	})
	return r
}

// rebind moves the server side of the relay to a new source port; the
// old socket closes, so the server's datagrams to the old port are lost.
func (r *rebindingRelay) rebind() {
	back, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		r.t.Fatal(err)
	}
	r.mu.Lock()
	old := r.back
	r.back = back
	r.mu.Unlock()
	if old != nil {
		old.Close()
	}
	go r.fromServer(back)
}

// port is the relay's current source port toward the server.
func (r *rebindingRelay) port() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.back.LocalAddr().(*net.UDPAddr).Port
}

// mark starts recording content types (after the handshake).
func (r *rebindingRelay) mark() {
	r.mu.Lock()
	r.marked, r.toServer, r.toClient = true, nil, nil
	r.mu.Unlock()
}

func (r *rebindingRelay) types() (toServer, toClient []uint8) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]uint8(nil), r.toServer...), append([]uint8(nil), r.toClient...)
}

func (r *rebindingRelay) fromClient() {
	buf := make([]byte, 1<<16)
	for {
		n, addr, err := r.front.ReadFromUDP(buf)
		if err != nil {
			return
		}
		r.mu.Lock()
		r.client = addr
		r.last = append(r.last[:0], buf[:n]...)
		if r.hold {
			r.hold, r.held = false, append([]byte(nil), buf[:n]...)
			r.mu.Unlock()
			continue
		}
		back := r.back
		if r.marked && n > 0 {
			r.toServer = append(r.toServer, buf[0])
		}
		r.mu.Unlock()
		back.WriteToUDP(buf[:n], r.server)
	}
}

func (r *rebindingRelay) fromServer(back *net.UDPConn) {
	buf := make([]byte, 1<<16)
	for {
		n, _, err := back.ReadFromUDP(buf)
		if err != nil {
			return
		}
		r.mu.Lock()
		client := r.client
		if r.marked && n > 0 {
			r.toClient = append(r.toClient, buf[0])
		}
		r.mu.Unlock()
		r.front.WriteToUDP(buf[:n], client)
	}
}

// checkAllCID fails unless every datagram recorded in each direction
// started with a tls12_cid record (or, where that direction's CID is
// empty, none did).
func checkAllCID(t *testing.T, r *rebindingRelay, toServerCID, toClientCID bool) {
	t.Helper()
	ts, tc := r.types()
	for _, c := range []struct {
		name  string
		types []uint8
		want  bool
	}{{"to the server", ts, toServerCID}, {"to the client", tc, toClientCID}} {
		if len(c.types) == 0 {
			t.Fatalf("no datagram %s", c.name)
		}
		for _, typ := range c.types {
			if (typ == wire.TypeTLS12CID) != c.want {
				t.Fatalf("datagrams %s have types %v, want tls12_cid: %v", c.name, c.types, c.want)
			}
		}
	}
}

// acceptEcho accepts one association on ls, completes its handshake and
// echoes what it receives; the socket is sent on the channel once the
// handshake is done.
func acceptEcho(t *testing.T, ls *ListenSocket) <-chan *Socket {
	ch := make(chan *Socket, 1)
	go func() {
		s, err := ls.TransportAccept(20 * time.Second)
		if err == nil && s.Handshake(20*time.Second) == nil {
			ch <- s
			echoSocket(s, 20*time.Second)
			return
		}
		close(ch)
	}()
	return ch
}

// cidServerBehindRelay runs a gossl DTLS echo server asking for
// cidLen-byte CIDs, and a rebinding relay in front of it.
func cidServerBehindRelay(t *testing.T, p *testpeers.PKI, cidLen int) (*ListenSocket, <-chan *Socket, *rebindingRelay) {
	so := dtlsServerOpts(p, "ecdsa", 0)
	so.DTLSConnectionID = Int(cidLen)
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	return ls, acceptEcho(t, ls), startRebindingRelay(t, ls.Port())
}

// TestDTLSConnectionIDRebinding: a gossl server with 8-byte CIDs and a
// gossl client asking for 4-byte ones, through a relay whose source
// port changes twice mid-connection: records both ways are tls12_cid
// records, each side reports both CIDs, and after each change the data
// still flows and the server's peername follows the client's new
// address.
func TestDTLSConnectionIDRebinding(t *testing.T) {
	p := testpeers.NewPKI(t)
	ls, accepted, relay := cidServerBehindRelay(t, p, 8)
	co := dtlsClientOpts(p, 0)
	co.DTLSConnectionID = Int(4)
	c, err := Connect("127.0.0.1", relay.front.LocalAddr().(*net.UDPAddr).Port, co, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := <-accepted
	if s == nil {
		t.Fatal("the server's handshake failed")
	}
	ci, _ := c.ConnectionInformation("connection_id")
	si, _ := s.ConnectionInformation("connection_id")
	if len(ci) != 1 || len(si) != 1 {
		t.Fatalf("connection_id: client %v, server %v", ci, si)
	}
	cc, sc := ci[0].Value.(DTLSConnectionIDs), si[0].Value.(DTLSConnectionIDs)
	if len(cc.Local) != 4 || len(sc.Local) != 8 || !bytes.Equal(cc.Local, sc.Peer) || !bytes.Equal(sc.Local, cc.Peer) {
		t.Fatalf("connection_id: client %x, server %x", cc, sc)
	}
	relay.mark()
	gosslEchoOnce(t, c, []byte("before"))
	// From another address, a replay of the client's last datagram and
	// a forgery with its CID: neither authenticates as a new record, so
	// neither moves the association (RFC 9146, Section 6).
	relay.mu.Lock()
	genuine := append([]byte(nil), relay.last...)
	relay.mu.Unlock()
	attacker, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer attacker.Close()
	forged := append([]byte(nil), genuine...)
	forged[len(forged)-1] ^= 1
	forged[10]++ // a new sequence number, so only the tag can refuse it
	for _, d := range [][]byte{genuine, forged} {
		attacker.WriteToUDP(d, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: ls.Port()})
	}
	gosslEchoOnce(t, c, []byte("after the attacker"))
	// A genuine record the relay held back, sent from another address
	// after a newer one arrived: it authenticates, but is not the newest,
	// so it does not move the association either.
	relay.mu.Lock()
	relay.hold = true
	relay.mu.Unlock()
	if err := c.Send([]byte("held")); err != nil {
		t.Fatal(err)
	}
	gosslEchoOnce(t, c, []byte("newer"))
	relay.mu.Lock()
	held := relay.held
	relay.mu.Unlock()
	attacker.WriteToUDP(held, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: ls.Port()})
	if b, err := c.Recv(0, 10*time.Second); err != nil || string(b) != "held" {
		t.Fatalf("the held record's echo: %q %v", b, err)
	}
	if pa, _ := s.Peername(); pa.(*net.UDPAddr).Port != relay.port() {
		t.Fatalf("a forged, replayed or older datagram moved the association to %v", pa)
	}
	for i := 0; i < 2; i++ {
		relay.rebind()
		gosslEchoOnce(t, c, []byte("after a rebinding"))
		if pa, err := s.Peername(); err != nil || pa.(*net.UDPAddr).Port != relay.port() {
			t.Fatalf("server peername %v %v, want port %d", pa, err, relay.port())
		}
	}
	checkAllCID(t, relay, true, true)
}

// TestDTLSConnectionIDPion: Connection IDs with pion/dtls in both roles,
// through a relay that changes its source port mid-connection: records
// carry the CIDs each side asked for (a zero-length one means none), and
// the association survives the client's change of address.
func TestDTLSConnectionIDPion(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range []struct {
		name             string
		gosslLen, pionLn int
	}{
		{"both", 8, 6},
		{"gossl_asks_none", 0, 6},
	} {
		t.Run(tc.name+"/gossl_server", func(t *testing.T) {
			_, accepted, relay := cidServerBehindRelay(t, p, tc.gosslLen)
			pc := pionDial(t, relay.front.LocalAddr().(*net.UDPAddr).Port, pion.WithRootCAs(p.CertPool()), pion.WithServerName("localhost"),
				pion.WithConnectionID(pion.RandomCIDGenerator(tc.pionLn), pion.CIDPathMigrationReject))
			s := <-accepted
			if s == nil {
				t.Fatal("the server's handshake failed")
			}
			relay.mark()
			pionEchoOnce(t, pc, []byte("before"))
			if tc.gosslLen > 0 {
				relay.rebind()
				pionEchoOnce(t, pc, []byte("after a rebinding"))
				if pa, err := s.Peername(); err != nil || pa.(*net.UDPAddr).Port != relay.port() {
					t.Fatalf("server peername %v %v, want port %d", pa, err, relay.port())
				}
			}
			checkAllCID(t, relay, tc.gosslLen > 0, true)
		})
		t.Run(tc.name+"/gossl_client", func(t *testing.T) {
			// pion's server follows an authenticated CID record to a new
			// address only with CIDPathMigrationUnsafe (gossl has no
			// return routability check, RFC 9853, for the safe policy).
			port, conns := pionEchoServer(t, pion.WithCertificates(pionCert(p, "ecdsa")),
				pion.WithConnectionID(pion.RandomCIDGenerator(tc.pionLn), pion.CIDPathMigrationUnsafe))
			relay := startRebindingRelay(t, port)
			co := dtlsClientOpts(p, 0)
			co.DTLSConnectionID = Int(tc.gosslLen)
			c, err := Connect("127.0.0.1", relay.front.LocalAddr().(*net.UDPAddr).Port, co, 20*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			<-conns
			relay.mark()
			gosslEchoOnce(t, c, []byte("before"))
			relay.rebind()
			// pion's server sometimes answers the first datagram from the
			// new address at the old one (its route follows the record a
			// moment late), and the relay has closed it: the echo is
			// lost, as UDP may lose it, and the next datagram finds the
			// new route. gossl's own client side is what this checks.
			gosslEchoRetried(t, c, []byte("after a rebinding"), 3)
			checkAllCID(t, relay, true, tc.gosslLen > 0)
		})
	}
}

// TestDTLSConnectionIDCBC: Connection IDs with a CBC suite, where
// encrypt-then-MAC is negotiated too (RFC 9146, Section 5.2's MAC input),
// between two gossl sockets: the data goes both ways in tls12_cid
// records.
func TestDTLSConnectionIDCBC(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := dtlsServerOpts(p, "ecdsa", 0)
	so.DTLSConnectionID = Int(5)
	co := dtlsClientOpts(p, 0)
	co.DTLSConnectionID = Int(3)
	co.Ciphers = []string{"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"}
	c, s, err := dtlsPair(t, so, co)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := c.ConnectionInformation("connection_id"); len(info) != 1 {
		t.Fatal("no connection IDs negotiated")
	}
	go echoSocket(s, 10*time.Second)
	gosslEchoOnce(t, c, []byte("cbc with a cid"))
}
