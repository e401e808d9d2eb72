package ssl

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// pairAt connects a gossl client and a gossl server of p's, both limited
// to version v, and returns both ends, closed at the end of the test.
func pairAt(t *testing.T, v Version) (client, server *Socket) {
	t.Helper()
	p := testpeers.NewPKI(t)
	co := clientOpts(p)
	co.Versions, co.LogAlert, co.ReuseSessions = []Version{v}, Bool(false), Bool(false)
	so := serverOpts(p, "ecdsa")
	so.Versions, so.LogAlert = []Version{v}, Bool(false)
	return pairWith(t, co, so)
}

// writeRaw sends records of type typ, one per body, under the server's
// current keys, then application data "ok".
func writeRaw(t *testing.T, srv *Socket, typ uint8, bodies [][]byte) {
	t.Helper()
	srv.out.Lock()
	var err error
	for _, b := range bodies {
		if err = srv.wr.WriteRecord(typ, b); err != nil {
			break
		}
	}
	if err == nil {
		err = srv.wr.WriteRecord(wire.TypeApplicationData, []byte("ok"))
	}
	if err == nil {
		err = srv.wr.Flush()
	}
	srv.out.Unlock()
	if err != nil {
		t.Fatal(err)
	}
}

// wantOK reads the "ok" that writeRaw sent after its records.
func wantOK(t *testing.T, c *Socket) {
	t.Helper()
	got, err := c.Recv(0, 5*time.Second)
	if err != nil || string(got) != "ok" {
		t.Fatalf("Recv: %q, %v", got, err)
	}
}

func wantLimit(t *testing.T, c *Socket, reason string) {
	t.Helper()
	_, err := c.Recv(0, 5*time.Second)
	a := wantSentAlert(t, err, "unexpected_message")
	if !strings.Contains(a.Reason, reason) {
		t.Errorf("reason %q, want %q", a.Reason, reason)
	}
}

func repeat(b []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// A post-handshake message split into one-byte records is legal (RFC
// 8446, 5.1 allows fragmenting handshake messages across records); its
// fragments are not records "without data" of a flood: the message is
// counted once, when complete. BoringSSL's *-SplitHandshakeRecords tests
// found the client refusing a split NewSessionTicket.
func TestPostHandshakeSplitMessage(t *testing.T) {
	c, srv := pairAt(t, TLSv1_3)
	nst, err := (&wire.NewSessionTicket{TLS13: true, LifetimeHint: 60, AgeAdd: 1, Nonce: []byte{1},
		Ticket: bytes.Repeat([]byte{0xaa}, 200)}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for i := range nst {
		bodies = append(bodies, nst[i:i+1])
	}
	writeRaw(t, srv, wire.TypeHandshake, bodies)
	wantOK(t, c)
}

// Empty application data records and warning alerts in a row are bounded
// as during the handshake (hslimits.go, BoringSSL's bounds: 32 and 4),
// not only by the overall 64 records without data. BoringSSL's
// SendEmptyRecords and SendWarningAlerts-TooMany.
func TestPostHandshakeEmptyRecordLimit(t *testing.T) {
	c, srv := pairAt(t, TLSv1_2)
	writeRaw(t, srv, wire.TypeApplicationData, repeat(nil, maxEmptyRecords))
	wantOK(t, c)
	writeRaw(t, srv, wire.TypeApplicationData, repeat(nil, maxEmptyRecords+1))
	wantLimit(t, c, "too many empty records")
}

func TestPostHandshakeWarningAlertLimit(t *testing.T) {
	c, srv := pairAt(t, TLSv1_2)
	userCanceled := []byte{1, 90}
	writeRaw(t, srv, wire.TypeAlert, repeat(userCanceled, maxWarningAlerts))
	wantOK(t, c)
	writeRaw(t, srv, wire.TypeAlert, repeat(userCanceled, maxWarningAlerts+1))
	wantLimit(t, c, "too many warning alerts")
}

// KeyUpdates in a row are bounded (BoringSSL: 32, its TooManyKeyUpdates
// test): each costs a key derivation, and one that requests an update
// also a write.
func TestPostHandshakeKeyUpdateLimit(t *testing.T) {
	c, srv := pairAt(t, TLSv1_3)
	send := func(n int) {
		for i := 0; i < n; i++ {
			if err := srv.UpdateKeys(false); err != nil {
				t.Fatal(err)
			}
		}
		if err := srv.Send([]byte("ok")); err != nil {
			t.Fatal(err)
		}
	}
	send(maxKeyUpdates)
	wantOK(t, c)
	send(maxKeyUpdates + 1)
	wantLimit(t, c, "too many KeyUpdates")
}

// RFC 8446, 4.6.3: a KeyUpdate with update_requested is answered with
// our own before our next application data, which "causes an
// implementation which receives multiple KeyUpdates while it is silent
// to respond with a single update". The client answered each of them.
// BoringSSL's KeyUpdate-Requested.
func TestKeyUpdateRequestsWhileSilentGetOneAnswer(t *testing.T) {
	c, srv := pairAt(t, TLSv1_3)
	c.out.Lock()
	before := bytes.Clone(c.tls.writeSecret)
	c.out.Unlock()
	for i := 0; i < 5; i++ {
		if err := srv.UpdateKeys(true); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Send([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	wantOK(t, c)
	c.out.Lock()
	after := bytes.Clone(c.tls.writeSecret)
	c.out.Unlock()
	n := 0
	for s := before; !bytes.Equal(s, after) && n < 10; n++ {
		s = prf.NextTrafficSecret(c.tls.hash, s)
	}
	if n != 1 {
		t.Fatalf("the client updated its keys %d times, want 1", n)
	}
	// The answer is owed again once we have sent data.
	if err := c.Send([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	if got, err := srv.Recv(0, 5*time.Second); err != nil || string(got) != "ok" {
		t.Fatalf("server Recv: %q, %v", got, err)
	}
	if err := srv.UpdateKeys(true); err != nil {
		t.Fatal(err)
	}
	if err := srv.Send([]byte("ok")); err != nil {
		t.Fatal(err)
	}
	wantOK(t, c)
	c.out.Lock()
	again := bytes.Equal(c.tls.writeSecret, after)
	c.out.Unlock()
	if again {
		t.Fatal("a request after our data got no answer")
	}
}

// TLS 1.3 forbids records of another type between the fragments of a
// handshake message (RFC 8446, 5.1); application data there ends the
// connection with unexpected_message, whether the record is read on its
// own or together with the fragment. TLS 1.2 allows it (a renegotiation's
// messages may be interleaved with application data), and goes on.
// tlsfuzzer's test-tls13-keyupdate ("3/2 fragmented keyupdate msg,
// appdata between") found the data accepted.
func TestPostHandshakeInterleavedFragment(t *testing.T) {
	nst, err := (&wire.NewSessionTicket{TLS13: true, LifetimeHint: 60, AgeAdd: 1, Nonce: []byte{1},
		Ticket: bytes.Repeat([]byte{0xaa}, 40)}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c, srv := pairAt(t, TLSv1_3)
	writeRaw(t, srv, wire.TypeHandshake, [][]byte{nst[:3]})
	wantLimit(t, c, "inside a fragmented handshake message")

	c, srv = pairAt(t, TLSv1_2)
	hello := []byte{wire.TypeHelloRequest, 0, 0, 0}
	writeRaw(t, srv, wire.TypeHandshake, [][]byte{hello[:2]})
	wantOK(t, c)
}
