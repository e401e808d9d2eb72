package ssl

import (
	"bytes"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// A panic inside a handshake machine ends that connection with an
// internal_error alert to the peer and an error, and leaves the process
// and its other connections alone. testStepHook stands for the bug: it
// panics inside the guard, just before the machine would take a message.

// injectPanic makes machines panic, for the rest of t, on the messages
// when picks.
func injectPanic(t *testing.T, when func(m handshake.Machine, msg []byte) bool) {
	testStepHook = func(m handshake.Machine, msg []byte) {
		if when(m, msg) {
			panic("injected machine bug")
		}
	}
	// Cleanups run last in first out: this one after the servers the
	// test starts next have stopped.
	t.Cleanup(func() { testStepHook = nil })
}

// wantMachinePanic checks that err is the internal_error alert this side
// sent for the injected panic, with the panic as its cause.
func wantMachinePanic(t *testing.T, err error) {
	t.Helper()
	wantSentAlert(t, err, "internal_error")
	var p *machinePanic
	if !errors.As(err, &p) || p.Value != "injected machine bug" || len(p.Stack) == 0 {
		t.Fatalf("error %v does not carry the machine's panic", err)
	}
}

const panicName = "panic.invalid"

func TestMachinePanicEndsOnlyItsConnection(t *testing.T) {
	p := testpeers.NewPKI(t)
	var armedClient atomic.Bool
	injectPanic(t, func(m handshake.Machine, msg []byte) bool {
		switch m := m.(type) {
		case *handshake.Server:
			// A ClientHello naming panicName, or any ClientHello of a
			// renegotiation.
			return msg[0] == wire.TypeClientHello && (bytes.Contains(msg, []byte(panicName)) || m.Reneg != nil)
		case *handshake.Client:
			return msg[0] == wire.TypeServerHello && armedClient.Load()
		}
		return false
	})
	so := serverOpts(p, "ecdsa")
	so.LogAlert = Bool(false)
	srv := startConnServer(t, so)
	connect := func(t *testing.T, mod func(*Options)) (*Socket, error) {
		t.Helper()
		co := clientOpts(p)
		co.LogAlert = Bool(false)
		if mod != nil {
			mod(co)
		}
		return Connect("127.0.0.1", srv.port, co, 10*time.Second)
	}
	// A connection that lives through all the others' panics.
	other, err := connect(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	echo(t, other)

	t.Run("server_initial_handshake_wire", func(t *testing.T) {
		// A raw client: the alert is the whole reply, in plaintext.
		hello := goodClientHello(t, func(ch *wire.ClientHello) { ch.ServerName = panicName })
		reply, local := sendRaw(t, srv.port, tlsRecord(wire.TypeHandshake, wire.VersionTLS10, hello), false)
		wantAlertReply(t, reply, NewAlert("internal_error").Code)
		wantMachinePanic(t, srv.result(t, local))
	})

	t.Run("server_initial_handshake", func(t *testing.T) {
		s, err := connect(t, func(o *Options) { o.ServerNameIndication, o.Verify = panicName, VerifyNone })
		if err == nil {
			s.Close()
			t.Fatal("handshake succeeded")
		}
		wantReceivedAlert(t, err, "internal_error")
	})

	t.Run("client_initial_handshake", func(t *testing.T) {
		// The client's machine panics on the ServerHello of a hostile
		// server, which then reads the client's alert.
		armedClient.Store(true)
		defer armedClient.Store(false)
		port, rest := hostileServer(t, func(conn net.Conn) error {
			ch, err := readClientHello(conn)
			if err != nil {
				return err
			}
			return writeHandshake(conn, &wire.ServerHello{Version: wire.VersionTLS12, Random: testRandom,
				SessionID: ch.SessionID, CipherSuite: 0x1301, SupportedVersion: wire.VersionTLS13})
		})
		_, err := Connect("127.0.0.1", port, &Options{Verify: VerifyNone, LogAlert: Bool(false)}, 10*time.Second)
		wantMachinePanic(t, err)
		reply := <-rest
		recs, err := splitRecords(reply)
		if err != nil || len(recs) != 1 || recs[0].typ != wire.TypeAlert || !bytes.Equal(recs[0].payload, []byte{2, NewAlert("internal_error").Code}) {
			t.Fatalf("client sent %x; want one plaintext fatal internal_error alert", reply)
		}
	})

	t.Run("server_renegotiation", func(t *testing.T) {
		s, err := connect(t, func(o *Options) { o.Versions = []Version{TLSv1_2} })
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		echo(t, s)
		wantReceivedAlert(t, s.Renegotiate(), "internal_error")
		wantMachinePanic(t, srv.result(t, s.LocalAddr().String()))
	})

	// The process and the other connection go on; new ones are served.
	echo(t, other)
	s, err := connect(t, nil)
	if err != nil {
		t.Fatalf("new connection after the panics: %v", err)
	}
	defer s.Close()
	echo(t, s)
}
