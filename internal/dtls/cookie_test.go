package dtls

import (
	"bytes"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/wire"
)

// helloDatagram returns a datagram holding one ClientHello record (DTLS
// layout) with cookie, random filled with rnd, message_seq msgSeq and
// record sequence number recSeq.
func helloDatagram(t testing.TB, cookie []byte, rnd byte, msgSeq uint16, recSeq uint64) []byte {
	t.Helper()
	ch := &wire.ClientHello{
		Version: wire.VersionDTLS12, Random: bytes.Repeat([]byte{rnd}, 32), DTLS: true, Cookie: cookie,
		CipherSuites: []uint16{0xc02b, 0xc02f}, CompressionMethods: []uint8{0},
		SupportedGroups: []uint16{23}, ExtendedMasterSecret: true,
	}
	msg, err := ch.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	hs := wire.ToDTLS(msg, msgSeq)
	d := AppendHeader(nil, Header{Type: wire.TypeHandshake, Version: wire.VersionDTLS10, Seq: recSeq, Length: uint16(len(hs))})
	return append(d, hs...)
}

// cookieOf parses a HelloVerifyRequest datagram, checking what RFC 6347,
// Section 4.2.1 asks of it, and returns its cookie.
func cookieOf(t *testing.T, reply []byte, recSeq uint64, msgSeq uint16) []byte {
	t.Helper()
	rh, ok := ParseHeader(reply)
	if !ok || rh.Type != wire.TypeHandshake || rh.Version != wire.VersionDTLS10 || rh.Epoch != 0 || rh.Seq != recSeq {
		t.Fatalf("HelloVerifyRequest record header %+v", rh)
	}
	hh, ok := wire.ParseDTLSHeader(reply[HeaderLen:])
	if !ok || hh.Type != wire.TypeHelloVerifyRequest || hh.MessageSeq != msgSeq || hh.FragmentLength != hh.Length {
		t.Fatalf("HelloVerifyRequest header %+v", hh)
	}
	body := reply[HeaderLen+wire.DTLSHeaderLen:]
	var hvr wire.HelloVerifyRequest
	if !hvr.Unmarshal(append([]byte{wire.TypeHelloVerifyRequest, 0, 0, byte(len(body))}, body...)) {
		t.Fatal("HelloVerifyRequest does not parse")
	}
	if hvr.Version != wire.VersionDTLS10 || len(hvr.Cookie) != CookieLen {
		t.Fatalf("HelloVerifyRequest %+v", hvr)
	}
	return hvr.Cookie
}

// TestCookieExchange: a ClientHello without a cookie gets a
// HelloVerifyRequest no larger than itself; the same ClientHello from the
// same address with that cookie is accepted; any change to the address
// or to the fields the cookie binds is not.
func TestCookieExchange(t *testing.T) {
	j := NewCookieJar(time.Minute)
	now := time.Unix(5000, 0)
	const addr = "127.0.0.1:40000"
	first := helloDatagram(t, nil, 1, 0, 0)
	sc := j.Screen(now, addr, first)
	if sc.Accept || sc.Reply == nil {
		t.Fatalf("first ClientHello: %+v", sc)
	}
	if len(sc.Reply) > len(first) {
		t.Fatalf("HelloVerifyRequest of %d bytes answers a ClientHello of %d", len(sc.Reply), len(first))
	}
	cookie := cookieOf(t, sc.Reply, 0, 0)

	if sc := j.Screen(now, addr, helloDatagram(t, cookie, 1, 1, 1)); !sc.Accept || sc.MessageSeq != 1 || sc.Reply != nil {
		t.Fatalf("second ClientHello with the cookie: %+v", sc)
	}
	if sc := j.Screen(now, "127.0.0.1:40001", helloDatagram(t, cookie, 1, 1, 1)); sc.Accept {
		t.Fatal("cookie accepted from another port")
	}
	if sc := j.Screen(now, addr, helloDatagram(t, cookie, 2, 1, 1)); sc.Accept || sc.Reply == nil {
		t.Fatal("cookie accepted for another ClientHello random")
	}
	bad := append([]byte(nil), cookie...)
	bad[5] ^= 1
	if sc := j.Screen(now, addr, helloDatagram(t, bad, 1, 1, 1)); sc.Accept {
		t.Fatal("altered cookie accepted")
	}
}

// TestCookieRotation: a cookie survives one rotation of the secret, not
// two, however long the jar was idle in between.
func TestCookieRotation(t *testing.T) {
	j := NewCookieJar(time.Minute)
	now := time.Unix(5000, 0)
	const addr = "10.0.0.1:1"
	cookie := cookieOf(t, j.Screen(now, addr, helloDatagram(t, nil, 1, 0, 0)).Reply, 0, 0)
	with := helloDatagram(t, cookie, 1, 1, 1)
	if !j.Screen(now.Add(90*time.Second), addr, with).Accept {
		t.Fatal("cookie refused after one rotation")
	}
	if j.Screen(now.Add(121*time.Second), addr, with).Accept {
		t.Fatal("cookie accepted after two rotations")
	}
	j2 := NewCookieJar(time.Minute)
	cookie = cookieOf(t, j2.Screen(now, addr, helloDatagram(t, nil, 1, 0, 0)).Reply, 0, 0)
	if j2.Screen(now.Add(time.Hour), addr, helloDatagram(t, cookie, 1, 1, 1)).Accept {
		t.Fatal("cookie accepted after an hour of idleness")
	}
}

// TestScreenDrops: anything but one whole epoch-0 ClientHello gets no
// answer at all, and a ClientHello too small to answer without
// amplification is not answered either.
func TestScreenDrops(t *testing.T) {
	j := NewCookieJar(0)
	now := time.Unix(5000, 0)
	hello := helloDatagram(t, nil, 1, 0, 0)
	fragmented := append([]byte(nil), hello...)
	fragmented[HeaderLen+11]-- // fragment_length one short of length
	epoch1 := append([]byte(nil), hello...)
	epoch1[4] = 1
	notHello := append([]byte(nil), hello...)
	notHello[HeaderLen] = wire.TypeServerHello
	short := append([]byte(nil), hello[:len(hello)-5]...)
	for name, d := range map[string][]byte{
		"empty": nil, "garbage": []byte("hello there, server"), "fragmented": fragmented,
		"epoch 1": epoch1, "not a ClientHello": notHello, "truncated": short,
		"application data": AppendHeader(nil, Header{Type: wire.TypeApplicationData, Version: wire.VersionDTLS12}),
	} {
		if sc := j.Screen(now, "a", d); sc.Accept || sc.Reply != nil {
			t.Errorf("%s: %+v", name, sc)
		}
	}
	// The smallest ClientHello the DTLS layout allows: no suites beyond
	// one, no extensions. The HelloVerifyRequest must still not exceed it.
	tiny := []byte{0xfe, 0xfd}
	tiny = append(tiny, make([]byte, 32)...)
	tiny = append(tiny, 0, 0, 0, 2, 0xc0, 0x2b, 1, 0)
	hs := wire.AppendDTLSHeader(nil, wire.DTLSHeader{Type: wire.TypeClientHello, Length: uint32(len(tiny)), FragmentLength: uint32(len(tiny))})
	hs = append(hs, tiny...)
	d := append(AppendHeader(nil, Header{Type: wire.TypeHandshake, Version: wire.VersionDTLS10, Length: uint16(len(hs))}), hs...)
	if sc := j.Screen(now, "a", d); sc.Reply == nil || len(sc.Reply) > len(d) {
		t.Fatalf("HelloVerifyRequest of %d bytes for a ClientHello of %d", len(sc.Reply), len(d))
	}
}
