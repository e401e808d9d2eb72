package handshake

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

func TestAgreementWaitAndDiscard(t *testing.T) {
	for _, overlap := range []bool{false, true} {
		var made []byte
		agree := func() ([]byte, error) {
			made = bytes.Repeat([]byte{0xAA}, 32)
			return made, nil
		}
		a := startAgreement(agree, overlap)
		s, err := a.wait()
		if err != nil || !bytes.Equal(s, bytes.Repeat([]byte{0xAA}, 32)) {
			t.Fatalf("overlap %v: wait gave %x, %v", overlap, s, err)
		}
		a.discard() // after wait: nothing to do, and the secret is the caller's
		if !bytes.Equal(s, bytes.Repeat([]byte{0xAA}, 32)) {
			t.Fatalf("overlap %v: discard after wait touched the caller's secret", overlap)
		}

		if _, err := a.wait(); err == nil {
			t.Fatalf("overlap %v: a second wait succeeded", overlap)
		}

		// discard waits for (or runs) the agreement and erases its
		// secret, whether or not a goroutine was started (GOMAXPROCS=1).
		made = nil
		a = startAgreement(agree, overlap)
		a.discard()
		if made == nil || !bytes.Equal(made, make([]byte, 32)) {
			t.Fatalf("overlap %v: discard left the secret %x", overlap, made)
		}
	}
	fail := errors.New("refused")
	a := startAgreement(func() ([]byte, error) { return nil, fail }, true)
	if _, err := a.wait(); !errors.Is(err, fail) {
		t.Fatalf("wait: %v, want the agreement's error", err)
	}
}

// A TLS 1.3 ClientHello whose X25519 share is a low-order point (all
// zeros): the server's agreement, which overlaps its signature, fails,
// and the flight must fail with illegal_parameter (RFC 8446, 7.4.2).
func TestServer13RefusesZeroX25519Share(t *testing.T) {
	cc, sc := testConfig13(t, false), testConfig13(t, true)
	cc.Groups13, cc.KeyShareGroups = []uint16{wire.GroupX25519}, []uint16{wire.GroupX25519}
	sc.Groups13 = []uint16{wire.GroupX25519}
	acts, err := NewClient(cc).Start()
	if err != nil {
		t.Fatal(err)
	}
	var ch wire.ClientHello
	if acts[0].Kind != SendMessage || !ch.Unmarshal(acts[0].Data) {
		t.Fatal("no ClientHello")
	}
	ch.KeyShares[0].Data = make([]byte, 32)
	msg, err := ch.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewServer(sc).HandleMessage(msg)
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Desc != alert.IllegalParameter {
		t.Fatalf("server: %v, want illegal_parameter", err)
	}
}

// serverFlight12 starts a TLS 1.2 (ECDHE) handshake and returns the
// client and the handshake messages of the server's first flight.
func serverFlight12(t *testing.T) (*Client, [][]byte) {
	t.Helper()
	client, server := NewClient(testConfig(t, false)), NewServer(testConfig(t, true))
	acts, err := client.Start()
	if err != nil {
		t.Fatal(err)
	}
	flight, err := server.HandleMessage(acts[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	var msgs [][]byte
	for _, a := range flight {
		if a.Kind == SendMessage {
			msgs = append(msgs, a.Data)
		}
	}
	return client, msgs
}

// feedUntil gives the client the flight's messages up to the first of
// type typ, changed by change, and returns what the client answered to
// that one; the messages before it must be accepted.
func feedUntil(t *testing.T, client *Client, msgs [][]byte, typ uint8, change func([]byte) []byte) ([]Action, error) {
	t.Helper()
	for _, msg := range msgs {
		if msg[0] == typ {
			return client.HandleMessage(change(bytes.Clone(msg)))
		}
		if _, err := client.HandleMessage(msg); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("the server sent no message of type %d", typ)
	return nil, nil
}

// A TLS 1.2 ServerKeyExchange whose signature does not verify: the
// client's agreement, started before the check, is discarded, and the
// handshake fails with decrypt_error (RFC 5246, 7.2.2) before the client
// sends anything more.
func TestClient12RefusesBadServerKeyExchangeSignature(t *testing.T) {
	client, msgs := serverFlight12(t)
	out, err := feedUntil(t, client, msgs, wire.TypeServerKeyExchange, func(msg []byte) []byte {
		msg[len(msg)-1] ^= 1 // the signature's last byte
		return msg
	})
	var ae *alert.Error
	if !errors.As(err, &ae) || ae.Desc != alert.DecryptError {
		t.Fatalf("client: %v, want decrypt_error", err)
	}
	if len(out) != 0 || client.cke != nil {
		t.Fatal("the client answered, or kept its agreement, after a bad signature")
	}
}

// A failure after a good ServerKeyExchange (here a malformed
// ServerHelloDone) ends the agreement started there: the client keeps
// nothing of it.
func TestClient12FailureAfterServerKeyExchangeEndsAgreement(t *testing.T) {
	client, msgs := serverFlight12(t)
	started := false
	_, err := feedUntil(t, client, msgs, wire.TypeServerHelloDone, func([]byte) []byte {
		started = client.cke != nil
		return []byte{wire.TypeServerHelloDone, 0, 0, 1, 0} // a body it may not have
	})
	if err == nil {
		t.Fatal("malformed ServerHelloDone accepted")
	}
	if !started {
		t.Fatal("no agreement was started at the ServerKeyExchange")
	}
	if client.cke != nil || client.ckeBody != nil {
		t.Fatal("the failed handshake kept its agreement")
	}
}
