package kx

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/ec"
	"github.com/gossl/ssl/internal/wire"
)

func TestTLS13SignedContent(t *testing.T) {
	h := sha256.Sum256([]byte("transcript"))
	for _, c := range []struct {
		server bool
		ctx    string
	}{{true, "TLS 1.3, server CertificateVerify"}, {false, "TLS 1.3, client CertificateVerify"}} {
		got := TLS13SignedContent(c.server, h[:])
		want := append(bytes.Repeat([]byte{0x20}, 64), c.ctx...)
		want = append(want, 0)
		want = append(want, h[:]...)
		if !bytes.Equal(got, want) || len(got) != 64+33+1+32 {
			t.Errorf("server=%v: %x", c.server, got)
		}
	}
}

// TestRFC8448CertificateVerify checks Verify at TLS 1.3 against the
// server CertificateVerify of RFC 8448, 3: rsa_pss_rsae_sha256 by the
// trace's 1024-bit RSA certificate over TLS13SignedContent(server,
// Transcript-Hash(ClientHello ... Certificate)).
func TestRFC8448CertificateVerify(t *testing.T) {
	msgs := readTrace(t, "testdata/rfc8448_s3.txt")
	ch, sh, ee, certMsg, cv := msgs[0], msgs[1], msgs[2], msgs[3], msgs[4]
	// Certificate: type, uint24 length, context<0..255> (empty),
	// certificate_list<0..2^24-1>, cert_data<1..2^24-1>.
	if certMsg[0] != 11 || certMsg[4] != 0 {
		t.Fatal("not a Certificate message")
	}
	n := int(certMsg[8])<<16 | int(certMsg[9])<<8 | int(certMsg[10])
	cert, err := x509.ParseCertificate(certMsg[11 : 11+n])
	if err != nil {
		t.Fatal(err)
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	d := sha256.New()
	for _, m := range [][]byte{ch, sh, ee, certMsg} {
		d.Write(m)
	}
	content := TLS13SignedContent(true, d.Sum(nil))
	// CertificateVerify: type, uint24 length, scheme, sig<0..2^16-1>.
	scheme := uint16(cv[4])<<8 | uint16(cv[5])
	sig := cv[8:]
	if scheme != wire.SigRSAPSSRSAESHA256 || len(sig) != 128 {
		t.Fatalf("scheme %x, %d-byte signature", scheme, len(sig))
	}
	if err := Verify(pub, scheme, wire.VersionTLS13, content, sig); err != nil {
		t.Fatalf("RFC 8448 CertificateVerify: %v", err)
	}
	// The client's context string does not verify.
	wantAlertT(t, "client context", Verify(pub, scheme, wire.VersionTLS13, TLS13SignedContent(false, d.Sum(nil)), sig), alert.DecryptError)
	// The same signature under PKCS #1 v1.5 is refused at 1.3 before any
	// check of the signature.
	wantAlertT(t, "pkcs1 at 1.3", Verify(pub, wire.SigRSAPKCS1SHA256, wire.VersionTLS13, content, sig), alert.IllegalParameter)
}

// readTrace reads paragraphs of hex, '#' lines ignored.
func readTrace(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	var cur strings.Builder
	for _, line := range append(strings.Split(string(data), "\n"), "") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "#"):
		case line == "":
			if cur.Len() > 0 {
				out = append(out, hexBytes(t, cur.String()))
				cur.Reset()
			}
		default:
			cur.WriteString(line)
		}
	}
	return out
}

func TestSchemesAt13(t *testing.T) {
	allowed := map[uint16]bool{
		wire.SigECDSAP256SHA256: true, wire.SigECDSAP384SHA384: true, wire.SigECDSAP521SHA512: true,
		wire.SigRSAPSSRSAESHA256: true, wire.SigRSAPSSRSAESHA384: true, wire.SigRSAPSSRSAESHA512: true,
		wire.SigRSAPSSPSSSHA256: true, wire.SigRSAPSSPSSSHA384: true, wire.SigRSAPSSPSSSHA512: true,
		wire.SigEd25519: true, wire.SigEd448: true,
		SigECDSABrainpoolP256SHA256: true, SigECDSABrainpoolP384SHA384: true, SigECDSABrainpoolP512SHA512: true,
	}
	for _, s := range allSchemes {
		if SchemeAllowedIn13(s) != allowed[s] {
			t.Errorf("SchemeAllowedIn13(%s) = %v", SchemeName(s), !allowed[s])
		}
	}
	if SchemeAllowedIn13(0x0fff) || SchemeAllowedIn13(0) {
		t.Error("unknown scheme allowed")
	}
	d13 := DefaultSignatureSchemes13()
	for _, s := range d13 {
		if !SchemeAllowedIn13(s) {
			t.Errorf("default 1.3 list has %s", SchemeName(s))
		}
	}
	var filtered []uint16
	for _, s := range DefaultSignatureSchemes() {
		if SchemeAllowedIn13(s) {
			filtered = append(filtered, s)
		}
	}
	if !slices.Equal(d13, filtered) || len(d13) != 11 {
		t.Errorf("DefaultSignatureSchemes13 = %v", names(d13))
	}

	// Sign and Verify at 1.3 refuse every scheme TLS 1.3 forbids, for
	// every key, before looking at the signature.
	msg := TLS13SignedContent(true, make([]byte, 32))
	for _, k := range testKeys() {
		for _, s := range allSchemes {
			if allowed[s] {
				continue
			}
			name := k.name + "/" + SchemeName(s)
			if _, err := Sign(k.key, s, wire.VersionTLS13, msg, rand.Reader); err == nil {
				t.Errorf("%s: signed at 1.3", name)
			}
			wantAlertT(t, name, Verify(k.key.Public(), s, wire.VersionTLS13, msg, []byte{1}), alert.IllegalParameter)
		}
	}
}

func TestECDSACurveBindingAt13(t *testing.T) {
	keys := testKeys()
	msg := TLS13SignedContent(false, make([]byte, 48))
	ecdsaKeys := map[uint16]crypto.Signer{
		wire.SigECDSAP256SHA256: keys[1].key,
		wire.SigECDSAP384SHA384: keys[2].key,
		wire.SigECDSAP521SHA512: keys[3].key,
	}
	for scheme, key := range ecdsaKeys {
		for other, otherKey := range ecdsaKeys {
			name := SchemeName(scheme) + " with " + otherKey.Public().(*ecdsa.PublicKey).Curve.Params().Name
			sig, err := Sign(otherKey, scheme, wire.VersionTLS13, msg, rand.Reader)
			if other == scheme {
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := Verify(key.Public(), scheme, wire.VersionTLS13, msg, sig); err != nil {
					t.Errorf("%s: %v", name, err)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s: signed at 1.3", name)
			}
			// At 1.2 the same pair is fine: the code point names only the hash.
			sig12, err := Sign(otherKey, scheme, wire.VersionTLS12, msg, rand.Reader)
			if err != nil {
				t.Fatalf("%s at 1.2: %v", name, err)
			}
			if err := Verify(otherKey.Public(), scheme, wire.VersionTLS12, msg, sig12); err != nil {
				t.Errorf("%s at 1.2: %v", name, err)
			}
			wantAlertT(t, name, Verify(otherKey.Public(), scheme, wire.VersionTLS13, msg, sig12), alert.IllegalParameter)
		}
	}
}

func TestSchemesForKeyAt13(t *testing.T) {
	keys := testKeys()
	for i, want := range map[int][]uint16{
		0: {wire.SigRSAPSSRSAESHA512, wire.SigRSAPSSRSAESHA384, wire.SigRSAPSSRSAESHA256},
		1: {wire.SigECDSAP256SHA256},
		2: {wire.SigECDSAP384SHA384},
		3: {wire.SigECDSAP521SHA512},
		4: {wire.SigEd25519},
	} {
		got := SignatureSchemesForKey(keys[i].key.Public(), wire.VersionTLS13)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v", keys[i].name, names(got))
		}
		for _, s := range got {
			sig, err := Sign(keys[i].key, s, wire.VersionTLS13, []byte("m"), rand.Reader)
			if err != nil {
				t.Errorf("%s/%s: %v", keys[i].name, SchemeName(s), err)
				continue
			}
			if err := Verify(keys[i].key.Public(), s, wire.VersionTLS13, []byte("m"), sig); err != nil {
				t.Errorf("%s/%s: %v", keys[i].name, SchemeName(s), err)
			}
		}
	}
	// A 1024-bit RSA key is too small for PSS with SHA-512 (RFC 8017,
	// 9.1.1: emLen >= 2·hLen + 2).
	small := smallRSA(t)
	if got := SignatureSchemesForKey(&small.PublicKey, wire.VersionTLS13); !slices.Equal(got,
		[]uint16{wire.SigRSAPSSRSAESHA384, wire.SigRSAPSSRSAESHA256}) {
		t.Errorf("RSA-1024 at 1.3: %v", names(got))
	}
}

func smallRSA(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Skip("1024-bit RSA keys unavailable:", err)
	}
	return k
}

// TestBrainpoolSchemesAt12: the RFC 8734 schemes exist for TLS 1.3
// alone. At TLS 1.2 a brainpool key signs under the ecdsa_* code points
// (which name only the hash), is offered none of RFC 8734's, and a peer
// that signs with one gets illegal_parameter, as for a scheme TLS 1.3
// forbids.
func TestBrainpoolSchemesAt12(t *testing.T) {
	priv, err := ec.ByName("brainpoolP256r1").GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	got := SignatureSchemesForKey(priv.Public(), wire.VersionTLS12)
	if len(got) == 0 || slices.Contains(got, SigECDSABrainpoolP256SHA256) {
		t.Fatalf("brainpoolP256r1 key at 1.2: %v", names(got))
	}
	if got := SignatureSchemesForKey(priv.Public(), wire.VersionTLS13); !slices.Equal(got, []uint16{SigECDSABrainpoolP256SHA256}) {
		t.Fatalf("brainpoolP256r1 key at 1.3: %v", names(got))
	}
	msg := []byte("server key exchange params")
	sig, err := Sign(priv, wire.SigECDSAP256SHA256, wire.VersionTLS12, msg, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(priv.Public(), wire.SigECDSAP256SHA256, wire.VersionTLS12, msg, sig); err != nil {
		t.Fatalf("ecdsa_secp256r1_sha256 from a brainpool key at 1.2: %v", err)
	}
	wantAlertT(t, "brainpool scheme at 1.2", Verify(priv.Public(), SigECDSABrainpoolP256SHA256, wire.VersionTLS12, msg, sig), alert.IllegalParameter)
	for _, s := range []uint16{SigECDSABrainpoolP256SHA256, SigECDSABrainpoolP384SHA384, SigECDSABrainpoolP512SHA512} {
		if SchemeAllowedIn12(s) || !SchemeAllowedIn13(s) {
			t.Errorf("%s: allowed in 1.2 %v, in 1.3 %v", SchemeName(s), SchemeAllowedIn12(s), SchemeAllowedIn13(s))
		}
	}
	if !SchemeAllowedIn12(wire.SigEd25519) || !SchemeAllowedIn12(wire.SigRSAPSSPSSSHA256) {
		t.Error("ed25519 and rsa_pss_pss_sha256 are TLS 1.2 schemes too (RFC 8422, RFC 8446 4.2.3)")
	}
}
