package prf

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
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

// TestSSL30TLSLiteVectors compares the SSL 3.0 derivations with values
// computed by tlslite-ng 0.8.2 (mathtls.PRF_SSL for the master secret
// and the key block, handshakehashes.HandshakeHashes.digestSSL for
// Finished and CertificateVerify) from the inputs of TestSSL30: the
// pre-master secret 0x11 repeated, client_random 0x22, server_random
// 0x33, and the handshake messages "handshake messages".
func TestSSL30TLSLiteVectors(t *testing.T) {
	unhex := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	pm := bytes.Repeat([]byte{0x11}, 48)
	cr, sr := bytes.Repeat([]byte{0x22}, 32), bytes.Repeat([]byte{0x33}, 32)
	f := ForVersion(wire.VersionSSL30, nil)
	ms := MasterSecret(f, pm, cr, sr)
	if want := unhex("138917cabec3fe6dc908a34bf0ccc05b90f2328315c26b4101af54ef1b6300387c76564c6e35dec791f5ee2df2fbeb3e"); !bytes.Equal(ms, want) {
		t.Fatalf("master secret %x, tlslite-ng %x", ms, want)
	}
	// 104 bytes: MD5 and SHA-1 secrets, 3DES keys and IVs.
	kb := Keys(f, ms, cr, sr, 20, 24, 8)
	all := bytes.Join([][]byte{kb.ClientMAC, kb.ServerMAC, kb.ClientKey, kb.ServerKey, kb.ClientIV, kb.ServerIV}, nil)
	if want := unhex("6d9e33bc61f8179e0595f5453571d347432c16bf86c06df53983645df6a9bc2691c081560842e495643082f05684f3a65b9fc162fc424a536753b556a6ce4544c36a21f533a648a0d73fcf34e1e012d7a61c295adf4add7ad3f5bddeb649b6717a56ada67630cf19"); !bytes.Equal(all, want) {
		t.Fatalf("key block %x, tlslite-ng %x", all, want)
	}
	msgs := []byte("handshake messages")
	for _, c := range []struct {
		name string
		got  []byte
		want string
	}{
		{"client Finished", SSL3FinishedVerifyData(ms, true, msgs), "d0248459e1cac84952756fc49ca72573fc2558eb69605aa0f4a96c3459c916f3bf8ace58"},
		{"server Finished", SSL3FinishedVerifyData(ms, false, msgs), "2e820cc65378a2f3a0d196e44b5814db0439cf3a538aec42d19013f59c01d17e533c6d05"},
		{"CertificateVerify", SSL3CertificateVerifyHash(ms, msgs), "cb726de1c2901879e29ee709c7de377178ea0c1fae31d308c2c5889bf0e389fb81631b65"},
	} {
		if !bytes.Equal(c.got, unhex(c.want)) {
			t.Errorf("%s %x, tlslite-ng %s", c.name, c.got, c.want)
		}
	}
}
