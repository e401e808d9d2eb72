package wire

import (
	"bytes"
	"reflect"
	"testing"
)

// TestUseSRTP: the use_srtp body of RFC 5764, Section 4.1.1 (the
// example of Section 4.1.4 without MKI: one profile, 00 01, and an empty
// srtp_mki), round trips, and what it must refuse.
func TestUseSRTP(t *testing.T) {
	e, err := (&UseSRTP{Profiles: []uint16{1}}).Marshal()
	if err != nil || e.Type != ExtUseSRTP || !bytes.Equal(e.Data, []byte{0, 2, 0, 1, 0}) {
		t.Fatalf("%x %v", e.Data, err)
	}
	in := UseSRTP{Profiles: []uint16{7, 8, 1}, MKI: []byte("mki")}
	e, _ = in.Marshal()
	if out, ok := ParseUseSRTP(e.Data); !ok || !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip: %+v %v", out, ok)
	}
	for _, bad := range [][]byte{nil, {0, 0, 0}, {0, 1, 0, 0}, {0, 2, 0, 1}, {0, 2, 0, 1, 1}, {0, 2, 0, 1, 0, 0}} {
		if _, ok := ParseUseSRTP(bad); ok {
			t.Errorf("%x accepted", bad)
		}
	}
	if _, err := (&UseSRTP{}).Marshal(); err == nil {
		t.Error("no profile marshaled")
	}
	if _, err := (&UseSRTP{Profiles: []uint16{1}, MKI: make([]byte, 256)}).Marshal(); err == nil {
		t.Error("a 256-byte MKI marshaled")
	}
}

// TestConnectionIDExt: connection_id's body is cid<0..255> (RFC 9146,
// Section 3); an empty CID parses to an empty, non-nil slice.
func TestConnectionIDExt(t *testing.T) {
	e, err := ConnectionIDExt([]byte{1, 2, 3})
	if err != nil || e.Type != ExtConnectionID || !bytes.Equal(e.Data, []byte{3, 1, 2, 3}) {
		t.Fatalf("%x %v", e.Data, err)
	}
	if cid, ok := ParseConnectionID([]byte{0}); !ok || cid == nil || len(cid) != 0 {
		t.Fatalf("empty CID: %v %v", cid, ok)
	}
	for _, bad := range [][]byte{nil, {2, 1}, {1, 1, 1}} {
		if _, ok := ParseConnectionID(bad); ok {
			t.Errorf("%x accepted", bad)
		}
	}
	if _, err := ConnectionIDExt(make([]byte, 256)); err == nil {
		t.Error("a 256-byte CID marshaled")
	}
	exts := []Extension{{Type: 1}, {Type: ExtConnectionID, Data: []byte{0}}, {Type: 2}}
	if e, ok := TakeExtension(&exts, ExtConnectionID); !ok || e.Type != ExtConnectionID || len(exts) != 2 || exts[1].Type != 2 {
		t.Fatalf("TakeExtension: %v %v %v", e, ok, exts)
	}
}

// FuzzUseSRTP: whatever ParseUseSRTP accepts marshals back to the same
// bytes.
func FuzzUseSRTP(f *testing.F) {
	f.Add([]byte{0, 2, 0, 1, 0})
	f.Add([]byte{0, 4, 0, 7, 0, 8, 3, 'm', 'k', 'i'})
	f.Fuzz(func(t *testing.T, data []byte) {
		u, ok := ParseUseSRTP(data)
		if !ok {
			return
		}
		e, err := u.Marshal()
		if err != nil || !bytes.Equal(e.Data, data) {
			t.Fatalf("re-marshal %x %v, parsed from %x", e.Data, err, data)
		}
	})
}

// FuzzConnectionIDExt: whatever ParseConnectionID accepts marshals back
// to the same bytes.
func FuzzConnectionIDExt(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{4, 0xc1, 0xd0, 0x42, 0x17})
	f.Fuzz(func(t *testing.T, data []byte) {
		cid, ok := ParseConnectionID(data)
		if !ok {
			return
		}
		e, err := ConnectionIDExt(cid)
		if err != nil || !bytes.Equal(e.Data, data) {
			t.Fatalf("re-marshal %x %v, parsed from %x", e.Data, err, data)
		}
	})
}
