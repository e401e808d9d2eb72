package prf

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The TLS 1.2 PRF vectors posted to the IETF TLS list (msg03416) and
// reproduced by many implementations' test suites.
var tls12Vectors = []struct {
	name         string
	suite        *suites.Suite
	secret, seed string
	want         string
}{
	{
		"SHA256", suites.ByID(0xc02f), // ECDHE-RSA-AES128-GCM-SHA256
		"9bbe436ba940f017b17652849a71db35",
		"a0ba9f936cda311827a6f796ffd5198c",
		`e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a
		 6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab
		 4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701
		 87347b66`,
	},
	{
		"SHA384", suites.ByID(0xc030), // ECDHE-RSA-AES256-GCM-SHA384
		"b80b733d6ceefcdc71566ea48e5567df",
		"cd665cf6a8447dd6ff8b27555edb7465",
		`7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd
		 e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd
		 8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425
		 9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6
		 91c8f3a26854308d5eaa3be85e0990703d73e56f`,
	},
}

func TestTLS12Vectors(t *testing.T) {
	for _, v := range tls12Vectors {
		t.Run(v.name, func(t *testing.T) {
			if v.suite == nil {
				t.Fatal("suite missing from table")
			}
			for _, ver := range []uint16{wire.VersionTLS12, wire.VersionDTLS12} {
				f := ForVersion(ver, v.suite)
				want := unhex(t, v.want)
				got := make([]byte, len(want))
				f(unhex(t, v.secret), "test label", unhex(t, v.seed), got)
				if !bytes.Equal(got, want) {
					t.Errorf("%s: got %x\nwant %x", wire.VersionName(ver), got, want)
				}
				// Shorter outputs are prefixes (no state kept between blocks).
				short := make([]byte, 33)
				f(unhex(t, v.secret), "test label", unhex(t, v.seed), short)
				if !bytes.Equal(short, want[:33]) {
					t.Errorf("prefix mismatch")
				}
			}
		})
	}
}

// TestTLS10Vector is the "PRF Testvector" once published on the IETF TLS
// list for RFC 2246 and kept in several test suites.
func TestTLS10Vector(t *testing.T) {
	secret := bytes.Repeat([]byte{0xab}, 48)
	seed := bytes.Repeat([]byte{0xcd}, 64)
	want := unhex(t, `d3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754
		443bcf9a296519bc289abcbc1187e4ebd31e602353776c408aafb74cbc85eff6
		9255f9788faa184cbb957a9819d84a5d7eb006eb459d3ae8de9810454b8b2d8f
		1afbc655a8c9a013`)
	for _, ver := range []uint16{wire.VersionTLS10, wire.VersionTLS11, wire.VersionDTLS10} {
		got := make([]byte, len(want))
		ForVersion(ver, nil)(secret, "PRF Testvector", seed, got)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: got %x\nwant %x", wire.VersionName(ver), got, want)
		}
	}
}

// refPHash is a direct transcription of RFC 2246, 5, built without
// pHash's in-place XOR and buffer reuse, as an independent computation.
func refPHash(h func() hash.Hash, secret, seed []byte, n int) []byte {
	var out []byte
	a := seed
	for len(out) < n {
		m := hmac.New(h, secret)
		m.Write(a)
		a = m.Sum(nil)
		m = hmac.New(h, secret)
		m.Write(append(append([]byte{}, a...), seed...))
		out = append(out, m.Sum(nil)...)
	}
	return out[:n]
}

func TestTLS10OddSecret(t *testing.T) {
	// An odd-length secret: the halves share the middle byte (RFC 2246, 5).
	secret := []byte("0123456789abcdefg") // 17 bytes; halves [0:9] and [8:17]
	seed := []byte("some seed")
	n := 77
	md := refPHash(md5.New, secret[:9], append([]byte("lbl"), seed...), n)
	sh := refPHash(sha1.New, secret[8:], append([]byte("lbl"), seed...), n)
	for i := range md {
		md[i] ^= sh[i]
	}
	got := make([]byte, n)
	tls10(secret, "lbl", seed, got)
	if !bytes.Equal(got, md) {
		t.Errorf("got %x\nwant %x", got, md)
	}
	// And the TLS 1.2 PRF against the reference too, at odd lengths.
	for _, n := range []int{0, 1, 31, 32, 33, 100} {
		want := refPHash(sha256.New, secret, append([]byte("lbl"), seed...), n)
		got := make([]byte, n)
		tls12SHA256(secret, "lbl", seed, got)
		if !bytes.Equal(got, want) {
			t.Errorf("n=%d: got %x want %x", n, got, want)
		}
	}
}

func TestForVersion(t *testing.T) {
	if ForVersion(wire.VersionTLS13, nil) != nil {
		t.Error("TLS 1.3 has no PRF")
	}
	if ForVersion(0x0200, nil) != nil {
		t.Error("unknown version must give nil")
	}
	sha384 := suites.ByID(0xc030)
	sha256s := suites.ByID(0xc02f)
	for _, c := range []struct {
		v    uint16
		s    *suites.Suite
		want crypto.Hash
	}{
		{wire.VersionTLS10, sha384, 0},
		{wire.VersionTLS11, nil, 0},
		{wire.VersionDTLS10, nil, 0},
		{wire.VersionSSL30, nil, 0},
		{wire.VersionTLS12, nil, crypto.SHA256},
		{wire.VersionTLS12, sha256s, crypto.SHA256},
		{wire.VersionTLS12, sha384, crypto.SHA384},
		{wire.VersionDTLS12, sha384, crypto.SHA384},
		{wire.VersionTLS13, sha384, crypto.SHA384},
	} {
		if got := HashForVersion(c.v, c.s); got != c.want {
			t.Errorf("HashForVersion(%s) = %v, want %v", wire.VersionName(c.v), got, c.want)
		}
	}
}

func TestTranscript(t *testing.T) {
	var tr Transcript
	tr.Write([]byte("hello "))
	tr.Write([]byte("world"))
	if string(tr.Bytes()) != "hello world" || tr.Len() != 11 {
		t.Fatalf("Bytes = %q", tr.Bytes())
	}
	m := md5.Sum([]byte("hello world"))
	s := sha1.Sum([]byte("hello world"))
	want := append(m[:], s[:]...)
	if got := tr.Sum(0); !bytes.Equal(got, want) || len(got) != 36 {
		t.Errorf("Sum(0) = %x", got)
	}
	if got := tr.Sum(crypto.MD5SHA1); !bytes.Equal(got, want) {
		t.Errorf("Sum(MD5SHA1) = %x", got)
	}
	s256 := sha256.Sum256([]byte("hello world"))
	if got := tr.Sum(crypto.SHA256); !bytes.Equal(got, s256[:]) {
		t.Errorf("Sum(SHA256) = %x", got)
	}
	// Sum does not disturb later writes.
	tr.Write([]byte("!"))
	s256 = sha256.Sum256([]byte("hello world!"))
	if got := tr.Sum(crypto.SHA256); !bytes.Equal(got, s256[:]) {
		t.Errorf("Sum after more writes = %x", got)
	}
	if len(tr.Sum(crypto.SHA384)) != 48 {
		t.Error("SHA384 length")
	}
	tr.Reset()
	if tr.Len() != 0 {
		t.Error("Reset left data")
	}
	e := sha256.Sum256(nil)
	if got := tr.Sum(crypto.SHA256); !bytes.Equal(got, e[:]) {
		t.Error("empty transcript hash")
	}
}
