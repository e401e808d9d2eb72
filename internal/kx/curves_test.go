package kx

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"slices"
	"strings"
	"testing"

	"github.com/cloudflare/circl/sign/ed448"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/ec"
	"github.com/gossl/ssl/internal/wire"
)

// TestLegacyCurvesECDHE runs a TLS 1.2 ECDHE exchange over every curve of
// internal/ec and X448, and checks that a point off the curve, the point
// at infinity, a compressed point and a wrong length are refused with
// illegal_parameter on both sides (RFC 8422, 5.4 and 5.7), and on the
// binary Koblitz curves the point of order 2 as well.
func TestLegacyCurvesECDHE(t *testing.T) {
	for _, g := range legacyGroups {
		t.Run(GroupName(g), func(t *testing.T) {
			ecdheRun(t, g)
			good := mustECDHEPublic(t, g)
			bad := map[string][]byte{
				"infinity": {0},
				"short":    good[:len(good)-1],
			}
			if g != wire.GroupX448 {
				off := append([]byte(nil), good...)
				off[len(off)-1] ^= 1
				bad["off curve"] = off
				n := ec.ByTLSGroup(g).FieldLen()
				bad["compressed"] = append([]byte{2 | good[len(good)-1]&1}, good[1:1+n]...)
				if c := ec.ByTLSGroup(g); strings.HasPrefix(c.Name(), "sect") && strings.HasSuffix(c.Name(), "k1") {
					// (0, 1): on a binary Koblitz curve (b = 1) the
					// point of order 2, on the curve but refused.
					bad["order 2"] = append(make([]byte, 2*n), 1)
					bad["order 2"][0] = 4
				}
			}
			for name, p := range bad {
				cli := NewECDHEClient([]uint16{g}, rand.Reader)
				_, err := cli.ProcessServerParams(serverParams(g, p))
				wantAlertT(t, name+" (client)", err, alert.IllegalParameter)
				srv, _ := NewECDHEServer(g, rand.Reader)
				_, err = srv.ProcessClientKeyExchange(append([]byte{byte(len(p))}, p...))
				wantAlertT(t, name+" (server)", err, alert.IllegalParameter)
			}
		})
	}
}

func mustECDHEPublic(t *testing.T, g uint16) []byte {
	t.Helper()
	k, err := ecArithFor(g).generate(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k.public()
}

// TestX448KnownAnswer is RFC 7748, 6.2, through the key-share path, and a
// low-order peer value (u = 1) refused with illegal_parameter.
func TestX448KnownAnswer(t *testing.T) {
	alicePriv := hexBytes(t, "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b")
	alicePub := hexBytes(t, "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0")
	bobPub := hexBytes(t, "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609")
	k := hexBytes(t, "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d")
	key := &x448Key{}
	copy(key.priv[:], alicePriv)
	share := &ecdhShare{group: wire.GroupX448, curve: x448Curve{}, key: key}
	// Public is computed by KeyGen from the private key.
	gen, _ := x448Curve{}.generate(bytes.NewReader(alicePriv))
	if !bytes.Equal(gen.public(), alicePub) {
		t.Fatalf("X448 public %x", gen.public())
	}
	share.key = gen
	got, err := share.Shared(bobPub)
	if err != nil || !bytes.Equal(got, k) {
		t.Fatalf("X448 shared %x, %v", got, err)
	}
	one := make([]byte, 56)
	one[0] = 1
	_, err = share.Shared(one)
	wantAlertT(t, "low order", err, alert.IllegalParameter)
}

// TestTLS13NewGroups runs key shares over X448 and the RFC 8734 brainpool
// groups, and checks that the TLS 1.2 brainpool and SEC 2 code points are
// not TLS 1.3 groups (RFC 8446, 4.2.7).
func TestTLS13NewGroups(t *testing.T) {
	for _, g := range []uint16{wire.GroupX448, groupBrainpoolP256r1TLS13, groupBrainpoolP384r1TLS13, groupBrainpoolP512r1TLS13} {
		t.Run(GroupName(g), func(t *testing.T) {
			cs, err := GenerateKeyShare(g, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			ss, secret, err := RespondKeyShare(g, cs.Public(), rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			got, err := cs.Shared(ss)
			if err != nil || !bytes.Equal(got, secret) {
				t.Fatalf("shared %x vs %x, %v", got, secret, err)
			}
			_, _, err = RespondKeyShare(g, []byte{0}, rand.Reader)
			wantAlertT(t, "infinity", err, alert.IllegalParameter)
		})
	}
	for _, g := range []uint16{groupBrainpoolP256r1, 22, 21} {
		if _, err := GenerateKeyShare(g, rand.Reader); err == nil {
			t.Errorf("%s: TLS 1.3 key share made", GroupName(g))
		}
	}
}

// BenchmarkECDHECurves is one full TLS 1.2 ECDHE exchange (both sides'
// keys and agreements) per implemented group, P-256 and X25519 included
// for comparison.
func BenchmarkECDHECurves(b *testing.B) {
	for _, g := range ImplementedGroups() {
		b.Run(GroupName(g), func(b *testing.B) {
			for b.Loop() {
				srv, _ := NewECDHEServer(g, rand.Reader)
				params, _ := srv.ServerParams()
				cli := NewECDHEClient([]uint16{g}, rand.Reader)
				if _, err := cli.ProcessServerParams(params); err != nil {
					b.Fatal(err)
				}
				body, _, err := cli.ClientKeyExchange()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := srv.ProcessClientKeyExchange(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOtherKeySignatures signs and verifies the digitally-signed structs
// with internal/ec ECDSA keys and Ed448 at every version that has schemes
// for them: brainpool keys only with their RFC 8734 scheme at TLS 1.3,
// secp256k1 not at all there, any ECDSA hash at TLS 1.2, SHA-1 before;
// Ed448 with eddsa_ed448 from TLS 1.2 on (RFC 8422, 5.10). A changed
// signature gives decrypt_error, a scheme of another curve
// illegal_parameter.
func TestOtherKeySignatures(t *testing.T) {
	_, edPriv, _ := ed448.GenerateKey(rand.Reader)
	bp, _ := ec.ByName("brainpoolP384r1").GenerateKey(rand.Reader)
	k1, _ := ec.ByName("secp256k1").GenerateKey(rand.Reader)
	msg := []byte("signed params")
	for _, c := range []struct {
		name string
		key  crypto.Signer
		v    uint16
		want []uint16
	}{
		{"brainpoolP384r1/1.3", bp, wire.VersionTLS13, []uint16{SigECDSABrainpoolP384SHA384}},
		// RFC 8734's scheme is TLS 1.3's alone (TestBrainpoolSchemesAt12).
		{"brainpoolP384r1/1.2", bp, wire.VersionTLS12, []uint16{wire.SigECDSAP521SHA512, wire.SigECDSAP384SHA384, wire.SigECDSAP256SHA256, wire.SigECDSASHA224, wire.SigECDSASHA1}},
		{"secp256k1/1.3", k1, wire.VersionTLS13, nil},
		{"secp256k1/1.2", k1, wire.VersionTLS12, []uint16{wire.SigECDSAP521SHA512, wire.SigECDSAP384SHA384, wire.SigECDSAP256SHA256, wire.SigECDSASHA224, wire.SigECDSASHA1}},
		{"ed448/1.3", edPriv, wire.VersionTLS13, []uint16{wire.SigEd448}},
		{"ed448/1.2", edPriv, wire.VersionTLS12, []uint16{wire.SigEd448}},
	} {
		got := SignatureSchemesForKey(c.key.Public(), c.v)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: schemes %v, want %v", c.name, got, c.want)
		}
		for _, s := range got {
			sig, err := Sign(c.key, s, c.v, msg, rand.Reader)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, SchemeName(s), err)
			}
			if err := Verify(c.key.Public(), s, c.v, msg, sig); err != nil {
				t.Fatalf("%s %s: %v", c.name, SchemeName(s), err)
			}
			sig[len(sig)-1] ^= 1
			wantAlertT(t, c.name+" changed", Verify(c.key.Public(), s, c.v, msg, sig), alert.DecryptError)
		}
	}
	wantAlertT(t, "brainpoolP256 scheme, P-384 key", Verify(bp.Public(), SigECDSABrainpoolP256SHA256, wire.VersionTLS13, msg, []byte{0}), alert.IllegalParameter)
	// Before TLS 1.2, ECDSA signs SHA-1 of the message (RFC 8422, 5.10);
	// Ed448 cannot sign there.
	sig, err := Sign(k1, 0, wire.VersionTLS11, msg, rand.Reader)
	if err != nil || Verify(k1.Public(), 0, wire.VersionTLS11, msg, sig) != nil {
		t.Fatalf("TLS 1.1 ECDSA: %v", err)
	}
	if _, err := Sign(edPriv, 0, wire.VersionTLS11, msg, rand.Reader); err == nil {
		t.Fatal("Ed448 signed at TLS 1.1")
	}
	for name, s := range map[string]uint16{
		"ecdsa_brainpoolP256r1tls13_sha256": SigECDSABrainpoolP256SHA256,
		"eddsa_ed448":                       wire.SigEd448,
	} {
		if got, ok := SchemeByName(name); !ok || got != s {
			t.Errorf("SchemeByName(%s) = %#04x", name, got)
		}
	}
}
