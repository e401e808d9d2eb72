package ssl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// These tests feed a gossl server what a broken or hostile client sends,
// over raw TCP on 127.0.0.1, and check that it answers with the fatal
// alert the RFCs call for, reports that alert from Handshake, closes the
// connection, never hangs, keeps serving others and leaks no goroutine.

// badInputHandshakeTimeout bounds every server-side handshake.
const badInputHandshakeTimeout = 2 * time.Second

// hsResult is the outcome of one server-side Handshake.
type hsResult struct {
	remote string // the client's address
	err    error
	at     time.Time
}

// hsServer is a gossl server with an accept loop that handshakes every
// connection in its own goroutine and records the result.
type hsServer struct {
	ls   *ListenSocket
	port int
	wg   sync.WaitGroup

	mu      sync.Mutex
	results map[string]hsResult
	arrived chan struct{} // signalled on every result
}

func startHandshakeServer(t *testing.T, opts *Options) *hsServer {
	t.Helper()
	ls, err := Listen(0, opts)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	srv := &hsServer{ls: ls, port: ls.Port(), results: map[string]hsResult{}, arrived: make(chan struct{}, 1)}
	srv.wg.Add(1)
	go func() {
		defer srv.wg.Done()
		for {
			s, err := ls.TransportAccept(0)
			if err != nil {
				return // listener closed
			}
			srv.wg.Add(1)
			go func() {
				defer srv.wg.Done()
				defer s.Close()
				remote := s.RemoteAddr().String()
				err := s.Handshake(badInputHandshakeTimeout)
				srv.record(hsResult{remote: remote, err: err, at: time.Now()})
				if err != nil {
					return
				}
				for { // echo until the client goes away
					b, err := s.Recv(0, 5*time.Second)
					if err != nil || s.Send(b) != nil {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(srv.stop)
	return srv
}

func (srv *hsServer) record(r hsResult) {
	srv.mu.Lock()
	srv.results[r.remote] = r
	srv.mu.Unlock()
	select {
	case srv.arrived <- struct{}{}:
	default:
	}
}

// stop closes the listener and waits (bounded) for every connection
// goroutine to finish.
func (srv *hsServer) stop() {
	srv.ls.Close()
	done := make(chan struct{})
	go func() { srv.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		panic("badinput: server goroutines did not finish")
	}
}

// result waits for the handshake result of the connection from local.
func (srv *hsServer) result(t *testing.T, local string) hsResult {
	t.Helper()
	deadline := time.After(badInputHandshakeTimeout + 5*time.Second)
	for {
		srv.mu.Lock()
		r, ok := srv.results[local]
		srv.mu.Unlock()
		if ok {
			return r
		}
		select {
		case <-srv.arrived:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no server handshake result for %s: the server hangs", local)
		}
	}
}

// tlsRecord frames payload as one TLS record.
func tlsRecord(typ uint8, version uint16, payload []byte) []byte {
	b := []byte{typ, byte(version >> 8), byte(version), byte(len(payload) >> 8), byte(len(payload))}
	return append(b, payload...)
}

// recordHeader is a record header announcing n bytes.
func recordHeader(typ uint8, version uint16, n int) []byte {
	return []byte{typ, byte(version >> 8), byte(version), byte(n >> 8), byte(n)}
}

// handshakeHeader is a handshake message header announcing n bytes.
func handshakeHeader(typ uint8, n int) []byte {
	return []byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}
}

// testRandom is a fixed hello random; what it is does not matter here.
var testRandom = bytes.Repeat([]byte{0x5a}, 32)

// goodClientHello returns a TLS 1.2 ClientHello a default gossl server
// accepts; mod changes it before it is marshalled.
func goodClientHello(t *testing.T, mod func(*wire.ClientHello)) []byte {
	t.Helper()
	ch := &wire.ClientHello{
		Version:                  wire.VersionTLS12,
		Random:                   testRandom,
		CipherSuites:             []uint16{0xc02f, 0xc02b, 0xc013}, // ECDHE-RSA-AES128-GCM, ECDHE-ECDSA-AES128-GCM, ECDHE-RSA-AES128-SHA
		CompressionMethods:       []uint8{0},
		SupportedGroups:          []uint16{wire.GroupX25519, wire.GroupSecp256r1},
		ECPointFormats:           []uint8{0},
		SignatureAlgorithms:      []uint16{wire.SigRSAPSSRSAESHA256, wire.SigRSAPKCS1SHA256, wire.SigECDSAP256SHA256, wire.SigRSAPKCS1SHA1},
		SecureRenegotiationValid: true,
		ExtendedMasterSecret:     true,
	}
	if mod != nil {
		mod(ch)
	}
	msg, err := ch.Marshal()
	if err != nil {
		t.Fatalf("marshal ClientHello: %v", err)
	}
	return msg
}

// sendRaw connects to port, writes data (and half-closes when closeWrite
// is set), and returns everything the server sends until it closes,
// with the local address to find the server's result by.
func sendRaw(t *testing.T, port int, data []byte, closeWrite bool) (reply []byte, local string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	local = conn.LocalAddr().String()
	conn.SetDeadline(time.Now().Add(badInputHandshakeTimeout + 5*time.Second))
	if len(data) > 0 {
		if _, err := conn.Write(data); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	if closeWrite {
		conn.(*net.TCPConn).CloseWrite()
	}
	reply, err = io.ReadAll(conn)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("server neither answered nor closed the connection: %v", err)
		}
		t.Fatalf("read: %v (after %x)", err, reply)
	}
	return reply, local
}

// wantAlertReply checks that reply is exactly one plaintext fatal alert
// record with description desc (the server then closed the connection).
func wantAlertReply(t *testing.T, reply []byte, desc uint8) {
	t.Helper()
	if len(reply) != 7 || reply[0] != wire.TypeAlert || reply[1] != 3 || reply[2] < 1 || reply[2] > 3 ||
		reply[3] != 0 || reply[4] != 2 || reply[5] != 2 {
		t.Fatalf("server sent %x; want one fatal alert record 15 03 0X 00 02 02 %02x and then EOF", reply, desc)
	}
	if reply[6] != desc {
		t.Fatalf("server sent fatal alert %d (%s); want %d (%s)", reply[6], alertName(reply[6]), desc, alertName(desc))
	}
}

// alertName names an alert code for messages.
func alertName(c uint8) string {
	for _, n := range []string{"unexpected_message", "record_overflow", "handshake_failure", "illegal_parameter",
		"decode_error", "decrypt_error", "protocol_version", "internal_error", "inappropriate_fallback",
		"unsupported_extension", "bad_certificate", "unsupported_certificate", "insufficient_security"} {
		if NewAlert(n).Code == c {
			return n
		}
	}
	return fmt.Sprintf("alert(%d)", c)
}

// wantSentAlert checks that err is an alert this server sent.
func wantSentAlert(t *testing.T, err error, desc string) *Alert {
	t.Helper()
	var a *Alert
	if !errors.As(err, &a) {
		t.Fatalf("error %v (%T); want an *Alert %s", err, err, desc)
	}
	if a.Description != desc || a.Received || a.Level != "fatal" {
		t.Fatalf("alert %+v; want a fatal %s we sent (Received=false)", a, desc)
	}
	if !errors.Is(err, NewAlert(desc)) {
		t.Fatalf("errors.Is(err, NewAlert(%q)) is false for %v", desc, err)
	}
	return a
}

func TestBadInputServer(t *testing.T) {
	p := testpeers.NewPKI(t)
	before := runtime.NumGoroutine()

	srv12 := startHandshakeServer(t, serverOpts(p, "rsa")) // TLS 1.2 only (the default)
	opts1211 := serverOpts(p, "rsa")
	opts1211.Versions = []Version{TLSv1_2, TLSv1_1}
	srv1211 := startHandshakeServer(t, opts1211)

	hsRecord := func(msg []byte) []byte { return tlsRecord(wire.TypeHandshake, wire.VersionTLS10, msg) }

	alertCases := []struct {
		name string
		srv  *hsServer
		data []byte
		desc string
	}{
		{
			// RFC 5246, 6 / RFC 8446, 5: an unknown record type gets
			// unexpected_message. 'G' (0x47) is no content type.
			name: "http_request",
			srv:  srv12,
			data: []byte("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
			desc: "unexpected_message",
		},
		{
			// A handshake record whose major version is not 3 is not
			// TLS: protocol_version.
			name: "record_version_2",
			srv:  srv12,
			data: []byte{wire.TypeHandshake, 2, 0, 0, 4, 1, 0, 0, 0},
			desc: "protocol_version",
		},
		{
			// RFC 5246, 6.2.3: longer than 2^14+2048 is record_overflow,
			// refused on the header alone.
			name: "oversized_record",
			srv:  srv12,
			data: recordHeader(wire.TypeHandshake, wire.VersionTLS10, wire.MaxCiphertext+1),
			desc: "record_overflow",
		},
		{
			// RFC 5246, 6.2.1: a plaintext record longer than 2^14 too.
			name: "oversized_plaintext_record",
			srv:  srv12,
			data: recordHeader(wire.TypeHandshake, wire.VersionTLS10, wire.MaxPlaintext+1),
			desc: "record_overflow",
		},
		{
			// RFC 5246, 7.4.1.3: no suite in common is handshake_failure.
			// AES128-SHA (RSA key exchange) is implemented but not
			// enabled by default, nor is 0x0005 (RC4-SHA, legacy).
			name: "no_common_suite",
			srv:  srv12,
			data: hsRecord(goodClientHello(t, func(ch *wire.ClientHello) { ch.CipherSuites = []uint16{0x002f, 0x0005} })),
			desc: "handshake_failure",
		},
		{
			// RFC 5246, E.1: a client whose highest version the server
			// does not support gets protocol_version.
			name: "tls10_only_client",
			srv:  srv12,
			data: hsRecord(goodClientHello(t, func(ch *wire.ClientHello) {
				ch.Version = wire.VersionTLS10
				ch.SignatureAlgorithms = nil
			})),
			desc: "protocol_version",
		},
		{
			// RFC 5246, 7.4: a Finished first is out of order.
			name: "finished_first",
			srv:  srv12,
			data: hsRecord(append([]byte{wire.TypeFinished, 0, 0, 12}, make([]byte, 12)...)),
			desc: "unexpected_message",
		},
		{
			name: "server_hello_first",
			srv:  srv12,
			data: hsRecord(func() []byte {
				b, err := (&wire.ServerHello{Version: wire.VersionTLS12, Random: testRandom, CipherSuite: 0xc02f}).Marshal()
				if err != nil {
					t.Fatal(err)
				}
				return b
			}()),
			desc: "unexpected_message",
		},
		{
			// Application data before the handshake (RFC 5246, 7.4).
			name: "application_data_first",
			srv:  srv12,
			data: tlsRecord(wire.TypeApplicationData, wire.VersionTLS12, []byte("hello")),
			desc: "unexpected_message",
		},
		{
			// A ChangeCipherSpec before any key was negotiated.
			name: "change_cipher_spec_first",
			srv:  srv12,
			data: tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, []byte{1}),
			desc: "unexpected_message",
		},
		{
			// RFC 5246, 6.2.1: empty handshake fragments are forbidden.
			name: "empty_handshake_record",
			srv:  srv12,
			data: tlsRecord(wire.TypeHandshake, wire.VersionTLS10, nil),
			desc: "unexpected_message",
		},
		{
			// RFC 5246, 7.4.1.2 framing broken: a ClientHello cut short
			// inside its own message is a decode_error.
			name: "malformed_client_hello",
			srv:  srv12,
			data: hsRecord([]byte{wire.TypeClientHello, 0, 0, 3, 3, 3, 0}),
			desc: "decode_error",
		},
		{
			// RFC 7507, 3: TLS_FALLBACK_SCSV with a version below the
			// server's highest is inappropriate_fallback.
			name: "fallback_scsv",
			srv:  srv1211,
			data: hsRecord(goodClientHello(t, func(ch *wire.ClientHello) {
				ch.Version = wire.VersionTLS11
				ch.SignatureAlgorithms = nil
				ch.CipherSuites = []uint16{0xc013, wire.SCSVFallback}
			})),
			desc: "inappropriate_fallback",
		},
		{
			// RFC 5746, 3.6: a non-empty renegotiation_info in an initial
			// handshake is handshake_failure.
			name: "nonempty_renegotiation_info",
			srv:  srv12,
			data: hsRecord(goodClientHello(t, func(ch *wire.ClientHello) {
				ch.SecureRenegotiation = bytes.Repeat([]byte{0xab}, 12)
			})),
			desc: "handshake_failure",
		},
		{
			// A handshake message announcing more than max_handshake_size
			// (256 KiB by default) is refused as soon as its header is
			// in, before it is buffered. OTP sends handshake_failure
			// (tls_gen_connection:assert_buffer_sanity), and so do we.
			name: "handshake_message_too_large",
			srv:  srv12,
			data: hsRecord(handshakeHeader(wire.TypeClientHello, wire.DefaultMaxHandshakeSize+1)),
			desc: "handshake_failure",
		},
	}
	for _, c := range alertCases {
		t.Run(c.name, func(t *testing.T) {
			reply, local := sendRaw(t, c.srv.port, c.data, false)
			wantAlertReply(t, reply, NewAlert(c.desc).Code)
			r := c.srv.result(t, local)
			a := wantSentAlert(t, r.err, c.desc)
			if a.Role != "server" {
				t.Fatalf("alert role %q; want server", a.Role)
			}
			t.Logf("sent %d bytes -> %s", len(c.data), FormatError(r.err))
		})
	}

	// Controls: the crafted hellos are otherwise acceptable, so the
	// alerts above come from the one thing each case changed.
	controls := []struct {
		name    string
		srv     *hsServer
		hello   []byte
		version uint16
	}{
		{"good_client_hello", srv12, goodClientHello(t, nil), wire.VersionTLS12},
		{"tls11_without_fallback_scsv", srv1211, goodClientHello(t, func(ch *wire.ClientHello) {
			ch.Version = wire.VersionTLS11
			ch.SignatureAlgorithms = nil
			ch.CipherSuites = []uint16{0xc013}
		}), wire.VersionTLS11},
		{"fallback_scsv_at_highest_version", srv1211, goodClientHello(t, func(ch *wire.ClientHello) {
			ch.CipherSuites = append(ch.CipherSuites, wire.SCSVFallback)
		}), wire.VersionTLS12},
	}
	for _, c := range controls {
		t.Run("control_"+c.name, func(t *testing.T) {
			// Half-close after the hello: the server answers with its
			// flight, then fails with closed (no alert possible).
			reply, local := sendRaw(t, c.srv.port, hsRecord(c.hello), true)
			if len(reply) < 5+4+2 || reply[0] != wire.TypeHandshake || reply[5] != wire.TypeServerHello {
				t.Fatalf("server answered %x; want a ServerHello", reply[:min(len(reply), 16)])
			}
			if v := uint16(reply[9])<<8 | uint16(reply[10]); v != c.version {
				t.Fatalf("ServerHello version %#04x; want %#04x", v, c.version)
			}
			if r := c.srv.result(t, local); !errors.Is(r.err, ErrClosed) {
				t.Fatalf("server error %v; want ErrClosed", r.err)
			}
		})
	}

	t.Run("truncated_record", func(t *testing.T) {
		// The header announces 100 bytes, 10 come, then EOF: no alert
		// can be delivered, the handshake fails with closed at once.
		data := append([]byte{wire.TypeHandshake, 3, 1, 0, 100}, make([]byte, 10)...)
		start := time.Now()
		reply, local := sendRaw(t, srv12.port, data, true)
		if len(reply) != 0 {
			t.Fatalf("server sent %x to a truncated record; want nothing", reply)
		}
		r := srv12.result(t, local)
		if !errors.Is(r.err, ErrClosed) {
			t.Fatalf("server error %v; want ErrClosed", r.err)
		}
		if d := r.at.Sub(start); d >= badInputHandshakeTimeout {
			t.Fatalf("server took %v to notice the EOF (its timeout is %v)", d, badInputHandshakeTimeout)
		}
	})

	t.Run("truncated_handshake_message", func(t *testing.T) {
		// A whole record, but the ClientHello inside is incomplete.
		data := hsRecord(goodClientHello(t, nil)[:40])
		reply, local := sendRaw(t, srv12.port, data, true)
		if len(reply) != 0 {
			t.Fatalf("server sent %x; want nothing", reply)
		}
		if r := srv12.result(t, local); !errors.Is(r.err, ErrClosed) {
			t.Fatalf("server error %v; want ErrClosed", r.err)
		}
	})

	t.Run("silent_client", func(t *testing.T) {
		// Connect and send nothing: Handshake(timeout) gives up with
		// ErrTimeout after the timeout, not before and not much after.
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", srv12.port), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		r := srv12.result(t, conn.LocalAddr().String())
		if !errors.Is(r.err, ErrTimeout) {
			t.Fatalf("server error %v; want ErrTimeout", r.err)
		}
		d := r.at.Sub(start)
		if d < badInputHandshakeTimeout-200*time.Millisecond || d > badInputHandshakeTimeout+2*time.Second {
			t.Fatalf("timed out after %v; want about %v", d, badInputHandshakeTimeout)
		}
		// The server closed the connection without an alert.
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if b, err := io.ReadAll(conn); err != nil || len(b) != 0 {
			t.Fatalf("after the timeout read %x, %v; want EOF", b, err)
		}
	})

	t.Run("slow_drip_record", func(t *testing.T) {
		// A client that sends a record header and then one byte now and
		// then cannot hold the server beyond its handshake timeout.
		conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", srv12.port), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		stop := make(chan struct{})
		dripped := make(chan struct{})
		go func() {
			defer close(dripped)
			conn.Write([]byte{wire.TypeHandshake, 3, 1, 0x40, 0})
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
					if _, err := conn.Write([]byte{0}); err != nil {
						return
					}
				}
			}
		}()
		r := srv12.result(t, conn.LocalAddr().String())
		close(stop)
		<-dripped
		if !errors.Is(r.err, ErrTimeout) {
			t.Fatalf("server error %v; want ErrTimeout", r.err)
		}
		if d := r.at.Sub(start); d > badInputHandshakeTimeout+2*time.Second {
			t.Fatalf("server held for %v", d)
		}
	})

	// The listeners kept serving: a real client still connects and echoes.
	for _, srv := range []*hsServer{srv12, srv1211} {
		s, err := Connect("127.0.0.1", srv.port, clientOpts(p), 10*time.Second)
		if err != nil {
			t.Fatalf("normal client after bad input: %v", err)
		}
		msg := []byte(strings.Repeat("still serving ", 100))
		if err := s.Send(msg); err != nil {
			t.Fatal(err)
		}
		got, err := s.Recv(len(msg), 5*time.Second)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("echo after bad input: %v", err)
		}
		s.Close()
	}

	// No goroutine outlives its connection.
	srv12.stop()
	srv1211.stop()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines before, %d after:\n%s", before, n, buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
