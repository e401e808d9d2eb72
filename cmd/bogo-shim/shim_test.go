package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseArgsPrefixes(t *testing.T) {
	cs, err := parseArgs([]string{
		"-port", "4433", "-shim-id", "12", "-server", "-resume-count", "1",
		"-on-resume-expect-session-miss", "-on-initial-expect-alpn", "foo",
		"-advertise-alpn", "\x03foo\x03bar", "-on-handshaker-max-version", "771",
		"-on-shim-min-version", "769", "-curves", "29", "-curves", "23",
	})
	if err != nil {
		t.Fatal(err)
	}
	if cs.initial.port != 4433 || cs.resume.port != 4433 || cs.initial.shimID != 12 || !cs.retry.server || cs.initial.resumeCount != 1 {
		t.Errorf("unprefixed flags not applied to every connection: %+v", cs.initial)
	}
	if cs.initial.expectSessionMiss || !cs.resume.expectSessionMiss {
		t.Error("-on-resume- flag applied to the wrong connection")
	}
	if cs.initial.expectALPN != "foo" || cs.resume.expectALPN != "" {
		t.Error("-on-initial- flag applied to the wrong connection")
	}
	if got := strings.Join(cs.initial.advertiseALPN, ","); got != "foo,bar" {
		t.Errorf("ALPN list %q", got)
	}
	if cs.initial.maxVersion != 0 {
		t.Error("-on-handshaker- flag applied to the shim")
	}
	if cs.initial.minVersion != 769 {
		t.Error("-on-shim- flag not applied")
	}
	if len(cs.initial.curves) != 2 || cs.initial.curves[1] != 23 {
		t.Errorf("repeated -curves: %v", cs.initial.curves)
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-port"},                      // missing value
		{"-port", "x"},                 // not a number
		{"-advertise-alpn", "\x05foo"}, // truncated ALPN list
	} {
		if _, err := parseArgs(args); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// TestUnknownFlagExits89 checks that a flag the shim does not implement
// (with or without a connection prefix) stops it with status 89 before
// it connects anywhere, so the runner counts the test as not applicable.
func TestUnknownFlagExits89(t *testing.T) {
	for _, args := range [][]string{
		{"-port", "1", "-shim-id", "0", "-quic"},
		{"-port", "1", "-shim-id", "0", "-on-resume-enable-channel-id"},
		{"-port", "1", "-shim-id", "0", "-cipher", "[TLS_RSA_WITH_AES_128_GCM_SHA256|TLS_RSA_WITH_AES_256_GCM_SHA384]"},
		{"-port", "1", "-shim-id", "0", "-curves", "65535"},
	} {
		var stderr bytes.Buffer
		if got := run(args, io.Discard, &stderr); got != exitUnimplemented {
			t.Errorf("%q: exit %d, want %d (%s)", args, got, exitUnimplemented, stderr.String())
		}
	}
}

func TestHandshakerNotSupported(t *testing.T) {
	var out bytes.Buffer
	if got := run([]string{"-is-handshaker-supported"}, &out, io.Discard); got != 0 || strings.TrimSpace(out.String()) != "No" {
		t.Errorf("exit %d, output %q", got, out.String())
	}
}

func TestEchoXOR(t *testing.T) {
	in := strings.NewReader("\x00\x01\xfe\xffhello")
	var out bytes.Buffer
	clean, err := echo(&config{readSize: 3}, struct {
		io.Reader
		io.Writer
	}{in, &out})
	if err != nil || !clean {
		t.Fatalf("clean %v, err %v", clean, err)
	}
	want := []byte{0xff, 0xfe, 0x01, 0x00}
	for _, b := range []byte("hello") {
		want = append(want, b^0xff)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("echo %x, want %x", out.Bytes(), want)
	}
}

// testCert writes a self-signed ECDSA certificate and its key to dir.
func testCert(t *testing.T, dir string) (certFile, keyFile string, cert tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "bogo shim test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// fakeRunner plays the runner's side of one connection: it checks the
// shim-ID preamble, runs a crypto/tls handshake in the other role,
// sends msg and checks that it comes back XORed with 0xff.
func fakeRunner(t *testing.T, ln net.Listener, id uint64, shimIsServer bool, cert tls.Certificate, greeting string) <-chan error {
	errc := make(chan error, 1)
	go func() {
		errc <- func() error {
			c, err := acceptShim(ln, id)
			if err != nil {
				return err
			}
			defer c.Close()
			var tc *tls.Conn
			if shimIsServer {
				tc = tls.Client(c, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"foo"}})
			} else {
				tc = tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"foo"}})
			}
			if err := tc.Handshake(); err != nil {
				return err
			}
			if greeting != "" {
				buf := make([]byte, len(greeting))
				if _, err := io.ReadFull(tc, buf); err != nil {
					return err
				}
				if string(buf) != greeting {
					return &mismatch{"greeting", string(buf)}
				}
			}
			msg := []byte("ping \x00\xff pong")
			if _, err := tc.Write(msg); err != nil {
				return err
			}
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(tc, got); err != nil {
				return err
			}
			for i := range got {
				if got[i] != msg[i]^0xff {
					return &mismatch{"echo", string(got)}
				}
			}
			return tc.Close()
		}()
	}()
	return errc
}

// acceptShim takes the shim's connection and checks its shim-ID
// preamble, the runner's first step.
func acceptShim(ln net.Listener, id uint64) (net.Conn, error) {
	c, err := ln.Accept()
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	var pre [8]byte
	if _, err := io.ReadFull(c, pre[:]); err != nil {
		c.Close()
		return nil, err
	}
	if got := binary.LittleEndian.Uint64(pre[:]); got != id {
		c.Close()
		return nil, &mismatch{"shim id", strconv.FormatUint(got, 10)}
	}
	return c, nil
}

type mismatch struct{ what, got string }

func (m *mismatch) Error() string { return "unexpected " + m.what + ": " + strconv.Quote(m.got) }

// TestShimAgainstFakeRunner runs the whole shim, as client and as
// server, against a fake runner built on crypto/tls over 127.0.0.1.
func TestShimAgainstFakeRunner(t *testing.T) {
	certFile, keyFile, cert := testCert(t, t.TempDir())
	for _, tc := range []struct {
		name  string
		args  []string
		srv   bool
		greet string
	}{
		{"client-tls13", []string{"-expect-version", "772", "-advertise-alpn", "\x03foo", "-expect-alpn", "foo"}, false, ""},
		{"client-tls12-writes-first", []string{"-max-version", "771", "-expect-version", "771", "-shim-writes-first"}, false, shimInitialWrite},
		{"server-tls13", []string{"-server", "-cert-file", certFile, "-key-file", keyFile, "-select-alpn", "foo", "-expect-alpn", "foo"}, true, ""},
		{"server-tls12", []string{"-server", "-cert-file", certFile, "-key-file", keyFile, "-max-version", "771", "-expect-version", "771"}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runAgainstRunner(t, 0x0102030405060708, tc.args, func(ln net.Listener) <-chan error {
				return fakeRunner(t, ln, 0x0102030405060708, tc.srv, cert, tc.greet)
			})
		})
	}
}

// runAgainstRunner starts a fake runner on a 127.0.0.1 listener, runs
// the shim against it with -port, -shim-id id and args, and checks that
// both ends succeed.
func runAgainstRunner(t *testing.T, id uint64, args []string, start func(net.Listener) <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	errc := start(ln)
	var stderr bytes.Buffer
	args = append([]string{"-port", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), "-shim-id", strconv.FormatUint(id, 10)}, args...)
	if got := run(args, io.Discard, &stderr); got != 0 {
		t.Errorf("shim exit %d: %s", got, stderr.String())
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("fake runner did not finish")
	}
}

// TestShimFailsOnExpectation checks that a failed -expect-* check is an
// ordinary failure (status 1), not "unimplemented".
func TestShimFailsOnExpectation(t *testing.T) {
	_, _, cert := testCert(t, t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	errc := fakeRunner(t, ln, 1, false, cert, "")
	args := []string{"-port", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), "-shim-id", "1", "-expect-version", "771"}
	if got := run(args, io.Discard, io.Discard); got != 1 {
		t.Errorf("exit %d, want 1", got)
	}
	ln.Close()
	select {
	case <-errc:
	case <-time.After(30 * time.Second):
		t.Fatal("fake runner did not finish")
	}
}

func TestProbeRole(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"-role-probe", "tls-server", "-port", "1", "-server"}, 1},
		{[]string{"-port", "1", "-shim-id", "2", "-role-probe", "tls-server", "-server"}, 1},
		{[]string{"-role-probe", "tls-server", "-port", "1"}, exitUnimplemented},
		{[]string{"-role-probe", "tls-client", "-port", "1"}, 1},
		{[]string{"-role-probe", "tls-client", "-port", "1", "-dtls"}, exitUnimplemented},
		{[]string{"-role-probe", "dtls", "-port", "1", "-dtls", "-server"}, 1},
		{[]string{"-role-probe", "dtls", "-port", "1"}, exitUnimplemented},
		{[]string{"-role-probe", "tls-server", "-server", "-quic"}, exitUnimplemented},
	} {
		if got := run(tc.args, io.Discard, io.Discard); got != tc.want {
			t.Errorf("%q: exit %d, want %d", tc.args, got, tc.want)
		}
	}
}

func TestProbeRoleHandshakerQuestion(t *testing.T) {
	var out bytes.Buffer
	if got := run([]string{"-role-probe", "tls-client", "-is-handshaker-supported"}, &out, io.Discard); got != 0 || strings.TrimSpace(out.String()) != "No" {
		t.Errorf("exit %d, output %q", got, out.String())
	}
}
