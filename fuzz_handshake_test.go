package ssl

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/cryptotest"
	"time"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
)

// Fuzzing the handshake engines end to end: the bytes the fuzzer makes
// are what the peer sends, through the record layer, the handshake
// buffer and the state machine, on a transport that never blocks (so
// every run ends at EOF at the latest). The property is that a handshake
// terminates without panicking, whatever arrives.
//
// To let the fuzzer get past the key exchange, everything is made
// deterministic: the certificates come from a PKI generated from a fixed
// random stream, the clock is fixed, the hello randoms come from
// Options.Rand and the ephemeral keys and signatures from the global
// stream testing/cryptotest sets. A captured flight then replays to a
// completed handshake, and mutations of it reach the Finished message.
// The seed corpora in testdata/fuzz are such captures; set
// GOSSL_WRITE_FUZZ_SEEDS=1 to write them again.

// Seeds of the global random stream for each side.
const (
	fuzzServerSeed = 1
	fuzzClientSeed = 2
)

// fuzzNow is the fixed clock: inside the fuzz PKI's validity.
var fuzzNow = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// constReader is an infinite stream of one byte value: hello randoms and
// the like, the same whatever the order of reads.
type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// deterministicRandom is cryptotest.SetGlobalRandom with gossl's key
// pools paused for the rest of the test: their refills would otherwise
// draw from the seeded stream at moments of their own (kx.PauseKeyPools).
func deterministicRandom(t *testing.T, seed uint64) {
	t.Cleanup(kx.PauseKeyPools())
	cryptotest.SetGlobalRandom(t, seed)
}

// fuzzPKIData is a CA and leaves generated from a fixed random stream.
type fuzzPKIData struct {
	caDER              []byte
	rsaDER, ecDER      []byte
	clientDER          []byte
	rsaKey, ecKey, cli crypto.Signer
}

var (
	fuzzPKIOnce sync.Once
	fuzzPKIVal  *fuzzPKIData
	fuzzPKIErr  error
)

// fuzzPKI returns the deterministic fuzz PKI; t's global random stream
// is used to make it and must be reset by the caller afterwards.
func fuzzPKI(t *testing.T) *fuzzPKIData {
	fuzzPKIOnce.Do(func() {
		deterministicRandom(t, 0x5eed)
		fuzzPKIVal, fuzzPKIErr = makeFuzzPKI()
	})
	if fuzzPKIErr != nil {
		t.Fatalf("fuzz PKI: %v", fuzzPKIErr)
	}
	return fuzzPKIVal
}

func makeFuzzPKI() (*fuzzPKIData, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	notBefore := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter := time.Date(2125, 1, 1, 0, 0, 0, 0, time.UTC)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gossl fuzz CA"},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, err
	}
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, name string, key crypto.Signer) ([]byte, error) {
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
			NotBefore: notBefore, NotAfter: notAfter, DNSNames: []string{"localhost"},
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		}
		return x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	}
	d := &fuzzPKIData{caDER: caDER}
	// 1024 bits: the key only has to be RSA, and a fuzz worker built
	// with coverage instrumentation takes many seconds for 2048.
	if d.rsaKey, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
		return nil, err
	}
	if d.ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	if d.cli, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	if d.rsaDER, err = issue(2, "rsa", d.rsaKey); err != nil {
		return nil, err
	}
	if d.ecDER, err = issue(3, "ecdsa", d.ecKey); err != nil {
		return nil, err
	}
	if d.clientDER, err = issue(4, "client", d.cli); err != nil {
		return nil, err
	}
	return d, nil
}

// allSuiteNames enables every implemented suite.
func allSuiteNames() []string {
	var names []string
	for _, s := range suites.All() {
		names = append(names, s.Name)
	}
	return names
}

// fuzzVariants is how many configurations each side has; the first
// input byte picks one, modulo this.
const fuzzVariants = 4

// fuzzServerOptions are the server configurations the fuzzer picks from
// with the first input byte: 0, an RSA server of TLS 1.0-1.2 with every
// suite; 1, an ECDSA TLS 1.2 server that asks for a client certificate;
// 2, an ECDSA TLS 1.3 server with the default suites and groups
// (X25519MLKEM768 first); 3, an RSA server of TLS 1.3 and 1.2 that asks
// for a client certificate and prefers secp384r1, which a default client
// sends no key share for (HelloRetryRequest).
func fuzzServerOptions(d *fuzzPKIData, variant byte) *Options {
	o := &Options{Rand: constReader(0x53), Time: func() time.Time { return fuzzNow }, ReuseSessions: Bool(false)}
	switch variant % fuzzVariants {
	case 0:
		o.Cert, o.Key = [][]byte{d.rsaDER}, d.rsaKey
		o.Versions = []Version{TLSv1_2, TLSv1_1, TLSv1}
		o.Ciphers = allSuiteNames()
	case 1:
		f := false
		o.Cert, o.Key = [][]byte{d.ecDER}, d.ecKey
		o.Versions = []Version{TLSv1_2}
		o.Verify, o.CACerts, o.FailIfNoPeerCert = VerifyPeer, [][]byte{d.caDER}, &f
	case 2:
		o.Cert, o.Key = [][]byte{d.ecDER}, d.ecKey
		o.Versions = []Version{TLSv1_3}
	case 3:
		f := false
		o.Cert, o.Key = [][]byte{d.rsaDER}, d.rsaKey
		o.Versions = []Version{TLSv1_3, TLSv1_2}
		o.Verify, o.CACerts, o.FailIfNoPeerCert = VerifyPeer, [][]byte{d.caDER}, &f
		o.SupportedGroups, o.HonorECCOrder = []string{"secp384r1", "x25519"}, true
	}
	return o
}

// fuzzClientOptions are the client configurations: 0, a client of TLS
// 1.0-1.2 with every suite that does not verify; 1, a TLS 1.2 client that
// verifies the server and has a certificate of its own; 2, a TLS 1.3
// client with the defaults that does not verify; 3, a client of TLS 1.3
// and 1.2 that verifies the server and has a certificate.
func fuzzClientOptions(d *fuzzPKIData, variant byte) *Options {
	o := &Options{Rand: constReader(0x43), Time: func() time.Time { return fuzzNow }, ReuseSessions: Bool(false)}
	switch variant % fuzzVariants {
	case 0:
		o.Verify = VerifyNone
		o.Versions = []Version{TLSv1_2, TLSv1_1, TLSv1}
		o.Ciphers = allSuiteNames()
	case 1:
		o.Verify, o.CACerts, o.ServerNameIndication = VerifyPeer, [][]byte{d.caDER}, "localhost"
		o.Versions = []Version{TLSv1_2}
		o.Cert, o.Key = [][]byte{d.clientDER}, d.cli
	case 2:
		o.Verify = VerifyNone
		o.Versions = []Version{TLSv1_3}
	case 3:
		o.Verify, o.CACerts, o.ServerNameIndication = VerifyPeer, [][]byte{d.caDER}, "localhost"
		o.Versions = []Version{TLSv1_3, TLSv1_2}
		o.Cert, o.Key = [][]byte{d.clientDER}, d.cli
	}
	return o
}

// replayConn is a transport whose peer sent in and then closed; what we
// write is kept in out. It never blocks, and ignores deadlines.
type replayConn struct {
	in  *bytes.Reader
	out bytes.Buffer
}

func (c *replayConn) Read(p []byte) (int, error)       { return c.in.Read(p) }
func (c *replayConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *replayConn) Close() error                     { return nil }
func (c *replayConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
func (c *replayConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2} }
func (c *replayConn) SetDeadline(time.Time) error      { return nil }
func (c *replayConn) SetReadDeadline(time.Time) error  { return nil }
func (c *replayConn) SetWriteDeadline(time.Time) error { return nil }

// replay runs one side's handshake over input and checks it ends in time.
func replay(t *testing.T, r role, opts *Options, input []byte) error {
	t.Helper()
	res, err := opts.compile(r, "")
	if err != nil {
		t.Fatalf("options: %v", err)
	}
	conn := &replayConn{in: bytes.NewReader(input)}
	s := newSocket(conn, r, opts, res)
	done := make(chan error, 1)
	go func() { done <- s.Handshake(2 * time.Second) }()
	select {
	case err := <-done:
		if err == nil {
			s.Close()
		}
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("%s handshake did not end on %d bytes of input", r, len(input))
		return nil
	}
}

// checkFailure checks a failed handshake's error is one of ours.
func checkFailure(t *testing.T, err error) {
	t.Helper()
	var a *Alert
	if err == nil || errors.As(err, &a) || errors.Is(err, ErrClosed) || errors.Is(err, ErrTimeout) {
		return
	}
	t.Fatalf("handshake failed with an unexpected error: %v (%T)", err, err)
}

func FuzzServerHandshake(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d := fuzzPKI(t)
		deterministicRandom(t, fuzzServerSeed)
		checkFailure(t, replay(t, roleServer, fuzzServerOptions(d, data[0]), data[1:]))
	})
}

func FuzzClientHandshake(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d := fuzzPKI(t)
		deterministicRandom(t, fuzzClientSeed)
		checkFailure(t, replay(t, roleClient, fuzzClientOptions(d, data[0]), data[1:]))
	})
}

// recordingConn records what crosses a transport; on the first bytes it
// reads it calls onFirstRead, and on every read that brings bytes onRead.
type recordingConn struct {
	net.Conn
	read, written bytes.Buffer
	onFirstRead   func()
	onRead        func()
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.onFirstRead != nil {
		c.onFirstRead()
		c.onFirstRead = nil
	}
	if n > 0 && c.onRead != nil {
		c.onRead()
	}
	c.read.Write(p[:n])
	return n, err
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.written.Write(p)
	return c.Conn.Write(p)
}

// captureHandshake runs a gossl client and server over a pipe and returns
// what each sent, with the randomness a replay of either side alone
// draws. The client draws from the fuzzClientSeed stream: a TLS 1.3
// client its key shares before it sends its hello (the hello random
// comes from Options.Rand), and the stream starts again when the
// server's flight arrives, where a TLS 1.2 client draws first. The server
// draws from the fuzzServerSeed stream, started again whenever the client
// sends: a server draws nothing before the hello it answers with its
// keys (the first, or the second after a HelloRetryRequest). The two
// sides take turns on the pipe, so their draws never interleave. A TLS
// 1.3 client that gets a HelloRetryRequest draws in two turns, which a
// capture cannot reproduce: such seeds are for the server only.
func captureHandshake(t *testing.T, serverOpts, clientOpts *Options) (fromClient, fromServer []byte) {
	t.Helper()
	cli, srv, rc := capturePair(t, serverOpts, clientOpts)
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Handshake(10 * time.Second) }()
	if err := cli.Handshake(10 * time.Second); err != nil {
		t.Fatalf("capture: client: %v", err)
	}
	// A TLS 1.3 server ends its handshake with NewSessionTicket, which
	// the pipe only takes when read: read it, unrecorded.
	drained := make(chan struct{})
	go func() { io.Copy(io.Discard, rc.Conn); close(drained) }()
	if err := <-srvErr; err != nil {
		t.Fatalf("capture: server: %v", err)
	}
	rc.Conn.Close()
	<-drained
	return bytes.Clone(rc.written.Bytes()), bytes.Clone(rc.read.Bytes())
}

// capturePair is a gossl client and server over a pipe, with the random
// streams of captureHandshake; rc records the client's end. The pipe is
// closed when the test ends.
func capturePair(t *testing.T, serverOpts, clientOpts *Options) (cli, srv *Socket, rc *recordingConn) {
	t.Helper()
	deterministicRandom(t, fuzzClientSeed)
	cc, sc := net.Pipe()
	t.Cleanup(func() { cc.Close(); sc.Close() })
	rc = &recordingConn{Conn: cc, onFirstRead: func() { deterministicRandom(t, fuzzClientSeed) }}
	rs := &recordingConn{Conn: sc, onRead: func() { deterministicRandom(t, fuzzServerSeed) }}
	sres, err := serverOpts.compile(roleServer, "")
	if err != nil {
		t.Fatal(err)
	}
	cres, err := clientOpts.compile(roleClient, "")
	if err != nil {
		t.Fatal(err)
	}
	return newSocket(rc, roleClient, clientOpts, cres), newSocket(rs, roleServer, serverOpts, sres), rc
}

// fuzzSeed is one capture: the variant both sides of the replayed role
// use, and restrictions for the other side that pick the suite/version.
type fuzzSeed struct {
	name       string
	variant    byte
	restrict   func(o *Options)
	serverOnly bool // no client seed (see captureHandshake)
}

var fuzzSeeds = []fuzzSeed{
	{name: "tls12_ecdhe_rsa_aes128_gcm", restrict: func(o *Options) { o.Ciphers = []string{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"} }},
	{name: "tls12_ecdhe_rsa_chacha20", restrict: func(o *Options) { o.Ciphers = []string{"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"} }},
	{name: "tls12_rsa_aes128_cbc_sha", restrict: func(o *Options) { o.Ciphers = []string{"TLS_RSA_WITH_AES_128_CBC_SHA"} }},
	{name: "tls11_ecdhe_rsa_aes256_cbc_sha", restrict: func(o *Options) {
		o.Versions = []Version{TLSv1_1}
		o.Ciphers = []string{"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"}
	}},
	{name: "tls10_ecdhe_rsa_aes128_cbc_sha_secp384r1", restrict: func(o *Options) {
		o.Versions = []Version{TLSv1}
		o.Ciphers = []string{"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}
		o.Eccs = []string{"secp384r1"}
	}},
	{name: "tls12_ecdhe_ecdsa_client_cert", variant: 1},
	{name: "tls13_aes128_gcm_x25519mlkem768", variant: 2, restrict: func(o *Options) { o.Ciphers = []string{"TLS_AES_128_GCM_SHA256"} }},
	{name: "tls13_chacha20_x25519", variant: 2, restrict: func(o *Options) {
		o.Ciphers = []string{"TLS_CHACHA20_POLY1305_SHA256"}
		o.SupportedGroups = []string{"x25519"}
	}},
	{name: "tls13_aes128_ccm", variant: 2, restrict: func(o *Options) { o.Ciphers = []string{"TLS_AES_128_CCM_SHA256"} }},
	{name: "tls13_aes256_gcm_client_cert", variant: 3, restrict: func(o *Options) {
		o.Ciphers = []string{"TLS_AES_256_GCM_SHA384"}
		o.SupportedGroups = []string{"x25519"} // no HelloRetryRequest
	}},
	// The server asks the default client for a secp384r1 share.
	{name: "tls13_hrr_secp384r1_client_cert", variant: 3, serverOnly: true},
}

// TestFuzzHandshakeSeeds captures real flights, checks each replays to a
// completed handshake, and (with GOSSL_WRITE_FUZZ_SEEDS=1) writes them as
// the seed corpora of FuzzServerHandshake and FuzzClientHandshake.
func TestFuzzHandshakeSeeds(t *testing.T) {
	d := fuzzPKI(t)
	write := os.Getenv("GOSSL_WRITE_FUZZ_SEEDS") == "1"
	for _, seed := range fuzzSeeds {
		t.Run(seed.name, func(t *testing.T) {
			restrict := func(o *Options) *Options {
				if seed.restrict != nil {
					seed.restrict(o)
				}
				return o
			}
			// Server seed: the server is the fuzz variant, the client
			// is restricted; then the client's bytes replay alone.
			so := fuzzServerOptions(d, seed.variant)
			co := restrict(fuzzClientOptions(d, seed.variant))
			fromClient, _ := captureHandshake(t, so, co)
			deterministicRandom(t, fuzzServerSeed)
			if err := replay(t, roleServer, fuzzServerOptions(d, seed.variant), fromClient); err != nil {
				t.Fatalf("server replay of the captured client flight: %v", err)
			}
			files := []struct {
				fuzz, name string
				data       []byte
			}{
				{"FuzzServerHandshake", seed.name, append([]byte{seed.variant}, fromClient...)},
				// The ClientHello alone too, for mutations that stay
				// in the hello state.
				{"FuzzServerHandshake", seed.name + "_hello_only", append([]byte{seed.variant}, firstRecords(fromClient, 1)...)},
			}
			// Client seed, the other way round.
			if !seed.serverOnly {
				so = restrict(fuzzServerOptions(d, seed.variant))
				co = fuzzClientOptions(d, seed.variant)
				_, fromServer := captureHandshake(t, so, co)
				deterministicRandom(t, fuzzClientSeed)
				if err := replay(t, roleClient, fuzzClientOptions(d, seed.variant), fromServer); err != nil {
					t.Fatalf("client replay of the captured server flight: %v", err)
				}
				files = append(files, struct {
					fuzz, name string
					data       []byte
				}{"FuzzClientHandshake", seed.name, append([]byte{seed.variant}, fromServer...)})
			}
			for _, f := range files {
				if write {
					writeFuzzSeed(t, f.fuzz, f.name, f.data)
					continue
				}
				// The checked-in seed is this capture unless the Go
				// release draws randomness differently; then it still
				// seeds, but stops short of Finished.
				old, err := os.ReadFile(filepath.Join("testdata", "fuzz", f.fuzz, f.name))
				if err != nil || !bytes.Equal(old, fuzzSeedFile(f.data)) {
					t.Logf("%s/%s differs from a fresh capture (%v): consider GOSSL_WRITE_FUZZ_SEEDS=1", f.fuzz, f.name, err)
				}
			}
		})
	}
}

// firstRecords returns the first n records of a record stream.
func firstRecords(b []byte, n int) []byte {
	off := 0
	for i := 0; i < n && off+5 <= len(b); i++ {
		off += 5 + (int(b[off+3])<<8 | int(b[off+4]))
	}
	return b[:min(off, len(b))]
}

// fuzzSeedFile is data in the corpus file format of go test -fuzz.
func fuzzSeedFile(data []byte) []byte {
	return []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data))
}

func writeFuzzSeed(t *testing.T, fuzzName, name string, data []byte) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", fuzzName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), fuzzSeedFile(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFuzzSeedCorporaPresent keeps the checked-in corpora from going
// missing: each target has seeds that start a real handshake.
func TestFuzzSeedCorporaPresent(t *testing.T) {
	for _, seed := range fuzzSeeds {
		want := []string{"FuzzServerHandshake/" + seed.name, "FuzzServerHandshake/" + seed.name + "_hello_only"}
		if !seed.serverOnly {
			want = append(want, "FuzzClientHandshake/"+seed.name)
		}
		for _, f := range want {
			if _, err := os.Stat(filepath.Join("testdata", "fuzz", f)); err != nil {
				t.Errorf("seed %s missing (%v); run TestFuzzHandshakeSeeds with GOSSL_WRITE_FUZZ_SEEDS=1", f, err)
			}
		}
	}
	for _, name := range []string{"FuzzServerHandshake", "FuzzClientHandshake", "FuzzServerAfterHello", "FuzzClientAfterServerHello"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", name))
		if err != nil || len(entries) == 0 {
			t.Fatalf("%s: seed corpus missing (%v); run TestFuzzHandshakeSeeds with GOSSL_WRITE_FUZZ_SEEDS=1", name, err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join("testdata", "fuzz", name, e.Name()))
			if err != nil || !bytes.HasPrefix(b, []byte("go test fuzz v1\n[]byte(")) {
				t.Fatalf("%s/%s: not a corpus file (%v)", name, e.Name(), err)
			}
		}
	}
}
