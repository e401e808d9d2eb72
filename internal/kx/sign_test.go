package kx

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"slices"
	"sync"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

type testKey struct {
	name string
	key  crypto.Signer
}

var testKeys = sync.OnceValue(func() []testKey {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	return []testKey{{"rsa", testRSA()}, {"p256", p256}, {"p384", p384}, {"p521", p521}, {"ed25519", ed}}
})

var allSchemes = func() []uint16 {
	var s []uint16
	for k := range schemes {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}()

func TestSignVerifyEveryScheme(t *testing.T) {
	msg := []byte("client_random + server_random + params")
	for _, v := range []uint16{wire.VersionTLS12, wire.VersionDTLS12, wire.VersionTLS13} {
		for _, k := range testKeys() {
			can := SignatureSchemesForKey(k.key.Public(), v)
			if len(can) == 0 {
				t.Errorf("%s %s: no schemes", wire.VersionName(v), k.name)
			}
			for _, s := range allSchemes {
				name := wire.VersionName(v) + "/" + k.name + "/" + SchemeName(s)
				sig, err := Sign(k.key, s, v, msg, rand.Reader)
				if !slices.Contains(can, s) {
					// Not offered for this key; Sign may still work for
					// schemes the key can make (rsa_pss_pss_*, ECDSA with a
					// foreign hash at 1.2), but Verify must agree with it.
					if err == nil {
						if err := Verify(k.key.Public(), s, v, msg, sig); err != nil {
							t.Errorf("%s: Sign ok but Verify: %v", name, err)
						}
					} else {
						err := Verify(k.key.Public(), s, v, msg, []byte{1})
						wantAlertT(t, name, err, alert.IllegalParameter)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: Sign: %v", name, err)
					continue
				}
				if err := Verify(k.key.Public(), s, v, msg, sig); err != nil {
					t.Errorf("%s: Verify: %v", name, err)
				}
				bad := append([]byte{}, msg...)
				bad[0] ^= 1
				wantAlertT(t, name+" tampered msg", Verify(k.key.Public(), s, v, bad, sig), alert.DecryptError)
				sig[len(sig)/2] ^= 1
				wantAlertT(t, name+" tampered sig", Verify(k.key.Public(), s, v, msg, sig), alert.DecryptError)
			}
		}
	}
}

func wantAlertT(t *testing.T, name string, err error, d alert.Description) {
	t.Helper()
	a, ok := err.(*alert.Error)
	if !ok || a.Desc != d {
		t.Errorf("%s: got %v, want %v", name, err, d)
	}
}

func TestSchemeKeyMismatch(t *testing.T) {
	keys := testKeys()
	rsaKey, p256, p384, ed := keys[0].key, keys[1].key, keys[2].key, keys[4].key
	msg := []byte("m")
	for _, c := range []struct {
		name   string
		key    crypto.Signer
		scheme uint16
		v      uint16
	}{
		{"ecdsa scheme, rsa key", rsaKey, wire.SigECDSAP256SHA256, wire.VersionTLS12},
		{"rsa scheme, ecdsa key", p256, wire.SigRSAPSSRSAESHA256, wire.VersionTLS12},
		{"pkcs1 at 1.3", rsaKey, wire.SigRSAPKCS1SHA256, wire.VersionTLS13},
		{"sha1 at 1.3", p256, wire.SigECDSASHA1, wire.VersionTLS13},
		{"curve mismatch at 1.3", p384, wire.SigECDSAP256SHA256, wire.VersionTLS13},
		{"ed25519 scheme, rsa key", rsaKey, wire.SigEd25519, wire.VersionTLS12},
		{"ed448", ed, wire.SigEd448, wire.VersionTLS13},
		{"dsa", rsaKey, wire.SigDSASHA1, wire.VersionTLS12},
		{"unknown", rsaKey, 0x0fff, wire.VersionTLS12},
		{"scheme at 1.1", rsaKey, wire.SigRSAPKCS1SHA256, wire.VersionTLS11},
	} {
		if _, err := Sign(c.key, c.scheme, c.v, msg, rand.Reader); err == nil {
			t.Errorf("%s: Sign accepted", c.name)
		}
		wantAlertT(t, c.name, Verify(c.key.Public(), c.scheme, c.v, msg, []byte{0}), alert.IllegalParameter)
	}
	// At TLS 1.2 ECDSA code points name only the hash: a P-384 key may
	// sign "ecdsa_secp256r1_sha256" (ECDSA with SHA-256).
	sig, err := Sign(p384, wire.SigECDSAP256SHA256, wire.VersionTLS12, msg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(p384.Public(), wire.SigECDSAP256SHA256, wire.VersionTLS12, msg, sig); err != nil {
		t.Fatal(err)
	}
}

func TestSignVerifyLegacy(t *testing.T) {
	msg := []byte("randoms and ServerECDHParams")
	for _, v := range []uint16{wire.VersionSSL30, wire.VersionTLS10, wire.VersionTLS11, wire.VersionDTLS10} {
		for _, k := range testKeys() {
			name := wire.VersionName(v) + "/" + k.name
			if SignatureSchemesForKey(k.key.Public(), v) != nil {
				t.Errorf("%s: schemes before TLS 1.2", name)
			}
			sig, err := Sign(k.key, 0, v, msg, rand.Reader)
			if k.name == "ed25519" {
				if err == nil {
					t.Errorf("%s: Ed25519 signed before TLS 1.2", name)
				}
				wantAlertT(t, name, Verify(k.key.Public(), 0, v, msg, []byte{1}), alert.IllegalParameter)
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := Verify(k.key.Public(), 0, v, msg, sig); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			sig[len(sig)-3] ^= 1
			wantAlertT(t, name, Verify(k.key.Public(), 0, v, msg, sig), alert.DecryptError)
		}
	}
	// The TLS 1.0 RSA signature is over MD5‖SHA-1 with no DigestInfo.
	sig, _ := Sign(testRSA(), 0, wire.VersionTLS10, msg, rand.Reader)
	digest, h, _ := legacyPart(testRSA().Public(), md5SHA1(msg))
	if h != crypto.MD5SHA1 || len(digest) != 36 {
		t.Fatal("legacy RSA digest")
	}
	if err := verifyRawPKCS1(testRSA(), digest, sig); err != nil {
		t.Fatal(err)
	}
}

func TestSchemesForKey(t *testing.T) {
	keys := testKeys()
	rsa12 := SignatureSchemesForKey(keys[0].key.Public(), wire.VersionTLS12)
	want := []uint16{wire.SigRSAPSSRSAESHA512, wire.SigRSAPSSRSAESHA384, wire.SigRSAPSSRSAESHA256,
		wire.SigRSAPKCS1SHA512, wire.SigRSAPKCS1SHA384, wire.SigRSAPKCS1SHA256, wire.SigRSAPKCS1SHA224, wire.SigRSAPKCS1SHA1}
	if !slices.Equal(rsa12, want) {
		t.Errorf("RSA 1.2: %v", names(rsa12))
	}
	rsa13 := SignatureSchemesForKey(keys[0].key.Public(), wire.VersionTLS13)
	if !slices.Equal(rsa13, want[:3]) {
		t.Errorf("RSA 1.3: %v", names(rsa13))
	}
	p384 := SignatureSchemesForKey(keys[2].key.Public(), wire.VersionTLS13)
	if !slices.Equal(p384, []uint16{wire.SigECDSAP384SHA384}) {
		t.Errorf("P-384 1.3: %v", names(p384))
	}
	p384 = SignatureSchemesForKey(keys[2].key.Public(), wire.VersionTLS12)
	if p384[0] != wire.SigECDSAP384SHA384 || len(p384) != 5 || !slices.Contains(p384, wire.SigECDSASHA1) {
		t.Errorf("P-384 1.2: %v", names(p384))
	}
	if s := SignatureSchemesForKey(keys[4].key.Public(), wire.VersionTLS12); !slices.Equal(s, []uint16{wire.SigEd25519}) {
		t.Errorf("Ed25519: %v", names(s))
	}
	if SignatureSchemesForKey("not a key", wire.VersionTLS12) != nil {
		t.Error("unknown key type")
	}
}

func names(s []uint16) []string {
	var n []string
	for _, x := range s {
		n = append(n, SchemeName(x))
	}
	return n
}

func TestSchemeNames(t *testing.T) {
	for s, want := range map[uint16]string{
		wire.SigRSAPSSRSAESHA256: "rsa_pss_rsae_sha256",
		wire.SigECDSAP256SHA256:  "ecdsa_secp256r1_sha256",
		wire.SigRSAPKCS1SHA256:   "rsa_pkcs1_sha256",
		wire.SigEd25519:          "eddsa_ed25519",
		wire.SigRSAPSSPSSSHA512:  "rsa_pss_pss_sha512",
		wire.SigRSAPKCS1SHA1:     "rsa_pkcs1_sha1",
		wire.SigECDSASHA1:        "ecdsa_sha1",
		wire.SigRSAPKCS1SHA224:   "{sha224,rsa}",
		0x0fff:                   "unknown",
	} {
		if got := SchemeName(s); got != want {
			t.Errorf("SchemeName(%#04x) = %q, want %q", s, got, want)
		}
		if want == "unknown" {
			continue
		}
		if got, ok := SchemeByName(want); !ok || got != s {
			t.Errorf("SchemeByName(%q) = %#04x", want, got)
		}
	}
	if s, ok := SchemeByName("ed25519"); !ok || s != wire.SigEd25519 {
		t.Error("ed25519 alias")
	}
	d := DefaultSignatureSchemes()
	if d[0] != wire.SigEd25519 || d[len(d)-1] != wire.SigRSAPKCS1SHA224 || len(d) != 16 {
		t.Errorf("defaults: %v", names(d))
	}
	seen := map[uint16]bool{}
	for _, s := range d {
		if seen[s] || SchemeName(s) == "unknown" {
			t.Errorf("default %#04x duplicated or unnamed", s)
		}
		seen[s] = true
	}
	// Every TLS 1.2 pair of the OTP manual's default except {sha,dsa}
	// and, since RFC 9155, the SHA-1 pairs.
	for _, h := range []byte{6, 5, 4, 3} {
		for _, a := range []byte{1, 3} {
			if !seen[uint16(h)<<8|uint16(a)] {
				t.Errorf("default lacks {%d,%d}", h, a)
			}
		}
	}
	for _, s := range []uint16{wire.SigRSAPKCS1SHA1, wire.SigECDSASHA1} {
		if seen[s] {
			t.Errorf("default holds the SHA-1 scheme %s (RFC 9155)", SchemeName(s))
		}
	}
}

// TestPSSSchemeMustMatchKeyType: RFC 8446, Section 4.2.3 binds
// rsa_pss_pss_* to id-RSASSA-PSS keys and rsa_pss_rsae_* to rsaEncryption
// keys. A valid PSS signature from an rsaEncryption key sent under an
// rsa_pss_pss_* code point is refused with illegal_parameter, in TLS 1.2
// and 1.3; so is any scheme for an id-RSASSA-PSS key, which Go's x509
// parses without a key (nil), rsa_pss_rsae_* included.
func TestPSSSchemeMustMatchKeyType(t *testing.T) {
	key := testKeys()[0].key
	msg := []byte("signed params")
	for _, v := range []uint16{wire.VersionTLS12, wire.VersionTLS13} {
		for _, pair := range [][2]uint16{
			{wire.SigRSAPSSRSAESHA256, wire.SigRSAPSSPSSSHA256},
			{wire.SigRSAPSSRSAESHA384, wire.SigRSAPSSPSSSHA384},
			{wire.SigRSAPSSRSAESHA512, wire.SigRSAPSSPSSSHA512},
		} {
			rsae, pss := pair[0], pair[1]
			// The same PSS signature (same hash, salt as long as it) is
			// valid under rsae and must not pass under pss.
			sig, err := Sign(key, rsae, v, msg, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(key.Public(), rsae, v, msg, sig); err != nil {
				t.Fatalf("%s: %v", SchemeName(rsae), err)
			}
			name := wire.VersionName(v) + " " + SchemeName(pss) + " from an rsaEncryption key"
			wantAlertT(t, name, Verify(key.Public(), pss, v, msg, sig), alert.IllegalParameter)
			if _, err := Sign(key, pss, v, msg, rand.Reader); err == nil {
				t.Errorf("%s: Sign made it", name)
			}
			wantAlertT(t, wire.VersionName(v)+" "+SchemeName(rsae)+" from an id-RSASSA-PSS key", Verify(nil, rsae, v, msg, sig), alert.IllegalParameter)
		}
	}
}

// TestSignSSL3: an SSL 3.0 CertificateVerify signs a 36-byte value made
// from the master secret (RFC 6101, 5.6.8), not a hash of a message:
// RSA all 36 bytes with no DigestInfo, DSA and ECDSA the SHA-1 half. A
// value of another length is refused.
func TestSignSSL3(t *testing.T) {
	d := make([]byte, 36)
	for i := range d {
		d[i] = byte(i)
	}
	for name, k := range map[string]crypto.Signer{"rsa": testRSA(), "ecdsa": testKeys()[1].key} {
		sig, err := SignSSL3(k, d, rand.Reader)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := VerifySSL3(k.Public(), d, sig); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		d2 := bytes.Clone(d)
		d2[35] ^= 1 // in the SHA-1 half, which every key type signs
		wantAlertT(t, name, VerifySSL3(k.Public(), d2, sig), alert.DecryptError)
		if _, err := SignSSL3(k, d[:20], rand.Reader); err == nil {
			t.Errorf("%s: a 20-byte value was signed", name)
		}
	}
	sig, _ := SignSSL3(testRSA(), d, rand.Reader)
	if err := verifyRawPKCS1(testRSA(), d, sig); err != nil {
		t.Fatal(err)
	}
}
