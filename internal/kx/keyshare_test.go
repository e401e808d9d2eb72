package kx

import (
	"bytes"
	"crypto/ecdh"
	"crypto/mlkem"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

func hexBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// shareSizes are the key_exchange lengths of each TLS 1.3 group: client,
// server, shared secret.
var shareSizes = map[uint16][3]int{
	wire.GroupX25519MLKEM768: {1216, 1120, 64},
	wire.GroupX25519:         {32, 32, 32},
	wire.GroupSecp256r1:      {65, 65, 32},
	wire.GroupSecp384r1:      {97, 97, 48},
	wire.GroupSecp521r1:      {133, 133, 66},
}

func TestKeyShareAgreementEveryGroup(t *testing.T) {
	for _, g := range TLS13Groups() {
		t.Run(GroupName(g), func(t *testing.T) {
			ks, err := GenerateKeyShare(g, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if ks.Group() != g {
				t.Errorf("Group() = %d", ks.Group())
			}
			sz := shareSizes[g]
			pub := ks.Public()
			if len(pub) != sz[0] {
				t.Errorf("client share %d bytes, want %d", len(pub), sz[0])
			}
			srvShare, srvSecret, err := RespondKeyShare(g, pub, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if len(srvShare) != sz[1] || len(srvSecret) != sz[2] {
				t.Errorf("server share %d, secret %d; want %d, %d", len(srvShare), len(srvSecret), sz[1], sz[2])
			}
			cliSecret, err := ks.Shared(srvShare)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(cliSecret, srvSecret) {
				t.Fatal("client and server secrets differ")
			}
			// A second exchange gives another secret.
			_, other, _ := RespondKeyShare(g, pub, rand.Reader)
			if bytes.Equal(other, srvSecret) {
				t.Error("two responses gave the same secret")
			}
			// Public is stable and not aliased.
			p := ks.Public()
			p[0] ^= 0xff
			if !bytes.Equal(ks.Public(), pub) {
				t.Error("Public aliases the share")
			}
		})
	}
}

func TestKeyShareBadLengths(t *testing.T) {
	for _, g := range TLS13Groups() {
		ks, _ := GenerateKeyShare(g, rand.Reader)
		pub := ks.Public()
		srv, _, _ := RespondKeyShare(g, pub, rand.Reader)
		for _, n := range []int{0, 1, len(pub) - 1, len(pub) + 1, 32, 65, 1120, 1216, 2000} {
			if n == len(pub) {
				continue
			}
			in := make([]byte, n)
			copy(in, pub)
			_, _, err := RespondKeyShare(g, in, rand.Reader)
			wantAlertT(t, GroupName(g)+" respond", err, alert.IllegalParameter)
		}
		for _, n := range []int{0, 1, len(srv) - 1, len(srv) + 1, 32, 65, 1120, 1216} {
			if n == len(srv) {
				continue
			}
			in := make([]byte, n)
			copy(in, srv)
			_, err := ks.Shared(in)
			wantAlertT(t, GroupName(g)+" shared", err, alert.IllegalParameter)
		}
	}
}

func TestKeyShareUnimplemented(t *testing.T) {
	for _, g := range []uint16{0, 22, groupBrainpoolP256r1, groupSecP256r1MLKEM768, groupMLKEM768} {
		if _, err := GenerateKeyShare(g, rand.Reader); err == nil {
			t.Errorf("%s: generated", GroupName(g))
		}
		_, _, err := RespondKeyShare(g, make([]byte, 32), rand.Reader)
		wantAlertT(t, GroupName(g), err, alert.InternalError)
	}
}

// fixedShare builds a client share over curve with a known private key.
func fixedShare(t *testing.T, g uint16, priv []byte) KeyShare {
	t.Helper()
	key, err := curveFor(g).NewPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return &ecdhShare{group: g, curve: stdCurve{curveFor(g)}, key: stdKey{key}}
}

func TestX25519KnownAnswer(t *testing.T) {
	// RFC 7748, 6.1.
	alicePriv := hexBytes(t, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
	alicePub := hexBytes(t, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
	bobPub := hexBytes(t, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
	k := hexBytes(t, "4a5d9d5b a4ce2de1 728e3bf4 80350f25 e07e21c9 47d19e33 76f09b3c 1e161742")
	alice := fixedShare(t, wire.GroupX25519, alicePriv)
	if !bytes.Equal(alice.Public(), alicePub) {
		t.Errorf("Alice's public key %x", alice.Public())
	}
	got, err := alice.Shared(bobPub)
	if err != nil || !bytes.Equal(got, k) {
		t.Fatalf("Shared = %x, %v", got, err)
	}
	// The server side, answering Alice: its secret is what Alice computes
	// with its share.
	srv, secret, err := RespondKeyShare(wire.GroupX25519, alicePub, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := alice.Shared(srv); !bytes.Equal(again, secret) {
		t.Error("RespondKeyShare disagrees with the known key")
	}

	// RFC 8448, 3: the trace's client and server x25519 keys.
	cli := fixedShare(t, wire.GroupX25519, hexBytes(t, "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005"))
	if !bytes.Equal(cli.Public(), hexBytes(t, "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c")) {
		t.Error("RFC 8448 client public key")
	}
	got, err = cli.Shared(hexBytes(t, "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f"))
	if err != nil || !bytes.Equal(got, hexBytes(t, "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d")) {
		t.Errorf("RFC 8448 shared secret %x, %v", got, err)
	}
}

// lowOrderX25519 are u-coordinates whose X25519 output is all zeros for
// every scalar (RFC 7748, 6.1; the small-order points of Curve25519).
var lowOrderX25519 = []string{
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
}

func TestX25519LowOrderRefused(t *testing.T) {
	ks, _ := GenerateKeyShare(wire.GroupX25519, rand.Reader)
	hy, _ := GenerateKeyShare(wire.GroupX25519MLKEM768, rand.Reader)
	hyPub := hy.Public()
	hySrv, _, _ := RespondKeyShare(wire.GroupX25519MLKEM768, hyPub, rand.Reader)
	for _, h := range lowOrderX25519 {
		p := hexBytes(t, h)
		_, err := ks.Shared(p)
		wantAlertT(t, "client "+h, err, alert.IllegalParameter)
		_, _, err = RespondKeyShare(wire.GroupX25519, p, rand.Reader)
		wantAlertT(t, "server "+h, err, alert.IllegalParameter)

		// The X25519 half of the hybrid is checked the same way.
		cli := append(slices.Clone(hyPub[:mlkem.EncapsulationKeySize768]), p...)
		_, _, err = RespondKeyShare(wire.GroupX25519MLKEM768, cli, rand.Reader)
		wantAlertT(t, "hybrid server "+h, err, alert.IllegalParameter)
		srv := append(slices.Clone(hySrv[:mlkem.CiphertextSize768]), p...)
		_, err = hy.Shared(srv)
		wantAlertT(t, "hybrid client "+h, err, alert.IllegalParameter)
	}
}

func TestNISTKeyShareValidation(t *testing.T) {
	for _, g := range []uint16{wire.GroupSecp256r1, wire.GroupSecp384r1, wire.GroupSecp521r1} {
		ks, _ := GenerateKeyShare(g, rand.Reader)
		pub := ks.Public()
		if pub[0] != 4 {
			t.Errorf("%s: share not uncompressed", GroupName(g))
		}
		n := (len(pub) - 1) / 2
		compressed := append([]byte{2 + pub[len(pub)-1]&1}, pub[1:1+n]...)
		offCurve := slices.Clone(pub)
		offCurve[len(offCurve)-1] ^= 1
		hybridForm := slices.Clone(pub)
		hybridForm[0] = 6 | pub[len(pub)-1]&1
		for name, bad := range map[string][]byte{
			"compressed":  compressed,
			"off curve":   offCurve,
			"infinity":    {0},
			"hybrid form": hybridForm,
			"zero point":  append([]byte{4}, make([]byte, 2*n)...),
		} {
			_, _, err := RespondKeyShare(g, bad, rand.Reader)
			wantAlertT(t, GroupName(g)+" respond "+name, err, alert.IllegalParameter)
			_, err = ks.Shared(bad)
			wantAlertT(t, GroupName(g)+" shared "+name, err, alert.IllegalParameter)
		}
	}
}

func TestX25519MLKEM768Layout(t *testing.T) {
	// ML-KEM comes first in all three values (draft-ietf-tls-ecdhe-mlkem, 3).
	ks, _ := GenerateKeyShare(wire.GroupX25519MLKEM768, rand.Reader)
	h := ks.(*x25519MLKEM768Share)
	pub := ks.Public()
	if !bytes.Equal(pub[:1184], h.dk.EncapsulationKey().Bytes()) || !bytes.Equal(pub[1184:], h.ecd.PublicKey().Bytes()) {
		t.Fatal("client share is not ek ‖ x25519")
	}
	srv, secret, err := RespondKeyShare(wire.GroupX25519MLKEM768, pub, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	kem, err := h.dk.Decapsulate(srv[:1088])
	if err != nil {
		t.Fatal(err)
	}
	peer, _ := ecdh.X25519().NewPublicKey(srv[1088:])
	xs, _ := h.ecd.ECDH(peer)
	if !bytes.Equal(secret, append(kem, xs...)) {
		t.Fatal("shared secret is not ML-KEM ‖ X25519")
	}

	// A tampered ciphertext decapsulates to ML-KEM's implicit-rejection
	// key: no error, but a different secret.
	bad := slices.Clone(srv)
	bad[10] ^= 1
	got, err := ks.Shared(bad)
	if err != nil || bytes.Equal(got, secret) || len(got) != 64 {
		t.Errorf("tampered ciphertext: %v", err)
	}
}

func TestX25519MLKEM768BadEncapsulationKey(t *testing.T) {
	ks, _ := GenerateKeyShare(wire.GroupX25519MLKEM768, rand.Reader)
	pub := ks.Public()
	// Coefficients are 12-bit values that must be below q = 3329 (FIPS 203,
	// 7.2, modulus check); 0xfff is not.
	bad := slices.Clone(pub)
	bad[0], bad[1] = 0xff, 0x0f
	_, _, err := RespondKeyShare(wire.GroupX25519MLKEM768, bad, rand.Reader)
	wantAlertT(t, "coefficient >= q", err, alert.IllegalParameter)
	allFF := slices.Clone(pub)
	for i := range 1184 {
		allFF[i] = 0xff
	}
	_, _, err = RespondKeyShare(wire.GroupX25519MLKEM768, allFF, rand.Reader)
	wantAlertT(t, "all 0xff", err, alert.IllegalParameter)
}

func TestGroupSets(t *testing.T) {
	want := []uint16{wire.GroupX25519MLKEM768, wire.GroupX25519, wire.GroupSecp256r1, wire.GroupSecp384r1, wire.GroupSecp521r1}
	if !slices.Equal(TLS13Groups(), want) {
		t.Errorf("TLS13Groups = %v", TLS13Groups())
	}
	if !slices.Equal(DefaultKeyShareGroups(), want[:2]) {
		t.Errorf("DefaultKeyShareGroups = %v", DefaultKeyShareGroups())
	}
	// SupportedGroups, used by TLS 1.2 ECDHE, is unchanged.
	if !slices.Equal(SupportedGroups(), want[1:]) {
		t.Errorf("SupportedGroups = %v", SupportedGroups())
	}
	// Callers own the slices.
	TLS13Groups()[0] = 0
	DefaultKeyShareGroups()[0] = 0
	if TLS13Groups()[0] != wire.GroupX25519MLKEM768 || DefaultKeyShareGroups()[0] != wire.GroupX25519MLKEM768 {
		t.Error("returned slices alias package state")
	}
	for _, g := range DefaultKeyShareGroups() {
		if !slices.Contains(TLS13Groups(), g) {
			t.Errorf("default key share %s not implemented", GroupName(g))
		}
	}
	for g, want := range map[uint16][2]bool{ // hybrid, fits TLS 1.2
		wire.GroupX25519MLKEM768: {true, false},
		groupSecP256r1MLKEM768:   {true, false},
		groupSecP384r1MLKEM1024:  {true, false},
		groupMLKEM768:            {false, false},
		31:                       {false, false},
		wire.GroupX25519:         {false, true},
		wire.GroupSecp256r1:      {false, true},
		wire.GroupSecp521r1:      {false, true},
		wire.GroupFFDHE2048:      {false, true},
		26:                       {false, true},
	} {
		if GroupIsHybrid(g) != want[0] || GroupFitsTLS12(g) != want[1] {
			t.Errorf("%s: hybrid %v, fits 1.2 %v", GroupName(g), GroupIsHybrid(g), GroupFitsTLS12(g))
		}
	}
	for _, g := range SupportedGroups() {
		if !GroupFitsTLS12(g) {
			t.Errorf("%s in SupportedGroups does not fit TLS 1.2", GroupName(g))
		}
	}
}

func TestGroupNamesPQ(t *testing.T) {
	for name, g := range map[string]uint16{
		"x25519mlkem768":     wire.GroupX25519MLKEM768,
		"X25519MLKEM768":     wire.GroupX25519MLKEM768,
		"secp256r1mlkem768":  groupSecP256r1MLKEM768,
		"SecP256r1MLKEM768":  groupSecP256r1MLKEM768,
		"secp384r1mlkem1024": groupSecP384r1MLKEM1024,
		"mlkem768":           groupMLKEM768,
		"MLKEM1024":          groupMLKEM1024,
		"x25519":             wire.GroupX25519,
	} {
		if got, ok := GroupByName(name); !ok || got != g {
			t.Errorf("GroupByName(%q) = %d, %v", name, got, ok)
		}
	}
	if GroupName(wire.GroupX25519MLKEM768) != "x25519mlkem768" {
		t.Error(GroupName(wire.GroupX25519MLKEM768))
	}
	// Case folding is only for the PQ names, which have IANA mixed-case
	// spellings; Erlang's atoms are otherwise exact.
	if _, ok := GroupByName("X25519"); ok {
		t.Error("GroupByName folded case for a classic group")
	}
}

func TestKeyShareErrorsHoldNoKeyMaterial(t *testing.T) {
	ks, _ := GenerateKeyShare(wire.GroupX25519, rand.Reader)
	p := hexBytes(t, lowOrderX25519[1])
	_, err := ks.Shared(p)
	if err == nil || strings.Contains(err.Error(), hex.EncodeToString(p)) || strings.Contains(err.Error(), hex.EncodeToString(ks.Public())) {
		t.Errorf("error %v", err)
	}
}
