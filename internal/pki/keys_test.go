package pki

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/pbkdf2"
)

func pemOf(typ string, der []byte, headers map[string]string) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Headers: headers, Bytes: der})
}

func samePublic(t *testing.T, a, b crypto.Signer) {
	t.Helper()
	if !a.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(b.Public()) {
		t.Fatal("parsed key differs from the original")
	}
}

// encryptPKCS8 builds an EncryptedPrivateKeyInfo (PBES2, PBKDF2) for tests.
func encryptPKCS8(t *testing.T, pkcs8, password []byte, encOID asn1.ObjectIdentifier, prfOID asn1.ObjectIdentifier) []byte {
	t.Helper()
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch {
	case encOID.Equal(oidAES128CBC):
		keyLen, newBlock = 16, aes.NewCipher
	case encOID.Equal(oidAES256CBC):
		keyLen, newBlock = 32, aes.NewCipher
	case encOID.Equal(oidDESEDE3CBC):
		keyLen, newBlock = 24, des.NewTripleDESCipher
	}
	var h func() hash.Hash = sha256.New
	if prfOID == nil {
		h = sha1.New
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	key := pbkdf2.Key(password, salt, 2048, keyLen, h)
	block, _ := newBlock(key)
	iv := make([]byte, block.BlockSize())
	rand.Read(iv)
	pad := block.BlockSize() - len(pkcs8)%block.BlockSize()
	data := append(append([]byte(nil), pkcs8...), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, data)

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidPBES2)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidPBKDF2)
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(salt)
						b.AddASN1Int64(2048)
						if prfOID != nil {
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
								b.AddASN1ObjectIdentifier(prfOID)
								b.AddASN1NULL()
							})
						}
					})
				})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(encOID)
					b.AddASN1OctetString(iv)
				})
			})
		})
		b.AddASN1OctetString(data)
	})
	return b.BytesOrPanic()
}

func TestParsePrivateKeyPEMFormats(t *testing.T) {
	for _, a := range []keyAlg{algRSA, algECDSA, algEd25519} {
		t.Run(a.String(), func(t *testing.T) {
			k := newKey(t, a)
			p8, err := x509.MarshalPKCS8PrivateKey(k)
			if err != nil {
				t.Fatal(err)
			}
			forms := map[string][]byte{
				"PKCS8": pemOf(pemPrivateKey, p8, nil),
				"PKCS8 after a certificate": append(pemOf(pemCertificate, []byte{0x30, 0}, nil),
					pemOf(pemPrivateKey, p8, nil)...),
				"encrypted PKCS8 AES-256 SHA-256": pemOf(pemEncryptedPrivateKey,
					encryptPKCS8(t, p8, []byte("secret"), oidAES256CBC, oidHMACSHA256), nil),
				"encrypted PKCS8 AES-128 SHA-1": pemOf(pemEncryptedPrivateKey,
					encryptPKCS8(t, p8, []byte("secret"), oidAES128CBC, nil), nil),
				"encrypted PKCS8 3DES": pemOf(pemEncryptedPrivateKey,
					encryptPKCS8(t, p8, []byte("secret"), oidDESEDE3CBC, oidHMACSHA256), nil),
			}
			var trad []byte
			var tradType string
			switch k := k.(type) {
			case *rsa.PrivateKey:
				trad, tradType = x509.MarshalPKCS1PrivateKey(k), pemRSAPrivateKey
			case *ecdsa.PrivateKey:
				trad, err = x509.MarshalECPrivateKey(k)
				tradType = pemECPrivateKey
				if err != nil {
					t.Fatal(err)
				}
				// OpenSSL writes EC PARAMETERS before the key.
				forms["SEC1 with parameters"] = append(pemOf("EC PARAMETERS", []byte{6, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 3, 1, 7}, nil),
					pemOf(tradType, trad, nil)...)
			}
			if trad != nil {
				forms["traditional"] = pemOf(tradType, trad, nil)
				forms["traditional labelled PRIVATE KEY"] = pemOf(pemPrivateKey, trad, nil)
				//lint:ignore SA1019 Erlang's password option reads RFC 1423 encrypted PEM keys, which OTP users have; decryption only
				blk, err := x509.EncryptPEMBlock(rand.Reader, tradType, trad, []byte("secret"), x509.PEMCipherAES256)
				if err != nil {
					t.Fatal(err)
				}
				forms["legacy encrypted"] = pem.EncodeToMemory(blk)
			}
			for name, data := range forms {
				pw := ""
				if bytes.Contains(data, []byte("ENCRYPTED")) {
					pw = "secret"
					if _, err := ParsePrivateKeyPEM(data, ""); !errors.Is(err, ErrPasswordRequired) {
						t.Errorf("%s without password: %v", name, err)
					}
					if _, err := ParsePrivateKeyPEM(data, "wrong"); err == nil {
						t.Errorf("%s with a wrong password: no error", name)
					}
				}
				got, err := ParsePrivateKeyPEM(data, pw)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				samePublic(t, got, k)
			}

			// DER with Erlang's kinds.
			if got, err := ParsePrivateKeyDER(KeyKindPKCS8, p8); err != nil {
				t.Fatal(err)
			} else {
				samePublic(t, got, k)
			}
			if trad != nil {
				kind := KeyKindRSA
				if tradType == pemECPrivateKey {
					kind = KeyKindEC
				}
				if got, err := ParsePrivateKeyDER(kind, trad); err != nil {
					t.Fatal(err)
				} else {
					samePublic(t, got, k)
				}
			}
		})
	}
}

func TestParsePrivateKeyErrors(t *testing.T) {
	if _, err := ParsePrivateKeyPEM([]byte("nothing here"), ""); !errors.Is(err, ErrNoPrivateKey) {
		t.Error(err)
	}
	if _, err := ParsePrivateKeyPEM(pemOf(pemPrivateKey, []byte{0x30, 0}, nil), ""); err == nil {
		t.Error("garbage key accepted")
	}
	if _, err := ParsePrivateKeyDER("DSAPrivateKey", []byte{0x30, 0}); err == nil {
		t.Error("DSA accepted")
	}
	if _, err := ParsePrivateKeyDER("Foo", nil); err == nil {
		t.Error("unknown kind accepted")
	}
	if _, err := ParsePrivateKeyPEM(pemOf(pemEncryptedPrivateKey, []byte{0x30, 0}, nil), "x"); err == nil {
		t.Error("garbage encrypted key accepted")
	}
}

func TestParsePrivateKeyOpenSSLInterop(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	k := newKey(t, algECDSA)
	p8, _ := x509.MarshalPKCS8PrivateKey(k)
	in := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(in, pemOf(pemPrivateKey, p8, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256"},
		{"pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"},
		{"pkcs8", "-topk8", "-v2", "des3"},
		{"ec", "-aes128"},
	} {
		out := filepath.Join(dir, "enc.pem")
		pass := "-passout"
		cmd := exec.Command(openssl, append(args, "-in", in, "-out", out, pass, "pass:s3cret")...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Logf("openssl %v: %v %s", args, err, b)
			continue
		}
		data, _ := os.ReadFile(out)
		got, err := ParsePrivateKeyPEM(data, "s3cret")
		if err != nil {
			t.Fatalf("openssl %v: %v", args, err)
		}
		samePublic(t, got, k)
	}
}

func TestCheckKeyMatchesCertificate(t *testing.T) {
	c := newChain(t, algECDSA)
	if err := CheckKeyMatchesCertificate(c.leaf.key, c.leaf.der); err != nil {
		t.Fatal(err)
	}
	if err := CheckKeyMatchesCertificate(c.inter.key, c.leaf.der); !errors.Is(err, ErrKeyMismatch) {
		t.Fatal(err)
	}
	if err := CheckKeyMatchesCertificate(newKey(t, algRSA), c.leaf.der); !errors.Is(err, ErrKeyMismatch) {
		t.Fatal(err)
	}
	if err := CheckKeyMatchesCertificate(c.leaf.key, []byte{1}); err == nil {
		t.Fatal("garbage certificate accepted")
	}
	r := newChain(t, algRSA)
	if err := CheckKeyMatchesCertificate(r.leaf.key, r.leaf.der); err != nil {
		t.Fatal(err)
	}
	e := newChain(t, algEd25519)
	if err := CheckKeyMatchesCertificate(e.leaf.key, e.leaf.der); err != nil {
		t.Fatal(err)
	}
}
