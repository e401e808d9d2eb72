package ssl

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// A client must refuse any version, suite, compression, extension or
// group it did not offer (RFC 5246, 7.4.1.3 and 7.4.1.4; RFC 8422, 5.4).
// A fake server written here reads the gossl client's ClientHello and
// answers with a crafted flight; the client must send the right fatal
// alert, and report it as an *Alert it sent.

// fakeResult is what the fake server saw.
type fakeResult struct {
	hello *wire.ClientHello
	reply []byte // everything the client sent after its ClientHello
	err   error
}

// startFakeServer accepts one connection on 127.0.0.1, reads the
// ClientHello, writes what answer returns and half-closes; it then reads
// what the client sends until the client closes, and reports it.
func startFakeServer(t *testing.T, answer func(ch *wire.ClientHello) []byte) (int, <-chan fakeResult) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	out := make(chan fakeResult, 1)
	go func() {
		var res fakeResult
		defer func() { out <- res }()
		if tl, ok := ln.(*net.TCPListener); ok {
			tl.SetDeadline(time.Now().Add(10 * time.Second))
		}
		conn, err := ln.Accept()
		if err != nil {
			res.err = err
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		msg, err := readHandshakeMessage(conn)
		if err != nil {
			res.err = err
			return
		}
		res.hello = &wire.ClientHello{}
		if !res.hello.Unmarshal(msg) {
			res.err = errors.New("fake server: unparsable ClientHello")
			return
		}
		if _, err := conn.Write(answer(res.hello)); err != nil {
			res.err = err
			return
		}
		// Then hang up our side: a client that accepted the flight
		// waits for more and must fail with closed, not hang.
		conn.(*net.TCPConn).CloseWrite()
		res.reply, res.err = io.ReadAll(conn)
	}()
	return ln.Addr().(*net.TCPAddr).Port, out
}

// readHandshakeMessage reads handshake records until one whole message
// is in, and returns it (header included).
func readHandshakeMessage(r io.Reader) ([]byte, error) {
	var buf []byte
	for {
		if len(buf) >= 4 {
			n := int(buf[1])<<16 | int(buf[2])<<8 | int(buf[3])
			if len(buf) >= 4+n {
				return buf[:4+n], nil
			}
		}
		var hdr [5]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return nil, err
		}
		if hdr[0] != wire.TypeHandshake {
			return nil, errors.New("fake server: expected a handshake record")
		}
		body := make([]byte, int(hdr[3])<<8|int(hdr[4]))
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, err
		}
		buf = append(buf, body...)
	}
}

// marshalAll marshals messages into one handshake record each.
func marshalAll(t *testing.T, msgs ...wire.Message) []byte {
	t.Helper()
	var out []byte
	for _, m := range msgs {
		b, err := m.Marshal()
		if err != nil {
			t.Fatalf("marshal %T: %v", m, err)
		}
		out = append(out, tlsRecord(wire.TypeHandshake, wire.VersionTLS12, b)...)
	}
	return out
}

// acceptableServerHello is a ServerHello a default gossl client accepts
// for hello ch.
func acceptableServerHello(ch *wire.ClientHello) *wire.ServerHello {
	return &wire.ServerHello{
		Version:                  wire.VersionTLS12,
		Random:                   bytes.Repeat([]byte{0xa5}, 32),
		CipherSuite:              ch.CipherSuites[0],
		ExtendedMasterSecret:     ch.ExtendedMasterSecret,
		SecureRenegotiationValid: true,
		ECPointFormats:           []uint8{0},
	}
}

// notOffered returns a suite id the client did not offer.
func notOffered(ch *wire.ClientHello) uint16 {
	for _, id := range []uint16{0x002f, 0x0035, 0x009c, 0xc02c, 0xc030, 0xcca8, 0xc013} {
		if !containsID(ch.CipherSuites, id) {
			return id
		}
	}
	panic("every candidate suite was offered")
}

func containsID(list []uint16, id uint16) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

// runRefusal runs a gossl client against the fake server and checks the
// client refused with desc, both as its error and on the wire.
func runRefusal(t *testing.T, opts *Options, desc string, answer func(ch *wire.ClientHello) []byte) {
	t.Helper()
	port, out := startFakeServer(t, answer)
	s, err := Connect("127.0.0.1", port, opts, 10*time.Second)
	if err == nil {
		s.Close()
		t.Fatalf("Connect succeeded; want the client to refuse with %s", desc)
	}
	a := wantSentAlert(t, err, desc)
	if a.Role != "client" {
		t.Fatalf("alert role %q; want client", a.Role)
	}
	res := <-out
	if res.err != nil {
		t.Fatalf("fake server: %v", res.err)
	}
	wantAlertReply(t, res.reply, NewAlert(desc).Code)
	t.Logf("%s", FormatError(err))
}

func TestClientRefusesWhatItDidNotOffer(t *testing.T) {
	// TLS 1.2 only: these fake servers answer with TLS 1.2 ServerHellos.
	opts := func() *Options {
		return &Options{Verify: VerifyNone, Versions: []Version{TLSv1_2}, ReuseSessions: Bool(false)}
	}
	cases := []struct {
		name string
		desc string
		mod  func(sh *wire.ServerHello, ch *wire.ClientHello)
	}{
		{"suite_not_offered", "illegal_parameter", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.CipherSuite = notOffered(ch)
		}},
		{"scsv_as_suite", "illegal_parameter", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.CipherSuite = wire.SCSVRenegotiation
		}},
		{"version_tls11_not_enabled", "protocol_version", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.Version = wire.VersionTLS11
		}},
		// A version above the highest offered was never on the table:
		// the handshake machine answers illegal_parameter (as RFC 8446,
		// 4.1.3 does for supported_versions); one below it that is
		// disabled is protocol_version (RFC 5246, Appendix E.1).
		{"version_above_offered", "illegal_parameter", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.Version = wire.VersionTLS13
		}},
		{"version_ssl3", "protocol_version", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.Version = wire.VersionSSL30
		}},
		{"deflate_compression", "illegal_parameter", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.CompressionMethod = 1
		}},
		{"alpn_not_offered", "unsupported_extension", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.ALPNProtocol = "h2"
		}},
		{"unknown_extension_0x1234", "unsupported_extension", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.Unknown = []wire.Extension{{Type: 0x1234, Data: []byte{1, 2, 3}}}
		}},
		{"session_ticket_not_offered", "unsupported_extension", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			if ch.SessionTicketExt {
				panic("client offered session_ticket with reuse_sessions false")
			}
			sh.SessionTicketExt = true
		}},
		{"server_name_ack_without_sni", "unsupported_extension", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			if ch.ServerName != "" {
				panic("client sent SNI to an IP address")
			}
			sh.ServerNameAck = true
		}},
		{"no_uncompressed_point_format", "illegal_parameter", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.ECPointFormats = []uint8{1}
		}},
		{"nonempty_renegotiation_info", "handshake_failure", func(sh *wire.ServerHello, ch *wire.ClientHello) {
			sh.SecureRenegotiation = bytes.Repeat([]byte{1}, 24)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runRefusal(t, opts(), c.desc, func(ch *wire.ClientHello) []byte {
				sh := acceptableServerHello(ch)
				c.mod(sh, ch)
				return marshalAll(t, sh)
			})
		})
	}

	t.Run("control_acceptable_server_hello", func(t *testing.T) {
		// The unmodified ServerHello is accepted: the client waits for
		// the Certificate, and fails with closed when the server hangs up.
		port, out := startFakeServer(t, func(ch *wire.ClientHello) []byte {
			return marshalAll(t, acceptableServerHello(ch))
		})
		_, err := Connect("127.0.0.1", port, opts(), 10*time.Second)
		var a *Alert
		if errors.As(err, &a) || !errors.Is(err, ErrClosed) {
			t.Fatalf("Connect: %v; want ErrClosed (no alert) when the server hangs up after its ServerHello", err)
		}
		if res := <-out; res.err != nil {
			t.Fatalf("fake server: %v", res.err)
		}
	})

	for _, secure := range []bool{true, false} {
		t.Run(fmt.Sprintf("control_no_renegotiation_info_secure_renegotiate_%v", secure), func(t *testing.T) {
			// A ServerHello without renegotiation_info is accepted
			// whatever secure_renegotiate says: as in OTP, only a
			// renegotiation of such a connection is refused.
			port, out := startFakeServer(t, func(ch *wire.ClientHello) []byte {
				sh := acceptableServerHello(ch)
				sh.SecureRenegotiationValid = false
				return marshalAll(t, sh)
			})
			o := opts()
			o.SecureRenegotiate = Bool(secure)
			_, err := Connect("127.0.0.1", port, o, 10*time.Second)
			if !errors.Is(err, ErrClosed) {
				t.Fatalf("Connect: %v; want ErrClosed", err)
			}
			<-out
		})
	}
}

func TestClientRefusesGroupNotOffered(t *testing.T) {
	p := testpeers.NewPKI(t)
	certDER, key := p.Cert("ecdsa")
	ecKey := key.(*ecdsa.PrivateKey)
	opts := &Options{
		Verify:  VerifyNone,
		Eccs:    []string{"secp256r1"},
		Ciphers: []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
	}

	// flight answers with ServerHello, Certificate, a ServerKeyExchange
	// over group with public point pub, and ServerHelloDone. With sign
	// set the signature is real, otherwise garbage.
	flight := func(group uint16, pub []byte, sign bool) func(ch *wire.ClientHello) []byte {
		return func(ch *wire.ClientHello) []byte {
			if !containsID(ch.SupportedGroups, wire.GroupSecp256r1) || containsID(ch.SupportedGroups, wire.GroupX25519) {
				panic("client offered other groups than secp256r1")
			}
			sh := acceptableServerHello(ch)
			sh.CipherSuite = 0xc02b
			params := append([]byte{wire.CurveTypeNamed, byte(group >> 8), byte(group), byte(len(pub))}, pub...)
			sig := bytes.Repeat([]byte{0x30}, 70)
			if sign {
				signed := append(append(append([]byte(nil), ch.Random...), sh.Random...), params...)
				h := sha256.Sum256(signed)
				var err error
				if sig, err = ecdsa.SignASN1(rand.Reader, ecKey, h[:]); err != nil {
					panic(err)
				}
			}
			body := append(params, byte(wire.SigECDSAP256SHA256>>8), byte(wire.SigECDSAP256SHA256&0xff), byte(len(sig)>>8), byte(len(sig)))
			body = append(body, sig...)
			return marshalAll(t, sh,
				&wire.Certificate{Entries: []wire.CertificateEntry{{Data: certDER}}},
				&wire.ServerKeyExchange{Key: body},
				&wire.ServerHelloDone{})
		}
	}
	x25519Key, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256Key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("x25519_garbage_signature", func(t *testing.T) {
		// The group is checked before the signature: illegal_parameter,
		// not decrypt_error.
		runRefusal(t, opts, "illegal_parameter", flight(wire.GroupX25519, bytes.Repeat([]byte{9}, 32), false))
	})
	t.Run("x25519_valid_signature", func(t *testing.T) {
		// A correctly signed choice of a group we did not offer is
		// still refused.
		runRefusal(t, opts, "illegal_parameter", flight(wire.GroupX25519, x25519Key.PublicKey().Bytes(), true))
	})
	t.Run("secp384r1_not_offered", func(t *testing.T) {
		runRefusal(t, opts, "illegal_parameter", flight(wire.GroupSecp384r1, p256Key.PublicKey().Bytes(), true))
	})
	t.Run("control_secp256r1_garbage_signature", func(t *testing.T) {
		// The offered group with a bad signature fails on the
		// signature (RFC 5246, 7.2.2: decrypt_error): so the refusals
		// above are the group check's.
		runRefusal(t, opts, "decrypt_error", flight(wire.GroupSecp256r1, p256Key.PublicKey().Bytes(), false))
	})
	t.Run("control_secp256r1_valid_signature", func(t *testing.T) {
		// Properly signed: the client goes on to its ClientKeyExchange
		// (a handshake record follows its ClientHello).
		port, out := startFakeServer(t, flight(wire.GroupSecp256r1, p256Key.PublicKey().Bytes(), true))
		_, err := Connect("127.0.0.1", port, opts, 10*time.Second)
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Connect: %v; want ErrClosed after its flight", err)
		}
		res := <-out
		if res.err != nil {
			t.Fatalf("fake server: %v", res.err)
		}
		if len(res.reply) < 6 || res.reply[0] != wire.TypeHandshake || res.reply[5] != wire.TypeClientKeyExchange {
			t.Fatalf("client answered %x; want a ClientKeyExchange", res.reply[:min(len(res.reply), 16)])
		}
	})
}
