package kx

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"testing"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/alert"
)

// rfc5054B are the test vectors of RFC 5054, Appendix B (1024-bit group).
var rfc5054B = struct{ s, k, x, v, a, b, A, B, u, S string }{
	s: "BEB25379 D1A8581E B5A72767 3A2441EE",
	k: "7556AA04 5AEF2CDD 07ABAF0F 665C3E81 8913186F",
	x: "94B7555A ABE9127C C58CCF49 93DB6CF8 4D16C124",
	v: `7E273DE8 696FFC4F 4E337D05 B4B375BE B0DDE156 9E8FA00A 9886D812
	9BADA1F1 822223CA 1A605B53 0E379BA4 729FDC59 F105B478 7E5186F5
	C671085A 1447B52A 48CF1970 B4FB6F84 00BBF4CE BFBB1681 52E08AB5
	EA53D15C 1AFF87B2 B9DA6E04 E058AD51 CC72BFC9 033B564E 26480D78
	E955A5E2 9E7AB245 DB2BE315 E2099AFB`,
	a: "60975527 035CF2AD 1989806F 0407210B C81EDC04 E2762A56 AFD529DD DA2D4393",
	b: "E487CB59 D31AC550 471E81F0 0F6928E0 1DDA08E9 74A004F4 9E61F5D1 05284D20",
	A: `61D5E490 F6F1B795 47B0704C 436F523D D0E560F0 C64115BB 72557EC4
	4352E890 3211C046 92272D8B 2D1A5358 A2CF1B6E 0BFCF99F 921530EC
	8E393561 79EAE45E 42BA92AE ACED8251 71E1E8B9 AF6D9C03 E1327F44
	BE087EF0 6530E69F 66615261 EEF54073 CA11CF58 58F0EDFD FE15EFEA
	B349EF5D 76988A36 72FAC47B 0769447B`,
	B: `BD0C6151 2C692C0C B6D041FA 01BB152D 4916A1E7 7AF46AE1 05393011
	BAF38964 DC46A067 0DD125B9 5A981652 236F99D9 B681CBF8 7837EC99
	6C6DA044 53728610 D0C6DDB5 8B318885 D7D82C7F 8DEB75CE 7BD4FBAA
	37089E6F 9C6059F3 88838E7A 00030B33 1EB76840 910440B1 B27AAEAE
	EB4012B7 D7665238 A8E3FB00 4B117B58`,
	u: "CE38B959 3487DA98 554ED47D 70A7AE5F 462EF019",
	S: `B0DC82BA BCF30674 AE450C02 87745E79 90A3381F 63B387AA F271A10D
	233861E3 59B48220 F7C4693C 9AE12B0A 6F67809F 0876E2D0 13800D6C
	41BB59B6 D5979B5C 00A172B4 A2A5903A 0BDCAF8A 709585EB 2AFAFA8F
	3499B200 210DCC1F 10EB3394 3CD67FC8 8A2F39A4 BE5BEC4E C0A3212D
	C346D7E4 74B29EDE 8A469FFE CA686E5A`,
}

// testSRPUser is the record of user with password over the group named.
func testSRPUser(group, user, password string) *SRPUser {
	grp := SRPGroupByName(group)
	salt := []byte("0123456789abcdef")
	return &SRPUser{Group: grp, Salt: salt, Verifier: grp.Verifier(SRPDerivedKey(salt, user, password))}
}

// srpRun runs a whole exchange: the client's ClientKeyExchange body and
// both premaster secrets.
func srpRun(t testing.TB, user *SRPUser, name, password string) (body, pmClient, pmServer []byte) {
	t.Helper()
	srv, err := NewSRPServer(user, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := srv.ServerParams()
	cli := NewSRPClient(name, password, rand.Reader)
	if _, err := cli.ProcessServerParams(params); err != nil {
		t.Fatalf("%s: %v", user.Group.Name, err)
	}
	body, pmClient, err = cli.ClientKeyExchange()
	if err != nil {
		t.Fatal(err)
	}
	pmServer, err = srv.ProcessClientKeyExchange(body)
	if err != nil {
		t.Fatal(err)
	}
	return body, pmClient, pmServer
}

func srpKeyBody(v []byte) []byte {
	var b cryptobyte.Builder
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
	return b.BytesOrPanic()
}

// TestSRPRFC5054Vectors runs both sides with the secrets of RFC 5054,
// Appendix B and checks every intermediate value and the premaster secret.
func TestSRPRFC5054Vectors(t *testing.T) {
	v := rfc5054B
	grp := SRPGroupByName("srp_1024")
	salt := hexBytes(t, v.s)
	x := SRPDerivedKey(salt, "alice", "password123")
	if !bytes.Equal(x, hexBytes(t, v.x)) {
		t.Fatalf("x = %x", x)
	}
	if got := grp.k.Bytes(grp.mod); !bytes.Equal(trimZeros(got), hexBytes(t, v.k)) {
		t.Fatalf("k = %x", got)
	}
	verifier := grp.Verifier(x)
	if !bytes.Equal(verifier, hexBytes(t, v.v)) {
		t.Fatalf("v = %x", verifier)
	}
	srv := newSRPServer(&SRPUser{Group: grp, Salt: salt, Verifier: verifier}, hexBytes(t, v.b))
	if !bytes.Equal(srv.pubB, hexBytes(t, v.B)) {
		t.Fatalf("B = %x", srv.pubB)
	}
	if u := grp.scrambler(hexBytes(t, v.A), hexBytes(t, v.B)); !bytes.Equal(u, hexBytes(t, v.u)) {
		t.Fatalf("u = %x", u)
	}
	params, err := srv.ServerParams()
	if err != nil {
		t.Fatal(err)
	}
	cli := NewSRPClient("alice", "password123", rand.Reader).(*srpClient)
	cli.a = hexBytes(t, v.a)
	if n, err := cli.ProcessServerParams(params); err != nil || n != len(params) {
		t.Fatalf("ProcessServerParams: %d, %v", n, err)
	}
	body, pmClient, err := cli.ClientKeyExchange()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, srpKeyBody(hexBytes(t, v.A))) {
		t.Fatalf("A = %x", body)
	}
	pmServer, err := srv.ProcessClientKeyExchange(body)
	if err != nil {
		t.Fatal(err)
	}
	want := hexBytes(t, v.S)
	if !bytes.Equal(pmClient, want) || !bytes.Equal(pmServer, want) {
		t.Fatalf("premaster client %x server %x", pmClient, pmServer)
	}
}

// TestSRPEveryGroup agrees over each group of Appendix A, and fails to
// with the wrong password.
func TestSRPEveryGroup(t *testing.T) {
	groups := SRPGroups()
	if testing.Short() {
		groups = groups[:3]
	}
	for _, grp := range groups {
		user := testSRPUser(grp.Name, "bob", "pw")
		for _, pw := range []string{"pw", "wrong"} {
			_, pmC, pmS := srpRun(t, user, "bob", pw)
			if bytes.Equal(pmC, pmS) != (pw == "pw") {
				t.Fatalf("%s, password %q: premasters equal = %v", grp.Name, pw, bytes.Equal(pmC, pmS))
			}
		}
	}
}

// TestSRPServerRefusesBadA checks RFC 5054, 2.5.4: A ≡ 0 mod N (A = 0,
// N, 2N) ends the handshake with illegal_parameter, and a malformed
// ClientKeyExchange with decode_error.
func TestSRPServerRefusesBadA(t *testing.T) {
	user := testSRPUser("srp_1024", "u", "p")
	grp := user.Group
	n := new(big.Int).SetBytes(grp.n)
	for name, a := range map[string][]byte{
		"A=0":        {0},
		"A=00..00":   make([]byte, len(grp.n)),
		"A=N":        grp.n,
		"A=0N":       append([]byte{0}, grp.n...),
		"A=2N":       new(big.Int).Lsh(n, 1).Bytes(),
		"A=N+1":      new(big.Int).Add(n, big.NewInt(1)).Bytes(),
		"A too long": bytes.Repeat([]byte{1}, len(grp.n)+1),
	} {
		srv, _ := NewSRPServer(user, rand.Reader)
		_, err := srv.ProcessClientKeyExchange(srpKeyBody(a))
		if err == nil {
			t.Fatalf("%s accepted", name)
		}
		wantAlert(t, err, alert.IllegalParameter)
	}
	for name, body := range map[string][]byte{
		"empty":     {},
		"truncated": {0, 5, 1, 2},
		"empty A":   {0, 0},
		"trailing":  append(srpKeyBody([]byte{2}), 0),
	} {
		srv, _ := NewSRPServer(user, rand.Reader)
		_, err := srv.ProcessClientKeyExchange(body)
		if err == nil {
			t.Fatalf("%s accepted", name)
		}
		wantAlert(t, err, alert.DecodeError)
	}
}

func srpParams(n, g, s, b []byte) []byte {
	var bld cryptobyte.Builder
	bld.AddUint16LengthPrefixed(func(c *cryptobyte.Builder) { c.AddBytes(n) })
	bld.AddUint16LengthPrefixed(func(c *cryptobyte.Builder) { c.AddBytes(g) })
	bld.AddUint8LengthPrefixed(func(c *cryptobyte.Builder) { c.AddBytes(s) })
	bld.AddUint16LengthPrefixed(func(c *cryptobyte.Builder) { c.AddBytes(b) })
	return bld.BytesOrPanic()
}

// TestSRPClientRefusesBadParams checks RFC 5054, 2.5.3: B ≡ 0 mod N gets
// illegal_parameter, a group that is not one of Appendix A's
// insufficient_security, and malformed params decode_error.
func TestSRPClientRefusesBadParams(t *testing.T) {
	grp := SRPGroupByName("srp_2048")
	n := new(big.Int).SetBytes(grp.n)
	try := func(body []byte) error {
		_, err := NewSRPClient("u", "p", rand.Reader).ProcessServerParams(body)
		return err
	}
	for _, b := range [][]byte{{0}, grp.n, new(big.Int).Lsh(n, 1).Bytes()} {
		wantAlert(t, try(srpParams(grp.n, grp.g, []byte("s"), b)), alert.IllegalParameter)
	}
	small, _ := new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff61", 16)
	wantAlert(t, try(srpParams(small.Bytes(), []byte{2}, []byte("s"), []byte{5})), alert.InsufficientSecurity)
	wantAlert(t, try(srpParams(grp.n, []byte{3}, []byte("s"), []byte{5})), alert.InsufficientSecurity)
	good := srpParams(grp.n, grp.g, []byte("s"), []byte{5})
	for _, body := range [][]byte{nil, good[:len(good)-1], srpParams(grp.n, grp.g, nil, []byte{5}), srpParams(grp.n, grp.g, []byte("s"), nil)} {
		wantAlert(t, try(body), alert.DecodeError)
	}
	// A leading zero on N or g is harmless; the params' length is
	// returned so that a signature may follow.
	padded := append(srpParams(append([]byte{0}, grp.n...), []byte{0, 2}, []byte("s"), []byte{5}), 1, 2, 3)
	cli := NewSRPClient("u", "p", rand.Reader)
	if n, err := cli.ProcessServerParams(padded); err != nil || n != len(padded)-3 {
		t.Fatalf("padded params: %d, %v", n, err)
	}
	if _, _, err := NewSRPClient("u", "p", rand.Reader).ClientKeyExchange(); err == nil {
		t.Fatal("ClientKeyExchange before the params")
	}
}

// TestSimulatedSRPUser: the made-up salt is stable per name and differs
// between names, so asking twice reveals nothing.
func TestSimulatedSRPUser(t *testing.T) {
	grp := SRPGroupByName("srp_2048")
	key := []byte("server secret")
	a, b := SimulatedSRPUser(key, grp, []byte("eve")), SimulatedSRPUser(key, grp, []byte("eve"))
	c := SimulatedSRPUser(key, grp, []byte("mallory"))
	if !bytes.Equal(a.Salt, b.Salt) || !bytes.Equal(a.Verifier, b.Verifier) || bytes.Equal(a.Salt, c.Salt) {
		t.Fatal("simulated records are not a function of the name")
	}
	if err := CheckSRPUser(a); err != nil {
		t.Fatal(err)
	}
}

func TestCheckSRPUser(t *testing.T) {
	grp := SRPGroupByName("srp_1024")
	for _, u := range []*SRPUser{nil, {}, {Group: grp, Verifier: []byte{1}}, {Group: grp, Salt: make([]byte, 256), Verifier: []byte{1}},
		{Group: grp, Salt: []byte{1}}, {Group: grp, Salt: []byte{1}, Verifier: grp.n}} {
		if CheckSRPUser(u) == nil {
			t.Fatalf("accepted %+v", u)
		}
	}
}

func BenchmarkSRPServer2048(b *testing.B) {
	user := testSRPUser("srp_2048", "bob", "pw")
	body, _, _ := srpRun(b, user, "bob", "pw")
	for b.Loop() {
		srv, _ := NewSRPServer(user, rand.Reader)
		srv.ServerParams()
		srv.ProcessClientKeyExchange(body)
	}
}
