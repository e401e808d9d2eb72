package prf

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

func TestKeysPartition(t *testing.T) {
	f := ForVersion(wire.VersionTLS12, nil)
	master := bytes.Repeat([]byte{1}, 48)
	cr, sr := bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
	kb := Keys(f, master, cr, sr, 20, 16, 16)
	whole := make([]byte, 2*(20+16+16))
	f(master, "key expansion", append(append([]byte{}, sr...), cr...), whole)
	got := bytes.Join([][]byte{kb.ClientMAC, kb.ServerMAC, kb.ClientKey, kb.ServerKey, kb.ClientIV, kb.ServerIV}, nil)
	if !bytes.Equal(got, whole) {
		t.Fatal("key block not partitioned in RFC 5246 6.3 order")
	}
	if len(kb.ClientMAC) != 20 || len(kb.ServerKey) != 16 || len(kb.ServerIV) != 16 {
		t.Fatal("wrong part lengths")
	}
	// Appending to one part must not overwrite the next.
	_ = append(kb.ClientMAC, 0xff)
	if kb.ServerMAC[0] != whole[20] {
		t.Fatal("parts alias each other's capacity")
	}
	// AEAD: no MAC keys.
	kb = Keys(f, master, cr, sr, 0, 16, 4)
	if len(kb.ClientMAC) != 0 || len(kb.ServerMAC) != 0 || len(kb.ClientIV) != 4 {
		t.Fatal("AEAD key block shape")
	}
}

func TestMasterAndFinished(t *testing.T) {
	for _, v := range []uint16{wire.VersionTLS10, wire.VersionTLS12} {
		f := ForVersion(v, nil)
		pm := bytes.Repeat([]byte{9}, 48)
		cr, sr := bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
		ms := MasterSecret(f, pm, cr, sr)
		want := make([]byte, 48)
		f(pm, "master secret", append(append([]byte{}, cr...), sr...), want)
		if !bytes.Equal(ms, want) {
			t.Errorf("%x: master secret", v)
		}
		h := bytes.Repeat([]byte{7}, 32)
		ems := ExtendedMasterSecret(f, pm, h)
		f(pm, "extended master secret", h, want)
		if !bytes.Equal(ems, want) || len(ems) != 48 {
			t.Errorf("%x: extended master secret", v)
		}
		cf := FinishedVerifyData(f, ms, true, h)
		sf := FinishedVerifyData(f, ms, false, h)
		w := make([]byte, 12)
		f(ms, "client finished", h, w)
		if !bytes.Equal(cf, w) {
			t.Errorf("client finished")
		}
		f(ms, "server finished", h, w)
		if !bytes.Equal(sf, w) {
			t.Errorf("server finished")
		}
	}
}

func TestExport(t *testing.T) {
	f := ForVersion(wire.VersionTLS12, suites.ByID(0xc030))
	ms := bytes.Repeat([]byte{1}, 48)
	cr, sr := bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
	seed := append(append([]byte{}, cr...), sr...)

	noCtx, err := Export(f, ms, cr, sr, "EXPERIMENTAL test", nil, false, 40)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 40)
	f(ms, "EXPERIMENTAL test", seed, want)
	if !bytes.Equal(noCtx, want) {
		t.Error("no-context export")
	}
	empty, _ := Export(f, ms, cr, sr, "EXPERIMENTAL test", nil, true, 40)
	f(ms, "EXPERIMENTAL test", append(append([]byte{}, seed...), 0, 0), want)
	if !bytes.Equal(empty, want) || bytes.Equal(empty, noCtx) {
		t.Error("empty context must differ from no context (RFC 5705, 4)")
	}
	ctx, _ := Export(f, ms, cr, sr, "EXPERIMENTAL test", []byte("abc"), true, 40)
	f(ms, "EXPERIMENTAL test", append(append([]byte{}, seed...), 0, 3, 'a', 'b', 'c'), want)
	if !bytes.Equal(ctx, want) {
		t.Error("context export")
	}
	for _, l := range []string{"client finished", "server finished", "master secret", "extended master secret", "key expansion", "Key Expansion"} {
		if _, err := Export(f, ms, cr, sr, l, nil, false, 12); err == nil {
			t.Errorf("label %q must be refused", l)
		}
	}
	if _, err := Export(f, ms, cr, sr, "x", make([]byte, 1<<16), true, 12); err == nil {
		t.Error("oversized context accepted")
	}
	if _, err := Export(nil, ms, cr, sr, "x", nil, false, 12); err == nil {
		t.Error("nil PRF accepted")
	}
	// Errors never carry secret material.
	_, err = Export(f, ms, cr, sr, "master secret", nil, false, 12)
	if strings.Contains(err.Error(), string(ms)) {
		t.Error("secret in error")
	}
}
