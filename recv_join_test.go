package ssl

import (
	"bytes"
	"testing"
	"time"
)

// TestRecvZeroJoinsRecords: Recv(0) returns all available bytes, as the
// ssl manual says and OTP does: three Sends that have all arrived come
// back from one call, in TLS 1.3 and in TLS 1.2 with an AEAD and a CBC
// suite. A record of another type (a KeyUpdate) ends what one call takes;
// the next call goes on after it.
func TestRecvZeroJoinsRecords(t *testing.T) {
	for _, c := range []struct {
		name    string
		version Version
		suite   string
	}{
		{"tls1.3", TLSv1_3, ""},
		{"tls1.2-gcm", TLSv1_2, "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"tls1.2-cbc", TLSv1_2, "ECDHE-ECDSA-AES128-SHA256"},
	} {
		t.Run(c.name, func(t *testing.T) {
			so, co := modelOpts(t)
			so.Versions, co.Versions = []Version{c.version}, []Version{c.version}
			if c.suite != "" {
				co.Ciphers = []string{c.suite}
			}
			cl, s := pair(t, so, co)
			parts := [][]byte{[]byte("a"), []byte("bb"), bytes.Repeat([]byte("c"), 3000)}
			for _, p := range parts {
				if err := cl.Send(p); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(200 * time.Millisecond) // all three are here
			got, err := s.Recv(0, 5*time.Second)
			if want := bytes.Join(parts, nil); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Recv(0) = %d bytes %q..., %v; want all %d bytes", len(got), got[:min(len(got), 8)], err, len(want))
			}
			if c.version != TLSv1_3 {
				return
			}
			cl.Send([]byte("before"))
			if err := cl.UpdateKeys(false); err != nil {
				t.Fatal(err)
			}
			cl.Send([]byte("after"))
			time.Sleep(200 * time.Millisecond)
			for _, want := range []string{"before", "after"} {
				if got, err := s.Recv(0, 5*time.Second); err != nil || string(got) != want {
					t.Fatalf("Recv(0) = %q, %v; want %q", got, err, want)
				}
			}
		})
	}
}
