package ssl

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"

	"golang.org/x/crypto/cryptobyte"
)

// TLS 1.3 bad input: what a broken or hostile peer sends a gossl TLS 1.3
// server, before, during and after the handshake. Each case checks the
// alert the server reports (the error of its Handshake, or of its Recv
// after the handshake), what can be seen of it on the wire, that the
// connection is closed and that nothing hangs; the listeners then still
// serve a normal client.
//
// Alerts sent before the server has its handshake keys are plaintext and
// are checked byte for byte. Later ones are encrypted: the raw client
// checks that the connection ends with one protected record of an
// alert's size, and a gossl client decrypts them and reports the alert
// it received.

// tls13Hello is a raw TLS 1.3 client's ClientHello, with its own x25519
// and P-256 keys so that the server can complete its side of the key
// exchange.
type tls13Hello struct {
	x25519, p256 *ecdh.PrivateKey
	sessionID    []byte
}

func newTLS13Hello(t *testing.T) *tls13Hello {
	t.Helper()
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &tls13Hello{x25519: x, p256: p, sessionID: bytes.Repeat([]byte{0x1d}, 32)}
}

func (h *tls13Hello) share(group uint16) wire.KeyShare {
	if group == wire.GroupSecp256r1 {
		return wire.KeyShare{Group: group, Data: h.p256.PublicKey().Bytes()}
	}
	return wire.KeyShare{Group: wire.GroupX25519, Data: h.x25519.PublicKey().Bytes()}
}

// marshal returns a TLS 1.3 ClientHello a default gossl server accepts
// (x25519 with its key share, a non-empty session ID for middlebox
// compatibility); mod changes it first.
func (h *tls13Hello) marshal(t *testing.T, mod func(*wire.ClientHello)) []byte {
	t.Helper()
	ch := &wire.ClientHello{
		Version:             wire.VersionTLS12,
		Random:              testRandom,
		SessionID:           h.sessionID,
		CipherSuites:        []uint16{0x1301, 0x1302, 0x1303},
		CompressionMethods:  []uint8{0},
		SupportedVersions:   []uint16{wire.VersionTLS13},
		SupportedGroups:     []uint16{wire.GroupX25519, wire.GroupSecp256r1},
		KeyShares:           []wire.KeyShare{h.share(wire.GroupX25519)},
		KeySharesPresent:    true,
		SignatureAlgorithms: []uint16{wire.SigECDSAP256SHA256, wire.SigRSAPSSRSAESHA256, wire.SigEd25519},
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

// appendRawExtension appends ext (type, length and body) to the
// extensions block of a marshalled ClientHello that has one, fixing the
// lengths: what Marshal will not write, such as a second extension of a
// type already there.
func appendRawExtension(t *testing.T, msg, ext []byte) []byte {
	t.Helper()
	u16 := func(b []byte, i int) int { return int(b[i])<<8 | int(b[i+1]) }
	off := 4 + 2 + 32        // header, legacy_version, random
	off += 1 + int(msg[off]) // session_id
	off += 2 + u16(msg, off) // cipher_suites
	off += 1 + int(msg[off]) // compression_methods
	if off+2 > len(msg) {
		t.Fatal("ClientHello has no extensions block")
	}
	out := append(bytes.Clone(msg), ext...)
	extLen := u16(out, off) + len(ext)
	out[off], out[off+1] = byte(extLen>>8), byte(extLen)
	bodyLen := len(out) - 4
	out[1], out[2], out[3] = byte(bodyLen>>16), byte(bodyLen>>8), byte(bodyLen)
	return out
}

// rawPSKExtension is a pre_shared_key extension (RFC 8446, 4.2.11) with
// ids identities and binders binders of binderLen bytes, made by hand:
// Marshal will not write identities and binders that differ in number.
func rawPSKExtension(ids, binders, binderLen int) []byte {
	var b cryptobyte.Builder
	b.AddUint16(wire.ExtPreSharedKey)
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for i := 0; i < ids; i++ {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte("ticket")) })
				b.AddUint32(0)
			}
		})
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
			for i := 0; i < binders; i++ {
				b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(make([]byte, binderLen)) })
			}
		})
	})
	return b.BytesOrPanic()
}

// rawRecord is one record as it crossed the wire.
type rawRecord struct {
	typ     uint8
	version uint16
	payload []byte
}

// splitRecords cuts a byte stream into records; a cut-off record at the
// end is an error.
func splitRecords(b []byte) ([]rawRecord, error) {
	var recs []rawRecord
	for len(b) > 0 {
		if len(b) < 5 {
			return recs, fmt.Errorf("%d bytes of a record header at the end", len(b))
		}
		n := int(b[3])<<8 | int(b[4])
		if len(b) < 5+n {
			return recs, fmt.Errorf("record of %d bytes cut off after %d", n, len(b)-5)
		}
		recs = append(recs, rawRecord{typ: b[0], version: uint16(b[1])<<8 | uint16(b[2]), payload: b[5 : 5+n]})
		b = b[5+n:]
	}
	return recs, nil
}

// protectedAlertLen is the length of a TLS 1.3 record holding an alert
// under an AEAD with a 16-byte tag and no padding: two bytes of alert,
// the inner content type, the tag.
const protectedAlertLen = 2 + 1 + 16

// wantServerFlightThenProtectedAlert checks a reply that starts with a
// TLS 1.3 ServerHello and ends with one protected record of an alert's
// size: the server's flight, then its alert under the handshake keys.
func wantServerFlightThenProtectedAlert(t *testing.T, reply []byte) {
	t.Helper()
	recs, err := splitRecords(reply)
	if err != nil {
		t.Fatalf("reply %x: %v", reply, err)
	}
	if len(recs) < 3 || recs[0].typ != wire.TypeHandshake || recs[0].payload[0] != wire.TypeServerHello {
		t.Fatalf("reply has %d records, first %+v; want ServerHello, ..., alert", len(recs), recs[0])
	}
	var sh wire.ServerHello
	if !sh.Unmarshal(recs[0].payload) || sh.SupportedVersion != wire.VersionTLS13 {
		t.Fatalf("first record is not a TLS 1.3 ServerHello: %x", recs[0].payload)
	}
	last := recs[len(recs)-1]
	if last.typ != wire.TypeApplicationData || last.version != wire.VersionTLS12 || len(last.payload) != protectedAlertLen {
		t.Fatalf("last record: type %d version %#04x, %d bytes; want a protected alert (23, 0x0303, %d bytes)",
			last.typ, last.version, len(last.payload), protectedAlertLen)
	}
}

// wantPlainAlertAfter checks a reply of some records and then one
// plaintext fatal alert desc.
func wantPlainAlertAfter(t *testing.T, reply []byte, desc string) []rawRecord {
	t.Helper()
	recs, err := splitRecords(reply)
	if err != nil || len(recs) == 0 {
		t.Fatalf("reply %x: %v", reply, err)
	}
	last := recs[len(recs)-1]
	want := []byte{2, NewAlert(desc).Code}
	if last.typ != wire.TypeAlert || !bytes.Equal(last.payload, want) {
		t.Fatalf("last record: type %d payload %x; want the plaintext fatal alert %s (%x)", last.typ, last.payload, desc, want)
	}
	return recs[:len(recs)-1]
}

func TestBadInputServerTLS13(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startHandshakeServer(t, serverOpts(p, "ecdsa")) // TLS 1.3 and 1.2 (the default)
	hs := func(msg []byte) []byte { return tlsRecord(wire.TypeHandshake, wire.VersionTLS10, msg) }
	h := newTLS13Hello(t)

	// Alerts before the server has sent anything: plaintext, and the
	// whole reply.
	plain := []struct {
		name string
		data []byte
		desc string
	}{
		{
			// RFC 8446, 4.2: "There MUST NOT be more than one extension
			// of the same type in a given extension block." No alert is
			// named; the hello cannot be decoded into one value per
			// extension, so it is refused as it is parsed: decode_error,
			// as Go's crypto/tls does.
			name: "duplicate_extension",
			data: hs(appendRawExtension(t, h.marshal(t, nil),
				[]byte{0, byte(wire.ExtSupportedGroups), 0, 4, 0, 2, 0, byte(wire.GroupX25519)})),
			desc: "decode_error",
		},
		{
			// RFC 8446, 4.2.8: "Clients MUST NOT offer any KeyShareEntry
			// values for groups not listed in the client's
			// "supported_groups" extension" and servers MAY check it,
			// with illegal_parameter.
			name: "key_share_for_group_not_offered",
			data: hs(h.marshal(t, func(ch *wire.ClientHello) {
				ch.SupportedGroups = []uint16{wire.GroupX25519}
				ch.KeyShares = []wire.KeyShare{h.share(wire.GroupX25519), h.share(wire.GroupSecp256r1)}
			})),
			desc: "illegal_parameter",
		},
		{
			// The same group twice in key_share (RFC 8446, 4.2.8).
			name: "key_share_twice",
			data: hs(h.marshal(t, func(ch *wire.ClientHello) {
				ch.KeyShares = []wire.KeyShare{h.share(wire.GroupX25519), h.share(wire.GroupX25519)}
			})),
			desc: "illegal_parameter",
		},
		{
			// RFC 8446, 9.2: a ClientHello with key_share must have
			// supported_groups and vice versa; missing_extension.
			name: "key_share_without_supported_groups",
			data: hs(h.marshal(t, func(ch *wire.ClientHello) { ch.SupportedGroups = nil })),
			desc: "missing_extension",
		},
		{
			name: "supported_groups_without_key_share",
			data: hs(h.marshal(t, func(ch *wire.ClientHello) { ch.KeyShares, ch.KeySharesPresent = nil, false })),
			desc: "missing_extension",
		},
		{
			// RFC 8446, 9.2: certificate authentication needs
			// signature_algorithms; missing_extension.
			name: "no_signature_algorithms",
			data: hs(h.marshal(t, func(ch *wire.ClientHello) { ch.SignatureAlgorithms = nil })),
			desc: "missing_extension",
		},
		{
			// RFC 8446, 4.1.2: legacy_compression_methods of a TLS 1.3
			// ClientHello is exactly {0}; "any other value" is
			// illegal_parameter.
			name: "compression_methods_0_1",
			data: hs(h.marshal(t, func(ch *wire.ClientHello) { ch.CompressionMethods = []uint8{0, 1} })),
			desc: "illegal_parameter",
		},
		{
			// RFC 8446, 4.2.11: "Servers MUST check that it is the last
			// extension and otherwise fail the handshake with an
			// "illegal_parameter" alert."
			name: "pre_shared_key_not_last",
			data: hs(appendRawExtension(t, appendRawExtension(t, h.marshal(t, nil), rawPSKExtension(1, 1, 32)),
				[]byte{0x77, 0x77, 0, 0})),
			desc: "illegal_parameter",
		},
		{
			// One binder per identity (RFC 8446, 4.2.11): two fields
			// inconsistent with each other, in a hello that decodes.
			name: "pre_shared_key_extra_binder",
			data: hs(appendRawExtension(t, h.marshal(t, nil), rawPSKExtension(1, 2, 32))),
			desc: "illegal_parameter",
		},
		{
			name: "pre_shared_key_identity_without_binder",
			data: hs(appendRawExtension(t, h.marshal(t, nil), rawPSKExtension(2, 1, 32))),
			desc: "illegal_parameter",
		},
		{
			// A binder shorter than 32 bytes does not decode.
			name: "pre_shared_key_short_binder",
			data: hs(appendRawExtension(t, h.marshal(t, nil), rawPSKExtension(1, 1, 31))),
			desc: "decode_error",
		},
		{
			// RFC 8446, 5.1: plaintext records are at most 2^14 bytes,
			// in TLS 1.3 as before.
			name: "oversized_plaintext_record",
			data: recordHeader(wire.TypeHandshake, wire.VersionTLS10, wire.MaxPlaintext+1),
			desc: "record_overflow",
		},
	}
	for _, c := range plain {
		t.Run(c.name, func(t *testing.T) {
			reply, local := sendRaw(t, srv.port, c.data, false)
			wantAlertReply(t, reply, NewAlert(c.desc).Code)
			r := srv.result(t, local)
			wantSentAlert(t, r.err, c.desc)
			t.Logf("-> %s", FormatError(r.err))
		})
	}

	// HelloRetryRequest: a hello with an empty key_share and secp256r1
	// first makes the server ask for a secp256r1 share.
	hrrHello := func(share ...wire.KeyShare) []byte {
		return hs(h.marshal(t, func(ch *wire.ClientHello) {
			ch.SupportedGroups = []uint16{wire.GroupSecp256r1, wire.GroupX25519}
			ch.KeyShares = share
		}))
	}
	checkHRR := func(t *testing.T, recs []rawRecord) {
		t.Helper()
		var sh wire.ServerHello
		if len(recs) < 2 || recs[0].typ != wire.TypeHandshake || !sh.Unmarshal(recs[0].payload) ||
			!bytes.Equal(sh.Random, wire.HelloRetryRequestRandom[:]) {
			t.Fatalf("server did not answer with a HelloRetryRequest: %+v", recs)
		}
		if sh.SelectedGroup != wire.GroupSecp256r1 {
			t.Fatalf("HelloRetryRequest asks for group %#04x; want secp256r1", sh.SelectedGroup)
		}
		// Middlebox compatibility: the client sent a session ID, so a
		// change_cipher_spec follows the HelloRetryRequest.
		if recs[1].typ != wire.TypeChangeCipherSpec || !bytes.Equal(recs[1].payload, []byte{1}) {
			t.Fatalf("second record %+v; want change_cipher_spec", recs[1])
		}
	}
	t.Run("second_hello_changes_key_share_group", func(t *testing.T) {
		// RFC 8446, 4.1.2: the second ClientHello replaces key_share
		// with one share for the group the HelloRetryRequest selected;
		// another group is illegal_parameter (4.2.8).
		data := append(hrrHello(), hrrHello(h.share(wire.GroupX25519))...)
		reply, local := sendRaw(t, srv.port, data, false)
		checkHRR(t, wantPlainAlertAfter(t, reply, "illegal_parameter"))
		wantSentAlert(t, srv.result(t, local).err, "illegal_parameter")
	})
	t.Run("control_second_hello_with_selected_group", func(t *testing.T) {
		data := append(hrrHello(), hrrHello(h.share(wire.GroupSecp256r1))...)
		reply, local := sendRaw(t, srv.port, data, true)
		recs, err := splitRecords(reply)
		if err != nil {
			t.Fatal(err)
		}
		checkHRR(t, recs)
		var sh wire.ServerHello
		if len(recs) < 3 || !sh.Unmarshal(recs[2].payload) || sh.KeyShare.Group != wire.GroupSecp256r1 {
			t.Fatalf("after the second hello: %+v; want a ServerHello with a secp256r1 share", recs[2:])
		}
		if r := srv.result(t, local); !errors.Is(r.err, ErrClosed) {
			t.Fatalf("server error %v; want ErrClosed (the client half-closed)", r.err)
		}
	})

	// Once the server has installed the client's handshake keys (right
	// after its flight), only protected records, and the compatibility
	// change_cipher_spec, may come; its alerts are protected too.
	keyed := []struct {
		name   string
		record []byte
		desc   string
	}{
		{
			// RFC 8446, 5: an unprotected record other than
			// change_cipher_spec after the keys: unexpected_message.
			// (Except an alert, until a protected record has come:
			// TestTLS13PlaintextAlertAfterServerFlight.)
			name:   "plaintext_handshake",
			record: tlsRecord(wire.TypeHandshake, wire.VersionTLS12, append([]byte{wire.TypeFinished, 0, 0, 32}, make([]byte, 32)...)),
			desc:   "unexpected_message",
		},
		{
			// An application_data record is what a protected record
			// looks like: an unprotected one fails to decrypt, which
			// RFC 8446, 5.2 answers with bad_record_mac.
			name:   "plaintext_application_data",
			record: tlsRecord(wire.TypeApplicationData, wire.VersionTLS12, []byte("GET / HTTP/1.1\r\n\r\n")),
			desc:   "bad_record_mac",
		},
		{
			// RFC 8446, 5.2: a protected record longer than 2^14+256
			// is record_overflow, refused on its header.
			name:   "record_over_2^14+256",
			record: recordHeader(wire.TypeApplicationData, wire.VersionTLS12, 1<<14+256+1),
			desc:   "record_overflow",
		},
		{
			// Control of the limit: 2^14+256 is allowed, and these
			// bytes then fail to decrypt.
			name:   "record_of_2^14+256",
			record: tlsRecord(wire.TypeApplicationData, wire.VersionTLS12, make([]byte, 1<<14+256)),
			desc:   "bad_record_mac",
		},
		{
			// A change_cipher_spec other than the single byte 1.
			name:   "change_cipher_spec_of_two_bytes",
			record: tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, []byte{1, 1}),
			desc:   "unexpected_message",
		},
	}
	for _, c := range keyed {
		t.Run("after_server_flight_"+c.name, func(t *testing.T) {
			data := hs(h.marshal(t, nil))
			// The compatibility change_cipher_spec is let through.
			data = append(data, tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, []byte{1})...)
			data = append(data, c.record...)
			reply, local := sendRaw(t, srv.port, data, false)
			wantServerFlightThenProtectedAlert(t, reply)
			r := srv.result(t, local)
			wantSentAlert(t, r.err, c.desc)
			t.Logf("-> %s", FormatError(r.err))
		})
	}

	// The listener kept serving: a TLS 1.3 client still connects.
	s, err := Connect("127.0.0.1", srv.port, clientOpts(p), 10*time.Second)
	if err != nil {
		t.Fatalf("normal client after bad input: %v", err)
	}
	defer s.Close()
	if v := infoString(t, s, "protocol"); v != "tlsv1.3" {
		t.Fatalf("protocol %s after bad input; want tlsv1.3", v)
	}
	msg := []byte("still serving TLS 1.3")
	if err := s.Send(msg); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Recv(len(msg), 5*time.Second); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo after bad input: %q, %v", got, err)
	}
}

// connServer is a gossl echo server that records how each connection
// ended, after the handshake too.
type connServer struct {
	ls   *ListenSocket
	port int
	wg   sync.WaitGroup

	mu      sync.Mutex
	results map[string]error
	arrived chan struct{}
}

func startConnServer(t *testing.T, opts *Options) *connServer {
	t.Helper()
	ls, err := Listen(0, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := &connServer{ls: ls, port: ls.Port(), results: map[string]error{}, arrived: make(chan struct{}, 1)}
	srv.wg.Add(1)
	go func() {
		defer srv.wg.Done()
		for {
			s, err := ls.TransportAccept(0)
			if err != nil {
				return
			}
			srv.wg.Add(1)
			go func() {
				defer srv.wg.Done()
				defer s.Close()
				remote := s.RemoteAddr().String()
				err := s.Handshake(badInputHandshakeTimeout)
				for err == nil {
					var b []byte
					if b, err = s.Recv(0, 10*time.Second); err == nil {
						err = s.Send(b)
					}
				}
				srv.mu.Lock()
				srv.results[remote] = err
				srv.mu.Unlock()
				select {
				case srv.arrived <- struct{}{}:
				default:
				}
			}()
		}
	}()
	t.Cleanup(func() {
		ls.Close()
		done := make(chan struct{})
		go func() { srv.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Error("connection goroutines did not finish")
		}
	})
	return srv
}

// result waits for how the connection from local ended.
func (srv *connServer) result(t *testing.T, local string) error {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		srv.mu.Lock()
		err, ok := srv.results[local]
		srv.mu.Unlock()
		if ok {
			return err
		}
		select {
		case <-srv.arrived:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("the server did not end the connection from %s: it hangs", local)
		}
	}
}

// wantReceivedAlert checks that err is the fatal alert desc from the peer.
func wantReceivedAlert(t *testing.T, err error, desc string) {
	t.Helper()
	var a *Alert
	if !errors.As(err, &a) || !a.Received || a.Description != desc || a.Level != "fatal" {
		t.Fatalf("client got %v; want the server's fatal %s", err, desc)
	}
}

func TestBadInputAfterHandshakeTLS13(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startConnServer(t, serverOpts(p, "ecdsa"))
	connect := func(t *testing.T) *Socket {
		t.Helper()
		co := clientOpts(p)
		co.LogAlert = Bool(false)
		s, err := Connect("127.0.0.1", srv.port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if v := infoString(t, s, "protocol"); v != "tlsv1.3" {
			t.Fatalf("protocol %s; want tlsv1.3", v)
		}
		return s
	}
	echo := func(t *testing.T, s *Socket, msg string) {
		t.Helper()
		if err := s.Send([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Recv(len(msg), 5*time.Second); err != nil || string(got) != msg {
			t.Fatalf("echo: %q, %v", got, err)
		}
	}

	t.Run("key_updates_then_data", func(t *testing.T) {
		// Control: key updates with data between them, and a burst of
		// fewer than the bound, are fine.
		s := connect(t)
		for i := 0; i < 5; i++ {
			if err := s.UpdateKeys(i%2 == 0); err != nil {
				t.Fatal(err)
			}
			echo(t, s, fmt.Sprintf("after key update %d", i))
		}
		for i := 0; i < maxKeyUpdates; i++ {
			if err := s.UpdateKeys(false); err != nil {
				t.Fatal(err)
			}
		}
		echo(t, s, "after a burst of key updates")
	})

	t.Run("key_update_flood", func(t *testing.T) {
		// KeyUpdates without application data in a row are bounded
		// (maxKeyUpdates): a peer sending KeyUpdate after KeyUpdate
		// cannot keep the server busy; it ends the connection with
		// unexpected_message.
		s := connect(t)
		sent := 0
		for ; sent < 4*maxIdleRecords; sent++ {
			if err := s.updateWriteKeys(false); err != nil {
				break // the server has closed
			}
		}
		if sent <= maxKeyUpdates {
			t.Fatalf("only %d KeyUpdates could be sent", sent)
		}
		err := srv.result(t, s.LocalAddr().String())
		a := wantSentAlert(t, err, "unexpected_message")
		if !strings.Contains(a.Reason, "too many KeyUpdates") {
			t.Errorf("reason %q", a.Reason)
		}
		_, cerr := s.Recv(0, 5*time.Second)
		wantReceivedAlert(t, cerr, "unexpected_message")
	})

	t.Run("key_update_requested_flood", func(t *testing.T) {
		// update_requested makes the server answer each one with its
		// own KeyUpdate; the bound holds all the same.
		s := connect(t)
		for i := 0; i < 4*maxIdleRecords; i++ {
			if s.updateWriteKeys(true) != nil {
				break
			}
		}
		wantSentAlert(t, srv.result(t, s.LocalAddr().String()), "unexpected_message")
		// The client reads the server's answers, and its
		// NewSessionTickets, records without data too: they trip the
		// client's own bound before the server's alert is read, so the
		// client ends with its own unexpected_message or the server's.
		_, cerr := s.Recv(0, 5*time.Second)
		var a *Alert
		if !errors.As(cerr, &a) || a.Description != "unexpected_message" {
			t.Fatalf("client got %v; want unexpected_message", cerr)
		}
	})

	// Raw records written under the client's record layer, after the
	// handshake.
	raw := []struct {
		name   string
		record []byte
		desc   string
	}{
		{
			// RFC 8446, 5: change_cipher_spec is only let through
			// during the handshake; afterwards it is unexpected.
			name:   "plaintext_change_cipher_spec",
			record: tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, []byte{1}),
			desc:   "unexpected_message",
		},
		{
			name:   "plaintext_alert",
			record: tlsRecord(wire.TypeAlert, wire.VersionTLS12, []byte{2, 40}),
			desc:   "unexpected_message",
		},
		{
			name:   "plaintext_handshake",
			record: tlsRecord(wire.TypeHandshake, wire.VersionTLS12, []byte{wire.TypeKeyUpdate, 0, 0, 1, 0}),
			desc:   "unexpected_message",
		},
		{
			name:   "record_over_2^14+256",
			record: recordHeader(wire.TypeApplicationData, wire.VersionTLS12, 1<<14+256+1),
			desc:   "record_overflow",
		},
		{
			// A record of a TLS 1.3 connection says 0x0303 (RFC 8446,
			// 5.2); gossl, like crypto/tls and OpenSSL, holds the peer
			// to it.
			name:   "record_version_0x0304",
			record: tlsRecord(wire.TypeApplicationData, wire.VersionTLS13, make([]byte, 32)),
			desc:   "protocol_version",
		},
	}
	for _, c := range raw {
		t.Run(c.name, func(t *testing.T) {
			s := connect(t)
			echo(t, s, "before")
			s.out.Lock()
			_, err := s.conn.Write(c.record)
			s.out.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			err = srv.result(t, s.LocalAddr().String())
			wantSentAlert(t, err, c.desc)
			_, cerr := s.Recv(0, 5*time.Second)
			wantReceivedAlert(t, cerr, c.desc)
			t.Logf("-> %s (%v)", FormatError(err), time.Since(start).Round(time.Millisecond))
		})
	}

	t.Run("closed_after_alert", func(t *testing.T) {
		// After its alert the server has closed the transport: the
		// client's next bytes meet a closed connection.
		s := connect(t)
		s.out.Lock()
		s.conn.Write(tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, []byte{1}))
		s.out.Unlock()
		wantSentAlert(t, srv.result(t, s.LocalAddr().String()), "unexpected_message")
		s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		rest, err := io.ReadAll(s.conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server did not close the connection (read %x)", rest)
		}
	})

	// The listener still serves.
	echo(t, connect(t), "still serving")
}
