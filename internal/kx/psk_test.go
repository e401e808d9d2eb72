package kx

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

var testPSK = []byte("0123456789abcdef")

func pskLookup(identity []byte) ([]byte, error) {
	if string(identity) == "client" {
		return testPSK, nil
	}
	return nil, nil
}

func clientLookup(key []byte) ClientPSKLookup {
	return func([]byte) ([]byte, []byte, error) { return []byte("client"), key, nil }
}

// TestPSKPremaster checks the layout of RFC 4279, Section 2: for plain
// PSK, other_secret is N zero bytes.
func TestPSKPremaster(t *testing.T) {
	got := PSKPremaster(nil, []byte{0xaa, 0xbb})
	if want := []byte{0, 2, 0, 0, 0, 2, 0xaa, 0xbb}; !bytes.Equal(got, want) {
		t.Fatalf("plain: % x, want % x", got, want)
	}
	got = PSKPremaster([]byte{1, 2, 3}, []byte{0xaa})
	if want := []byte{0, 3, 1, 2, 3, 0, 1, 0xaa}; !bytes.Equal(got, want) {
		t.Fatalf("with other_secret: % x, want % x", got, want)
	}
}

// pskPair runs one exchange and returns both premasters.
func pskPair(t *testing.T, ecdhe bool, hint []byte, key []byte) (srvPM, cliPM []byte, skeSent bool) {
	t.Helper()
	var srv ServerKeyExchanger
	var cli ClientKeyExchanger
	if ecdhe {
		inner, err := NewECDHEServer(wire.GroupX25519, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if srv, err = NewPSKServerOver(inner, hint, pskLookup, rand.Reader); err != nil {
			t.Fatal(err)
		}
		cli = NewPSKClientOver(NewECDHEClient([]uint16{wire.GroupX25519}, rand.Reader), true, clientLookup(key))
	} else {
		srv = NewPSKServer(hint, pskLookup, rand.Reader)
		cli = NewPSKClient(clientLookup(key))
	}
	params, err := srv.ServerParams()
	if err != nil {
		t.Fatal(err)
	}
	if params != nil {
		n, err := cli.ProcessServerParams(params)
		if err != nil || n != len(params) {
			t.Fatalf("ProcessServerParams: %d of %d, %v", n, len(params), err)
		}
	}
	body, cliPM, err := cli.ClientKeyExchange()
	if err != nil {
		t.Fatal(err)
	}
	srvPM, err = srv.ProcessClientKeyExchange(body)
	if err != nil {
		t.Fatal(err)
	}
	return srvPM, cliPM, params != nil
}

func TestPSKExchange(t *testing.T) {
	for _, ecdhe := range []bool{false, true} {
		for _, hint := range [][]byte{nil, []byte("hint")} {
			s, c, ske := pskPair(t, ecdhe, hint, testPSK)
			if !bytes.Equal(s, c) {
				t.Fatalf("ecdhe=%v hint=%q: premasters differ", ecdhe, hint)
			}
			// RFC 4279, 2: plain PSK sends ServerKeyExchange only with a
			// hint; RFC 5489, 2: ECDHE_PSK always.
			if ske != (ecdhe || hint != nil) {
				t.Fatalf("ecdhe=%v hint=%q: ServerKeyExchange sent = %v", ecdhe, hint, ske)
			}
			if !ecdhe && !bytes.Equal(s, PSKPremaster(nil, testPSK)) {
				t.Fatal("plain PSK premaster is not zeros || psk")
			}
			// A wrong key gives another premaster, and no error: the
			// handshake fails at Finished.
			s, c, _ = pskPair(t, ecdhe, hint, []byte("0123456789abcdeF"))
			if bytes.Equal(s, c) {
				t.Fatal("wrong key, same premaster")
			}
		}
	}
}

// TestPSKUnknownIdentity: an unknown or empty identity gets a random key,
// not an error, so that it looks like a wrong key to the client.
func TestPSKUnknownIdentity(t *testing.T) {
	srv := NewPSKServer(nil, pskLookup, rand.Reader)
	for _, id := range []string{"nobody", ""} {
		body := append([]byte{0, byte(len(id))}, id...)
		pm, err := srv.ProcessClientKeyExchange(body)
		if err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		if len(pm) != 4+2*unknownPSKLen || bytes.Equal(pm[2+unknownPSKLen+2:], make([]byte, unknownPSKLen)) {
			t.Fatalf("%q: premaster % x is not a random key's", id, pm)
		}
	}
	failing := NewPSKServer(nil, func([]byte) ([]byte, error) { return nil, errors.New("database down") }, rand.Reader)
	_, err := failing.ProcessClientKeyExchange([]byte{0, 1, 'a'})
	wantAlert(t, err, alert.InternalError)
}

// TestPSKBadMessages: truncated and oversized ClientKeyExchange and
// ServerKeyExchange bodies are decode_error; bad identities on the
// client side are refused before anything is sent.
func TestPSKBadMessages(t *testing.T) {
	srv := NewPSKServer(nil, pskLookup, rand.Reader)
	for _, body := range [][]byte{{}, {0}, {0, 5, 'a'}, {0, 1, 'a', 'b'}, {0xff, 0xff}} {
		_, err := srv.ProcessClientKeyExchange(body)
		wantAlert(t, err, alert.DecodeError)
	}
	inner, _ := NewECDHEServer(wire.GroupX25519, rand.Reader)
	esrv, _ := NewPSKServerOver(inner, nil, pskLookup, rand.Reader)
	for _, body := range [][]byte{{0, 6, 'c', 'l', 'i', 'e', 'n', 't'}, {0, 6, 'c', 'l', 'i', 'e', 'n', 't', 32, 1}} {
		_, err := esrv.ProcessClientKeyExchange(body)
		wantAlert(t, err, alert.DecodeError)
	}
	for _, body := range [][]byte{{}, {0}, {0, 3, 'a'}} {
		_, err := NewPSKClient(clientLookup(testPSK)).ProcessServerParams(body)
		wantAlert(t, err, alert.DecodeError)
	}
	ecli := NewPSKClientOver(NewECDHEClient([]uint16{wire.GroupX25519}, rand.Reader), true, clientLookup(testPSK))
	_, err := ecli.ProcessServerParams([]byte{0, 0, 3, 0, 29})
	wantAlert(t, err, alert.DecodeError)

	long := make([]byte, MaxPSKIdentity+1)
	for _, lk := range []ClientPSKLookup{
		func([]byte) ([]byte, []byte, error) { return nil, testPSK, nil },
		func([]byte) ([]byte, []byte, error) { return long, testPSK, nil },
		func([]byte) ([]byte, []byte, error) { return []byte("a"), nil, nil },
	} {
		_, _, err := NewPSKClient(lk).ClientKeyExchange()
		wantAlert(t, err, alert.InternalError)
	}
	_, err = NewPSKServer(long, pskLookup, rand.Reader).ServerParams()
	wantAlert(t, err, alert.InternalError)
}
