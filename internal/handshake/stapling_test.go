package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// TestEntryStaple13: with status_request sent, a TLS 1.3 Certificate may
// carry a staple on its entries; the leaf's is returned, one on another
// entry is only parsed, a malformed one is decode_error, and any other
// extension is still unsupported_extension.
func TestEntryStaple13(t *testing.T) {
	staple, err := wire.StatusEntryExtension([]byte{0x30, 0x03, 0x0a, 0x01, 0x00})
	if err != nil {
		t.Fatal(err)
	}
	entry := func(exts ...wire.Extension) wire.CertificateEntry {
		return wire.CertificateEntry{Data: []byte{0x30, 0}, Extensions: exts}
	}
	cm := &wire.Certificate{TLS13: true, Entries: []wire.CertificateEntry{entry(staple), entry()}}
	got, err := checkEntryExtensions13(cm, true)
	if err != nil || string(got) != "\x30\x03\x0a\x01\x00" {
		t.Fatalf("leaf staple: %x, %v", got, err)
	}
	cm = &wire.Certificate{TLS13: true, Entries: []wire.CertificateEntry{entry(), entry(staple)}}
	if got, err := checkEntryExtensions13(cm, true); err != nil || got != nil {
		t.Fatalf("intermediate's staple: %x, %v", got, err)
	}
	for _, bad := range [][]byte{{}, {1}, {2, 0, 0, 1, 0}, {1, 0, 0, 0}, {1, 0, 0, 2, 0}, {1, 0, 0, 1, 0, 0}} {
		cm = &wire.Certificate{TLS13: true, Entries: []wire.CertificateEntry{entry(wire.Extension{Type: wire.ExtStatusRequest, Data: bad})}}
		_, err := checkEntryExtensions13(cm, true)
		wantAlert(t, err, alert.DecodeError)
	}
	cm = &wire.Certificate{TLS13: true, Entries: []wire.CertificateEntry{entry(staple, wire.Extension{Type: 18, Data: []byte{0}})}}
	_, err = checkEntryExtensions13(cm, true)
	wantAlert(t, err, alert.UnsupportedExtension)
}
