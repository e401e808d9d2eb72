package ssl

import (
	"bytes"
	"context"
	"crypto"
	"encoding/hex"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// What hostile peers send around the record layer during a handshake and
// a renegotiation: malformed ChangeCipherSpec records, data where only a
// Finished may come, floods of records that move nothing forward, and
// records that no longer decrypt once the keys are known to work.

// wantReceivedAlertAs checks that err reports the peer's alert desc, at
// the level it came with.
func wantReceivedAlertAs(t *testing.T, err error, level, desc string) {
	t.Helper()
	var a *Alert
	if !errors.As(err, &a) || !a.Received || a.Description != desc || a.Level != level {
		t.Fatalf("error %v; want the peer's %s %s", err, level, desc)
	}
}

// TestMalformedChangeCipherSpec: a ChangeCipherSpec record that is not
// the single byte 1 is unexpected_message, as OpenSSL and BoringSSL
// answer it, in the handshake and in a TLS 1.2 renegotiation alike.
func TestMalformedChangeCipherSpec(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startHandshakeServer(t, serverOpts(p, "rsa"))
	for _, frag := range [][]byte{{1, 1}, {2}, {0}} {
		reply, local := sendRaw(t, srv.port, tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, frag), false)
		wantAlertReply(t, reply, NewAlert("unexpected_message").Code)
		wantSentAlert(t, srv.result(t, local).err, "unexpected_message")
	}
	// After the hello too, where a TLS 1.2 server expects one.
	data := tlsRecord(wire.TypeHandshake, wire.VersionTLS10, goodClientHello(t, nil))
	data = append(data, tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, []byte{1, 1})...)
	reply, local := sendRaw(t, srv.port, data, false)
	wantPlainAlertAfter(t, reply, "unexpected_message")
	wantSentAlert(t, srv.result(t, local).err, "unexpected_message")

	// Protected, after a TLS 1.2 handshake.
	cs := startConnServer(t, opts12(serverOpts(p, "ecdsa")))
	s, err := Connect("127.0.0.1", cs.port, opts12(clientOpts(p)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.out.Lock()
	s.wr.WriteRecord(wire.TypeChangeCipherSpec, []byte{1, 1})
	s.wr.Flush()
	s.out.Unlock()
	wantSentAlert(t, cs.result(t, s.LocalAddr().String()), "unexpected_message")
}

// dataAfterCCS is a renegotiating client machine that sends application
// data right after its ChangeCipherSpec, before its Finished.
type dataAfterCCS struct{ handshake.Machine }

func (m dataAfterCCS) HandleMessage(msg []byte) ([]handshake.Action, error) {
	acts, err := m.Machine.HandleMessage(msg)
	for i, a := range acts {
		if a.Kind == handshake.SetWriteKeys {
			out := append(acts[:i+1:i+1], handshake.Action{Kind: handshake.SendApplicationData, Data: []byte("between")})
			return append(out, acts[i+1:]...), err
		}
	}
	return acts, err
}

// TestRenegotiationDataBetweenCCSAndFinished: RFC 5246, 7.4.9: the
// Finished immediately follows the ChangeCipherSpec. A server that takes
// application data in between takes data under keys the Finished has not
// confirmed; it must refuse it with unexpected_message.
func TestRenegotiationDataBetweenCCSAndFinished(t *testing.T) {
	p := testpeers.NewPKI(t)
	cs := startConnServer(t, opts12(serverOpts(p, "ecdsa")))
	s, cerr := renegotiateWrapped(t, cs.port, opts12(clientOpts(p)), func(m handshake.Machine) handshake.Machine { return dataAfterCCS{m} })
	wantSentAlert(t, cs.result(t, s.LocalAddr().String()), "unexpected_message")
	wantReceivedAlert(t, cerr, "unexpected_message")
}

// renegotiateWrapped connects a client with co to port and
// renegotiates as startReneg does, with the client machine wrapped by
// wrap. It returns the client socket (closed when the test ends) and
// how the renegotiation ended.
func renegotiateWrapped(t *testing.T, port int, co *Options, wrap func(handshake.Machine) handshake.Machine) (*Socket, error) {
	t.Helper()
	co.LogAlert = Bool(false)
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c := handshake.NewClient(s.renegConfig())
	c.Reneg = s.renegInfo()
	r := s.reneg
	done := make(chan struct{})
	r.mu.Lock()
	r.machine, r.stateName, r.done = wrap(c), c.State, done
	r.mu.Unlock()
	acts, err := c.Start()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.applyReneg(acts); err != nil {
		t.Fatal(err)
	}
	return s, s.awaitReneg(done)
}

// corruptAfterRead is a client transport that flips a byte of the last
// record of its first write after it has read something: the last
// record of the client's second flight.
type corruptAfterRead struct {
	net.Conn
	mu      sync.Mutex
	read    bool
	done    bool
	records int // records in that write
}

func (c *corruptAfterRead) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	c.read = c.read || n > 0
	c.mu.Unlock()
	return n, err
}

func (c *corruptAfterRead) Write(b []byte) (int, error) {
	c.mu.Lock()
	if c.read && !c.done {
		c.done = true
		recs, err := splitRecords(b)
		if err == nil && len(recs) > 0 {
			c.records = len(recs)
			b = bytes.Clone(b)
			b[len(b)-1] ^= 0x80 // in the last record's tag
		}
	}
	c.mu.Unlock()
	return c.Conn.Write(b)
}

// TestTLS13BadRecordAfterDecrypt: while a TLS 1.3 server skips a
// client's refused 0-RTT data (records it cannot decrypt), a record
// under the handshake keys that opens ends the skipping: a record that
// then fails to open, here the second half of the client's Finished with
// a flipped bit, is bad_record_mac at once, not more 0-RTT data to skip
// while the handshake waits for its timeout.
func TestTLS13BadRecordAfterDecrypt(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.AcceptEarlyData = true
	var skew time.Duration
	var mu sync.Mutex
	so.Time = func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(skew) }
	srv := startHandshakeServer(t, so)
	forgetClientSessions(srv.port)
	co := clientOpts(p)
	co.EarlyData = []byte("GET /0rtt")
	co.LogAlert = Bool(false)
	// A first connection for a ticket that allows 0-RTT.
	echoOnce(t, srv.port, co)
	// The server's clock a minute on: the ticket age no longer matches,
	// 0-RTT is refused (RFC 8446, 8.3) and its records skipped.
	mu.Lock()
	skew = time.Minute
	mu.Unlock()

	raw, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.port)), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn := &corruptAfterRead{Conn: raw}
	res, err := co.compile(roleClient, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	res.setTicketCacheKey(net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.port)))
	cs := newSocket(conn, roleClient, co, res)
	cs.ownRes = true
	// Records of 16 bytes at most: the Finished (36 bytes) takes three.
	cs.wr.SetMaxFragment(16)
	start := time.Now()
	// The client is done once its Finished is out: the server's alert
	// comes to its first read.
	if err := cs.runHandshake(context.Background(), time.Now().Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	r := srv.result(t, raw.LocalAddr().String())
	if conn.records < 2 {
		t.Fatalf("the client's second flight had %d records; want the Finished split", conn.records)
	}
	wantSentAlert(t, r.err, "bad_record_mac")
	if d := r.at.Sub(start); d >= badInputHandshakeTimeout {
		t.Fatalf("the server took %v (its handshake timeout is %v)", d, badInputHandshakeTimeout)
	}
	_, rerr := cs.Recv(0, 5*time.Second)
	wantReceivedAlert(t, rerr, "bad_record_mac")
}

// TestTLS13PlaintextAlertAfterServerFlight: a client that cannot use the
// ServerHello has no handshake keys and sends its alert in plaintext
// while the server already expects protected records. The server takes
// it for what it is: the client's reason, reported as received, and no
// alert of its own.
func TestTLS13PlaintextAlertAfterServerFlight(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startHandshakeServer(t, serverOpts(p, "ecdsa"))
	h := newTLS13Hello(t)
	for _, c := range []struct {
		name  string
		alert []byte
		level string
		desc  string
	}{
		{"fatal", []byte{2, 47}, "fatal", "illegal_parameter"},
		// RFC 8446, 6: a warning other than close_notify and
		// user_canceled is an error all the same.
		{"warning", []byte{1, 40}, "warning", "handshake_failure"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := tlsRecord(wire.TypeHandshake, wire.VersionTLS10, h.marshal(t, nil))
			data = append(data, tlsRecord(wire.TypeAlert, wire.VersionTLS12, c.alert)...)
			reply, local := sendRaw(t, srv.port, data, false)
			recs, err := splitRecords(reply)
			if err != nil || len(recs) == 0 || recs[0].typ != wire.TypeHandshake {
				t.Fatalf("reply %x: %v", reply, err)
			}
			if last := recs[len(recs)-1]; last.typ != wire.TypeApplicationData || len(last.payload) == protectedAlertLen {
				t.Fatalf("the server answered the client's alert with one of its own (%d bytes)", len(last.payload))
			}
			wantReceivedAlertAs(t, srv.result(t, local).err, c.level, c.desc)
		})
	}
}

// TestHandshakeRecordLimits: records and messages that take a handshake
// no further are bounded.
func TestHandshakeRecordLimits(t *testing.T) {
	p := testpeers.NewPKI(t)
	srv := startHandshakeServer(t, serverOpts(p, "ecdsa"))
	warning := tlsRecord(wire.TypeAlert, wire.VersionTLS10, []byte{1, 90}) // user_canceled
	hello12 := tlsRecord(wire.TypeHandshake, wire.VersionTLS10, goodClientHello(t, nil))

	t.Run("warning_alerts", func(t *testing.T) {
		// BoringSSL's bound: four warnings in a row, not five.
		reply, local := sendRaw(t, srv.port, bytes.Repeat(warning, maxWarningAlerts+1), false)
		wantAlertReply(t, reply, NewAlert("unexpected_message").Code)
		a := wantSentAlert(t, srv.result(t, local).err, "unexpected_message")
		if !strings.Contains(a.Reason, "warning") {
			t.Errorf("reason %q", a.Reason)
		}
	})
	t.Run("warning_alerts_control", func(t *testing.T) {
		reply, local := sendRaw(t, srv.port, append(bytes.Repeat(warning, maxWarningAlerts), hello12...), true)
		if len(reply) < 6 || reply[0] != wire.TypeHandshake || reply[5] != wire.TypeServerHello {
			t.Fatalf("reply %x; want a ServerHello", reply[:min(len(reply), 16)])
		}
		if r := srv.result(t, local); !errors.Is(r.err, ErrClosed) {
			t.Fatalf("server error %v; want ErrClosed", r.err)
		}
	})

	h := newTLS13Hello(t)
	hello13 := tlsRecord(wire.TypeHandshake, wire.VersionTLS10, h.marshal(t, nil))
	ccs := tlsRecord(wire.TypeChangeCipherSpec, wire.VersionTLS12, []byte{1})
	t.Run("tls13_second_compat_ccs", func(t *testing.T) {
		// RFC 8446, D.4: one compatibility ChangeCipherSpec per peer.
		reply, local := sendRaw(t, srv.port, append(append(hello13, ccs...), ccs...), false)
		wantServerFlightThenProtectedAlert(t, reply)
		wantSentAlert(t, srv.result(t, local).err, "unexpected_message")
	})
	t.Run("tls13_warning_is_an_error", func(t *testing.T) {
		// In plaintext before the server's flight: the TLS 1.3 rules
		// apply once the server has chosen TLS 1.3.
		data := append(bytes.Clone(hello13), ccs...)
		data = append(data, tlsRecord(wire.TypeAlert, wire.VersionTLS12, []byte{1, 48})...) // warning unknown_ca
		reply, local := sendRaw(t, srv.port, data, false)
		if _, err := splitRecords(reply); err != nil {
			t.Fatal(err)
		}
		wantReceivedAlertAs(t, srv.result(t, local).err, "warning", "unknown_ca")
	})
	t.Run("tls13_user_canceled_is_a_warning", func(t *testing.T) {
		// user_canceled stays a warning: the handshake goes on, here to
		// the client's end of stream.
		warning13 := tlsRecord(wire.TypeAlert, wire.VersionTLS12, []byte{1, 90})
		reply, local := sendRaw(t, srv.port, append(append(bytes.Clone(hello13), ccs...), warning13...), true)
		wantServerFlight13(t, reply)
		if r := srv.result(t, local); !errors.Is(r.err, ErrClosed) {
			t.Fatalf("server error %v; want ErrClosed", r.err)
		}
	})
}

// wantServerFlight13 checks a reply that is a TLS 1.3 server's flight
// with no alert after it.
func wantServerFlight13(t *testing.T, reply []byte) {
	t.Helper()
	recs, err := splitRecords(reply)
	if err != nil || len(recs) < 3 || recs[0].typ != wire.TypeHandshake {
		t.Fatalf("reply %x: %v", reply, err)
	}
	if last := recs[len(recs)-1]; len(last.payload) == protectedAlertLen {
		t.Fatal("the server sent an alert")
	}
}

// TestHelloRequestFlood: a client ignores a HelloRequest while it
// negotiates (RFC 5246, 7.4.1.1), a few of them, not an endless stream.
func TestHelloRequestFlood(t *testing.T) {
	p := testpeers.NewPKI(t)
	for _, n := range []int{maxHelloRequests, maxHelloRequests + 1} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		got := make(chan []byte, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 4096)
			c.Read(buf) // the ClientHello
			// All in one record: the bound is on messages.
			c.Write(tlsRecord(wire.TypeHandshake, wire.VersionTLS12, bytes.Repeat([]byte{wire.TypeHelloRequest, 0, 0, 0}, n)))
			var rest bytes.Buffer
			rest.ReadFrom(c) // until the client gives up and closes
			got <- rest.Bytes()
		}()
		co := clientOpts(p)
		co.LogAlert = Bool(false)
		_, err = Connect("127.0.0.1", ln.Addr().(*net.TCPAddr).Port, co, 1500*time.Millisecond)
		reply := <-got
		if n <= maxHelloRequests {
			// Ignored: the client waits for the ServerHello that never
			// comes.
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("%d HelloRequests: %v; want a timeout", n, err)
			}
			continue
		}
		wantSentAlert(t, err, "unexpected_message")
		wantAlertReply(t, reply, NewAlert("unexpected_message").Code)
	}
}

// TestTLS13WarningAlertIsAnError: after a TLS 1.3 handshake, a warning
// alert other than close_notify and user_canceled ends the connection as
// the error it names (RFC 8446, 6); user_canceled does not.
func TestTLS13WarningAlertIsAnError(t *testing.T) {
	p := testpeers.NewPKI(t)
	cs := startConnServer(t, serverOpts(p, "ecdsa"))
	co := clientOpts(p)
	co.LogAlert = Bool(false)
	for _, c := range []struct {
		desc  alert.Description
		fatal bool
	}{{alert.UserCanceled, false}, {alert.BadCertificate, true}} {
		s, err := Connect("127.0.0.1", cs.port, co, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.sendWarning(c.desc)
		if !c.fatal {
			if err := s.Send([]byte("still")); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Recv(5, 5*time.Second); err != nil || string(got) != "still" {
				t.Fatalf("after a warning %s: %q, %v", c.desc, got, err)
			}
			continue
		}
		wantReceivedAlertAs(t, cs.result(t, s.LocalAddr().String()), "warning", c.desc.String())
	}
}

// keyLogSecret returns the last secret logged under label in a key log.
func keyLogSecret(log *lockedBuffer, label string) []byte {
	var out []byte
	for _, l := range log.lines() {
		if f := strings.Fields(l); len(f) == 3 && f[0] == label {
			out, _ = hex.DecodeString(f[2])
		}
	}
	return out
}

// earlyResealer rewrites a TLS 1.3 client's records under its early
// traffic key (TLS_AES_128_GCM_SHA256): it adds n empty records of
// 0-RTT data after the client's first flight and renumbers the client's
// later early records (its EndOfEarlyData) to follow them, so that the
// server sees a consistent stream of n more records.
type earlyResealer struct {
	net.Conn
	t       *testing.T
	keys    *lockedBuffer
	n       int
	mu      sync.Mutex
	p       record.Protector
	in, out uint64
	writes  int
	done    bool // the client's records are under its handshake keys now
}

func (c *earlyResealer) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return c.Conn.Write(b)
	}
	c.writes++
	recs, err := splitRecords(b)
	if err != nil {
		return 0, err
	}
	if c.p == nil {
		key, iv := prf.TrafficKeys(crypto.SHA256, keyLogSecret(c.keys, "CLIENT_EARLY_TRAFFIC_SECRET"), 16, 12)
		if c.p, err = record.NewTLS13Protector(suites.ByID(0x1301), key, iv); err != nil {
			return 0, err
		}
	}
	var out []byte
	for _, r := range recs {
		if r.typ == wire.TypeApplicationData && !c.done {
			inner, err := c.p.Open(bytes.Clone(r.payload), c.in, r.typ, r.version)
			if err == nil {
				c.in++
				out = append(out, c.seal(inner)...)
				continue
			}
			c.done = true
		}
		out = append(out, tlsRecord(r.typ, r.version, r.payload)...)
	}
	if c.writes == 1 {
		for range c.n {
			out = append(out, c.seal([]byte{wire.TypeApplicationData})...)
		}
	}
	_, err = c.Conn.Write(out)
	return len(b), err
}

func (c *earlyResealer) seal(inner []byte) []byte {
	frag := make([]byte, len(inner), len(inner)+c.p.Overhead())
	copy(frag, inner)
	sealed, err := c.p.Seal(frag, c.out, wire.TypeApplicationData, wire.VersionTLS12)
	if err != nil {
		c.t.Error(err)
	}
	c.out++
	return tlsRecord(wire.TypeApplicationData, wire.VersionTLS12, sealed)
}

// TestEarlyDataEmptyRecords: accepted 0-RTT data may come in empty
// records, but not without bound: 32 in a row (BoringSSL's bound) are
// taken, the 33rd is unexpected_message.
func TestEarlyDataEmptyRecords(t *testing.T) {
	p := testpeers.NewPKI(t)
	so := serverOpts(p, "ecdsa")
	so.AcceptEarlyData = true
	srv := startHandshakeServer(t, so)
	forgetClientSessions(srv.port)
	co := clientOpts(p)
	co.Ciphers = []string{"TLS_AES_128_GCM_SHA256"}
	co.EarlyData = []byte("GET /0rtt")
	co.LogAlert = Bool(false)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.port))
	for _, n := range []int{maxEmptyRecords, maxEmptyRecords + 1} {
		// A connection for a ticket that allows 0-RTT (each is used once).
		echoOnce(t, srv.port, co)
		keys := &lockedBuffer{}
		o := *co
		o.KeyLogWriter = keys
		raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		res, err := o.compile(roleClient, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		res.setTicketCacheKey(addr)
		cs := newSocket(&earlyResealer{Conn: raw, t: t, keys: keys, n: n}, roleClient, &o, res)
		cs.ownRes = true
		herr := cs.runHandshake(context.Background(), time.Now().Add(10*time.Second))
		r := srv.result(t, raw.LocalAddr().String())
		if n <= maxEmptyRecords {
			if herr != nil || r.err != nil {
				t.Fatalf("%d empty 0-RTT records: client %v, server %v", n, herr, r.err)
			}
			if v := infoString(t, cs, "early_data"); v != "accepted" {
				t.Fatalf("early_data %s; want accepted", v)
			}
			cs.Close()
			continue
		}
		a := wantSentAlert(t, r.err, "unexpected_message")
		if !strings.Contains(a.Reason, "empty") {
			t.Errorf("reason %q", a.Reason)
		}
		cs.Close()
	}
}

// echoOnce connects, echoes a byte and closes: the client then holds a
// ticket from the server.
func echoOnce(t *testing.T, port int, co *Options) {
	t.Helper()
	s, err := Connect("127.0.0.1", port, co, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Send([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Recv(1, 5*time.Second); err != nil {
		t.Fatal(err)
	}
}
