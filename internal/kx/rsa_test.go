package kx

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"math/big"
	"sync"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

var testRSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func TestRSARoundTrip(t *testing.T) {
	key := testRSA()
	for _, v := range []uint16{wire.VersionSSL30, wire.VersionTLS10, wire.VersionTLS11, wire.VersionTLS12, wire.VersionDTLS10, wire.VersionDTLS12} {
		t.Run(wire.VersionName(v), func(t *testing.T) {
			srv := NewRSAServer(key, v, rand.Reader)
			if p, err := srv.ServerParams(); p != nil || err != nil {
				t.Fatal("RSA server sends params")
			}
			cli := NewRSAClient(&key.PublicKey, v, rand.Reader)
			body, cpm, err := cli.ClientKeyExchange()
			if err != nil {
				t.Fatal(err)
			}
			if len(cpm) != 48 || cpm[0] != byte(v>>8) || cpm[1] != byte(v) {
				t.Fatalf("client premaster %x", cpm[:2])
			}
			wantLen := key.Size()
			if v != wire.VersionSSL30 {
				wantLen += 2
			}
			if len(body) != wantLen {
				t.Fatalf("body length %d, want %d", len(body), wantLen)
			}
			spm, err := srv.ProcessClientKeyExchange(body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(cpm, spm) {
				t.Fatal("premaster differs")
			}
		})
	}
	// A client that offered TLS 1.0 but negotiated SSL 3.0.
	cli := NewRSAClientVersion(&key.PublicKey, wire.VersionTLS10, wire.VersionSSL30, rand.Reader)
	body, cpm, _ := cli.ClientKeyExchange()
	spm, err := NewRSAServerVersion(key, wire.VersionTLS10, wire.VersionSSL30, rand.Reader).ProcessClientKeyExchange(body)
	if err != nil || !bytes.Equal(cpm, spm) || len(body) != key.Size() {
		t.Fatal("SSL 3.0 framing with a TLS client_version")
	}
}

// framed adds the TLS 1.0+ two-byte length to an RSA ciphertext.
func framed(ct []byte) []byte {
	return append([]byte{byte(len(ct) >> 8), byte(len(ct))}, ct...)
}

// TestRSABleichenbacher checks RFC 5246, 7.4.7.1: bad padding, a wrong
// length and a wrong version all give a fresh random 48-byte premaster and
// no error.
func TestRSABleichenbacher(t *testing.T) {
	key := testRSA()
	v := wire.VersionTLS12

	wrongVersion := make([]byte, 48)
	wrongVersion[0], wrongVersion[1] = 3, 1 // TLS 1.0 instead of 1.2: rollback
	//lint:ignore SA1019 the RSA key exchange of TLS 1.0-1.2 (RFC 5246, Section 7.4.7.1) is PKCS #1 v1.5 encryption by definition; legacy, used only when its suites are listed
	ctWrongVersion, _ := rsa.EncryptPKCS1v15(rand.Reader, &key.PublicKey, wrongVersion)

	shortPM := make([]byte, 47)
	shortPM[0], shortPM[1] = 3, 3
	//lint:ignore SA1019 the RSA key exchange of TLS 1.0-1.2 (RFC 5246, Section 7.4.7.1) is PKCS #1 v1.5 encryption by definition; legacy, used only when its suites are listed
	ctShort, _ := rsa.EncryptPKCS1v15(rand.Reader, &key.PublicKey, shortPM)

	// A ciphertext whose plaintext is not PKCS #1 v1.5 padded: raw RSA
	// of an arbitrary number below N.
	garbage := make([]byte, key.Size())
	garbage[0] = 0
	for i := 1; i < len(garbage); i++ {
		garbage[i] = byte(i)
	}
	ctBadPad := rawRSA(&key.PublicKey, garbage)

	// Ciphertexts that are not as long as the modulus, as tlsfuzzer's
	// test-invalid-rsa-key-exchange-messages sends them (all zero, half
	// and twice the key's size): the length is public, but a server that
	// answers them with another alert than a bad padding gets is one more
	// difference to measure; they take the random premaster too.
	for name, ct := range map[string][]byte{
		"wrong version":           ctWrongVersion,
		"wrong length":            ctShort,
		"bad padding":             ctBadPad,
		"zero, half the modulus":  make([]byte, key.Size()/2),
		"zero, the modulus":       make([]byte, key.Size()),
		"zero, twice the modulus": make([]byte, 2*key.Size()),
		"empty":                   {},
	} {
		t.Run(name, func(t *testing.T) {
			srv := NewRSAServer(key, v, rand.Reader)
			a, err := srv.ProcessClientKeyExchange(framed(ct))
			if err != nil {
				t.Fatalf("decryption failure surfaced: %v", err)
			}
			b, err := srv.ProcessClientKeyExchange(framed(ct))
			if err != nil {
				t.Fatal(err)
			}
			if len(a) != 48 || len(b) != 48 {
				t.Fatal("premaster not 48 bytes")
			}
			if bytes.Equal(a, b) {
				t.Fatal("fallback premaster not random")
			}
			if bytes.Equal(a, wrongVersion) {
				t.Fatal("wrong-version premaster accepted")
			}
		})
	}
}

// rawRSA computes m^e mod N, to build ciphertexts with invalid padding.
func rawRSA(pub *rsa.PublicKey, m []byte) []byte {
	x, e := new(big.Int).SetBytes(m), big.NewInt(int64(pub.E))
	out := new(big.Int).Exp(x, e, pub.N)
	return out.FillBytes(make([]byte, pub.Size()))
}

// failingDecrypter stands for a hardware key that reports padding errors.
type failingDecrypter struct{ pub *rsa.PublicKey }

func (f failingDecrypter) Public() crypto.PublicKey { return f.pub }
func (f failingDecrypter) Decrypt(io.Reader, []byte, crypto.DecrypterOpts) ([]byte, error) {
	return nil, errors.New("token: decryption error")
}

func TestRSAOpaqueDecrypter(t *testing.T) {
	key := testRSA()
	srv := NewRSAServer(failingDecrypter{&key.PublicKey}, wire.VersionTLS12, rand.Reader)
	body, _, _ := NewRSAClient(&key.PublicKey, wire.VersionTLS12, rand.Reader).ClientKeyExchange()
	pm, err := srv.ProcessClientKeyExchange(body)
	if err != nil || len(pm) != 48 {
		t.Fatalf("Decrypter error surfaced: %v", err)
	}
}

func TestRSAFraming(t *testing.T) {
	key := testRSA()
	srv := NewRSAServer(key, wire.VersionTLS12, rand.Reader)
	body, _, _ := NewRSAClient(&key.PublicKey, wire.VersionTLS12, rand.Reader).ClientKeyExchange()
	for name, b := range map[string][]byte{
		"empty":     nil,
		"one byte":  {1},
		"truncated": body[:len(body)-1],
		"trailing":  append(append([]byte{}, body...), 0),
		"no prefix": body[2:],
	} {
		_, err := srv.ProcessClientKeyExchange(b)
		var a *alert.Error
		if !errors.As(err, &a) || a.Desc != alert.DecodeError {
			t.Errorf("%s: got %v, want decode_error", name, err)
		}
	}
	_, err := NewRSAClient(&key.PublicKey, wire.VersionTLS12, rand.Reader).ProcessServerParams([]byte{1})
	wantAlert(t, err, alert.UnexpectedMessage)
}

// verifyRawPKCS1 checks an RSA signature over a bare digest (no
// DigestInfo) independently of Verify: s^e mod N must be
// 00 01 FF..FF 00 digest.
func verifyRawPKCS1(key *rsa.PrivateKey, digest, sig []byte) error {
	em := rawRSA(&key.PublicKey, sig)
	k := len(em)
	if em[0] != 0 || em[1] != 1 || em[k-len(digest)-1] != 0 || !bytes.Equal(em[k-len(digest):], digest) {
		return errors.New("not a bare PKCS #1 v1.5 signature")
	}
	for _, b := range em[2 : k-len(digest)-1] {
		if b != 0xff {
			return errors.New("bad padding")
		}
	}
	return nil
}
