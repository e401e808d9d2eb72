package ssl

import (
	"bytes"
	"crypto/tls"
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	pion "github.com/pion/dtls/v4"
	"github.com/pion/dtls/v4/pkg/crypto/ciphersuite"
	"github.com/pion/dtls/v4/pkg/protocol"
)

// pion/dtls (github.com/pion/dtls/v4) is a test-only peer: the only other
// DTLS stack in Go. It is imported by _test.go files alone.

// pionCert is the test PKI's leaf name as a pion certificate.
func pionCert(p *testpeers.PKI, name string) tls.Certificate {
	der, key := p.Cert(name)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// pionBase is what every pion peer of these tests shares: DTLS 1.2 only
// (pion also speaks DTLS 1.3, which gossl does not), a short retransmit
// interval for the loss tests.
func pionBase(extra ...pion.Option) []pion.Option {
	return append([]pion.Option{pion.WithMaxVersion(protocol.Version1_2), pion.WithMinVersion(protocol.Version1_2)}, extra...)
}

// pionAs turns shared options into pion's server or client option
// type (pion.Option implements both).
func pionAs[T any](opts []pion.Option) []T {
	out := make([]T, len(opts))
	for i, o := range opts {
		out[i] = any(o).(T)
	}
	return out
}

// pionEchoServer runs a pion/dtls server on 127.0.0.1 that echoes each
// datagram of each association until it ends; it returns the port and
// the accepted connections (for checks of the pion side's state).
func pionEchoServer(t testing.TB, opts ...pion.Option) (int, <-chan *pion.Conn) {
	t.Helper()
	ln, err := pion.ListenAddr("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, pionAs[pion.ServerOption](pionBase(opts...))...)
	if err != nil {
		t.Fatalf("pion listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	conns := make(chan *pion.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			pc := c.(*pion.Conn)
			go func() {
				defer pc.Close()
				pc.SetDeadline(time.Now().Add(30 * time.Second))
				if pc.Handshake() != nil {
					return
				}
				select {
				case conns <- pc:
				default:
				}
				buf := make([]byte, 1<<14)
				for {
					n, err := pc.Read(buf)
					if err != nil {
						return
					}
					if _, err := pc.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().(*net.UDPAddr).Port, conns
}

// pionDial connects a pion/dtls client to 127.0.0.1:port and completes
// its handshake.
func pionDial(t testing.TB, port int, opts ...pion.Option) *pion.Conn {
	t.Helper()
	c, err := pion.Dial("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}, pionAs[pion.ClientOption](pionBase(opts...))...)
	if err != nil {
		t.Fatalf("pion dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := c.Handshake(); err != nil {
		t.Fatalf("pion handshake: %v", err)
	}
	return c
}

// pionEchoOnce sends msg over a pion connection and checks it comes back.
func pionEchoOnce(t testing.TB, c *pion.Conn, msg []byte) {
	t.Helper()
	if _, err := c.Write(msg); err != nil {
		t.Fatalf("pion write: %v", err)
	}
	buf := make([]byte, 1<<14)
	n, err := c.Read(buf)
	if err != nil || !bytes.Equal(buf[:n], msg) {
		t.Fatalf("pion read: %q %v", buf[:n], err)
	}
}

// gosslEchoOnce sends msg over a gossl socket and checks it comes back.
func gosslEchoOnce(t testing.TB, s *Socket, msg []byte) {
	t.Helper()
	if err := s.Send(msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	b, err := s.Recv(0, 10*time.Second)
	if err != nil || !bytes.Equal(b, msg) {
		t.Fatalf("echo: %q %v", b, err)
	}
}

// gosslEchoRetried sends msg and waits for its echo, sending it again
// up to tries times when the echo does not come within 2 seconds: a
// datagram lost on the way is the application's to resend.
func gosslEchoRetried(t testing.TB, s *Socket, msg []byte, tries int) {
	t.Helper()
	for i := 1; ; i++ {
		if err := s.Send(msg); err != nil {
			t.Fatalf("send: %v", err)
		}
		b, err := s.Recv(0, 2*time.Second)
		if err == nil && bytes.Equal(b, msg) {
			return
		}
		if !errors.Is(err, ErrTimeout) || i == tries {
			t.Fatalf("echo after %d tries: %q %v", i, b, err)
		}
	}
}

// pionCase is one suite of the interop matrix, with how each side is
// configured for it.
type pionCase struct {
	name   string
	gossl  string         // the suite, by its IANA name
	pion   ciphersuite.ID // the same suite
	cert   string         // the server's PKI leaf; "" for PSK
	pskKey []byte
}

var pionCases = []pionCase{
	{name: "ecdhe_ecdsa_aes128_gcm", gossl: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", pion: ciphersuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, cert: "ecdsa"},
	{name: "ecdhe_rsa_aes256_gcm", gossl: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", pion: ciphersuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, cert: "rsa"},
	{name: "ecdhe_ecdsa_chacha20", gossl: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", pion: ciphersuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, cert: "ecdsa"},
	{name: "ecdhe_rsa_aes256_cbc", gossl: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", pion: ciphersuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, cert: "rsa"},
	{name: "psk_aes128_gcm", gossl: "TLS_PSK_WITH_AES_128_GCM_SHA256", pion: ciphersuite.TLS_PSK_WITH_AES_128_GCM_SHA256, pskKey: pskTestKey},
	{name: "psk_aes128_ccm8", gossl: "TLS_PSK_WITH_AES_128_CCM_8", pion: ciphersuite.TLS_PSK_WITH_AES_128_CCM_8, pskKey: pskTestKey},
}

// pionServerSide is the pion server's options for case c.
func (c pionCase) pionServerSide(p *testpeers.PKI) []pion.Option {
	opts := []pion.Option{pion.WithCipherSuites(c.pion)}
	if c.pskKey != nil {
		return append(opts, pion.WithPSK(nil, func(ids [][]byte) (*pion.PSK, error) {
			if len(ids) != 1 || string(ids[0]) != pskInteropID {
				return nil, errors.New("unknown identity")
			}
			return &pion.PSK{Identity: ids[0], Key: c.pskKey}, nil
		}))
	}
	return append(opts, pion.WithCertificates(pionCert(p, c.cert)))
}

// pionClientSide is the pion client's options for case c.
func (c pionCase) pionClientSide(p *testpeers.PKI) []pion.Option {
	opts := []pion.Option{pion.WithCipherSuites(c.pion)}
	if c.pskKey != nil {
		return append(opts, pion.WithPSK(func() ([]pion.PSK, error) {
			return []pion.PSK{{Identity: []byte(pskInteropID), Key: c.pskKey}}, nil
		}, nil))
	}
	return append(opts, pion.WithRootCAs(p.CertPool()), pion.WithServerName("localhost"))
}

// gosslServer is gossl's server options for case c.
func (c pionCase) gosslServer(p *testpeers.PKI) *Options {
	if c.pskKey != nil {
		o := pskServerOpts("", map[string][]byte{pskInteropID: c.pskKey}, c.gossl)
		o.Protocol, o.Versions = "dtls", nil
		return o
	}
	o := dtlsServerOpts(p, c.cert, 0)
	o.Ciphers = []string{c.gossl}
	return o
}

// gosslClient is gossl's client options for case c.
func (c pionCase) gosslClient(p *testpeers.PKI) *Options {
	if c.pskKey != nil {
		o := pskClientOptions(c.gossl, nil)
		o.Protocol, o.Versions, o.ReuseSessions = "dtls", nil, Bool(false)
		return o
	}
	o := dtlsClientOpts(p, 0)
	o.Ciphers = []string{c.gossl}
	return o
}

// TestDTLSInteropPion: gossl against pion/dtls, DTLS 1.2, both roles,
// ECDHE with ECDSA and RSA certificates (AES-GCM, ChaCha20-Poly1305,
// AES-CBC) and PSK (AES-GCM, AES-CCM-8); data echoed both ways, the
// suite each side reports compared.
func TestDTLSInteropPion(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, c := range pionCases {
		t.Run(c.name+"/gossl_client", func(t *testing.T) {
			port, conns := pionEchoServer(t, c.pionServerSide(p)...)
			s, err := Connect("127.0.0.1", port, c.gosslClient(p), 20*time.Second)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			defer s.Close()
			gosslEchoOnce(t, s, []byte("hello pion"))
			checkPionSuite(t, s, <-conns, c)
		})
		t.Run(c.name+"/gossl_server", func(t *testing.T) {
			ls, err := Listen(0, c.gosslServer(p))
			if err != nil {
				t.Fatal(err)
			}
			defer ls.Close()
			accepted := acceptEcho(t, ls)
			pc := pionDial(t, ls.Port(), c.pionClientSide(p)...)
			pionEchoOnce(t, pc, []byte("hello gossl"))
			s, ok := <-accepted
			if !ok {
				t.Fatal("the gossl server did not complete the handshake")
			}
			checkPionSuite(t, s, pc, c)
		})
	}
}

// checkPionSuite checks that both sides agree on case c's suite.
func checkPionSuite(t *testing.T, s *Socket, pc *pion.Conn, c pionCase) {
	t.Helper()
	info, err := s.ConnectionInformation("protocol", "selected_cipher_suite")
	if err != nil || len(info) != 2 || info[0].Value != string(DTLSv1_2) {
		t.Fatalf("gossl info: %v %v", info, err)
	}
	st, ok := pc.ConnectionState()
	if !ok {
		t.Fatal("pion: no connection state")
	}
	if st.CipherSuiteID != c.pion {
		t.Fatalf("pion suite %v, want %v", st.CipherSuiteID, c.pion)
	}
}

// TestPionIsTestOnly: pion/dtls is a test peer, never a dependency of the
// library: no non-test Go file of the module imports it but
// cmd/gossl/bench_dtls.go, the bench rows that measure it beside gossl.
func TestPionIsTestOnly(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if path == filepath.Join("cmd", "gossl", "bench_dtls.go") {
			return nil // gossl bench's DTLS rows measure pion beside gossl
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			if strings.Contains(im.Path.Value, "github.com/pion/") {
				t.Errorf("%s imports %s: pion/dtls is for tests only", path, im.Path.Value)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
