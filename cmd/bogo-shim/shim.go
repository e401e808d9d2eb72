package main

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"

	ssl "github.com/gossl/ssl"
)

// shimInitialWrite is what -shim-writes-first sends before reading.
const shimInitialWrite = "hello"

// run is the shim: it parses the runner's flags, makes the connections
// the test asks for and returns the process's exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if i := slices.Index(args, "-role-probe"); i >= 0 && i+1 < len(args) {
		kind := args[i+1]
		args = slices.Delete(slices.Clone(args), i, i+2)
		if !slices.Contains(args, "-is-handshaker-supported") {
			return probeRole(kind, args)
		}
	}
	cs, err := parseArgs(args)
	if err == nil && cs.initial.isHandshakerSupported {
		// BoringSSL's split-handshake mode needs a separate handshaker
		// binary, which gossl does not have.
		fmt.Fprintln(stdout, "No")
		return 0
	}
	var initial, resume *ssl.Options
	if err == nil {
		initial, err = options(&cs.initial)
	}
	if err == nil && cs.initial.resumeCount > 0 {
		resume, err = options(&cs.resume)
	}
	for i := 0; err == nil && i <= cs.initial.resumeCount; i++ {
		if i == 0 {
			err = runConn(&cs.initial, initial, false)
		} else {
			err = runConn(&cs.resume, resume, true)
		}
	}
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, err)
	var u *errUnimplemented
	if errors.As(err, &u) {
		return exitUnimplemented
	}
	return 1
}

// probeRole answers the runner without connecting, to sort its tests by
// kind: scripts/bogo.sh runs the suite once more with "-role-probe
// KIND" (through the runner's -shim-extra-flags), and
// the tests of that kind are the ones not reported as unimplemented.
// KIND is tls-client, tls-server or dtls.
func probeRole(kind string, args []string) int {
	k, dtls := "tls-client", false
	for _, a := range args {
		switch a {
		case "-quic":
			return exitUnimplemented
		case "-dtls":
			dtls = true
		case "-server":
			k = "tls-server"
		}
	}
	if dtls {
		k = "dtls"
	}
	if k != kind {
		return exitUnimplemented
	}
	return 1
}

// dialRunner connects to the runner and writes the shim ID as an 8-byte
// little-endian integer, which tells the runner which test this
// connection belongs to. The shim is always the TCP client, also when
// it plays the TLS server.
func dialRunner(c *config) (net.Conn, error) {
	host := "127.0.0.1"
	if c.ipv6 {
		host = "::1"
	}
	conn, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(c.port)))
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(shimIDPreamble(c.shimID)); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func shimIDPreamble(id uint64) []byte {
	return binary.LittleEndian.AppendUint64(nil, id)
}

// runConn makes one connection of the test: handshake, the checks the
// flags ask for, then the echo loop (every byte read is sent back XORed
// with 0xff) until the runner closes.
func runConn(c *config, opts *ssl.Options, resume bool) (err error) {
	conn, err := dialRunner(c)
	if err != nil {
		return err
	}
	if c.dtls {
		pc := newPacketConn(conn, opts.DTLSRetransmitTimeout)
		conn = pc
		defer func() {
			switch {
			case err != nil && pc.mtuChanged():
				err = &errUnimplemented{flag: "'M' (an MTU change during the connection)"}
			case err != nil && pc.failed() != nil:
				err = fmt.Errorf("%w (runner framing: %v)", err, pc.failed())
			}
		}()
	}
	var s *ssl.Socket
	if c.server {
		s, err = ssl.HandshakeConn(conn, opts, 0)
	} else {
		s, err = ssl.ConnectConn(conn, opts, 0)
	}
	if err != nil {
		conn.Close()
		return fmt.Errorf("handshake: %s", ssl.FormatError(err))
	}
	defer s.Close()
	if err := checkConn(c, s, resume); err != nil {
		return err
	}
	if err := writeChecks(c, s); err != nil {
		return err
	}
	if c.shimWritesFirst {
		if _, err := s.Write([]byte(shimInitialWrite)); err != nil {
			return err
		}
	}
	if c.shimShutsDown {
		if c.checkCloseNotify {
			// Our close_notify, then the peer's (RFC 8446, 6.1).
			if err := s.CloseTimeout(0); err != nil {
				return fmt.Errorf("close: %s", ssl.FormatError(err))
			}
		}
		return nil
	}
	clean, err := echo(c, s)
	if err != nil {
		return err
	}
	if c.checkCloseNotify && !clean {
		return errors.New("the connection ended without close_notify")
	}
	return nil
}

// echo sends back every byte read, XORed with 0xff, until the peer
// closes. It reads at most 512 bytes at a time (or -read-size), as
// BoringSSL's shim does, so that a record is returned in several reads.
// clean is whether the peer sent close_notify; an EOF without one ends
// the loop too, as in BoringSSL's shim.
func echo(c *config, rw io.ReadWriter) (clean bool, err error) {
	size := 512
	if c.dtls {
		// One whole record per read, as BoringSSL's shim reads DTLS.
		size = 16384
	}
	if c.readSize > 0 {
		size = c.readSize
	}
	buf := make([]byte, size)
	for {
		if c.keyUpdateBeforeRead {
			if err := updateKeys(rw); err != nil {
				return false, err
			}
		}
		n, err := rw.Read(buf)
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if errors.Is(err, ssl.ErrClosed) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("read: %s", ssl.FormatError(err))
		}
		if c.keyUpdate {
			if err := updateKeys(rw); err != nil {
				return false, err
			}
		}
		for i := range buf[:n] {
			buf[i] ^= 0xff
		}
		if _, err := rw.Write(buf[:n]); err != nil {
			return false, fmt.Errorf("write: %s", ssl.FormatError(err))
		}
	}
}

func updateKeys(rw any) error {
	s, ok := rw.(*ssl.Socket)
	if !ok {
		return errors.New("key update needs a TLS socket")
	}
	if err := s.UpdateKeys(false); err != nil {
		return fmt.Errorf("key update: %s", ssl.FormatError(err))
	}
	return nil
}

// checkConn verifies the -expect-* flags against the finished handshake.
func checkConn(c *config, s *ssl.Socket, resume bool) error {
	st := s.ConnectionState()
	if c.expectVersion != 0 && int(st.Version) != c.expectVersion {
		return fmt.Errorf("version %#x, expected %#x", st.Version, c.expectVersion)
	}
	if c.expectCipher != 0 && int(st.CipherSuite) != c.expectCipher {
		return fmt.Errorf("cipher %#x, expected %#x", st.CipherSuite, c.expectCipher)
	}
	if c.expectCurveID != 0 && int(st.CurveID) != c.expectCurveID {
		return fmt.Errorf("group %d, expected %d", st.CurveID, c.expectCurveID)
	}
	if c.expectALPN != "" && st.NegotiatedProtocol != c.expectALPN {
		return fmt.Errorf("ALPN %q, expected %q", st.NegotiatedProtocol, c.expectALPN)
	}
	if c.expectServerName != "" && st.ServerName != c.expectServerName {
		return fmt.Errorf("server name %q, expected %q", st.ServerName, c.expectServerName)
	}
	if c.expectNoServerName && st.ServerName != "" {
		return fmt.Errorf("server name %q, expected none", st.ServerName)
	}
	wantResume := resume && !c.expectSessionMiss
	if st.DidResume != wantResume {
		return fmt.Errorf("session resumed: %v, expected %v", st.DidResume, wantResume)
	}
	info, err := s.ConnectionInformation("extended_master_secret", "secure_renegotiation")
	if err != nil {
		return err
	}
	flag := func(key string) bool {
		for _, it := range info {
			if it.Key == key {
				b, _ := it.Value.(bool)
				return b
			}
		}
		return false
	}
	// TLS 1.3 always binds its secrets to the whole handshake (RFC 8446,
	// 7.1), which BoringSSL reports as extended master secret support.
	if c.expectEMS && !flag("extended_master_secret") && st.Version != tls.VersionTLS13 {
		return errors.New("no extended master secret")
	}
	// BoringSSL also reports TLS 1.3, which has no renegotiation, as
	// secure.
	if c.expectSecureRenegotiation && !flag("secure_renegotiation") && st.Version != tls.VersionTLS13 {
		return errors.New("no secure renegotiation")
	}
	if c.expectNoSecureRenegotiation && flag("secure_renegotiation") {
		return errors.New("unexpected secure renegotiation")
	}
	if c.expectPeerCertFile != "" {
		want, err := readPEMChain(c.expectPeerCertFile)
		if err != nil {
			return err
		}
		var got [][]byte
		for _, cert := range st.PeerCertificates {
			got = append(got, cert.Raw)
		}
		if len(got) != len(want) {
			return fmt.Errorf("peer sent %d certificates, expected %d", len(got), len(want))
		}
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				return fmt.Errorf("peer certificate %d differs from %s", i, c.expectPeerCertFile)
			}
		}
	}
	return nil
}

// writeChecks sends the values the runner compares with its own: the
// exporter's output (RFC 5705, RFC 8446 7.5) and tls-unique (RFC 5929).
func writeChecks(c *config, s *ssl.Socket) error {
	if c.exportKeyingMaterial > 0 {
		var ctx []byte
		if c.useExportContext {
			ctx = []byte(c.exportContext)
		}
		out, err := s.ExportKeyMaterials([]string{c.exportLabel}, [][]byte{ctx}, []int{c.exportKeyingMaterial})
		if err != nil {
			return fmt.Errorf("export: %s", ssl.FormatError(err))
		}
		if _, err := s.Write(out[0]); err != nil {
			return err
		}
	}
	if c.tlsUnique {
		u := s.ConnectionState().TLSUnique
		if len(u) != 12 {
			return fmt.Errorf("tls-unique of %d bytes", len(u))
		}
		if _, err := s.Write(u); err != nil {
			return err
		}
	}
	return nil
}

func readPEMChain(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for b, rest := pem.Decode(data); b != nil; b, rest = pem.Decode(rest) {
		if b.Type == "CERTIFICATE" {
			out = append(out, b.Bytes)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no certificate in %s", path)
	}
	return out, nil
}
