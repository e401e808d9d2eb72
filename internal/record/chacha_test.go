package record

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// Known answers for the RFC 8439 AEAD (the first is RFC 8439's own key and
// nonce with empty input; the second is a TLS 1.2 Finished record).
var chachaVectors = []struct{ plaintext, aad, key, nonce, out string }{
	{"", "", "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", "070000004041424344454647", "a0784d7a4716f3feb4f64e7f4b39bf04"},
	{"1400000cebccee3bf561b292340fec60", "00000000000000001603030010", "a5117e70953568bf750862df9e6f92af81677c3a188e847917a4a915bda7792e", "129039b5572e8a7a8131f76a", "2b487a2941bc07f3cc76d1a531662588ee7c2598e59778c24d5b27559a80d163"},
	{"0967de57eefe1aaa999b9b746d88a1a248000d8734e0e938c6aa87", "e4f0a3a4f90a8250f8806aa319053e8d73c62f150e2f239563037e9cc92823ad18c65111d0d462c954cc6c6ed2aafb45702a5a7e597d13bd8091594ab97cf7d1", "f2db28620582e05f00f31c808475ca3df1c20e340bf14828352499466d79295f", "4349e2131d44dc711148dfe3", "bd06cc144fdc0d8b735fa4452eabbf78fd4ad2966ea41a84f68da40ca2da439777bc2ba6c4ec2de0d003eb"},
}

func TestChaCha20Poly1305Vectors(t *testing.T) {
	h := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	for i, v := range chachaVectors {
		a, err := newChaCha20Poly1305(h(v.key))
		if err != nil {
			t.Fatal(err)
		}
		got := a.Seal(nil, h(v.nonce), h(v.plaintext), h(v.aad))
		if !bytes.Equal(got, h(v.out)) {
			t.Fatalf("vector %d: sealed %x", i, got)
		}
		pt, err := a.Open(got[:0], h(v.nonce), got, h(v.aad))
		if err != nil || !bytes.Equal(pt, h(v.plaintext)) {
			t.Fatalf("vector %d: open: %v", i, err)
		}
		got[len(got)-1] ^= 1
		if _, err := a.Open(nil, h(v.nonce), got, h(v.aad)); err == nil {
			t.Fatalf("vector %d: forged tag accepted", i)
		}
	}
}
