package handshake

import (
	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/prf"
	"github.com/gossl/ssl/internal/wire"
)

// SSL 3.0 (RFC 6101) differs from TLS 1.0 in the handshake only here:
//
//   - it has no hello extensions. A client that offers nothing above SSL
//     3.0 sends none, and signals secure renegotiation with the
//     TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746, 3.3 and 4.5); a server
//     that negotiates SSL 3.0 ignores the client's extensions, and
//     answers only renegotiation_info, which RFC 5746, 4.5 asks of SSL
//     3.0 servers too;
//   - Finished (5.6.9) and CertificateVerify (5.6.8) are nested MD5 and
//     SHA-1 hashes over the master secret (internal/prf, ssl3.go);
//   - a client asked for a certificate that has none sends a
//     no_certificate warning alert instead of a Certificate message
//     (5.6.6), which a server takes as an empty one;
//   - the RSA ClientKeyExchange has no length prefix (internal/kx).
//
// The record layer's differences (MAC, padding) are in internal/record.

// ssl3ClientHello drops every extension of ch but renegotiation_info:
// the ClientHello of a client whose highest version is SSL 3.0. In an
// initial handshake the SCSV replaces the empty extension.
func ssl3ClientHello(ch *wire.ClientHello) *wire.ClientHello {
	out := ssl3View(ch)
	if out.SecureRenegotiationValid && len(out.SecureRenegotiation) == 0 {
		out.SecureRenegotiationValid = false
		out.CipherSuites = append(out.CipherSuites[:len(out.CipherSuites):len(out.CipherSuites)], wire.SCSVRenegotiation)
	}
	return out
}

// ssl3View is the ClientHello as an SSL 3.0 server reads it: its
// extensions ignored but renegotiation_info (RFC 5746, 4.5), so that
// nothing an extension would negotiate (extended master secret,
// encrypt-then-MAC, tickets, ALPN, record limits) applies to SSL 3.0.
func ssl3View(ch *wire.ClientHello) *wire.ClientHello {
	return &wire.ClientHello{
		Version:                  ch.Version,
		Random:                   ch.Random,
		SessionID:                ch.SessionID,
		CipherSuites:             ch.CipherSuites,
		CompressionMethods:       ch.CompressionMethods,
		SecureRenegotiation:      ch.SecureRenegotiation,
		SecureRenegotiationValid: ch.SecureRenegotiationValid,
		Raw:                      ch.Raw,
	}
}

// checkSSL3ServerHello refuses, in a ServerHello that selects SSL 3.0,
// every extension but renegotiation_info: SSL 3.0 has none (RFC 6101,
// 5.6.1.3), and whatever one would negotiate does not exist for it.
func checkSSL3ServerHello(sh *wire.ServerHello) error {
	if sh.ExtendedMasterSecret || sh.EncryptThenMAC || sh.SessionTicketExt || sh.ALPNProtocol != "" ||
		sh.NextProtoNeg || sh.ECPointFormats != nil || sh.ServerNameAck || sh.StatusRequest ||
		sh.Limits != (wire.RecordLimits{}) || len(sh.Unknown) > 0 {
		return alert.New(alert.UnsupportedExtension, "SSL 3.0 ServerHello with an extension other than renegotiation_info")
	}
	return nil
}

// ssl3Finished is the SSL 3.0 Finished body (RFC 6101, 5.6.9).
func (s *session) ssl3Finished(client bool) []byte {
	return prf.SSL3FinishedVerifyData(s.master, client, s.transcript.Bytes())
}

// signCertificateVerify signs the CertificateVerify of a client
// certificate: the handshake messages so far, or in SSL 3.0 the
// construction of RFC 6101, 5.6.8 over the master secret and them.
func (c *Client) signCertificateVerify(chosen *CertKey, scheme uint16) ([]byte, error) {
	if c.version == wire.VersionSSL30 {
		return kx.SignSSL3(chosen.Key, prf.SSL3CertificateVerifyHash(c.master, c.transcript.Bytes()), c.cfg.Rand)
	}
	return kx.Sign(chosen.Key, scheme, c.version, c.transcript.Bytes(), c.cfg.Rand)
}

// verifyCertificateVerify checks a client's CertificateVerify signature
// (see signCertificateVerify).
func (s *Server) verifyCertificateVerify(cv *wire.CertificateVerify) error {
	if s.version == wire.VersionSSL30 {
		return kx.VerifySSL3(s.clientCert.PublicKey, prf.SSL3CertificateVerifyHash(s.master, s.transcript.Bytes()), cv.Signature)
	}
	return kx.Verify(s.clientCert.PublicKey, cv.Algorithm, s.version, s.transcript.Bytes(), cv.Signature)
}

// HandleNoCertificate takes a no_certificate warning alert. In SSL 3.0 it
// is a client's answer to a CertificateRequest when it has no
// certificate (RFC 6101, 5.6.6), and stands for the Certificate message;
// anywhere else the alert is a warning that changes nothing. It returns
// no actions: the client's ClientKeyExchange follows.
func (s *Server) HandleNoCertificate() ([]Action, error) {
	if s.version != wire.VersionSSL30 || s.state != serverWaitCertificate || s.v13 != nil {
		return nil, nil
	}
	s.state = serverWaitKeyExchange
	if s.cfg.FailIfNoPeerCert {
		return nil, alert.New(alert.HandshakeFailure, "no client certificate provided (no_certificate alert)")
	}
	return nil, nil
}
