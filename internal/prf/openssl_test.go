package prf

import (
	"bytes"
	"encoding/hex"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// opensslPRF asks `openssl kdf ... TLS1-PRF` for n bytes. Its seed is the
// label followed by the seed, as in RFC 5246, 5.
func opensslPRF(t *testing.T, bin, digest string, secret []byte, label string, seed []byte, n int) []byte {
	t.Helper()
	out, err := exec.Command(bin, "kdf",
		"-keylen", strconv.Itoa(n),
		"-kdfopt", "digest:"+digest,
		"-kdfopt", "hexsecret:"+hex.EncodeToString(secret),
		"-kdfopt", "hexseed:"+hex.EncodeToString(append([]byte(label), seed...)),
		"TLS1-PRF").CombinedOutput()
	if err != nil {
		t.Skipf("openssl kdf failed (needs OpenSSL 3): %v: %s", err, out)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(string(out)), ":", ""))
	if err != nil {
		t.Fatalf("cannot parse openssl output %q: %v", out, err)
	}
	return b
}

// TestAgainstOpenSSL derives a master secret and a key block with our PRFs
// and with OpenSSL's TLS1-PRF and compares them.
func TestAgainstOpenSSL(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not found; skipping the cross-check")
	}
	pm := make([]byte, 48)
	cr := make([]byte, 32)
	sr := make([]byte, 32)
	for i := range pm {
		pm[i] = byte(i*7 + 3)
	}
	for i := range cr {
		cr[i], sr[i] = byte(0x40+i), byte(0x90+i)
	}
	for _, c := range []struct {
		v      uint16
		suite  *suites.Suite
		digest string
	}{
		{wire.VersionTLS10, nil, "MD5-SHA1"},
		{wire.VersionTLS12, suites.ByID(0xc02f), "SHA256"},
		{wire.VersionTLS12, suites.ByID(0xc030), "SHA384"},
	} {
		t.Run(c.digest, func(t *testing.T) {
			f := ForVersion(c.v, c.suite)
			ms := MasterSecret(f, pm, cr, sr)
			want := opensslPRF(t, bin, c.digest, pm, "master secret", append(append([]byte{}, cr...), sr...), 48)
			if !bytes.Equal(ms, want) {
				t.Fatalf("master secret: got %x, openssl %x", ms, want)
			}
			kb := Keys(f, ms, cr, sr, 20, 32, 16)
			got := bytes.Join([][]byte{kb.ClientMAC, kb.ServerMAC, kb.ClientKey, kb.ServerKey, kb.ClientIV, kb.ServerIV}, nil)
			want = opensslPRF(t, bin, c.digest, ms, "key expansion", append(append([]byte{}, sr...), cr...), len(got))
			if !bytes.Equal(got, want) {
				t.Fatalf("key block: got %x, openssl %x", got, want)
			}
			// An odd-length secret exercises the TLS 1.0 split.
			odd := pm[:47]
			out := make([]byte, 64)
			f(odd, "odd", cr, out)
			if w := opensslPRF(t, bin, c.digest, odd, "odd", cr, 64); !bytes.Equal(out, w) {
				t.Fatalf("odd secret: got %x, openssl %x", out, w)
			}
		})
	}
}
