package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// checkEntryExtensions13 refuses extensions on the entries of a TLS 1.3
// Certificate. RFC 8446, 4.4.2: they must answer extensions of the
// ClientHello (a server's Certificate) or of the CertificateRequest (a
// client's), and gossl requests none: no status_request, no
// signed_certificate_timestamp. RFC 8446, 4.2: an extension that answers
// nothing is unsupported_extension.
func checkEntryExtensions13(cm *wire.Certificate) error {
	for _, e := range cm.Entries {
		if len(e.Extensions) > 0 {
			return alert.New(alert.UnsupportedExtension, "Certificate entry carries an extension that was not requested")
		}
	}
	return nil
}
