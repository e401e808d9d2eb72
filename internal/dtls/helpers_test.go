package dtls

import (
	"testing"

	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

var dtlsVersions = []uint16{wire.VersionDTLS10, wire.VersionDTLS12}

// testKeys returns deterministic key material of the sizes s needs, cut
// from one counting sequence that starts at seed.
func testKeys(s *suites.Suite, seed byte) (key, macKey, iv []byte) {
	var block [128]byte
	for i := range block {
		block[i] = seed + byte(i)
	}
	info := s.Cipher.Info()
	key = block[:info.KeyLen]
	if n := s.MAC.Size(); n > 0 {
		macKey = block[32 : 32+n]
	}
	return key, macKey, block[96 : 96+info.FixedIVLen]
}

// testProtector builds the protector of s at DTLS version v with key
// material derived from seed; both ends of a test use the same seed.
func testProtector(t testing.TB, s *suites.Suite, v uint16, seed byte) record.Protector {
	t.Helper()
	key, macKey, iv := testKeys(s, seed)
	p, err := NewProtector(s, v, key, macKey, iv)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// eachDTLSSuite runs f for every suite DTLS can use, at each DTLS version
// it allows: the AEAD and CBC suites of TLS 1.1 and 1.2.
func eachDTLSSuite(t *testing.T, f func(t *testing.T, s *suites.Suite, v uint16)) {
	n := 0
	for _, s := range suites.All() {
		if info := s.Cipher.Info(); !info.AEAD && info.BlockSize == 0 {
			continue
		}
		for _, v := range dtlsVersions {
			if !s.SupportsVersion(wire.TLSVersion(v)) {
				continue
			}
			n++
			t.Run(s.Name+"/"+wire.VersionName(v), func(t *testing.T) { f(t, s, v) })
		}
	}
	if n == 0 {
		t.Fatal("no suite usable with DTLS")
	}
}

// pair returns a Sealer and an Opener in epoch 1 under the same keys of
// suite s at version v (epoch 0 stays as the previous epoch).
func pair(t testing.TB, s *suites.Suite, v uint16) (*Sealer, *Opener) {
	t.Helper()
	w, r := &Sealer{}, &Opener{}
	w.SetVersion(v)
	r.SetVersion(v)
	if err := w.NextEpoch(testProtector(t, s, v, 7)); err != nil {
		t.Fatal(err)
	}
	if err := r.NextEpoch(testProtector(t, s, v, 7)); err != nil {
		t.Fatal(err)
	}
	return w, r
}

// seal seals one record into a fresh buffer.
func seal(t testing.TB, w *Sealer, epoch uint16, typ uint8, data []byte) []byte {
	t.Helper()
	out, err := w.Seal(make([]byte, 0, len(data)+w.Overhead(epoch)), epoch, typ, data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// eachRecord opens the records of a datagram one by one and passes each
// to f before opening the next (a ChangeCipherSpec must take effect
// before the record after it), failing the test if one is discarded.
func eachRecord(t testing.TB, r *Opener, dgram []byte, f func(Record)) {
	t.Helper()
	for rest := dgram; len(rest) > 0; {
		rec, next, ok := r.Open(rest)
		if !ok {
			t.Fatal("record discarded")
		}
		f(rec)
		rest = next
	}
}
