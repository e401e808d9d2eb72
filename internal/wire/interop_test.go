package wire

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// Interop: handshake messages written by Go's crypto/tls, OpenSSL and
// GnuTLS must parse, and re-marshal to bytes that parse to the same value.

func selfSigned(t testing.TB, name string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// tcpPair returns both ends of a loopback TCP connection. Unlike
// net.Pipe, writes are buffered, so both peers may write at once.
func tcpPair(t testing.TB) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	return client, server
}

// recorder keeps a copy of everything written to a connection.
type recorder struct {
	net.Conn
	mu  sync.Mutex
	out bytes.Buffer
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.out.Write(p)
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func (r *recorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.out.Bytes())
}

// plaintextHandshake extracts the handshake messages sent in the clear from
// a TLS byte stream: every handshake record before the first
// ChangeCipherSpec (TLS 1.2), or every handshake record (TLS 1.3, where
// protected records have type application_data).
func plaintextHandshake(t testing.TB, stream []byte, tls13 bool) [][]byte {
	t.Helper()
	var h HandshakeBuffer
	var msgs [][]byte
	for len(stream) >= 5 {
		typ, n := stream[0], int(stream[3])<<8|int(stream[4])
		if len(stream) < 5+n {
			t.Fatalf("truncated record")
		}
		rec := stream[5 : 5+n]
		stream = stream[5+n:]
		if typ == TypeChangeCipherSpec && !tls13 {
			break
		}
		if typ != TypeHandshake {
			continue
		}
		h.Write(rec)
		for {
			msg, ok, err := h.Next(0)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			msgs = append(msgs, msg)
		}
	}
	return msgs
}

// goHandshake runs a crypto/tls handshake (and a short exchange, so that
// tickets are sent) and returns the plaintext handshake messages of each
// side.
func goHandshake(t testing.TB, ccfg, scfg *tls.Config, tls13 bool) (client, server [][]byte) {
	t.Helper()
	c, s := tcpPair(t)
	rc, rs := &recorder{Conn: c}, &recorder{Conn: s}
	cli, srv := tls.Client(rc, ccfg), tls.Server(rs, scfg)
	errc := make(chan error, 1)
	go func() {
		err := srv.Handshake()
		if err == nil {
			_, err = srv.Write([]byte("x"))
		}
		if err == nil {
			_, err = io.ReadFull(srv, make([]byte, 1))
		}
		errc <- err
	}()
	if err := cli.Handshake(); err != nil {
		t.Fatal("client:", err)
	}
	if _, err := io.ReadFull(cli, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal("server:", err)
	}
	cli.Close()
	srv.Close()
	return plaintextHandshake(t, rc.bytes(), tls13), plaintextHandshake(t, rs.bytes(), tls13)
}

// parseAs parses msg with the struct its type calls for, the layout chosen
// by version, and checks that it re-marshals to an equal value (and, when
// exact is set, to the same bytes).
func parseAs(t testing.TB, msg []byte, version uint16, exact bool) Message {
	t.Helper()
	m := newMessage(msg[0], version, false)
	if m == nil {
		t.Fatalf("unexpected message type %d", msg[0])
	}
	if !m.Unmarshal(msg) {
		t.Fatalf("%T: Unmarshal failed: %x", m, msg)
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatalf("%T: Marshal: %v", m, err)
	}
	if exact && !bytes.Equal(b, msg) {
		t.Errorf("%T: re-marshal differs\n got %x\nwant %x", m, b, msg)
	}
	again := newMessage(msg[0], version, false)
	if !again.Unmarshal(b) || fmt.Sprint(withoutRaw(again)) != fmt.Sprint(withoutRaw(m)) {
		t.Errorf("%T: re-marshaled value differs", m)
	}
	return m
}

// newMessage returns an empty message of type typ, with the layout of
// version selected.
func newMessage(typ uint8, version uint16, dtls bool) Message {
	tls13 := version == VersionTLS13
	switch typ {
	case TypeClientHello:
		return &ClientHello{DTLS: dtls}
	case TypeServerHello:
		return &ServerHello{}
	case TypeCertificate:
		return &Certificate{TLS13: tls13}
	case TypeServerKeyExchange:
		return &ServerKeyExchange{}
	case TypeCertificateRequest:
		return &CertificateRequest{TLS13: tls13, HasSignatureAlgorithms: version == VersionTLS12}
	case TypeServerHelloDone:
		return &ServerHelloDone{}
	case TypeClientKeyExchange:
		return &ClientKeyExchange{}
	case TypeCertificateVerify:
		return &CertificateVerify{HasAlgorithm: version >= VersionTLS12}
	case TypeNewSessionTicket:
		return &NewSessionTicket{TLS13: tls13}
	case TypeFinished:
		return &Finished{}
	}
	return nil
}

func types(msgs [][]byte) []uint8 {
	var out []uint8
	for _, m := range msgs {
		out = append(out, m[0])
	}
	return out
}

func TestGoTLS12Handshake(t *testing.T) {
	cert := selfSigned(t, "example.com")
	scfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MaxVersion:   tls.VersionTLS12,
		ClientAuth:   tls.RequireAnyClientCert,
		NextProtos:   []string{"h2"},
	}
	ccfg := &tls.Config{
		ServerName:         "example.com",
		InsecureSkipVerify: true,
		Certificates:       []tls.Certificate{cert},
		MaxVersion:         tls.VersionTLS12,
		NextProtos:         []string{"h2", "http/1.1"},
		ClientSessionCache: tls.NewLRUClientSessionCache(1),
	}
	client, server := goHandshake(t, ccfg, scfg, false)
	wantC := []uint8{TypeClientHello, TypeCertificate, TypeClientKeyExchange, TypeCertificateVerify}
	wantS := []uint8{TypeServerHello, TypeCertificate, TypeServerKeyExchange, TypeCertificateRequest,
		TypeServerHelloDone, TypeNewSessionTicket}
	if !bytes.Equal(types(client), wantC) || !bytes.Equal(types(server), wantS) {
		t.Fatalf("messages: client %v server %v", types(client), types(server))
	}
	for _, msg := range append(client, server...) {
		hello := msg[0] == TypeClientHello || msg[0] == TypeServerHello
		m := parseAs(t, msg, VersionTLS12, !hello)
		switch m := m.(type) {
		case *ClientHello:
			if m.ServerName != "example.com" || !m.ExtendedMasterSecret || !m.SessionTicketExt ||
				!m.SecureRenegotiationValid || len(m.ALPNProtocols) != 2 {
				t.Errorf("ClientHello: %+v", m)
			}
		case *ServerHello:
			if m.ALPNProtocol != "h2" || !m.ExtendedMasterSecret || !m.SessionTicketExt || !m.SecureRenegotiationValid {
				t.Errorf("ServerHello: %+v", m)
			}
		case *Certificate:
			if len(m.Entries) != 1 || !bytes.Equal(m.Entries[0].Data, cert.Certificate[0]) {
				t.Errorf("Certificate: %+v", m)
			}
		}
	}

	// Resumption with the ticket: an abbreviated handshake.
	client, server = goHandshake(t, ccfg, scfg, false)
	if !bytes.Equal(types(client), []uint8{TypeClientHello}) || server[0][0] != TypeServerHello {
		t.Fatalf("resumption messages: client %v server %v", types(client), types(server))
	}
	ch := parseAs(t, client[0], VersionTLS12, false).(*ClientHello)
	if len(ch.SessionTicket) == 0 {
		t.Error("no ticket in the resuming ClientHello")
	}
}

func TestGoTLS13HelloRetryRequest(t *testing.T) {
	cert := selfSigned(t, "example.com")
	scfg := &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: []tls.CurveID{tls.CurveP384}}
	ccfg := &tls.Config{ServerName: "example.com", InsecureSkipVerify: true}
	client, server := goHandshake(t, ccfg, scfg, true)
	if !bytes.Equal(types(client), []uint8{TypeClientHello, TypeClientHello}) ||
		!bytes.Equal(types(server), []uint8{TypeServerHello, TypeServerHello}) {
		t.Fatalf("messages: client %v server %v", types(client), types(server))
	}
	ch1 := parseAs(t, client[0], VersionTLS13, false).(*ClientHello)
	hrr := parseAs(t, server[0], VersionTLS13, false).(*ServerHello)
	ch2 := parseAs(t, client[1], VersionTLS13, false).(*ClientHello)
	sh := parseAs(t, server[1], VersionTLS13, false).(*ServerHello)
	if !ch1.KeySharesPresent || len(ch1.KeyShares) == 0 || ch1.KeyShares[0].Group == GroupSecp384r1 {
		t.Errorf("first ClientHello key shares: %+v", ch1.KeyShares)
	}
	if !hrr.IsHelloRetryRequest() || hrr.SelectedGroup != GroupSecp384r1 || hrr.SupportedVersion != VersionTLS13 {
		t.Errorf("HelloRetryRequest: %+v", hrr)
	}
	if len(ch2.KeyShares) != 1 || ch2.KeyShares[0].Group != GroupSecp384r1 {
		t.Errorf("second ClientHello key shares: %+v", ch2.KeyShares)
	}
	if sh.IsHelloRetryRequest() || sh.KeyShare.Group != GroupSecp384r1 || len(sh.KeyShare.Data) != 97 ||
		sh.SupportedVersion != VersionTLS13 || !bytes.Equal(sh.SessionID, ch1.SessionID) {
		t.Errorf("ServerHello: %+v", sh)
	}
}

// Our ClientHello must be understood by crypto/tls: it answers with a
// ServerHello that we parse.
func TestGoTLSAcceptsOurClientHello(t *testing.T) {
	cert := selfSigned(t, "example.com")
	c, s := tcpPair(t)
	defer c.Close()
	srv := tls.Server(s, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2"}})
	go srv.Handshake()
	defer srv.Close()

	ch := &ClientHello{
		Version: VersionTLS12, Random: seq(32, 1), CipherSuites: []uint16{0xc02b, SCSVRenegotiation},
		CompressionMethods: []uint8{0}, ServerName: "example.com",
		SupportedGroups: []uint16{GroupSecp256r1}, ECPointFormats: []uint8{0},
		SignatureAlgorithms: []uint16{SigECDSAP256SHA256}, ALPNProtocols: []string{"h2"},
		ExtendedMasterSecret: true, SessionTicketExt: true,
	}
	b, err := ch.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(append([]byte{TypeHandshake, 3, 1, byte(len(b) >> 8), byte(len(b))}, b...)); err != nil {
		t.Fatal(err)
	}
	var h HandshakeBuffer
	for {
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(c, hdr); err != nil {
			t.Fatal(err)
		}
		rec := make([]byte, int(hdr[3])<<8|int(hdr[4]))
		if _, err := io.ReadFull(c, rec); err != nil {
			t.Fatal(err)
		}
		if hdr[0] != TypeHandshake {
			t.Fatalf("record type %d: %x", hdr[0], rec)
		}
		h.Write(rec)
		if msg, ok, _ := h.Next(0); ok {
			var sh ServerHello
			if !sh.Unmarshal(msg) || sh.CipherSuite != 0xc02b || sh.ALPNProtocol != "h2" ||
				!sh.ExtendedMasterSecret || !sh.SecureRenegotiationValid || sh.SecureRenegotiation != nil {
				t.Fatalf("ServerHello: %+v", sh)
			}
			return
		}
	}
}

// captureClientHello accepts one connection on a local listener, starts the
// peer against it and returns the first handshake message it sends.
func captureClientHello(t *testing.T, start func(port int)) []byte {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	start(ln.Addr().(*net.TCPAddr).Port)
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	var h HandshakeBuffer
	for {
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(conn, hdr); err != nil {
			t.Fatal(err)
		}
		rec := make([]byte, int(hdr[3])<<8|int(hdr[4]))
		if _, err := io.ReadFull(conn, rec); err != nil {
			t.Fatal(err)
		}
		h.Write(rec)
		if msg, ok, err := h.Next(0); err != nil || ok {
			if err != nil {
				t.Fatal(err)
			}
			return msg
		}
	}
}

func TestOpenSSLClientHelloLive(t *testing.T) {
	for _, args := range [][]string{
		{"-servername", "example.com", "-alpn", "h2,http/1.1"},
		{"-tls1_2", "-servername", "example.com", "-status", "-nextprotoneg", "h2"},
		{"-tls1_3", "-groups", "X25519:P-256:P-384", "-sess_out", "/dev/null"},
	} {
		msg := captureClientHello(t, func(port int) {
			testpeers.OpenSSLClient(t, fmt.Sprintf("127.0.0.1:%d", port), args...)
		})
		m := parseAs(t, msg, VersionTLS12, false).(*ClientHello)
		if m.Version != VersionTLS12 || len(m.Random) != 32 {
			t.Errorf("%v: %+v", args, m)
		}
	}
}

func TestGnuTLSClientHelloLive(t *testing.T) {
	testpeers.Require(t, "gnutls-cli")
	msg := captureClientHello(t, func(port int) {
		testpeers.Start(t, "gnutls-cli", "--insecure", "-p", fmt.Sprint(port), "--sni-hostname", "example.com",
			"--alpn", "h2", "127.0.0.1")
	})
	m := parseAs(t, msg, VersionTLS12, false).(*ClientHello)
	if m.ServerName != "example.com" || !m.SecureRenegotiationValid {
		t.Errorf("%+v", m)
	}
}
