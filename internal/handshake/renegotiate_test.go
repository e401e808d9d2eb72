package handshake

import (
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// exchange runs client and server machines against each other as
// exchangePrepared does and returns the first error and the machine that
// had it.
//
//lint:ignore ST1008 test helper returning the two sides' errors first, in the order its callers read them
func exchange(t *testing.T, client *Client, server *Server, tamper func(msg []byte) []byte) (error, Machine) {
	t.Helper()
	var last Machine
	err := exchangePrepared(t, client, server, func(to Machine, msg []byte) []byte {
		last = to
		if tamper != nil {
			msg = tamper(msg)
		}
		return msg
	})
	return err, last
}

// dropEMS takes extended_master_secret out of the hello of type typ.
func dropEMS(t *testing.T, typ uint8) func([]byte) []byte {
	return editHello(t, typ, func(ch *wire.ClientHello) { ch.ExtendedMasterSecret = false },
		func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = false })
}

// editHello returns a tamper function for exchange that rewrites the
// ClientHello (editCH) or the ServerHello (editSH) when msg is of type
// typ, and passes every other message through.
func editHello(t *testing.T, typ uint8, editCH func(*wire.ClientHello), editSH func(*wire.ServerHello)) func([]byte) []byte {
	return func(msg []byte) []byte {
		if msg[0] != typ {
			return msg
		}
		var out []byte
		var err error
		switch typ {
		case wire.TypeClientHello:
			var ch wire.ClientHello
			if !ch.Unmarshal(msg) {
				t.Fatal("unparsable ClientHello")
			}
			editCH(&ch)
			out, err = ch.Marshal()
		default:
			var sh wire.ServerHello
			if !sh.Unmarshal(msg) {
				t.Fatal("unparsable ServerHello")
			}
			editSH(&sh)
			out, err = sh.Marshal()
		}
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// established runs a TLS 1.2 handshake and returns what each side's
// driver would give a renegotiation of it.
func established(t *testing.T, cc, sc *Config) (client, server *Renegotiation) {
	t.Helper()
	c, s := NewClient(cc), NewServer(sc)
	if err, _ := exchange(t, c, s, nil); err != nil {
		t.Fatal(err)
	}
	ci, si := c.Info(), s.Info()
	if ci.Version != wire.VersionTLS12 || !ci.ExtendedMasterSecret || !ci.SecureRenegotiation {
		t.Fatalf("initial handshake: %+v", ci)
	}
	client = &Renegotiation{Secure: true, ClientVerifyData: ci.ClientVerifyData, ServerVerifyData: ci.ServerVerifyData,
		ExtendedMasterSecret: true, ServerCert: ci.PeerCertificates[0].Raw}
	server = &Renegotiation{Secure: true, ClientVerifyData: si.ClientVerifyData, ServerVerifyData: si.ServerVerifyData,
		ExtendedMasterSecret: true}
	return client, server
}

func wantAlertFrom(t *testing.T, err error, side, want Machine, desc alert.Description) {
	t.Helper()
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Desc != desc || side != want {
		t.Fatalf("got %v (from %T), want %s from %T", err, side, desc, want)
	}
}

// TestRenegotiationHardening: a renegotiation keeps the server's identity
// and the extended master secret of the connection, and a connection
// without RFC 5746 is not renegotiated while secure_renegotiate is true.
func TestRenegotiationHardening(t *testing.T) {
	cc, sc := testConfig(t, false), testConfig(t, true)
	for _, c := range []*Config{cc, sc} {
		c.Versions = []uint16{wire.VersionTLS12}
	}
	renegPair := func(rc, rs *Renegotiation, serverCfg *Config) (*Client, *Server) {
		c, s := NewClient(cc), NewServer(serverCfg)
		c.Reneg, s.Reneg = rc, rs
		return c, s
	}

	t.Run("control", func(t *testing.T) {
		rc, rs := established(t, cc, sc)
		c, s := renegPair(rc, rs, sc)
		if err, side := exchange(t, c, s, nil); err != nil {
			t.Fatalf("renegotiation with the same certificate: %v (%T)", err, side)
		}
	})

	t.Run("server_certificate_changed", func(t *testing.T) {
		// A server (or a man in the middle) with another certificate,
		// valid or not, cannot take over the connection.
		rc, rs := established(t, cc, sc)
		other := testConfig(t, true)
		other.Versions = sc.Versions
		c, s := renegPair(rc, rs, other)
		err, side := exchange(t, c, s, nil)
		wantAlertFrom(t, err, side, c, alert.IllegalParameter)
	})

	t.Run("client_drops_extended_master_secret", func(t *testing.T) {
		rc, rs := established(t, cc, sc)
		c, s := renegPair(rc, rs, sc)
		err, side := exchange(t, c, s, dropEMS(t, wire.TypeClientHello))
		wantAlertFrom(t, err, side, s, alert.HandshakeFailure)
	})

	t.Run("server_drops_extended_master_secret", func(t *testing.T) {
		rc, rs := established(t, cc, sc)
		c, s := renegPair(rc, rs, sc)
		err, side := exchange(t, c, s, dropEMS(t, wire.TypeServerHello))
		wantAlertFrom(t, err, side, c, alert.HandshakeFailure)
	})

	t.Run("insecure_connection", func(t *testing.T) {
		// The machines refuse to renegotiate a connection without RFC
		// 5746 while secure_renegotiate is true, in both roles.
		legacy := &Renegotiation{}
		c, s := renegPair(legacy, nil, sc)
		err, side := exchange(t, c, s, nil)
		wantAlertFrom(t, err, side, c, alert.NoRenegotiation)
		c, s = renegPair(nil, legacy, sc)
		err, side = exchange(t, c, s, nil)
		wantAlertFrom(t, err, side, s, alert.NoRenegotiation)
	})
}
