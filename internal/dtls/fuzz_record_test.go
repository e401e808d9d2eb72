package dtls

import (
	"bytes"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// fuzzRecordSuites are the protections of epoch 1 FuzzOpener reads under,
// chosen by the first input byte; epoch 0 is plaintext.
var fuzzRecordSuites = []struct {
	name string
	v    uint16
}{
	{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", wire.VersionDTLS12},
	{"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", wire.VersionDTLS12},
	{"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", wire.VersionDTLS12},
	{"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", wire.VersionDTLS10},
}

// fuzzDatagram is a valid datagram for suite m: an epoch-0 handshake
// record, then epoch-1 records of each type.
func fuzzDatagram(t testing.TB, m int) []byte {
	s := suites.ByName(fuzzRecordSuites[m].name)
	w, _ := pair(t, s, fuzzRecordSuites[m].v)
	d := seal(t, w, 0, wire.TypeHandshake, []byte("\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	d = append(d, seal(t, w, 1, wire.TypeChangeCipherSpec, []byte{1})...)
	d = append(d, seal(t, w, 1, wire.TypeHandshake, bytes.Repeat([]byte{7}, 40))...)
	d = append(d, seal(t, w, 1, wire.TypeApplicationData, nil)...)
	return append(d, seal(t, w, 1, wire.TypeAlert, []byte{1, 0})...)
}

// FuzzOpener feeds arbitrary datagrams to an Opener. Whatever the input,
// it must not panic, rest must be a suffix of what it was given (so the
// caller's loop ends), and what it accepts must be a record it could
// have been sent: a known type, a known epoch, at most 2^14 bytes.
func FuzzOpener(f *testing.F) {
	for m := range fuzzRecordSuites {
		f.Add(append([]byte{byte(m)}, fuzzDatagram(f, m)...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		m := int(in[0]) % len(fuzzRecordSuites)
		s := suites.ByName(fuzzRecordSuites[m].name)
		_, r := pair(t, s, fuzzRecordSuites[m].v)
		rest := in[1:]
		for n := 0; len(rest) > 0; n++ {
			if n > len(in) {
				t.Fatal("Open does not consume its input")
			}
			before := len(rest)
			rec, next, ok := r.Open(rest)
			if len(next) >= before {
				t.Fatalf("rest of %d bytes after a datagram of %d", len(next), before)
			}
			if ok {
				if !knownType(rec.Type) || rec.Epoch > 1 || len(rec.Data) > wire.MaxPlaintext {
					t.Fatalf("accepted %+v", rec)
				}
				if rec.Epoch == 0 && rec.Type != wire.TypeHandshake && rec.Type != wire.TypeChangeCipherSpec {
					t.Fatalf("plaintext %d record accepted after the key change", rec.Type)
				}
			}
			rest = next
		}
	})
}

// FuzzSealOpen: any payload of any type sealed in epoch 1 opens back to
// itself, in every fuzzed suite.
func FuzzSealOpen(f *testing.F) {
	f.Add(uint8(0), uint8(wire.TypeApplicationData), []byte("hello"))
	f.Add(uint8(2), uint8(wire.TypeHandshake), bytes.Repeat([]byte{0xff}, 1000))
	f.Fuzz(func(t *testing.T, m, typ uint8, data []byte) {
		if !knownType(typ) || len(data) > wire.MaxPlaintext {
			return
		}
		mode := fuzzRecordSuites[int(m)%len(fuzzRecordSuites)]
		w, r := pair(t, suites.ByName(mode.name), mode.v)
		rec, rest, ok := r.Open(seal(t, w, 1, typ, data))
		if !ok || len(rest) != 0 || rec.Type != typ || !bytes.Equal(rec.Data, data) {
			t.Fatalf("round trip failed: ok=%v", ok)
		}
	})
}
