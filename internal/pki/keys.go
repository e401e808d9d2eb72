package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/cloudflare/circl/sign/ed448"

	"github.com/gossl/ssl/internal/ec"
)

// Erlang's names for the DER key kinds of the ssl `key` option.
const (
	KeyKindRSA   = "RSAPrivateKey"
	KeyKindEC    = "ECPrivateKey"
	KeyKindPKCS8 = "PrivateKeyInfo"
	KeyKindDSA   = "DSAPrivateKey"
)

var (
	// ErrNoPrivateKey is returned when PEM data holds no private-key block.
	ErrNoPrivateKey = errors.New("pki: no private key block in PEM data")
	// ErrPasswordRequired is returned for an encrypted key and no password.
	ErrPasswordRequired = errors.New("pki: private key is encrypted and no password was given")
	// ErrIncorrectPassword is returned when decryption fails: the password
	// is wrong or the data is corrupt (the two cannot be told apart).
	ErrIncorrectPassword = errors.New("pki: cannot decrypt private key: incorrect password or corrupt data")
	// ErrKeyMismatch is returned by CheckKeyMatchesCertificate.
	ErrKeyMismatch = errors.New("pki: private key does not match the certificate's public key")
)

// ParsePrivateKeyPEM returns the first private key of data. It reads PKCS#1
// ("RSA PRIVATE KEY"), SEC 1 ("EC PRIVATE KEY") and PKCS#8 ("PRIVATE KEY")
// blocks, legacy OpenSSL-encrypted blocks (Proc-Type: 4,ENCRYPTED) and
// encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", PBES2), the last two with
// password. Keys are RSA, ECDSA (on the curves of internal/ec too, as
// *ec.PrivateKey), Ed25519, Ed448 (circl's ed448.PrivateKey) or DSA ("DSA
// PRIVATE KEY" or PKCS#8; loaded as a *DSAKey).
func ParsePrivateKeyPEM(data []byte, password string) (crypto.Signer, error) {
	for _, b := range decodeAllPEM(data) {
		switch b.Type {
		case pemRSAPrivateKey, pemECPrivateKey, pemPrivateKey, pemDSAPrivateKey:
			der := b.Bytes
			// Legacy OpenSSL encryption (RFC 1423): deprecated, but still
			// found in the wild, and Erlang reads it.
			//lint:ignore SA1019 Erlang's password option reads RFC 1423 encrypted PEM keys, which OTP users have; decryption only
			if x509.IsEncryptedPEMBlock(b) {
				if password == "" {
					return nil, ErrPasswordRequired
				}
				var err error
				//lint:ignore SA1019 Erlang's password option reads RFC 1423 encrypted PEM keys, which OTP users have; decryption only
				der, err = x509.DecryptPEMBlock(b, []byte(password))
				if err != nil {
					if errors.Is(err, x509.IncorrectPasswordError) {
						return nil, ErrIncorrectPassword
					}
					return nil, fmt.Errorf("pki: decrypting %s: %w", b.Type, err)
				}
			}
			return ParsePrivateKeyDER(kindOfPEM(b.Type), der)
		case pemEncryptedPrivateKey:
			if password == "" {
				return nil, ErrPasswordRequired
			}
			der, err := decryptPKCS8(b.Bytes, []byte(password))
			if err != nil {
				return nil, err
			}
			return ParsePrivateKeyDER(KeyKindPKCS8, der)
		}
	}
	return nil, ErrNoPrivateKey
}

func kindOfPEM(t string) string {
	switch t {
	case pemRSAPrivateKey:
		return KeyKindRSA
	case pemECPrivateKey:
		return KeyKindEC
	case pemDSAPrivateKey:
		return KeyKindDSA
	}
	return KeyKindPKCS8
}

// ParsePrivateKeyDER parses a DER private key of the given kind, Erlang's
// names for them: "RSAPrivateKey" (PKCS#1), "ECPrivateKey" (SEC 1) or
// "PrivateKeyInfo" (PKCS#8). For convenience a PKCS#1 or SEC 1 key given as
// the wrong kind is still read when the bytes say what it is.
func ParsePrivateKeyDER(kind string, der []byte) (crypto.Signer, error) {
	var (
		k   any
		err error
	)
	switch kind {
	case KeyKindRSA:
		k, err = x509.ParsePKCS1PrivateKey(der)
	case KeyKindEC:
		k, err = x509.ParseECPrivateKey(der)
		if err != nil {
			if ok, oerr := parseOtherECPrivateKey(der, nil); oerr == nil {
				k, err = ok, nil
			}
		}
	case KeyKindPKCS8:
		if dk, isDSA, derr := parsePKCS8DSA(der); isDSA {
			if derr != nil {
				return nil, fmt.Errorf("pki: parsing %s: %w", kind, derr)
			}
			return dk, nil
		}
		k, err = x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			// Keys crypto/x509 does not know (eckeys.go).
			if ok, isOther, oerr := parsePKCS8Other(der); isOther {
				if oerr != nil {
					return nil, fmt.Errorf("pki: parsing %s: %w", kind, oerr)
				}
				return ok, nil
			}
			// Some tools label PKCS#1/SEC 1 keys "PRIVATE KEY".
			if k2, err2 := x509.ParsePKCS1PrivateKey(der); err2 == nil {
				k, err = k2, nil
			} else if k3, err3 := x509.ParseECPrivateKey(der); err3 == nil {
				k, err = k3, nil
			}
		}
	case KeyKindDSA:
		k, err = parseDSAPrivateKey(der)
	default:
		return nil, fmt.Errorf("pki: unknown private key kind %q", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("pki: parsing %s: %w", kind, err)
	}
	return asSigner(k)
}

func asSigner(k any) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case *ed25519.PrivateKey:
		return *k, nil
	case *DSAKey:
		return k, nil
	case *ec.PrivateKey:
		return k, nil
	case ed448.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("pki: unsupported private key type %T (want RSA, ECDSA, Ed25519 or Ed448)", k)
}

// LoadPrivateKeyFile reads the first private key of a PEM file (through the
// PEM cache; decrypted keys are not cached).
func LoadPrivateKeyFile(path, password string) (crypto.Signer, error) {
	e, err := defaultCache.load(path)
	if err != nil {
		return nil, err
	}
	k, err := ParsePrivateKeyPEM(e.data, password)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return k, nil
}

// CheckKeyMatchesCertificate reports whether key's public half is the public
// key of the certificate certDER.
func CheckKeyMatchesCertificate(key crypto.Signer, certDER []byte) error {
	cert, err := ParseCertificate(certDER)
	if err != nil {
		return fmt.Errorf("pki: parsing certificate: %w", err)
	}
	if dk, ok := key.(*DSAKey); ok {
		if !dsaPublicEqual(dk, cert.PublicKey) {
			return ErrKeyMismatch
		}
		return nil
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return ErrKeyMismatch
	}
	return nil
}
