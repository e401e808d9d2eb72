package pki

import (
	"encoding/pem"
	"errors"
)

// PEM block types (RFC 7468, Section 5 and the OpenSSL legacy labels).
const (
	pemCertificate         = "CERTIFICATE"
	pemRSAPrivateKey       = "RSA PRIVATE KEY"       // PKCS#1, RFC 8017 Appendix A.1.2
	pemECPrivateKey        = "EC PRIVATE KEY"        // SEC 1, RFC 5915
	pemPrivateKey          = "PRIVATE KEY"           // PKCS#8, RFC 5208 / RFC 5958
	pemEncryptedPrivateKey = "ENCRYPTED PRIVATE KEY" // PKCS#8 EncryptedPrivateKeyInfo
	pemDSAPrivateKey       = "DSA PRIVATE KEY"
)

// ErrNoCertificates is returned when PEM data holds no CERTIFICATE block.
var ErrNoCertificates = errors.New("pki: no CERTIFICATE block in PEM data")

// ParseCertificatesPEM returns the DER bytes of every CERTIFICATE block of
// data, in order. Other blocks (keys, parameters) are skipped, and so is text
// around the blocks. The DER is not parsed here.
func ParseCertificatesPEM(data []byte) ([][]byte, error) {
	var ders [][]byte
	for _, b := range decodeAllPEM(data) {
		if b.Type == pemCertificate {
			ders = append(ders, b.Bytes)
		}
	}
	if len(ders) == 0 {
		return nil, ErrNoCertificates
	}
	return ders, nil
}

// decodeAllPEM returns every PEM block of data, in order.
func decodeAllPEM(data []byte) []*pem.Block {
	var blocks []*pem.Block
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return blocks
		}
		blocks = append(blocks, b)
	}
}
