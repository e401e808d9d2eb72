package ssl

import (
	"bytes"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// A peer that buffers handshake bytes past the end of its flight: data
// after its Finished in the same record, or the start of its next
// flight packed with the end of this one. Those bytes would be carried
// over a key change or into the next handshake (RFC 8446, 5.1: "Handshake
// messages MUST NOT span key changes"; RFC 5246, 7.4.9), so gossl refuses
// them with unexpected_message in both roles. BoringSSL's
// TrailingDataWithFinished-*, PartialClientKeyExchangeWithClientHello,
// PartialNewSessionTicketWithServerHelloDone,
// PartialSecondClientHelloAfterFirst and
// PartialServerHelloWithHelloRetryRequest.

// runMachinePeer drives one of gossl's own handshake machines over conn
// with no Socket: each handshake message goes as one record, as
// Socket.apply writes it, after mangle, which may add bytes to it. It
// returns when the machine is done (the error then is nil) or the
// connection fails, with the alert the other side sent if any.
func runMachinePeer(conn net.Conn, m handshake.Machine, mangle func(msg []byte) []byte) error {
	rd, wr := record.NewReader(conn), record.NewWriter(conn)
	wr.SetVersion(wire.VersionTLS10)
	do := func(acts []handshake.Action, err error) error {
		if err != nil {
			return err
		}
		for _, a := range acts {
			switch a.Kind {
			case handshake.SendMessage:
				if err := wr.WriteRecord(wire.TypeHandshake, mangle(a.Data)); err != nil {
					return err
				}
			case handshake.SendChangeCipherSpec:
				if err := wr.WriteRecord(wire.TypeChangeCipherSpec, []byte{1}); err != nil {
					return err
				}
			case handshake.SetWriteKeys, handshake.SetReadKeys:
				if err := installKeys(rd, wr, a); err != nil {
					return err
				}
			case handshake.SetVersion:
				wr.SetVersion(a.Version)
				rd.SetVersion(a.Version)
			case handshake.Flush:
				if err := wr.Flush(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := do(m.Start()); err != nil {
		return err
	}
	var hb wire.HandshakeBuffer
	for !m.Done() {
		typ, data, err := rd.ReadRecord()
		if err != nil {
			return err
		}
		switch typ {
		case wire.TypeHandshake:
			hb.Write(data)
			for !m.Done() {
				msg, ok, err := hb.Next(0)
				if err != nil || !ok {
					break
				}
				if err := do(m.HandleMessage(msg)); err != nil {
					return err
				}
			}
		case wire.TypeChangeCipherSpec:
			if err := do(m.HandleChangeCipherSpec()); err != nil {
				return err
			}
		case wire.TypeAlert:
			return fmt.Errorf("alert %v", data)
		}
	}
	return wr.Flush()
}

// machineFor is the handshake machine gossl would run with opts in role
// r, resuming through sessions when that is not nil.
func machineFor(t *testing.T, opts *Options, r role, sessions *handshake.Sessions12) handshake.Machine {
	t.Helper()
	res, err := opts.compile(r, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if r == roleServer {
		sv := handshake.NewServer(res.hs)
		sv.Sessions = sessions
		return sv
	}
	c := handshake.NewClient(res.hs)
	c.Sessions = sessions
	return c
}

// clientSessions12 is a TLS 1.2 client session cache for machine peers.
func clientSessions12() *handshake.Sessions12 {
	return &handshake.Sessions12{Cache: session.NewClientSessions(8), CacheKey: "machine peer", Offer: true, Save: true, Tickets: true}
}

// carry is a mangle that adds extra to the record of the nth (from 0)
// message of type typ. With fromNext, extra is the start of the next
// message sent, which then goes without it: the bytes are carried from
// the next flight into this one, as BoringSSL's Partial* tests do, so
// that only a check at the end of the flight sees them (the message they
// start is whole when it is read). With dry, nothing changes and next
// tells whether the message after the target did begin with extra: a
// clean run checks that the case sets up what it says.
type carry struct {
	typ      uint8
	nth      int
	extra    []byte
	fromNext bool
	dry      bool

	seen, sent int     // messages of type typ; messages sent after the target
	next       bool    // the message after the target began with extra
	log        []uint8 // the types of the messages sent
}

func (c *carry) mangle(msg []byte) []byte {
	c.log = append(c.log, msg[0])
	if c.sent > 0 || c.seen > c.nth {
		c.sent++
		if c.sent == 1 && c.fromNext && bytes.HasPrefix(msg, c.extra) {
			c.next = true
			if !c.dry {
				return msg[len(c.extra):]
			}
		}
		return msg
	}
	if msg[0] == c.typ {
		c.seen++
		if c.seen-1 == c.nth && !c.dry {
			return append(bytes.Clone(msg), c.extra...)
		}
	}
	return msg
}

func versionOpts(o *Options, v Version) *Options {
	o.Versions = []Version{v}
	return o
}

// flightEndCase is a handshake whose peer adds bytes after a flight.
type flightEndCase struct {
	name           string
	server, client *Options
	resume         bool // a full handshake first, then the mangled resumption
	carry          carry
}

// flightEndCases are the cases against a gossl side in role r: data
// after the peer's Finished (TLS 1.0 to 1.2, full and resumed; TLS 1.3's
// Finished is followed by a key change, which checks it already), and
// the next flight's first byte packed with the end of the flight before.
func flightEndCases(p *testpeers.PKI, r role) []flightEndCase {
	var cases []flightEndCase
	for _, v := range []Version{TLSv1, TLSv1_1, TLSv1_2} {
		for _, resume := range []bool{false, true} {
			name := fmt.Sprintf("%s/finished", v)
			if resume {
				name += "-resumed"
			}
			cases = append(cases, flightEndCase{name: name, server: versionOpts(serverOpts(p, "ecdsa"), v),
				client: versionOpts(clientOpts(p), v), resume: resume,
				carry: carry{typ: wire.TypeFinished, extra: []byte{0}}})
		}
	}
	// A group the client sends no share for (it sends two): a
	// HelloRetryRequest. No middlebox compatibility mode: the
	// ChangeCipherSpec either side would send next to it would meet the
	// check of ChangeCipherSpec records instead (hslimits.go).
	hrrServer := serverOpts(p, "ecdsa")
	hrrServer.SupportedGroups = []string{"secp384r1"}
	hrrClient := clientOpts(p)
	hrrClient.SupportedGroups = []string{"x25519", "secp256r1", "secp384r1"}
	hrrClient.MiddleboxCompatMode = Bool(false)
	if r == roleServer {
		return append(cases,
			flightEndCase{name: "tlsv1.2/client_hello+partial_client_key_exchange",
				server: opts12(serverOpts(p, "ecdsa")), client: opts12(clientOpts(p)),
				carry: carry{typ: wire.TypeClientHello, extra: []byte{wire.TypeClientKeyExchange}, fromNext: true}},
			flightEndCase{name: "tlsv1.3/client_hello+partial_second_client_hello", server: hrrServer, client: hrrClient,
				carry: carry{typ: wire.TypeClientHello, extra: []byte{wire.TypeClientHello}, fromNext: true}})
	}
	return append(cases,
		flightEndCase{name: "tlsv1.2/server_hello_done+partial_new_session_ticket",
			server: opts12(serverOpts(p, "ecdsa")), client: opts12(clientOpts(p)),
			carry: carry{typ: wire.TypeServerHelloDone, extra: []byte{wire.TypeNewSessionTicket}, fromNext: true}},
		flightEndCase{name: "tlsv1.3/hello_retry_request+partial_server_hello", server: hrrServer, client: hrrClient,
			carry: carry{typ: wire.TypeServerHello, extra: []byte{wire.TypeServerHello}, fromNext: true}})
}

// prepare runs the clean handshake a case needs first, with run: the
// full handshake a resumption resumes, and the check that the message
// after the target does start with the bytes carried.
func (tc *flightEndCase) prepare(t *testing.T, run func(mangle func([]byte) []byte) error) {
	t.Helper()
	if !tc.resume && !tc.carry.fromNext {
		return
	}
	dry := tc.carry
	dry.dry = true
	if err := run(dry.mangle); err != nil {
		t.Fatalf("clean handshake: %v", err)
	}
	if tc.carry.fromNext && !dry.next {
		t.Fatalf("the peer's message after the target does not start with %x (%v): the case tests nothing", tc.carry.extra, dry.log)
	}
}

// checkResumed checks that a resumption case did resume: the peer sent
// no message of type full (which only a full handshake has).
func (tc *flightEndCase) checkResumed(t *testing.T, c *carry, full uint8) {
	t.Helper()
	if tc.resume && bytes.IndexByte(c.log, full) >= 0 {
		t.Fatalf("the peer sent %v: a full handshake, not a resumption", c.log)
	}
}

// TestServerRefusesDataAfterClientFlight: a gossl server facing a client
// whose flight ends with more handshake bytes in the same record.
func TestServerRefusesDataAfterClientFlight(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range flightEndCases(p, roleServer) {
		t.Run(tc.name, func(t *testing.T) {
			tc.server.LogAlert = Bool(false)
			srv := startConnServer(t, tc.server)
			var sessions *handshake.Sessions12
			if tc.resume {
				sessions = clientSessions12()
			}
			dial := func(mangle func([]byte) []byte) (string, error) {
				conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", srv.port), 5*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(10 * time.Second))
				return conn.LocalAddr().String(), runMachinePeer(conn, machineFor(t, tc.client, roleClient, sessions), mangle)
			}
			tc.prepare(t, func(mangle func([]byte) []byte) error { _, err := dial(mangle); return err })
			c := tc.carry
			local, _ := dial(c.mangle)
			wantSentAlert(t, srv.result(t, local), "unexpected_message")
			tc.checkResumed(t, &c, wire.TypeClientKeyExchange)
		})
	}
}

// TestClientRefusesDataAfterServerFlight: a gossl client facing a
// server whose flight ends with more handshake bytes in the same record.
func TestClientRefusesDataAfterServerFlight(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, tc := range flightEndCases(p, roleClient) {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			port := ln.Addr().(*net.TCPAddr).Port
			forgetClientSessions(port)
			defer forgetClientSessions(port)
			res, err := tc.server.compile(roleServer, "")
			if err != nil {
				t.Fatal(err)
			}
			serve := func(mangle func([]byte) []byte) <-chan error {
				done := make(chan error, 1)
				go func() {
					conn, err := ln.Accept()
					if err != nil {
						done <- err
						return
					}
					defer conn.Close()
					conn.SetDeadline(time.Now().Add(10 * time.Second))
					sv := handshake.NewServer(res.hs)
					sv.Sessions = res.sessions
					done <- runMachinePeer(conn, sv, mangle)
				}()
				return done
			}
			tc.client.LogAlert = Bool(false)
			tc.prepare(t, func(mangle func([]byte) []byte) error {
				done := serve(mangle)
				s, err := Connect("127.0.0.1", port, tc.client, 10*time.Second)
				if err != nil {
					return err
				}
				s.Close()
				return <-done
			})
			if !tc.resume {
				// The client asks for a ticket (the server's
				// NewSessionTicket is one case's next message) but
				// does not resume.
				forgetClientSessions(port)
			}
			c := tc.carry
			done := serve(c.mangle)
			s, err := Connect("127.0.0.1", port, tc.client, 10*time.Second)
			if err == nil {
				s.Close()
				t.Fatal("the client took the flight")
			}
			wantSentAlert(t, err, "unexpected_message")
			<-done
			tc.checkResumed(t, &c, wire.TypeCertificate)
		})
	}
}

// mangledMachine is a renegotiating machine whose messages go through
// mangle.
type mangledMachine struct {
	handshake.Machine
	mangle func([]byte) []byte
}

func (m mangledMachine) HandleMessage(msg []byte) ([]handshake.Action, error) {
	acts, err := m.Machine.HandleMessage(msg)
	for i, a := range acts {
		if a.Kind == handshake.SendMessage {
			acts[i].Data = m.mangle(a.Data)
		}
	}
	return acts, err
}

// TestRenegotiationRefusesDataAfterFinished: the end of a renegotiation
// is checked as the end of the first handshake is: a client's Finished
// with more handshake data in its record is unexpected_message.
func TestRenegotiationRefusesDataAfterFinished(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := opts12(serverOpts(p, "ecdsa"))
	so.LogAlert = Bool(false)
	cs := startConnServer(t, so)
	c := &carry{typ: wire.TypeFinished, extra: []byte{0}}
	s, _ := renegotiateWrapped(t, cs.port, opts12(clientOpts(p)), func(m handshake.Machine) handshake.Machine {
		return mangledMachine{m, c.mangle}
	})
	wantSentAlert(t, cs.result(t, s.LocalAddr().String()), "unexpected_message")
}
