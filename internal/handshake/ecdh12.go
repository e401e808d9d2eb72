package handshake

import (
	"crypto/x509"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// Static ECDH, ECDH_ECDSA and ECDH_RSA (RFC 4492, 2.1 and 2.3), in the
// handshake: the server sends its certificate, no ServerKeyExchange, and
// the client's ephemeral point in ClientKeyExchange meets the
// certificate's key. The certificate's key must be an ECDSA key on a
// curve the client named in supported_groups (RFC 4492, 5.3), and it was
// signed by a CA with ECDSA (ECDH_ECDSA) or RSA (ECDH_RSA). RFC 5246,
// 7.4.2 relaxes that last rule in TLS 1.2; a gossl server keeps it in
// every version, as OTP does (its filter on the certificate's signature
// algorithm), so the suite name says what signed the certificate. A
// client checks the key and its curve, and keyUsage keyAgreement when
// the extension is present (checkServerKeyUsage).

// staticECDHFits reports whether ck can serve the static ECDH exchange k
// to a client that sent ch.
func staticECDHFits(ck *CertKey, k suites.KeyExchange, ch *wire.ClientHello) bool {
	if !kx.StaticECDHUsable(ck.Key) || ck.Leaf == nil {
		return false
	}
	if ch.SupportedGroups != nil && !containsU16(ch.SupportedGroups, kx.CertCurveGroup(ck.Key.Public())) {
		return false
	}
	switch ck.Leaf.SignatureAlgorithm {
	case x509.ECDSAWithSHA1, x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512:
		return k == suites.KXECDHECDSA
	case x509.SHA1WithRSA, x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
		x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS:
		return k == suites.KXECDHRSA
	}
	return false
}

// startStaticECDH makes the server's static ECDH exchange with the
// chosen certificate's key.
func (s *Server) startStaticECDH() error {
	x, err := kx.NewStaticECDHServer(s.cert.Key)
	if err != nil {
		return err
	}
	s.kx = x
	s.info.Group = kx.CertCurveGroup(s.cert.Key.Public())
	return nil
}

// startStaticECDH makes the client's static ECDH exchange against the
// server's leaf certificate.
func (c *Client) startStaticECDH(leaf *x509.Certificate) error {
	x, err := kx.NewStaticECDHClient(leaf.PublicKey, c.hello.SupportedGroups, c.cfg.Rand)
	if err != nil {
		if kx.CertCurveGroup(leaf.PublicKey) == 0 {
			return alert.New(alert.UnsupportedCertificate, c.suite.KX.ErlangName()+" needs a certificate with an ECDSA key on a named curve")
		}
		return err
	}
	c.kx = x
	c.info.Group = kx.CertCurveGroup(leaf.PublicKey)
	return nil
}
