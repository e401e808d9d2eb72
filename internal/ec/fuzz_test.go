package ec

import (
	"bytes"
	"testing"
)

// FuzzNewPublicKey decodes arbitrary bytes as a point of every curve (the
// first byte picks the curve): decoding must never panic, and a point it
// accepts must be on the curve, encode back to the same bytes and give a
// shared secret of the field's length. Seeds: the known-answer points of
// every curve, prime and binary (testdata/vectors.json, binvectors.json),
// their compressed forms, the point at infinity, a point off the curve,
// and on the binary curves the point of order 2 and a point with x of
// degree m.
func FuzzNewPublicKey(f *testing.F) {
	for i, v := range loadVectors(f) {
		q := unhex(f, v.Q1)
		f.Add(byte(i), q)
		c := ByName(v.Curve)
		n := c.FieldLen()
		f.Add(byte(i), append([]byte{2 | compressedBit(f, c, q)}, q[1:1+n]...))
		off := append([]byte(nil), q...)
		off[1] ^= 1
		f.Add(byte(i), off)
		f.Add(byte(i), []byte{0})
		if c.bin != nil {
			f.Add(byte(i), smallOrderPoint(c))
			big := append([]byte(nil), q...)
			big[1] |= 0x80
			f.Add(byte(i), big)
		}
	}
	cs := Curves()
	keys := make([]*PrivateKey, len(cs))
	for i, c := range cs {
		d := make([]byte, c.ScalarLen())
		d[len(d)-1] = 7
		keys[i], _ = c.NewPrivateKey(d)
	}
	f.Fuzz(func(t *testing.T, which byte, b []byte) {
		i := int(which) % len(cs)
		c := cs[i]
		for _, anyForm := range []bool{false, true} {
			var k *PublicKey
			var err error
			if anyForm {
				k, err = c.NewPublicKeyAnyForm(b)
			} else {
				k, err = c.NewPublicKey(b)
			}
			if err != nil {
				continue
			}
			if !anyForm && !bytes.Equal(k.Bytes(), b) {
				t.Fatalf("%s: re-encoding differs", c.Name())
			}
			s, err := keys[i].ECDH(k)
			if err != nil || len(s) != c.FieldLen() {
				t.Fatalf("%s: ECDH with an accepted point: %v", c.Name(), err)
			}
		}
	})
}
