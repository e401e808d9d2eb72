package kx

import (
	"crypto"
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // DSA test keys
	"crypto/rand"
	"crypto/sha1"
	"encoding/asn1"
	"math/big"
	"slices"
	"sync"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/wire"
)

// testDSA is a DSA key (p of 1024 bits, q of 160) loaded the way a user's
// key is, through pki, so it signs with gossl's constant-time code.
var testDSA = sync.OnceValue(func() crypto.Signer {
	var k dsa.PrivateKey
	if err := dsa.GenerateParameters(&k.Parameters, rand.Reader, dsa.L1024N160); err != nil {
		panic(err)
	}
	if err := dsa.GenerateKey(&k, rand.Reader); err != nil {
		panic(err)
	}
	der, err := asn1.Marshal(struct {
		Version       int
		P, Q, G, Y, X *big.Int
	}{0, k.P, k.Q, k.G, k.Y, k.X})
	if err != nil {
		panic(err)
	}
	s, err := pki.ParsePrivateKeyDER(pki.KeyKindDSA, der)
	if err != nil {
		panic(err)
	}
	return s
})

// TestDSASchemes: a DSA key signs and verifies with every DSA pair at TLS
// 1.2 and DTLS 1.2, prefers SHA-256, has no TLS 1.3 scheme, and before TLS
// 1.2 signs the SHA-1 of the message (RFC 4346, 7.4.3).
func TestDSASchemes(t *testing.T) {
	key := testDSA()
	pub := key.Public()
	msg := []byte("client_random + server_random + ServerDHParams")
	want := []uint16{wire.SigDSASHA256, wire.SigDSASHA384, wire.SigDSASHA512, wire.SigDSASHA224, wire.SigDSASHA1}
	for _, v := range []uint16{wire.VersionTLS12, wire.VersionDTLS12} {
		got := SignatureSchemesForKey(pub, v)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: %v", wire.VersionName(v), names(got))
		}
		for _, s := range got {
			name := wire.VersionName(v) + "/" + SchemeName(s)
			if !IsDSAScheme(s) {
				t.Errorf("%s: not a DSA scheme", name)
			}
			sig, err := Sign(key, s, v, msg, rand.Reader)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := Verify(pub, s, v, msg, sig); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			// The same signature under another hash does not verify.
			other := wire.SigDSASHA256
			if s == other {
				other = wire.SigDSASHA1
			}
			wantAlertT(t, name+" other hash", Verify(pub, other, v, msg, sig), alert.DecryptError)
		}
	}
	if s := SignatureSchemesForKey(pub, wire.VersionTLS13); s != nil {
		t.Errorf("TLS 1.3: %v", names(s))
	}
	if _, err := Sign(key, wire.SigDSASHA256, wire.VersionTLS13, msg, rand.Reader); err == nil {
		t.Error("DSA signed at TLS 1.3")
	}
	wantAlertT(t, "TLS 1.3", Verify(pub, wire.SigDSASHA256, wire.VersionTLS13, msg, []byte{0}), alert.IllegalParameter)
	// A DSA scheme from another key, another scheme from a DSA key.
	wantAlertT(t, "dsa scheme, rsa key", Verify(testRSA().Public(), wire.SigDSASHA256, wire.VersionTLS12, msg, []byte{0}), alert.IllegalParameter)
	wantAlertT(t, "rsa scheme, dsa key", Verify(pub, wire.SigRSAPKCS1SHA256, wire.VersionTLS12, msg, []byte{0}), alert.IllegalParameter)

	for _, v := range []uint16{wire.VersionTLS10, wire.VersionTLS11, wire.VersionDTLS10} {
		sig, err := Sign(key, 0, v, msg, rand.Reader)
		if err != nil {
			t.Fatalf("%s: %v", wire.VersionName(v), err)
		}
		if err := Verify(pub, 0, v, msg, sig); err != nil {
			t.Fatalf("%s: %v", wire.VersionName(v), err)
		}
		h := sha1.Sum(msg)
		if err := pki.VerifyDSA(pub.(*dsa.PublicKey), h[:], sig); err != nil {
			t.Fatalf("%s: not a signature of SHA-1(msg): %v", wire.VersionName(v), err)
		}
	}
}

// TestDSABadSignatureAlerts: a DSA signature that does not verify is
// decrypt_error; r or s of 0 or not below q is illegal_parameter; bytes
// that are not a DER Dss-Sig-Value are decode_error. Both the TLS 1.2 and
// the TLS 1.0 paths.
func TestDSABadSignatureAlerts(t *testing.T) {
	key := testDSA()
	pub := key.Public().(*dsa.PublicKey)
	msg := []byte("signed params")
	enc := func(r, s *big.Int) []byte {
		b, _ := asn1.Marshal(struct{ R, S *big.Int }{r, s})
		return b
	}
	for _, c := range []struct {
		v      uint16
		scheme uint16
	}{{wire.VersionTLS12, wire.SigDSASHA256}, {wire.VersionTLS10, 0}} {
		good, err := Sign(key, c.scheme, c.v, msg, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(good, &rs); err != nil {
			t.Fatal(err)
		}
		q := pub.Q
		flipped := append([]byte(nil), good...)
		flipped[len(flipped)-1] ^= 1
		for _, b := range []struct {
			name string
			sig  []byte
			want alert.Description
		}{
			{"r = 0", enc(big.NewInt(0), rs.S), alert.IllegalParameter},
			{"s = 0", enc(rs.R, big.NewInt(0)), alert.IllegalParameter},
			{"r = q", enc(q, rs.S), alert.IllegalParameter},
			{"s = q", enc(rs.R, q), alert.IllegalParameter},
			{"s = q + s", enc(rs.R, new(big.Int).Add(q, rs.S)), alert.IllegalParameter},
			{"not DER", []byte{1, 2, 3}, alert.DecodeError},
			{"trailing", append(append([]byte(nil), good...), 0), alert.DecodeError},
			{"changed", flipped, alert.DecryptError},
		} {
			wantAlertT(t, wire.VersionName(c.v)+" "+b.name, Verify(pub, c.scheme, c.v, msg, b.sig), b.want)
		}
	}
}

// TestDSASchemeNames: the DSA pairs carry OTP's tuple names, and
// SchemeByName also takes dsa_sha1 ... dsa_sha512.
func TestDSASchemeNames(t *testing.T) {
	for name, s := range map[string]uint16{
		"{sha,dsa}": wire.SigDSASHA1, "{sha224,dsa}": wire.SigDSASHA224, "{sha256,dsa}": wire.SigDSASHA256,
		"{sha384,dsa}": wire.SigDSASHA384, "{sha512,dsa}": wire.SigDSASHA512,
		"dsa_sha1": wire.SigDSASHA1, "dsa_sha256": wire.SigDSASHA256, "dsa_sha512": wire.SigDSASHA512,
	} {
		if got, ok := SchemeByName(name); !ok || got != s {
			t.Errorf("%s: %#04x %v", name, got, ok)
		}
	}
	if SchemeName(wire.SigDSASHA256) != "{sha256,dsa}" {
		t.Error(SchemeName(wire.SigDSASHA256))
	}
	for _, s := range DefaultSignatureSchemes() {
		if IsDSAScheme(s) {
			t.Errorf("%s in the default list", SchemeName(s))
		}
	}
	if slices.Contains(DSASchemes(), wire.SigDSASHA1) {
		t.Error("DSASchemes adds SHA-1")
	}
}
