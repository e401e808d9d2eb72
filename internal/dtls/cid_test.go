package dtls

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// cidPair is pair with connection IDs: the Sealer's records carry cid,
// which the Opener expects.
func cidPair(t testing.TB, s *suites.Suite, cid []byte) (*Sealer, *Opener) {
	t.Helper()
	w, r := &Sealer{}, &Opener{}
	w.SetVersion(wire.VersionDTLS12)
	r.SetVersion(wire.VersionDTLS12)
	if err := w.NextEpochCID(testProtector(t, s, wire.VersionDTLS12, 7), cid); err != nil {
		t.Fatal(err)
	}
	if err := r.NextEpochCID(testProtector(t, s, wire.VersionDTLS12, 7), cid); err != nil {
		t.Fatal(err)
	}
	return w, r
}

// TestCIDRecordRoundTrip: with a CID, every DTLS 1.2 suite's records go
// out as tls12_cid records (type 25, the CID after the sequence number,
// the real type inside) and open back to their type and data; the
// Overhead bound holds; CIDOf finds the CID.
func TestCIDRecordRoundTrip(t *testing.T) {
	cid := []byte{0xc1, 0xd0, 0x42, 0x17}
	eachDTLSSuite(t, func(t *testing.T, s *suites.Suite, v uint16) {
		if v != wire.VersionDTLS12 {
			return
		}
		w, r := cidPair(t, s, cid)
		for _, typ := range []uint8{wire.TypeApplicationData, wire.TypeHandshake, wire.TypeAlert, wire.TypeChangeCipherSpec} {
			for _, n := range []int{0, 1, 100, wire.MaxPlaintext} {
				data := bytes.Repeat([]byte{byte(n)}, n)
				rec := seal(t, w, 1, typ, data)
				if rec[0] != wire.TypeTLS12CID || !bytes.Equal(rec[11:11+len(cid)], cid) {
					t.Fatalf("header %x", rec[:20])
				}
				if got := binary.BigEndian.Uint16(rec[11+len(cid):]); int(got) != len(rec)-13-len(cid) {
					t.Fatalf("length field %d, record body %d", got, len(rec)-13-len(cid))
				}
				if len(rec) > n+w.Overhead(1) {
					t.Fatalf("record of %d bytes over the overhead bound %d", len(rec), n+w.Overhead(1))
				}
				if c, ok := CIDOf(rec, len(cid)); !ok || !bytes.Equal(c, cid) {
					t.Fatalf("CIDOf: %x %v", c, ok)
				}
				got, rest, ok := r.Open(rec)
				if !ok || len(rest) != 0 || got.Type != typ || !bytes.Equal(got.Data, data) || !got.Newest {
					t.Fatalf("open: ok=%v type=%d len=%d rest=%d newest=%v", ok, got.Type, len(got.Data), len(rest), got.Newest)
				}
			}
		}
	})
}

// TestCIDRecordDiscards: what an Opener expecting a CID must drop: a
// record with another CID, a tampered CID, header or body, a replay, a
// record without the CID in an epoch that has one, and a tls12_cid
// record in an epoch without one; the association survives each.
func TestCIDRecordDiscards(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
	cid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	w, r := cidPair(t, s, cid)
	good := seal(t, w, 1, wire.TypeApplicationData, []byte("hello"))
	other, _ := cidPair(t, s, []byte{8, 7, 6, 5, 4, 3, 2, 1})
	otherRec := seal(t, other, 1, wire.TypeApplicationData, []byte("hello"))
	plainW, _ := pair(t, s, wire.VersionDTLS12)
	noCID := seal(t, plainW, 1, wire.TypeApplicationData, []byte("hello"))
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x01
		return b
	}
	cases := map[string][]byte{
		"other CID":        otherRec,
		"CID byte flipped": flip(12),
		"epoch flipped":    flip(4),
		"seq flipped":      flip(10),
		"version flipped":  flip(2),
		"body flipped":     flip(len(good) - 1),
		"no CID":           noCID,
		"truncated":        good[:len(good)-1],
		"header only":      good[:15],
	}
	for name, rec := range cases {
		if _, _, ok := r.Open(rec); ok {
			t.Errorf("%s: accepted", name)
		}
	}
	if rec, _, ok := r.Open(bytes.Clone(good)); !ok || string(rec.Data) != "hello" {
		t.Fatal("the genuine record was refused after the forgeries")
	}
	if _, _, ok := r.Open(bytes.Clone(good)); ok {
		t.Fatal("replay accepted")
	}
	// An Opener without a CID cannot delimit a tls12_cid record.
	_, plainR := pair(t, s, wire.VersionDTLS12)
	if _, rest, ok := plainR.Open(bytes.Clone(good)); ok || rest != nil {
		t.Fatal("a tls12_cid record opened without a CID")
	}
}

// TestCIDPadding: a peer may pad its DTLSInnerPlaintext with zeros
// (RFC 9146, Section 4); the real type is the last non-zero byte, and
// an inner plaintext of zeros only is discarded.
func TestCIDPadding(t *testing.T) {
	s := suites.ByName("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
	cid := []byte{9, 9}
	w, r := cidPair(t, s, cid)
	// Sealing "hi" ‖ 23 ‖ 0 0 0 as an application-data payload of a
	// zero type makes the padded inner plaintext by hand: the Sealer
	// appends the type it is given (0) after it.
	padded := seal(t, w, 1, 0, []byte{'h', 'i', wire.TypeApplicationData, 0, 0})
	rec, _, ok := r.Open(padded)
	if !ok || rec.Type != wire.TypeApplicationData || string(rec.Data) != "hi" {
		t.Fatalf("padded record: ok=%v type=%d data=%q", ok, rec.Type, rec.Data)
	}
	if _, _, ok := r.Open(seal(t, w, 1, 0, []byte{0, 0, 0})); ok {
		t.Fatal("an inner plaintext without a type was accepted")
	}
}

// FuzzCIDOpener feeds arbitrary datagrams to an Opener that expects a
// 4-byte CID in epoch 1: no panic, rest a suffix of the input, and only
// known types of at most 2^14 bytes accepted.
func FuzzCIDOpener(f *testing.F) {
	cid := []byte{0xc1, 0xd0, 0x42, 0x17}
	for _, name := range []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"} {
		w, _ := cidPair(f, suites.ByName(name), cid)
		d := seal(f, w, 1, wire.TypeApplicationData, []byte("seed"))
		d = append(d, seal(f, w, 1, wire.TypeAlert, []byte{1, 0})...)
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, name := range []string{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"} {
			_, r := cidPair(t, suites.ByName(name), cid)
			rest := bytes.Clone(in)
			for len(rest) > 0 {
				rec, next, ok := r.Open(rest)
				if len(next) >= len(rest) {
					t.Fatalf("rest of %d bytes after a datagram of %d", len(next), len(rest))
				}
				if ok && (!knownType(rec.Type) || len(rec.Data) > wire.MaxPlaintext) {
					t.Fatalf("accepted a record of type %d, %d bytes", rec.Type, len(rec.Data))
				}
				rest = next
			}
		}
	})
}

// TestCIDRecordEncryptThenMAC: a CBC suite with encrypt-then-MAC (RFC
// 7366) carries a CID too, its MAC input starting with RFC 9146's
// additional data; a flipped bit in the CID or the ciphertext fails the
// MAC.
func TestCIDRecordEncryptThenMAC(t *testing.T) {
	cid := []byte{7, 7, 7}
	for _, name := range []string{"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"} {
		s := suites.ByName(name)
		key, macKey, iv := testKeys(s, 7)
		mk := func() record.Protector {
			p, err := NewProtectorWith(s, wire.VersionDTLS12, key, macKey, iv, record.Options{EncryptThenMAC: true})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		w, r := &Sealer{}, &Opener{}
		w.SetVersion(wire.VersionDTLS12)
		r.SetVersion(wire.VersionDTLS12)
		if err := w.NextEpochCID(mk(), cid); err != nil {
			t.Fatal(err)
		}
		if err := r.NextEpochCID(mk(), cid); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			rec := seal(t, w, 1, wire.TypeApplicationData, []byte("etm with a cid"))
			bad := bytes.Clone(rec)
			bad[11+i] ^= 1 // the CID
			if _, _, ok := r.Open(bad); ok {
				t.Fatalf("%s: a record with a changed CID opened", name)
			}
			bad = bytes.Clone(rec)
			bad[len(bad)-25] ^= 1 // the ciphertext
			if _, _, ok := r.Open(bad); ok {
				t.Fatalf("%s: a changed ciphertext opened", name)
			}
			got, _, ok := r.Open(rec)
			if !ok || got.Type != wire.TypeApplicationData || string(got.Data) != "etm with a cid" {
				t.Fatalf("%s: open %v %+v", name, ok, got)
			}
		}
	}
}
