package prf

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"testing"
)

// The running digest gives the same sums as hashing the whole log, across
// interleaved writes, sums with other hashes, SumWith and Reset.
func TestTranscriptRunningDigest(t *testing.T) {
	var tr Transcript
	var log []byte
	fresh := func(h crypto.Hash, extra []byte) []byte {
		d := h.New()
		d.Write(log)
		d.Write(extra)
		return d.Sum(nil)
	}
	hashes := []crypto.Hash{crypto.SHA256, crypto.SHA256, crypto.SHA384, crypto.SHA256, crypto.SHA384, crypto.SHA384}
	for round := 0; round < 3; round++ {
		for i, h := range hashes {
			msg := make([]byte, 1+i*37)
			rand.Read(msg)
			tr.Write(msg)
			log = append(log, msg...)
			if got := tr.Sum(h); !bytes.Equal(got, fresh(h, nil)) {
				t.Fatalf("round %d step %d: Sum differs", round, i)
			}
			if got := tr.SumWith(h, msg); !bytes.Equal(got, fresh(h, msg)) {
				t.Fatalf("round %d step %d: SumWith differs", round, i)
			}
			// A second Sum with nothing new written is the same.
			if got := tr.Sum(h); !bytes.Equal(got, fresh(h, nil)) {
				t.Fatalf("round %d step %d: repeated Sum differs", round, i)
			}
		}
		tr.Reset()
		log = log[:0]
	}
	tr.Write([]byte("client hello"))
	tr.ReplaceWithMessageHash(crypto.SHA256)
	log = append([]byte(nil), tr.Bytes()...)
	tr.Write([]byte("hrr"))
	log = append(log, "hrr"...)
	if got := tr.Sum(crypto.SHA256); !bytes.Equal(got, fresh(crypto.SHA256, nil)) {
		t.Fatal("Sum after ReplaceWithMessageHash differs")
	}
}

// hmacInto is crypto/hmac for every key and message length it takes.
func TestHMACIntoMatchesCryptoHMAC(t *testing.T) {
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		for _, kl := range []int{0, 1, 32, 48, 64, 65, 128, 129, 300} {
			for _, ml := range []int{0, 1, 55, 56, 64, 119, 192} {
				key, msg := make([]byte, kl), make([]byte, ml)
				rand.Read(key)
				rand.Read(msg)
				want := hmac.New(h.New, key)
				want.Write(msg)
				got, ok := hmacInto([]byte("x"), h, key, msg[:ml/2], msg[ml/2:])
				if !ok || !bytes.Equal(got, append([]byte("x"), want.Sum(nil)...)) {
					t.Fatalf("%v key %d msg %d: differs (ok %v)", h, kl, ml, ok)
				}
			}
		}
	}
	if _, ok := hmacInto(nil, crypto.SHA256, nil, make([]byte, 193)); ok {
		t.Fatal("message past the buffer taken")
	}
	if _, ok := hmacInto(nil, crypto.SHA512, nil, nil); ok {
		t.Fatal("SHA-512 taken")
	}
}

// After DigestOnly the sums are those of the whole log, and the log is
// gone.
func TestTranscriptDigestOnly(t *testing.T) {
	var tr, full Transcript
	for i := 0; i < 3; i++ {
		msg := make([]byte, 100+i)
		rand.Read(msg)
		tr.Write(msg)
		full.Write(msg)
	}
	tr.DigestOnly(crypto.SHA384)
	for i := 0; i < 3; i++ {
		msg := make([]byte, 50*i)
		rand.Read(msg)
		tr.Write(msg)
		full.Write(msg)
		if !bytes.Equal(tr.Sum(crypto.SHA384), full.Sum(crypto.SHA384)) ||
			!bytes.Equal(tr.SumWith(crypto.SHA384, msg), full.SumWith(crypto.SHA384, msg)) || tr.Len() != full.Len() {
			t.Fatalf("step %d: differs", i)
		}
	}
	for name, f := range map[string]func(){
		"Bytes":     func() { tr.Bytes() },
		"other Sum": func() { tr.Sum(crypto.SHA256) },
		"MD5SHA1":   func() { tr.Sum(crypto.MD5SHA1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s after DigestOnly did not panic", name)
				}
			}()
			f()
		}()
	}
	tr.Reset()
	tr.Write([]byte("again"))
	if string(tr.Bytes()) != "again" {
		t.Fatal("Reset did not bring the log back")
	}
}
