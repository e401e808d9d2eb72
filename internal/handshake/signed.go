package handshake

import (
	"crypto/x509"
	"errors"

	"golang.org/x/crypto/cryptobyte"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/wire"
)

// parseDigitallySigned splits a digitally-signed struct (RFC 5246, 4.7):
// from TLS 1.2 a SignatureAndHashAlgorithm precedes the signature; before
// it the algorithm is implied by the key.
func parseDigitallySigned(b []byte, version uint16) (scheme uint16, sig []byte, err error) {
	s := cryptobyte.String(b)
	if version >= wire.VersionTLS12 && !s.ReadUint16(&scheme) {
		return 0, nil, alert.New(alert.DecodeError, "truncated signature algorithm")
	}
	var v cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&v) || !s.Empty() || len(v) == 0 {
		return 0, nil, alert.New(alert.DecodeError, "malformed signature")
	}
	return scheme, v, nil
}

// parseChain parses the certificates of a Certificate message.
func parseChain(cm *wire.Certificate) ([]*x509.Certificate, error) {
	certs := make([]*x509.Certificate, 0, len(cm.Entries))
	for _, e := range cm.Entries {
		cert, err := pki.ParseCertificate(e.Data)
		if err != nil {
			return nil, alert.New(alert.BadCertificate, "unparsable peer certificate")
		}
		certs = append(certs, cert)
	}
	return certs, nil
}

// verifyPeer validates the peer's chain for purpose, checking hostname
// when it is not empty. A client's certificate must also allow the
// CertificateVerify signature (checkClientKeyUsage).
func (s *session) verifyPeer(cm *wire.Certificate, purpose pki.Purpose, hostname string, staple *Staple) ([]*x509.Certificate, error) {
	chain := make([][]byte, len(cm.Entries))
	for i, e := range cm.Entries {
		chain[i] = e.Data
	}
	path, err := verifyChain(s.cfg, chain, purpose, hostname, staple)
	if err == nil && purpose == pki.ClientAuth && len(path) > 0 {
		err = checkClientKeyUsage(path[0])
	}
	return path, err
}

// certError turns a path-validation failure into the alert to send,
// keeping the validation error as the cause.
func certError(err error) error {
	var bad *pki.BadCertError
	if errors.As(err, &bad) {
		return &alert.Error{Desc: bad.Alert(), Reason: bad.Error(), Err: bad}
	}
	return &alert.Error{Desc: alert.BadCertificate, Reason: err.Error(), Err: err}
}
