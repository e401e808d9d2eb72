package pki

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/pbkdf2"
)

// Encrypted PKCS#8 (RFC 5958, Section 3) with PBES2 (RFC 8018, Section 6.2):
//
//	EncryptedPrivateKeyInfo ::= SEQUENCE {
//	    encryptionAlgorithm  AlgorithmIdentifier,  -- id-PBES2
//	    encryptedData        OCTET STRING }
//	PBES2-params ::= SEQUENCE {
//	    keyDerivationFunc AlgorithmIdentifier,     -- id-PBKDF2
//	    encryptionScheme  AlgorithmIdentifier }    -- AES-CBC or DES-EDE3-CBC
//	PBKDF2-params ::= SEQUENCE {
//	    salt           OCTET STRING,
//	    iterationCount INTEGER (1..MAX),
//	    keyLength      INTEGER (1..MAX) OPTIONAL,
//	    prf            AlgorithmIdentifier DEFAULT algid-hmacWithSHA1 }

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
)

// maxPBKDF2Iterations bounds the work a hostile file can ask for.
const maxPBKDF2Iterations = 10_000_000

var errMalformedEncryptedPKCS8 = errors.New("pki: malformed ENCRYPTED PRIVATE KEY")

// decryptPKCS8 decrypts an EncryptedPrivateKeyInfo and returns the inner
// PrivateKeyInfo DER.
func decryptPKCS8(der, password []byte) ([]byte, error) {
	in := cryptobyte.String(der)
	var epki, algID, data, params cryptobyte.String
	var alg asn1.ObjectIdentifier
	if !in.ReadASN1(&epki, cbasn1.SEQUENCE) || !in.Empty() ||
		!epki.ReadASN1(&algID, cbasn1.SEQUENCE) ||
		!epki.ReadASN1(&data, cbasn1.OCTET_STRING) || !epki.Empty() ||
		!algID.ReadASN1ObjectIdentifier(&alg) {
		return nil, errMalformedEncryptedPKCS8
	}
	if !alg.Equal(oidPBES2) {
		return nil, fmt.Errorf("pki: unsupported PKCS#8 encryption %v (only PBES2 is supported)", alg)
	}
	if !algID.ReadASN1(&params, cbasn1.SEQUENCE) || !algID.Empty() {
		return nil, errMalformedEncryptedPKCS8
	}
	var kdf, scheme cryptobyte.String
	if !params.ReadASN1(&kdf, cbasn1.SEQUENCE) || !params.ReadASN1(&scheme, cbasn1.SEQUENCE) || !params.Empty() {
		return nil, errMalformedEncryptedPKCS8
	}

	// Encryption scheme first: it fixes the key length.
	var encOID asn1.ObjectIdentifier
	var iv []byte
	if !scheme.ReadASN1ObjectIdentifier(&encOID) || !scheme.ReadASN1Bytes(&iv, cbasn1.OCTET_STRING) || !scheme.Empty() {
		return nil, errMalformedEncryptedPKCS8
	}
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch {
	case encOID.Equal(oidAES128CBC):
		keyLen, newBlock = 16, aes.NewCipher
	case encOID.Equal(oidAES192CBC):
		keyLen, newBlock = 24, aes.NewCipher
	case encOID.Equal(oidAES256CBC):
		keyLen, newBlock = 32, aes.NewCipher
	case encOID.Equal(oidDESEDE3CBC):
		keyLen, newBlock = 24, des.NewTripleDESCipher
	default:
		return nil, fmt.Errorf("pki: unsupported PBES2 encryption scheme %v", encOID)
	}

	// RFC 8018, Appendix A.2: PBKDF2-params.
	var kdfOID asn1.ObjectIdentifier
	var kdfParams cryptobyte.String
	if !kdf.ReadASN1ObjectIdentifier(&kdfOID) || !kdfOID.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("pki: unsupported PBES2 key derivation %v (only PBKDF2 is supported)", kdfOID)
	}
	if !kdf.ReadASN1(&kdfParams, cbasn1.SEQUENCE) || !kdf.Empty() {
		return nil, errMalformedEncryptedPKCS8
	}
	var salt []byte
	var iter int
	if !kdfParams.ReadASN1Bytes(&salt, cbasn1.OCTET_STRING) || !kdfParams.ReadASN1Integer(&iter) {
		return nil, errMalformedEncryptedPKCS8
	}
	if iter < 1 || iter > maxPBKDF2Iterations {
		return nil, fmt.Errorf("pki: PBKDF2 iteration count %d out of range", iter)
	}
	if kdfParams.PeekASN1Tag(cbasn1.INTEGER) {
		var kl int
		if !kdfParams.ReadASN1Integer(&kl) {
			return nil, errMalformedEncryptedPKCS8
		}
		if kl != keyLen {
			return nil, fmt.Errorf("pki: PBKDF2 key length %d does not fit the cipher", kl)
		}
	}
	prf := sha1.New
	if !kdfParams.Empty() {
		var prfID cryptobyte.String
		var prfOID asn1.ObjectIdentifier
		if !kdfParams.ReadASN1(&prfID, cbasn1.SEQUENCE) || !kdfParams.Empty() || !prfID.ReadASN1ObjectIdentifier(&prfOID) {
			return nil, errMalformedEncryptedPKCS8
		}
		// Parameters of the HMAC algorithm identifier are NULL or absent.
		if !prfID.Empty() {
			var null cryptobyte.String
			if !prfID.ReadASN1(&null, cbasn1.NULL) || !prfID.Empty() {
				return nil, errMalformedEncryptedPKCS8
			}
		}
		switch {
		case prfOID.Equal(oidHMACSHA1):
			prf = sha1.New
		case prfOID.Equal(oidHMACSHA224):
			prf = sha256.New224
		case prfOID.Equal(oidHMACSHA256):
			prf = sha256.New
		case prfOID.Equal(oidHMACSHA384):
			prf = sha512.New384
		case prfOID.Equal(oidHMACSHA512):
			prf = sha512.New
		default:
			return nil, fmt.Errorf("pki: unsupported PBKDF2 PRF %v", prfOID)
		}
	}
	// PBKDF2's PRF is HMAC with the hash above (RFC 8018, Appendix B.1).
	key := pbkdf2.Key(password, salt, iter, keyLen, prf)
	block, err := newBlock(key)
	if err != nil {
		return nil, err
	}
	bs := block.BlockSize()
	if len(iv) != bs || len(data) == 0 || len(data)%bs != 0 {
		return nil, errMalformedEncryptedPKCS8
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	// PKCS#5 padding (RFC 8018, Section 6.1.1 step 4).
	pad := int(out[len(out)-1])
	if pad == 0 || pad > bs {
		return nil, ErrIncorrectPassword
	}
	for _, p := range out[len(out)-pad:] {
		if int(p) != pad {
			return nil, ErrIncorrectPassword
		}
	}
	out = out[:len(out)-pad]
	// A wrong password that happens to leave valid padding is caught here.
	var pki cryptobyte.String = out
	var inner cryptobyte.String
	if !pki.ReadASN1(&inner, cbasn1.SEQUENCE) || !pki.Empty() {
		return nil, ErrIncorrectPassword
	}
	return out, nil
}
