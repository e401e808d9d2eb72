package handshake

import (
	"bytes"
	"crypto"
	"crypto/x509"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/wire"
)

// Certificate selection and peer validation shared by every protocol
// version: the TLS 1.0–1.2 and TLS 1.3 machines call these.

// checksServerCert reports whether a client validates the server's chain:
// with verify_peer, or with verify_none and a user verify_fun (which then
// decides, as in Erlang).
func (cfg *Config) checksServerCert() bool { return cfg.Verify || cfg.NewVerifyFun != nil }

// verifyChain validates a peer's certificate list (DER, peer first) for
// purpose, checking hostname when it is not empty, with the configured
// verify_fun, partial_chain, CRL checks, match fun and, for a client that
// asked for one, the server's stapled OCSP response (staple; nil for a
// server). The error is an *alert.Error naming the alert to send (see
// certError).
func verifyChain(cfg *Config, chain [][]byte, purpose pki.Purpose, hostname string, staple *Staple) ([]*x509.Certificate, error) {
	opts := cfg.VerifyOptions
	opts.Purpose = purpose
	opts.Hostname = hostname
	opts.Now = cfg.Now()
	if cfg.NewVerifyFun != nil {
		opts.VerifyFun = cfg.NewVerifyFun(opts.Now, staple)
	}
	path, err := pki.VerifyChain(chain, &opts)
	if err != nil {
		return nil, certError(err)
	}
	return path, nil
}

// certChoice is what a peer accepts for our certificate: TLS 1.0–1.2's
// CertificateRequest (certificate types, signature algorithms, CA names)
// or TLS 1.3's (signature_algorithms, certificate_authorities; Types nil
// means any key type).
type certChoice struct {
	Types       []uint8
	SigAlgs     []uint16 // nil before TLS 1.2
	Authorities [][]byte
	Version     uint16
}

// chooseCert picks among certs (certs_keys) the chain to send: one whose
// key type is accepted and which has a signature scheme both sides allow
// (from TLS 1.2), preferring one issued under a CA the peer named. When the
// peer named CAs and none fits, the first usable chain is sent anyway: the
// peer may still accept it (its CA list need not be complete), and an
// empty certificate would fail just the same. It returns nil when no chain
// is usable.
func chooseCert(certs []CertKey, ours []uint16, req certChoice) (*CertKey, uint16) {
	var first *CertKey
	var firstScheme uint16
	for i := range certs {
		ck := &certs[i]
		scheme, ok := usableCert(ck, ours, req)
		if !ok {
			continue
		}
		if len(req.Authorities) == 0 || issuedUnder(ck, req.Authorities) {
			return ck, scheme
		}
		if first == nil {
			first, firstScheme = ck, scheme
		}
	}
	return first, firstScheme
}

func usableCert(ck *CertKey, ours []uint16, req certChoice) (uint16, bool) {
	pub := ck.Key.Public()
	if req.Types != nil && !certTypeAccepted(pub, req.Types) {
		return 0, false
	}
	if req.Version < wire.VersionTLS12 {
		if !certTypeAccepted(pub, []uint8{wire.CertTypeRSASign, wire.CertTypeDSSSign, wire.CertTypeECDSASign}) || isEdDSA(pub) {
			return 0, false
		}
		return 0, true
	}
	for _, s := range kx.SignatureSchemesForKey(pub, req.Version) {
		if containsU16(req.SigAlgs, s) && containsU16(ours, s) {
			return s, true
		}
	}
	return 0, false
}

// issuedUnder reports whether one of the chain's certificates was issued
// by, or is, a CA named in authorities (DER distinguished names).
func issuedUnder(ck *CertKey, authorities [][]byte) bool {
	names := ck.Names
	if names == nil && ck.Leaf != nil {
		names = [][]byte{ck.Leaf.RawIssuer}
	}
	for _, n := range names {
		for _, a := range authorities {
			if bytes.Equal(n, a) {
				return true
			}
		}
	}
	return false
}

// ChainNames returns the issuer and subject names of a chain (leaf first),
// for CertKey.Names. Unparsable certificates are skipped.
func ChainNames(chain [][]byte) [][]byte {
	var out [][]byte
	for i, d := range chain {
		c, err := pki.ParseCertificate(d)
		if err != nil {
			continue
		}
		out = append(out, c.RawIssuer)
		if i > 0 {
			out = append(out, c.RawSubject)
		}
	}
	return out
}

// isEdDSA reports whether pub is an Ed25519 or Ed448 key, which sign only
// from TLS 1.2 on (RFC 8422, 5.10).
func isEdDSA(pub crypto.PublicKey) bool { return kx.IsEdDSAKey(pub) }

// dsaEnabled reports whether DSA signatures are in use: signature_algs
// lists a DSA pair, as it does by default when a DSA key or a DHE_DSS
// suite is configured. A server then also accepts DSA client certificates
// (dss_sign) before TLS 1.2.
func (cfg *Config) dsaEnabled() bool {
	for _, s := range cfg.SignatureSchemes {
		if kx.IsDSAScheme(s) {
			return true
		}
	}
	return false
}

// clientCertTypes are the certificate types a server's CertificateRequest
// lists (RFC 5246, 7.4.4).
func (cfg *Config) clientCertTypes() []uint8 {
	if cfg.dsaEnabled() {
		return []uint8{wire.CertTypeRSASign, wire.CertTypeDSSSign, wire.CertTypeECDSASign}
	}
	return []uint8{wire.CertTypeRSASign, wire.CertTypeECDSASign}
}

// authoritiesToSend are the CA names a server's CertificateRequest
// carries: none with OTP's {certificate_authorities, false}.
func (cfg *Config) authoritiesToSend() [][]byte {
	if cfg.OmitCertificateAuthorities {
		return nil
	}
	return cfg.CertificateAuthorities
}
