package ec

import (
	"bytes"
	"testing"
)

// FuzzNewPublicKey decodes arbitrary bytes as a point of every curve (the
// first byte picks the curve): decoding must never panic, and a point it
// accepts must be on the curve, encode back to the same bytes and give a
// shared secret of the field's length. Seeds: the known-answer points,
// their compressed forms, the point at infinity and a point off the curve.
func FuzzNewPublicKey(f *testing.F) {
	for i, v := range loadVectors(f) {
		q := unhex(f, v.Q1)
		f.Add(byte(i), q)
		n := ByName(v.Curve).FieldLen()
		f.Add(byte(i), append([]byte{2 | q[len(q)-1]&1}, q[1:1+n]...))
		off := append([]byte(nil), q...)
		off[1] ^= 1
		f.Add(byte(i), off)
		f.Add(byte(i), []byte{0})
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
