package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// checkEntryExtensions13 checks the extensions on the entries of a TLS 1.3
// Certificate and returns the OCSP response stapled to the leaf. RFC 8446,
// 4.4.2: they must answer extensions of the ClientHello (a server's
// Certificate) or of the CertificateRequest (a client's). gossl requests
// only status_request, and only as a client with stapling
// (statusRequested); never signed_certificate_timestamp. RFC 8446, 4.2:
// an extension that answers nothing is unsupported_extension. A staple on
// an intermediate's entry (RFC 8446, 4.4.2.1 allows one) is well formed
// or refused, but not checked: gossl checks the leaf's status.
func checkEntryExtensions13(cm *wire.Certificate, statusRequested bool) ([]byte, error) {
	var staple []byte
	for i, e := range cm.Entries {
		for _, x := range e.Extensions {
			if x.Type != wire.ExtStatusRequest || !statusRequested {
				return nil, alert.New(alert.UnsupportedExtension, "Certificate entry carries an extension that was not requested")
			}
			resp, ok := wire.ParseStatusBody(x.Data)
			if !ok {
				return nil, alert.New(alert.DecodeError, "malformed status_request (CertificateStatus) in a Certificate entry")
			}
			if i == 0 {
				staple = resp
			}
		}
	}
	return staple, nil
}
