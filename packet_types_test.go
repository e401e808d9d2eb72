package ssl

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// packetCase is one input of the header packet types and its expected
// framing.
type packetCase struct {
	typ   string
	limit int // packet_size; 0: none
	in    []byte
}

// decodeWithHeaderPacket gives the outcome in the form the Erlang side
// prints: "more", "error" or "ok N D" (N bytes consumed, D delivered).
func decodeWithHeaderPacket(c packetCase) string {
	limit := c.limit
	if limit == 0 {
		limit = math.MaxInt32
	}
	n, d, ok, err := headerPacket(headerPacketTypes[c.typ], c.in, limit)
	switch {
	case err != nil:
		return "error"
	case !ok:
		return "more"
	}
	return fmt.Sprintf("ok %d %d", n, d)
}

func headerPacketCases() []packetCase {
	var cases []packetCase
	add := func(typ string, limit int, b ...byte) { cases = append(cases, packetCase{typ, limit, b}) }
	// Hand-made: each type's header, complete, short, over packet_size,
	// invalid.
	add("asn1", 0, 0x30, 3, 1, 2, 3, 9)
	add("asn1", 0, 0x30, 3, 1, 2)
	add("asn1", 0, 0x30, 0x80, 1, 2, 0, 0)
	add("asn1", 0, 0x30, 0x81, 3, 1, 2, 3)
	add("asn1", 0, 0x30, 0x81)
	add("asn1", 0, 0x1f, 0x81, 0x01, 2, 7, 7, 1)
	add("asn1", 0, 0x30, 0x85, 1, 0, 0, 0, 0)
	add("asn1", 0, 0x30, 0x84, 0x7f, 0, 0, 0)
	add("asn1", 0, 0x30, 0x84, 0x80, 0, 0, 0)
	add("asn1", 2, 0x30, 3, 1, 2, 3)
	add("asn1", 3, 0x30, 3, 1, 2, 3)
	add("asn1", 0)
	add("sunrm", 0, 0x80, 0, 0, 2, 9, 9, 7)
	add("sunrm", 1, 0, 0, 0, 2, 9, 9)
	add("sunrm", 0, 0x7f, 0xff, 0xff, 0xff)
	add("sunrm", 0, 0x7f, 0xff, 0xff, 0xf0)
	add("sunrm", 0, 0x80, 0, 0, 0)
	add("cdr", 0, 'G', 'I', 'O', 'P', 1, 0, 0, 0, 0, 0, 0, 2, 9, 9, 7)
	add("cdr", 0, 'G', 'I', 'O', 'P', 1, 2, 1, 0, 2, 0, 0, 0, 9, 9, 7)
	add("cdr", 0, 'G', 'I', 'O', 'X', 1, 0, 1, 0, 2, 0, 0, 0, 9, 9, 7)
	add("cdr", 0, 'G', 'I', 'X')
	add("cdr", 0, 'G', 'I', 'O', 'P', 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff)
	add("cdr", 1, 'G', 'I', 'O', 'P', 1, 0, 0, 0, 0, 0, 0, 2, 9, 9)
	add("fcgi", 0, 1, 1, 0, 1, 0, 2, 3, 0, 9, 9, 8, 8, 8, 7)
	add("fcgi", 0, 2, 1, 0, 1, 0, 2, 3, 0, 9, 9, 8, 8, 8, 7)
	add("fcgi", 4, 1, 1, 0, 1, 0, 2, 3, 0, 9, 9, 8, 8, 8)
	add("fcgi", 5, 1, 1, 0, 1, 0, 2, 3, 0, 9, 9, 8, 8, 8)
	add("tpkt", 0, 3, 0, 0, 6, 9, 9, 7)
	add("tpkt", 0, 4, 0, 0, 6, 9, 9, 7)
	add("tpkt", 0, 3, 0, 0, 2, 9, 9, 7)
	add("tpkt", 0, 3, 0, 0, 4)
	add("tpkt", 1, 3, 0, 0, 6, 9, 9)
	// Random: a plausible header for the type with random fields, cut
	// at a random point or followed by more bytes.
	rng := rand.New(rand.NewPCG(7, 9))
	for _, typ := range []string{"asn1", "cdr", "sunrm", "fcgi", "tpkt"} {
		for range 200 {
			var b []byte
			switch typ {
			case "asn1":
				b = append(b, byte(rng.UintN(256)))
				if rng.IntN(3) == 0 {
					b[0] |= 0x1f
					for range rng.IntN(4) {
						b = append(b, 0x80|byte(rng.UintN(128)))
					}
					b = append(b, byte(rng.UintN(128)))
				}
				switch rng.IntN(3) {
				case 0:
					b = append(b, byte(rng.UintN(128)))
				case 1:
					b = append(b, 0x80)
				default:
					k := 1 + rng.IntN(5)
					b = append(b, 0x80|byte(k))
					for i := range k {
						if i == k-1 || rng.IntN(2) == 0 {
							b = append(b, byte(rng.UintN(256)))
						} else {
							b = append(b, 0)
						}
					}
				}
			case "cdr":
				b = []byte("GIOP")
				if rng.IntN(10) == 0 {
					b[rng.IntN(4)] ^= 1
				}
				b = append(b, 1, byte(rng.IntN(3)), byte(rng.UintN(4)), byte(rng.UintN(8)))
				b = binary.BigEndian.AppendUint32(b, uint32(rng.IntN(40)))
			case "sunrm":
				b = binary.BigEndian.AppendUint32(nil, uint32(rng.IntN(40))|uint32(rng.IntN(2))<<31)
			case "fcgi":
				b = []byte{byte(1 + rng.IntN(10)/9), byte(rng.IntN(12)), 0, 1}
				b = binary.BigEndian.AppendUint16(b, uint16(rng.IntN(40)))
				b = append(b, byte(rng.IntN(8)), 0)
			case "tpkt":
				b = []byte{byte(3 + rng.IntN(10)/9), 0}
				b = binary.BigEndian.AppendUint16(b, uint16(rng.IntN(44)))
			}
			tail := make([]byte, rng.IntN(50))
			for i := range tail {
				tail[i] = byte(rng.UintN(256))
			}
			b = append(b, tail...)
			if rng.IntN(3) == 0 {
				b = b[:rng.IntN(len(b)+1)]
			}
			limit := 0
			if rng.IntN(3) == 0 {
				limit = 1 + rng.IntN(40)
			}
			add(typ, limit, b...)
		}
	}
	return cases
}

// TestHeaderPacketsMatchErlangDecodePacket compares the framing of asn1,
// cdr, sunrm, fcgi and tpkt with Erlang/OTP's own, erlang:decode_packet/3
// (the parser behind inet's and ssl's packet option), on hand-made and
// random inputs: the same outcome (a packet, more bytes needed, an error),
// and for a packet the same bytes consumed and delivered.
func TestHeaderPacketsMatchErlangDecodePacket(t *testing.T) {
	testpeers.Require(t, "erl")
	cases := headerPacketCases()
	var in strings.Builder
	for _, c := range cases {
		fmt.Fprintf(&in, "%s %d %s\n", c.typ, c.limit, hex.EncodeToString(c.in))
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "cases")
	if err := os.WriteFile(file, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// One line per case: ok N D | more | error.
	script := `{ok, Bin} = file:read_file(File),
	  Lines = [L || L <- binary:split(Bin, <<"\n">>, [global]), L =/= <<>>],
	  lists:foreach(fun(L) ->
	    [T, S, H] = binary:split(L, <<" ">>, [global]),
	    Data = binary:decode_hex(H),
	    Opts = case binary_to_integer(S) of 0 -> []; N -> [{packet_size, N}] end,
	    case erlang:decode_packet(binary_to_atom(T), Data, Opts) of
	      {ok, P, Rest} -> io:format("ok ~b ~b~n", [byte_size(Data) - byte_size(Rest), byte_size(P)]);
	      {more, _} -> io:format("more~n");
	      {error, _} -> io:format("error~n")
	    end end, Lines),
	  halt().`
	script = strings.ReplaceAll(script, "File", fmt.Sprintf("%q", file))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "erl", "-noshell", "-eval", script).Output()
	if err != nil {
		t.Fatalf("erl: %v", err)
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(got) != len(cases) {
		t.Fatalf("erl answered %d lines for %d cases", len(got), len(cases))
	}
	for i, c := range cases {
		if ours := decodeWithHeaderPacket(c); ours != got[i] {
			t.Errorf("%s packet_size %d %x: gossl %q, Erlang %q", c.typ, c.limit, c.in, ours, got[i])
		}
	}
}

// TestHeaderPacketsOverTLS: each packet type over a connection, with the
// packets cut across records at random points: Recv returns one packet at
// a time with its header (fcgi without its padding), Getopts names the
// type, and a header that is not the protocol's ends the reading with
// ErrInvalidPacket.
func TestHeaderPacketsOverTLS(t *testing.T) {
	p := testpeers.NewPKI(t)
	client, server := stressPair(t, p, TLSv1_3)
	defer client.Close()
	defer server.Close()
	asn1 := func(n int) []byte {
		return append([]byte{0x04, 0x82, byte(n >> 8), byte(n)}, bytes.Repeat([]byte{'a'}, n)...)
	}
	tpkt := func(n int) []byte {
		return append([]byte{3, 0, byte((n + 4) >> 8), byte(n + 4)}, bytes.Repeat([]byte{'t'}, n)...)
	}
	sunrm := func(n int) []byte {
		return append(binary.BigEndian.AppendUint32(nil, 1<<31|uint32(n)), bytes.Repeat([]byte{'s'}, n)...)
	}
	cdr := func(n int) []byte {
		h := append([]byte("GIOP"), 1, 2, 1, 0)
		h = binary.LittleEndian.AppendUint32(h, uint32(n))
		return append(h, bytes.Repeat([]byte{'c'}, n)...)
	}
	fcgi := func(n int) ([]byte, []byte) {
		h := append([]byte{1, 5, 0, 1}, byte(n>>8), byte(n), 3, 0)
		pkt := append(h, bytes.Repeat([]byte{'f'}, n)...)
		return append(pkt, 0, 0, 0), pkt
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, typ := range []string{"asn1", "tpkt", "sunrm", "cdr", "fcgi"} {
		if err := server.Setopts(SockOpt{"packet", typ}); err != nil {
			t.Fatal(err)
		}
		if v, err := server.Getopts("packet"); err != nil || v[0].Value != typ {
			t.Fatalf("getopts packet: %v, %v", v, err)
		}
		var stream []byte
		var want [][]byte
		for _, n := range []int{0, 1, 100, 3000, 20000} {
			var wire, pkt []byte
			switch typ {
			case "asn1":
				wire = asn1(n)
			case "tpkt":
				wire = tpkt(n)
			case "sunrm":
				wire = sunrm(n)
			case "cdr":
				wire = cdr(n)
			case "fcgi":
				wire, pkt = fcgi(n)
			}
			if pkt == nil {
				pkt = wire
			}
			stream = append(stream, wire...)
			want = append(want, pkt)
		}
		go func() {
			for rest := stream; len(rest) > 0; {
				k := min(len(rest), 1+rng.IntN(5000))
				if client.Send(rest[:k]) != nil {
					return
				}
				rest = rest[k:]
			}
		}()
		for i, w := range want {
			got, err := server.Recv(0, 10*time.Second)
			if err != nil {
				t.Fatalf("%s packet %d: %v", typ, i, err)
			}
			if !bytes.Equal(got, w) {
				t.Fatalf("%s packet %d: %d bytes, want %d", typ, i, len(got), len(w))
			}
		}
	}
	if err := server.Setopts(SockOpt{"packet", "tpkt"}); err != nil {
		t.Fatal(err)
	}
	if err := client.Send([]byte{4, 0, 0, 8, 1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Recv(0, 10*time.Second); !errors.Is(err, ErrInvalidPacket) {
		t.Fatalf("tpkt version 4: %v, want ErrInvalidPacket", err)
	}
}

// FuzzHeaderPacket: on any input, each type's framing ends without a
// panic, and a packet it finds is within the input, delivers no more
// than it consumes, and stays the same packet when more bytes follow.
func FuzzHeaderPacket(f *testing.F) {
	for _, c := range headerPacketCases()[:40] {
		f.Add(byte(headerPacketTypes[c.typ]), c.in)
	}
	f.Fuzz(func(t *testing.T, typ byte, b []byte) {
		p := packetASN1 - int(typ%5)
		n, d, ok, err := headerPacket(p, b, 1<<16)
		if err != nil || !ok {
			return
		}
		if n > len(b) || d > n || d < 1 && n > 0 {
			t.Fatalf("type %d: consumed %d, delivered %d of %d bytes", p, n, d, len(b))
		}
		n2, d2, ok2, err2 := headerPacket(p, append(bytes.Clone(b), 0xff, 0, 0x80), 1<<16)
		if !ok2 || err2 != nil || n2 != n || d2 != d {
			t.Fatalf("type %d: a longer input changed the packet: %d/%d, then %d/%d, %v", p, n, d, n2, d2, err2)
		}
	})
}
