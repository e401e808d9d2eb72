package kx

import (
	"bytes"
	"crypto/rand"
	"math/big"
	"os"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// dsaStyle is a 2048-bit prime with a 224-bit subgroup (openssl dhparam
// -dsaparam): prime, but not safe, so it must get full-length exponents.
const (
	dsaStylePHex = "A2CB5DB4C840CF0C4E63E4249FC699F1A9ED3109B3F43533D6C9AE09BFE29D3E2AC8E5A7D66832424CF11F698F99FD90703A12467C013BE8AFD57AFE22FC4772EDBAEDEC29AF6903BC0C9CA62FF4F30F660BC565047E3FE116AF0861D6E111D06680631FF3E6AD7712E76CDDB1D923F7378B0E1BFDF858C9E6EA4B0B497C62E2556336F8B7072537A35C3A132B8AA1C60F70AE5D9B74976D6623E3D54CDB625513C43DD10FD7CDF75196B67914D7C24406EF805447C15AD15240E8AAB4F065C8CE96FE98F9F5E7AC9128199703008153B52BD8CF0C25BDDC308200193A12E7826BF6C2B92CD96D52224FCE4A24F1FA0397E85EC191568AD2E20C0882DF376737"
	dsaStyleGHex = "6AABD7896FEDDC6FDB8CD9E15EDB2C9BAC0811495ED44612ED6EBE6554E65C2C504CB0EB57F276F71FEE9E678A06316271C1764D5E9556B8226AB84E28C6073384361EFEF9FDB83B35FFF3B494EBE5E3D2AE962748F66913785DD64C6E8EC28FD05AE79338911672100C0E424BE0C5765FA7BC2A466E7CA582CEB41627053CA560D830606E17E21373AB7FD5B9EB1C80151C36853E6D30DD1D380F1CD549D34622A6CFB58CAB44BFBD31CC3F5478004C807644DDDD68D64961DEB9BD21B5309697AB89A6AAE4468E41A3242074ACF8B1941BB2AF8482D2F0861DDCE543CD614FDA09BC825A5BE593BC94E77BC9F9BD99A8BA0DF7CE9C99A228C6628B3BFE8F20"
)

func hexInt(t testing.TB, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad hex %q", s)
	}
	return v
}

// dhDER encodes a PKCS #3 DHParameter.
func dhDER(t testing.TB, p, g *big.Int) []byte {
	t.Helper()
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(p)
		b.AddASN1BigInt(g)
	})
	return b.BytesOrPanic()
}

// eTimes2 returns floor(2^n · e), from e = Σ 1/k!, with 64 guard bits.
func eTimes2(n uint) *big.Int {
	scale := new(big.Int).Lsh(big.NewInt(1), n+64)
	sum, term := new(big.Int), new(big.Int).Set(scale)
	for k := int64(1); term.Sign() > 0; k++ {
		sum.Add(sum, term)
		term.Quo(term, big.NewInt(k))
	}
	return sum.Rsh(sum, 64)
}

// piTimes2 returns floor(2^n · π) by Machin's formula, with 64 guard bits.
func piTimes2(n uint) *big.Int {
	scale := new(big.Int).Lsh(big.NewInt(1), n+64)
	atanInv := func(x int64) *big.Int {
		sum := new(big.Int)
		xx := big.NewInt(x * x)
		pow := new(big.Int).Quo(scale, big.NewInt(x)) // scale / x^(2k+1)
		for k := int64(0); pow.Sign() > 0; k++ {
			t := new(big.Int).Quo(pow, big.NewInt(2*k+1))
			if k%2 == 0 {
				sum.Add(sum, t)
			} else {
				sum.Sub(sum, t)
			}
			pow.Quo(pow, xx)
		}
		return sum
	}
	pi := new(big.Int).Mul(big.NewInt(16), atanInv(5))
	pi.Sub(pi, new(big.Int).Mul(big.NewInt(4), atanInv(239)))
	return pi.Rsh(pi, 64)
}

// TestNamedPrimesFollowTheirFormula recomputes every built-in prime from
// the formula of its RFC (RFC 7919, Appendix A; RFC 3526, Section 3).
func TestNamedPrimesFollowTheirFormula(t *testing.T) {
	one := big.NewInt(1)
	ffdhe := func(b uint, x int64) *big.Int {
		p := new(big.Int).Lsh(one, b)
		p.Sub(p, new(big.Int).Lsh(one, b-64))
		m := eTimes2(b - 130)
		m.Add(m, big.NewInt(x))
		p.Add(p, m.Lsh(m, 64))
		return p.Sub(p, one)
	}
	modp := func() *big.Int {
		p := new(big.Int).Lsh(one, 2048)
		p.Sub(p, new(big.Int).Lsh(one, 1984))
		p.Sub(p, one)
		m := piTimes2(1918)
		m.Add(m, big.NewInt(124476))
		return p.Add(p, m.Lsh(m, 64))
	}
	want := map[string]*big.Int{
		"ffdhe2048": ffdhe(2048, 560316),
		"ffdhe3072": ffdhe(3072, 2625351),
		"ffdhe4096": ffdhe(4096, 5736041),
		"ffdhe6144": ffdhe(6144, 15705020),
		"ffdhe8192": ffdhe(8192, 10965728),
		"modp2048":  modp(),
	}
	for _, d := range named() {
		if d.P.Cmp(want[d.Name]) != 0 {
			t.Errorf("%s: the prime is not the RFC's", d.Name)
		}
		if d.G.Int64() != 2 {
			t.Errorf("%s: generator %v, want 2", d.Name, d.G)
		}
	}
	if len(named()) != len(want) {
		t.Errorf("%d built-in groups, want %d", len(named()), len(want))
	}
	if DefaultDHParams().Name != "modp2048" {
		t.Errorf("default group %s, want modp2048", DefaultDHParams().Name)
	}
	for _, g := range FFDHEGroups() {
		if d := FFDHEGroup(g); d == nil || d.Name != GroupName(g) {
			t.Errorf("group %d has no parameters or the wrong name", g)
		}
	}
}

// TestNamedPrimesAreSafe checks that p and (p − 1)/2 are prime, which the
// short exponents rely on.
func TestNamedPrimesAreSafe(t *testing.T) {
	for _, d := range named() {
		if testing.Short() && d.Bits() > 2048 {
			continue
		}
		if !d.P.ProbablyPrime(0) || !new(big.Int).Rsh(d.P, 1).ProbablyPrime(0) {
			t.Errorf("%s is not a safe prime", d.Name)
		}
	}
}

// dheExchange runs a TLS 1.2 DHE exchange over params and checks both
// sides agree.
func dheExchange(t *testing.T, params *DHParams, minBits int) {
	t.Helper()
	srv, err := NewDHEServer(params, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := srv.ServerParams()
	if err != nil {
		t.Fatal(err)
	}
	cli := NewDHEClient(minBits, rand.Reader)
	n, err := cli.ProcessServerParams(append(sp, 0xAA, 0xBB))
	if err != nil || n != len(sp) {
		t.Fatalf("ProcessServerParams = %d, %v; want %d", n, err, len(sp))
	}
	body, pmC, err := cli.ClientKeyExchange()
	if err != nil {
		t.Fatal(err)
	}
	pmS, err := srv.ProcessClientKeyExchange(body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pmC, pmS) || len(pmC) == 0 || pmC[0] == 0 {
		t.Fatalf("premaster secrets differ or keep a leading zero")
	}
	if g := cli.(Grouped).Group(); g != params.Group {
		t.Errorf("client reports group %d, want %d", g, params.Group)
	}
}

func TestDHERoundTrip(t *testing.T) {
	for _, g := range []uint16{wire.GroupFFDHE2048, wire.GroupFFDHE3072} {
		dheExchange(t, FFDHEGroup(g), 2048)
	}
	dheExchange(t, DefaultDHParams(), 2048)
	// Parameters of unknown structure: full-length exponents.
	d, err := ParseDHParams(dhDER(t, hexInt(t, dsaStylePHex), hexInt(t, dsaStyleGHex)))
	if err != nil {
		t.Fatal(err)
	}
	if d.expBits != 2047 {
		t.Errorf("non-safe prime: exponent of %d bits, want 2047", d.expBits)
	}
	dheExchange(t, d, 2048)
	small, err := ParseDHParamsPEM(mustRead(t, "testdata/dh1024.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if small.expBits != 225 {
		t.Errorf("safe 1024-bit prime: exponent of %d bits, want 225", small.expBits)
	}
	dheExchange(t, small, 1024)
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseDHParams(t *testing.T) {
	p := FFDHEGroup(wire.GroupFFDHE2048).P
	if d, err := ParseDHParams(dhDER(t, p, big.NewInt(2))); err != nil || d != FFDHEGroup(wire.GroupFFDHE2048) {
		t.Errorf("ffdhe2048 as DER: %v, %v; want the built-in group", d, err)
	}
	even := new(big.Int).Add(p, big.NewInt(1))
	small, _ := ParseDHParamsPEM(mustRead(t, "testdata/dh1024.pem"))
	tiny := new(big.Int).Rsh(small.P, 200)
	tiny.SetBit(tiny, 0, 1)
	composite := new(big.Int).Mul(small.P, small.P)
	bad := map[string][]byte{
		"even prime":      dhDER(t, even, big.NewInt(2)),
		"g = 1":           dhDER(t, small.P, big.NewInt(1)),
		"g = p-1":         dhDER(t, small.P, new(big.Int).Sub(small.P, big.NewInt(1))),
		"under 1024 bits": dhDER(t, tiny, big.NewInt(2)),
		"composite":       dhDER(t, composite, big.NewInt(2)),
		"trailing bytes":  append(dhDER(t, small.P, big.NewInt(2)), 0),
		"empty":           nil,
		"not DER":         []byte("DH PARAMETERS"),
		"over 8192 bits":  dhDER(t, new(big.Int).Lsh(small.P, 8000), big.NewInt(2)),
	}
	for name, der := range bad {
		if _, err := ParseDHParams(der); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParseDHParamsPEM([]byte("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n")); err == nil {
		t.Error("PEM without DH PARAMETERS accepted")
	}
}

// skeWith builds ServerDHParams from raw values.
func skeWith(p, g, ys []byte) []byte {
	var b cryptobyte.Builder
	for _, v := range [][]byte{p, g, ys} {
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(v) })
	}
	return b.BytesOrPanic()
}

// TestClientChecksServerDHParams feeds a client every kind of bad
// ServerDHParams; each must fail with its alert before any
// exponentiation (the 8200-bit prime included, within a bound).
func TestClientChecksServerDHParams(t *testing.T) {
	d := FFDHEGroup(wire.GroupFFDHE2048)
	p := d.P.Bytes()
	pm1 := new(big.Int).Sub(d.P, big.NewInt(1)).Bytes()
	small, _ := ParseDHParamsPEM(mustRead(t, "testdata/dh1024.pem"))
	huge := new(big.Int).Lsh(d.P, 8200-2048)
	huge.SetBit(huge, 0, 1)
	even := new(big.Int).Add(d.P, big.NewInt(1)).Bytes()
	good := skeWith(p, []byte{2}, []byte{5})
	cases := []struct {
		name string
		body []byte
		want alert.Description
	}{
		{"1024-bit prime, minimum 2048", skeWith(small.P.Bytes(), []byte{2}, []byte{5}), alert.InsufficientSecurity},
		{"Ys = 0", skeWith(p, []byte{2}, []byte{0}), alert.IllegalParameter},
		{"Ys = 1", skeWith(p, []byte{2}, []byte{1}), alert.IllegalParameter},
		{"Ys = p-1", skeWith(p, []byte{2}, pm1), alert.IllegalParameter},
		{"Ys = p", skeWith(p, []byte{2}, p), alert.IllegalParameter},
		{"Ys = p+1 (longer)", skeWith(p, []byte{2}, append([]byte{1}, p...)), alert.IllegalParameter},
		{"g = 1", skeWith(p, []byte{1}, []byte{5}), alert.IllegalParameter},
		{"g = 0", skeWith(p, []byte{0}, []byte{5}), alert.IllegalParameter},
		{"g = p-1", skeWith(p, pm1, []byte{5}), alert.IllegalParameter},
		{"even p", skeWith(even, []byte{2}, []byte{5}), alert.IllegalParameter},
		{"p = 1", skeWith([]byte{1}, []byte{2}, []byte{5}), alert.IllegalParameter},
		{"8200-bit prime", skeWith(huge.Bytes(), []byte{2}, []byte{5}), alert.IllegalParameter},
		{"truncated", good[:len(good)-1], alert.DecodeError},
		{"empty Ys", skeWith(p, []byte{2}, nil), alert.DecodeError},
		{"empty", nil, alert.DecodeError},
	}
	for _, c := range cases {
		start := time.Now()
		_, err := NewDHEClient(2048, rand.Reader).ProcessServerParams(c.body)
		wantAlertT(t, c.name, err, c.want)
		if el := time.Since(start); el > time.Second {
			t.Errorf("%s: took %v", c.name, el)
		}
	}
	// 1024 bits when asked.
	srv, _ := NewDHEServer(small, rand.Reader)
	sp, _ := srv.ServerParams()
	if _, err := NewDHEClient(1024, rand.Reader).ProcessServerParams(sp); err != nil {
		t.Errorf("1024-bit prime with minimum 1024: %v", err)
	}
}

// TestServerChecksClientDHPublic feeds a server bad ClientKeyExchange
// bodies.
func TestServerChecksClientDHPublic(t *testing.T) {
	d := FFDHEGroup(wire.GroupFFDHE2048)
	p := d.P.Bytes()
	pm1 := new(big.Int).Sub(d.P, big.NewInt(1)).Bytes()
	cke := func(y []byte) []byte {
		var b cryptobyte.Builder
		b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(y) })
		return b.BytesOrPanic()
	}
	cases := []struct {
		name string
		body []byte
		want alert.Description
	}{
		{"Yc = 0", cke([]byte{0}), alert.IllegalParameter},
		{"Yc = 1", cke([]byte{1}), alert.IllegalParameter},
		{"Yc = 1 with leading zeros", cke(append(make([]byte, 256), 1)), alert.IllegalParameter},
		{"Yc = p-1", cke(pm1), alert.IllegalParameter},
		{"Yc = p", cke(p), alert.IllegalParameter},
		{"Yc longer than p", cke(append([]byte{1}, p...)), alert.IllegalParameter},
		{"empty Yc", cke(nil), alert.DecodeError},
		{"truncated", cke(pm1)[:100], alert.DecodeError},
		{"trailing byte", append(cke([]byte{5}), 0), alert.DecodeError},
		{"empty", nil, alert.DecodeError},
	}
	for _, c := range cases {
		srv, err := NewDHEServer(d, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		_, err = srv.ProcessClientKeyExchange(c.body)
		wantAlertT(t, c.name, err, c.want)
	}
}

// TestFFDHEKeyShares runs every ffdhe group as a TLS 1.3 key share and
// checks the padding rules of RFC 8446, 4.2.8.1 and 7.4.1.
func TestFFDHEKeyShares(t *testing.T) {
	groups := FFDHEGroups()
	if testing.Short() {
		groups = groups[:2]
	}
	for _, g := range groups {
		size := FFDHEGroup(g).Size()
		cs, err := GenerateKeyShare(g, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Public()) != size {
			t.Fatalf("%s: share of %d bytes, want %d", GroupName(g), len(cs.Public()), size)
		}
		ss, zs, err := RespondKeyShare(g, cs.Public(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		zc, err := cs.Shared(ss)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(zc, zs) || len(zc) != size {
			t.Fatalf("%s: secrets differ or are not %d bytes", GroupName(g), size)
		}
	}
	d := FFDHEGroup(wire.GroupFFDHE2048)
	one := make([]byte, d.Size())
	one[len(one)-1] = 1
	pm1 := new(big.Int).Sub(d.P, big.NewInt(1)).FillBytes(make([]byte, d.Size()))
	for name, share := range map[string][]byte{
		"Y = 1": one, "Y = p-1": pm1, "Y = 0": make([]byte, d.Size()), "short": one[1:], "long": append([]byte{0}, one...),
	} {
		_, _, err := RespondKeyShare(wire.GroupFFDHE2048, share, rand.Reader)
		wantAlertT(t, "server, "+name, err, alert.IllegalParameter)
		cs, _ := GenerateKeyShare(wire.GroupFFDHE2048, rand.Reader)
		_, err = cs.Shared(share)
		wantAlertT(t, "client, "+name, err, alert.IllegalParameter)
	}
}

// BenchmarkDHE measures one side of a TLS 1.2 DHE exchange over
// ffdhe2048: a key pair and the shared secret, two exponentiations with
// 225-bit exponents.
func BenchmarkDHE(b *testing.B) {
	for _, c := range []struct {
		name   string
		params *DHParams
	}{{"ffdhe2048", FFDHEGroup(wire.GroupFFDHE2048)}, {"ffdhe3072", FFDHEGroup(wire.GroupFFDHE3072)}} {
		b.Run(c.name, func(b *testing.B) {
			peer, _ := generateDHKey(c.params, rand.Reader)
			for b.Loop() {
				k, err := generateDHKey(c.params, rand.Reader)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := k.shared(peer.public); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
