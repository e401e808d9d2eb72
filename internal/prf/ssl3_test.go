package prf

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"testing"

	"github.com/gossl/ssl/internal/wire"
)

func md5Of(parts ...[]byte) []byte {
	h := md5.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func sha1Of(parts ...[]byte) []byte {
	h := sha1.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// TestSSL30 checks the SSL 3.0 derivation against RFC 6101, 6.1 written
// out term by term.
func TestSSL30(t *testing.T) {
	pm := bytes.Repeat([]byte{0x11}, 48)
	cr, sr := bytes.Repeat([]byte{0x22}, 32), bytes.Repeat([]byte{0x33}, 32)
	crsr := append(append([]byte{}, cr...), sr...)
	var want []byte
	for _, p := range []string{"A", "BB", "CCC"} {
		want = append(want, md5Of(pm, sha1Of([]byte(p), pm, crsr))...)
	}
	got := MasterSecret(ForVersion(wire.VersionSSL30, nil), pm, cr, sr)
	if !bytes.Equal(got, want) {
		t.Fatalf("master secret %x, want %x", got, want)
	}
	// Key block: server_random first (RFC 6101, 6.2.2); 5 blocks, cut.
	srcr := append(append([]byte{}, sr...), cr...)
	want = nil
	for _, p := range []string{"A", "BB", "CCC", "DDDD", "EEEEE"} {
		want = append(want, md5Of(got, sha1Of([]byte(p), got, srcr))...)
	}
	kb := Keys(ForVersion(wire.VersionSSL30, nil), got, cr, sr, 20, 16, 0)
	all := bytes.Join([][]byte{kb.ClientMAC, kb.ServerMAC, kb.ClientKey, kb.ServerKey}, nil)
	if !bytes.Equal(all, want[:72]) {
		t.Fatalf("key block %x, want %x", all, want[:72])
	}
}

func TestSSL30Finished(t *testing.T) {
	ms := bytes.Repeat([]byte{0x44}, 48)
	msgs := []byte("handshake messages")
	p1m, p2m := bytes.Repeat([]byte{0x36}, 48), bytes.Repeat([]byte{0x5c}, 48)
	p1s, p2s := p1m[:40], p2m[:40]
	for _, c := range []struct {
		client bool
		sender string
	}{{true, "CLNT"}, {false, "SRVR"}} {
		want := append(md5Of(ms, p2m, md5Of(msgs, []byte(c.sender), ms, p1m)),
			sha1Of(ms, p2s, sha1Of(msgs, []byte(c.sender), ms, p1s))...)
		if got := SSL3FinishedVerifyData(ms, c.client, msgs); !bytes.Equal(got, want) {
			t.Errorf("%s: %x, want %x", c.sender, got, want)
		}
	}
	want := append(md5Of(ms, p2m, md5Of(msgs, ms, p1m)), sha1Of(ms, p2s, sha1Of(msgs, ms, p1s))...)
	if got := SSL3CertificateVerifyHash(ms, msgs); !bytes.Equal(got, want) || len(got) != 36 {
		t.Errorf("CertificateVerify %x, want %x", got, want)
	}
}
