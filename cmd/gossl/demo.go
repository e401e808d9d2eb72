package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	ssl "github.com/gossl/ssl"
)

func init() {
	register(&command{
		name:     "demo",
		synopsis: "demo",
		summary:  "handshakes and a bulk transfer between a gossl server and client in one process",
		help: `
Makes an ephemeral CA and two server certificates (ECDSA P-256, RSA-2048)
in memory, then runs a gossl server and a gossl client on 127.0.0.1 in
this process: handshakes of TLS 1.3 (first with the hybrid post-quantum
group X25519MLKEM768, the default, then AES-128-CCM with mutual
authentication), TLS 1.2, 1.1 and 1.0 with a few suites, and DTLS 1.2
over UDP with a 600-byte MTU (the certificate travels in fragments), each
verified by the client against the CA and checked with an echo, printing the client's
connection information block under a "== TITLE" line; then a bulk
transfer over TLS 1.3 (up to 64 MiB in 16 KiB writes, at most 3 seconds)
and its throughput. No files are read or written. Exits 0, or 1 with the error's
sentence on the first failure.`,
		run: runDemo,
	})
}

// demoCase is one handshake of the demo.
type demoCase struct {
	title    string
	version  ssl.Version
	suite    string
	rsaCert  bool
	clientCA bool     // the client presents a certificate too
	groups   []string // the client's supported_groups; nil for the default
	alpn     []string // ALPN: offered by the client, preferred by the server
	dtls     bool     // {protocol, dtls} over UDP
}

var demoCases = []demoCase{
	{title: "TLS 1.3, X25519MLKEM768 (hybrid post-quantum), AES-128-GCM, ECDSA, ALPN", version: ssl.TLSv1_3, suite: "TLS_AES_128_GCM_SHA256", alpn: []string{"h2", "http/1.1"}},
	{title: "TLS 1.3, x25519, AES-128-CCM, RSA-PSS, mutual authentication", version: ssl.TLSv1_3, suite: "TLS_AES_128_CCM_SHA256", rsaCert: true, clientCA: true, groups: []string{"x25519"}},
	{title: "TLS 1.2, ECDHE-ECDSA, AES-128-GCM", version: ssl.TLSv1_2, suite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
	{title: "TLS 1.2, ECDHE-RSA, ChaCha20-Poly1305, mutual authentication", version: ssl.TLSv1_2, suite: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", rsaCert: true, clientCA: true},
	{title: "TLS 1.2, RSA key exchange, AES-256-GCM", version: ssl.TLSv1_2, suite: "TLS_RSA_WITH_AES_256_GCM_SHA384", rsaCert: true},
	{title: "TLS 1.1, ECDHE-RSA, AES-128-CBC-SHA", version: ssl.TLSv1_1, suite: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", rsaCert: true},
	{title: "TLS 1.0, ECDHE-ECDSA, AES-256-CBC-SHA", version: ssl.TLSv1, suite: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
	{title: "DTLS 1.2 over UDP, ECDHE-ECDSA, AES-128-GCM, 600-byte MTU", version: ssl.DTLSv1_2, suite: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", dtls: true},
}

// demoMTU is the DTLS case's datagram size: small enough that the
// certificate is sent in fragments.
const demoMTU = 600

const (
	demoTimeout   = 5 * time.Second
	bulkTotal     = 64 << 20
	bulkChunk     = 16 << 10
	bulkTimeLimit = 3 * time.Second
	bulkVersion   = ssl.TLSv1_3
	bulkSuite     = "TLS_AES_128_GCM_SHA256"
)

// demoPKI is the demo's in-memory CA and certificates.
type demoPKI struct {
	ca           *authority
	ecdsa, rsa   *leaf
	clientLeaf   *leaf
	loopbackAddr net.IP
}

func runDemo(e *env, args []string) int {
	cmd := commands["demo"]
	pos, err := parseArgs(e, cmd, newFlagSet(cmd.name), args)
	if err != nil {
		return usageExit(err)
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "gossl demo: takes no arguments\n")
		return 2
	}
	p, err := newDemoPKI()
	if err != nil {
		return fail(e, cmd.name, err)
	}
	for _, c := range demoCases {
		block, err := p.handshake(c)
		if err != nil {
			fmt.Fprintf(e.stderr, "gossl demo: %s: %s\n", c.title, sentence(err, nil))
			return 1
		}
		fmt.Fprintf(e.stdout, "== %s\n%s\n", c.title, block)
	}
	if err := p.bulk(e.stdout); err != nil {
		fmt.Fprintf(e.stderr, "gossl demo: bulk transfer: %s\n", sentence(err, nil))
		return 1
	}
	return 0
}

func newDemoPKI() (*demoPKI, error) {
	ca, err := newAuthority("gossl demo CA")
	if err != nil {
		return nil, err
	}
	p := &demoPKI{ca: ca, loopbackAddr: net.IPv4(127, 0, 0, 1)}
	if p.ecdsa, err = ca.issue("localhost", "ecdsa"); err != nil {
		return nil, err
	}
	if p.rsa, err = ca.issue("localhost", "rsa"); err != nil {
		return nil, err
	}
	if p.clientLeaf, err = ca.issue("demo-client", "ecdsa"); err != nil {
		return nil, err
	}
	return p, nil
}

// options returns the server and client options of a case.
func (p *demoPKI) options(c demoCase) (server, client *ssl.Options) {
	l := p.ecdsa
	if c.rsaCert {
		l = p.rsa
	}
	server = &ssl.Options{Cert: l.chain, Key: l.key, IP: p.loopbackAddr,
		Versions: []ssl.Version{c.version}, Ciphers: []string{c.suite}}
	// TLS 1.0 needs CBC suites, and the record splitting of
	// beast_mitigation (on by default) shows in the echo.
	client = &ssl.Options{CACerts: [][]byte{p.ca.der}, ServerNameIndication: "localhost",
		Versions: []ssl.Version{c.version}, Ciphers: []string{c.suite}}
	client.SupportedGroups = c.groups
	server.ALPNPreferredProtocols, client.ALPNAdvertisedProtocols = c.alpn, c.alpn
	if c.dtls {
		server.Protocol, client.Protocol = "dtls", "dtls"
		server.DTLSMTU, client.DTLSMTU = demoMTU, demoMTU
	}
	if c.clientCA {
		server.Verify = ssl.VerifyPeer
		server.CACerts = [][]byte{p.ca.der}
		client.Cert, client.Key = p.clientLeaf.chain, p.clientLeaf.key
	}
	return server, client
}

// serveOne accepts one connection on a new listener and runs fn on it
// after the handshake; the result arrives on the channel.
func serveOne(opts *ssl.Options, fn func(*ssl.Socket) error) (*ssl.ListenSocket, <-chan error, error) {
	ls, err := ssl.Listen(0, opts)
	if err != nil {
		return nil, nil, err
	}
	done := make(chan error, 1)
	go func() {
		s, err := ls.TransportAccept(demoTimeout)
		if err != nil {
			done <- err
			return
		}
		defer s.Close()
		if err := s.Handshake(demoTimeout); err != nil {
			done <- err
			return
		}
		s.SetDeadline(time.Now().Add(demoTimeout + bulkTimeLimit))
		done <- fn(s)
	}()
	return ls, done, nil
}

// handshake runs one case and returns the client's information block.
func (p *demoPKI) handshake(c demoCase) (string, error) {
	so, co := p.options(c)
	ls, done, err := serveOne(so, serveEcho)
	if err != nil {
		return "", err
	}
	defer ls.Close()
	s, err := ssl.Connect("127.0.0.1", ls.Port(), co, demoTimeout)
	if err != nil {
		return "", err
	}
	defer s.Close()
	msg := []byte("hello over " + c.title)
	if err := s.Send(msg); err != nil {
		return "", err
	}
	n := len(msg)
	if c.dtls {
		n = 0 // DTLS: Recv returns one record
	}
	got, err := s.Recv(n, demoTimeout)
	if err != nil {
		return "", err
	}
	if !bytes.Equal(got, msg) {
		return "", errors.New("echo mismatch")
	}
	block, err := infoBlock(s)
	if err != nil {
		return "", err
	}
	s.Close()
	if err := <-done; err != nil {
		return "", fmt.Errorf("server: %w", err)
	}
	return block, nil
}

// bulk sends up to bulkTotal bytes in bulkChunk writes (stopping after
// bulkTimeLimit), and prints the throughput the server saw.
func (p *demoPKI) bulk(w io.Writer) error {
	c := demoCase{version: bulkVersion, suite: bulkSuite}
	so, co := p.options(c)
	type result struct {
		n       int64
		elapsed time.Duration
	}
	var res result
	ls, done, err := serveOne(so, func(s *ssl.Socket) error {
		buf := make([]byte, 64<<10)
		var start time.Time
		for {
			n, err := s.Read(buf)
			if n > 0 && start.IsZero() {
				start = time.Now()
			}
			res.n += int64(n)
			if errors.Is(err, io.EOF) {
				res.elapsed = time.Since(start)
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
	if err != nil {
		return err
	}
	defer ls.Close()
	s, err := ssl.Connect("127.0.0.1", ls.Port(), co, demoTimeout)
	if err != nil {
		return err
	}
	s.SetWriteDeadline(time.Now().Add(demoTimeout + bulkTimeLimit))
	chunk := bytes.Repeat([]byte("gossl bulk data "), bulkChunk/16)
	deadline := time.Now().Add(bulkTimeLimit)
	for sent := 0; sent < bulkTotal && time.Now().Before(deadline); sent += len(chunk) {
		if err := s.Send(chunk); err != nil {
			s.Close()
			return err
		}
	}
	// close_notify, and the server's awaited (ssl:close/2): the server's
	// Read returns io.EOF after the last byte. Closing at once could
	// lose the tail: the TLS 1.3 server's NewSessionTicket, never read
	// here, would make the kernel answer the close with a reset.
	s.CloseTimeout(demoTimeout)
	if err := <-done; err != nil {
		return fmt.Errorf("server: %w", err)
	}
	secs := res.elapsed.Seconds()
	if secs <= 0 {
		secs = 1e-9
	}
	fmt.Fprintf(w, "== bulk transfer, %s, %s\n%.1f MiB in %d-byte writes in %.2f s: %.1f MB/s\n",
		bulkVersion, bulkSuite, float64(res.n)/(1<<20), bulkChunk, secs, float64(res.n)/1e6/secs)
	return nil
}
