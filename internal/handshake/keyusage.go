package handshake

import (
	"crypto/x509"
	"encoding/asn1"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
)

var oidKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 15}

// checkServerKeyUsage refuses a server certificate whose keyUsage
// extension does not allow the use the key exchange makes of its key
// (RFC 5280, Section 4.2.1.3): RSA key exchange encrypts the premaster
// secret to it, keyEncipherment (RFC 5246, Section 7.4.2); static ECDH
// agrees on it, keyAgreement (RFC 4492, 2.1); ECDHE signs
// its parameters and TLS 1.3 its CertificateVerify, digitalSignature (RFC
// 8422, Section 5.3; RFC 8446, Section 4.4.2.2). A certificate without
// the extension may be used for anything. The check holds whatever the
// verify setting: it is about this handshake's use of the key, not about
// trust in the certificate (OpenSSL checks it the same way).
func checkServerKeyUsage(leaf *x509.Certificate, k suites.KeyExchange) error {
	if !hasExtension(leaf, oidKeyUsage) {
		return nil
	}
	need, name := x509.KeyUsageDigitalSignature, "digitalSignature"
	switch {
	case k == suites.KXRSA || k == suites.KXRSAPSK:
		need, name = x509.KeyUsageKeyEncipherment, "keyEncipherment"
	case k.StaticECDH():
		// RFC 4492, 2.1 and RFC 5246, 7.4.2: the key is used for key
		// agreement.
		need, name = x509.KeyUsageKeyAgreement, "keyAgreement"
	}
	if leaf.KeyUsage&need == 0 {
		use := k.ErlangName() + " key exchange"
		if k == suites.KXAny {
			use = "TLS 1.3"
		}
		return alert.New(alert.UnsupportedCertificate, "the server certificate's keyUsage lacks "+name+", which "+use+" needs")
	}
	return nil
}

// checkClientKeyUsage refuses a client certificate whose keyUsage
// extension lacks digitalSignature: its key signs the CertificateVerify
// (RFC 5246, Section 7.4.6; RFC 8446, Section 4.4.2.2).
func checkClientKeyUsage(leaf *x509.Certificate) error {
	if hasExtension(leaf, oidKeyUsage) && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return alert.New(alert.UnsupportedCertificate, "the client certificate's keyUsage lacks digitalSignature, which its CertificateVerify needs")
	}
	return nil
}

func hasExtension(c *x509.Certificate, id asn1.ObjectIdentifier) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(id) {
			return true
		}
	}
	return false
}
