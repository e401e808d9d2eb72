package dtls

import (
	"testing"
	"time"

	"github.com/gossl/ssl/internal/wire"
)

// splitPayloads cuts fuzz input into record payloads: each starts with a
// one-byte length.
func splitPayloads(in []byte) [][]byte {
	var out [][]byte
	for len(in) > 0 {
		n := min(int(in[0]), len(in)-1)
		out = append(out, in[1:1+n])
		in = in[1+n:]
	}
	return out
}

// joinPayloads is the inverse of splitPayloads, for seeds.
func joinPayloads(ps ...[]byte) []byte {
	var out []byte
	for _, p := range ps {
		out = append(out, byte(len(p)))
		out = append(out, p...)
	}
	return out
}

// FuzzReassembler feeds arbitrary fragments, in arbitrary record
// payloads, to a Reassembler with a small max_handshake_size. Whatever
// the input: no panic, the memory held stays within its bound, and every
// message it delivers is a whole message in the unfragmented form with
// the next message_seq.
func FuzzReassembler(f *testing.F) {
	m := dtlsMsg(wire.TypeCertificate, 0, 200, 1)
	f.Add(joinPayloads(frag(m, 100, 100), frag(m, 0, 120), frag(m, 50, 10)))
	f.Add(joinPayloads(dtlsMsg(wire.TypeServerHello, 0, 40, 2), dtlsMsg(wire.TypeServerHelloDone, 1, 0, 0)))
	f.Add(joinPayloads(append(frag(dtlsMsg(wire.TypeFinished, 1, 12, 3), 0, 12), frag(m, 0, 200)...)))
	f.Fuzz(func(t *testing.T, in []byte) {
		const max = 1000
		r := NewReassembler(0, max)
		next := uint16(0)
		for _, p := range splitPayloads(in) {
			if _, err := r.Add(p); err != nil {
				continue
			}
			if r.held > 2*max+wire.DTLSHeaderLen*reassemblyWindow {
				t.Fatalf("%d bytes held", r.held)
			}
			for msg, ok := r.Next(); ok; msg, ok = r.Next() {
				h, hok := wire.ParseDTLSHeader(msg)
				if !hok || h.MessageSeq != next || h.FragmentOffset != 0 || h.FragmentLength != h.Length ||
					len(msg) != wire.DTLSHeaderLen+int(h.Length) || h.Length > max {
					t.Fatalf("delivered %x", msg)
				}
				next++
			}
		}
	})
}

// FuzzScreen: the stateless cookie check on arbitrary datagrams never
// panics, never answers with more bytes than it got (no amplification),
// and either accepts or answers, never both.
func FuzzScreen(f *testing.F) {
	f.Add(helloDatagram(f, nil, 1, 0, 0))
	f.Add(helloDatagram(f, make([]byte, CookieLen), 1, 1, 1))
	f.Add([]byte{22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	j := NewCookieJar(0)
	now := time.Unix(5000, 0)
	f.Fuzz(func(t *testing.T, d []byte) {
		sc := j.Screen(now, "127.0.0.1:1", d)
		if len(sc.Reply) > len(d) {
			t.Fatalf("reply of %d bytes to %d", len(sc.Reply), len(d))
		}
		if sc.Accept && sc.Reply != nil {
			t.Fatal("accepted and answered")
		}
	})
}
