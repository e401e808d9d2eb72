package record

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

var versions = []uint16{wire.VersionTLS10, wire.VersionTLS11, wire.VersionTLS12}

// keyBlock returns deterministic key material of the sizes s needs.
func keyBlock(s *suites.Suite, seed byte) (key, macKey, iv []byte) {
	info := s.Cipher.Info()
	fill := func(n int, b byte) []byte {
		out := make([]byte, n)
		for i := range out {
			out[i] = b + byte(i)
		}
		return out
	}
	key = fill(info.KeyLen, seed)
	if n := s.MAC.Size(); n > 0 {
		macKey = fill(n, seed+0x40)
	}
	iv = fill(info.FixedIVLen, seed+0x80)
	return
}

// protectorPair returns two protectors with the same keys: one to seal,
// one to open (they keep separate CBC chain state, as the two ends do).
func protectorPair(t testing.TB, s *suites.Suite, v uint16) (seal, open Protector) {
	t.Helper()
	return pairOf(t, s, v, NewProtector)
}

// pairOf is protectorPair with the constructor newP.
func pairOf(t testing.TB, s *suites.Suite, v uint16, newP func(*suites.Suite, uint16, []byte, []byte, []byte) (Protector, error)) (seal, open Protector) {
	t.Helper()
	key, macKey, iv := keyBlock(s, 1)
	seal, err := newP(s, v, key, macKey, iv)
	if err != nil {
		t.Fatal(err)
	}
	open, err = newP(s, v, key, macKey, iv)
	if err != nil {
		t.Fatal(err)
	}
	return seal, open
}

// eachSuite runs f for every implemented suite at every version it allows.
func eachSuite(t *testing.T, f func(t *testing.T, s *suites.Suite, v uint16)) {
	for _, s := range suites.All() {
		for _, v := range versions {
			if !s.SupportsVersion(v) {
				continue
			}
			t.Run(fmt.Sprintf("%s/%s", s.Name, wire.VersionName(v)), func(t *testing.T) { f(t, s, v) })
		}
	}
}

// pipe is a writer and reader joined by a buffer, with protection
// installed on both ends when s is not nil.
func pipe(t testing.TB, s *suites.Suite, v uint16) (*Writer, *Reader, *bytes.Buffer) {
	var buf bytes.Buffer
	w, r := NewWriter(&buf), NewReader(&buf)
	w.SetVersion(v)
	r.SetVersion(v)
	if s != nil {
		ps, po := protectorPair(t, s, v)
		w.SetProtector(ps)
		r.SetProtector(po)
	}
	return w, r, &buf
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

func wantAlert(t *testing.T, err error, d alert.Description) {
	t.Helper()
	var a *alert.Error
	if !errors.As(err, &a) || a.Desc != d {
		t.Fatalf("got error %v, want alert %v", err, d)
	}
}

// suiteByCipher returns the first TLS 1.0–1.2 suite with cipher c and MAC m.
func suiteByCipher(c suites.Cipher, m suites.MAC) *suites.Suite {
	for _, s := range suites.All() {
		if s.Cipher == c && s.MAC == m && !s.TLS13() {
			return s
		}
	}
	panic("no such suite")
}

// record builds a raw record header and fragment.
func record(typ uint8, vers uint16, frag []byte) []byte {
	out := []byte{typ, byte(vers >> 8), byte(vers), byte(len(frag) >> 8), byte(len(frag))}
	return append(out, frag...)
}
