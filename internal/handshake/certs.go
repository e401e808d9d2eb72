package handshake

import (
	"bytes"
	"crypto"
	"crypto/x509"

	"github.com/gossl/ssl/internal/alert"
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
	if err := checkCertSignatures(path, cfg.SignatureSchemesCert); err != nil {
		return nil, err
	}
	return path, nil
}

// checkCertSignatures refuses a validated path (peer first, anchor last)
// with a certificate signed by a scheme outside signature_algs_cert
// (RFC 8446, 4.2.3: the schemes that may appear in certificates; 4.4.2.4
// lets the receiver abort with bad_certificate). The anchor's own
// signature is not part of the path (RFC 5280, 6.1.1 (d)). allowed nil:
// not configured, nothing to check.
func checkCertSignatures(path []*x509.Certificate, allowed []uint16) error {
	if allowed == nil {
		return nil
	}
	for i := 0; i+1 < len(path); i++ {
		if !fitsSchemes(path[i], allowed) {
			return alert.New(alert.BadCertificate, "certificate "+path[i].Subject.String()+
				" is signed with "+path[i].SignatureAlgorithm.String()+", which signature_algs_cert does not allow")
		}
	}
	return nil
}

// certSignatureSchemes are the signature schemes (RFC 8446, 4.2.3) a
// certificate's own signature may be named by: RSASSA-PSS by either PSS
// family, ECDSA by its hash (the NIST or, RFC 8734, brainpool scheme of
// that hash), Ed448 by its OID, which crypto/x509 does not know.
func certSignatureSchemes(c *x509.Certificate) []uint16 {
	switch c.SignatureAlgorithm {
	case x509.SHA1WithRSA:
		return []uint16{wire.SigRSAPKCS1SHA1}
	case x509.SHA256WithRSA:
		return []uint16{wire.SigRSAPKCS1SHA256}
	case x509.SHA384WithRSA:
		return []uint16{wire.SigRSAPKCS1SHA384}
	case x509.SHA512WithRSA:
		return []uint16{wire.SigRSAPKCS1SHA512}
	case x509.SHA256WithRSAPSS:
		return []uint16{wire.SigRSAPSSRSAESHA256, wire.SigRSAPSSPSSSHA256}
	case x509.SHA384WithRSAPSS:
		return []uint16{wire.SigRSAPSSRSAESHA384, wire.SigRSAPSSPSSSHA384}
	case x509.SHA512WithRSAPSS:
		return []uint16{wire.SigRSAPSSRSAESHA512, wire.SigRSAPSSPSSSHA512}
	case x509.ECDSAWithSHA1:
		return []uint16{wire.SigECDSASHA1}
	case x509.ECDSAWithSHA256:
		return []uint16{wire.SigECDSAP256SHA256, kx.SigECDSABrainpoolP256SHA256}
	case x509.ECDSAWithSHA384:
		return []uint16{wire.SigECDSAP384SHA384, kx.SigECDSABrainpoolP384SHA384}
	case x509.ECDSAWithSHA512:
		return []uint16{wire.SigECDSAP521SHA512, kx.SigECDSABrainpoolP512SHA512}
	case x509.PureEd25519:
		return []uint16{wire.SigEd25519}
	case x509.DSAWithSHA1:
		return []uint16{wire.SigDSASHA1}
	case x509.DSAWithSHA256:
		return []uint16{wire.SigDSASHA256}
	}
	if pki.IsEd448Signed(c.Raw) {
		return []uint16{wire.SigEd448}
	}
	return nil
}

// fitsSchemes reports whether c's signature is named by one of schemes.
func fitsSchemes(c *x509.Certificate, schemes []uint16) bool {
	for _, s := range certSignatureSchemes(c) {
		if containsU16(schemes, s) {
			return true
		}
	}
	return false
}

// chainFits reports whether every certificate ck sends but a self-signed
// last one is signed with one of schemes (RFC 8446, 4.4.2.2).
func chainFits(ck *CertKey, schemes []uint16) bool {
	for i, d := range ck.Chain {
		c, err := pki.ParseCertificate(d)
		if err != nil {
			return false
		}
		if i > 0 && i == len(ck.Chain)-1 && bytes.Equal(c.RawIssuer, c.RawSubject) {
			break // a root sent along: its signature is not checked
		}
		if !fitsSchemes(c, schemes) {
			return false
		}
	}
	return true
}

// certChoice is what a peer accepts for our certificate: TLS 1.0–1.2's
// CertificateRequest (certificate types, signature algorithms, CA names)
// or TLS 1.3's (signature_algorithms, certificate_authorities; Types nil
// means any key type).
type certChoice struct {
	Types   []uint8
	SigAlgs []uint16 // nil before TLS 1.2
	// CertSigAlgs is the peer's signature_algorithms_cert (TLS 1.3), nil
	// when it sent none.
	CertSigAlgs []uint16
	Authorities [][]byte
	Version     uint16
}

// chooseCert picks among certs (certs_keys) the chain to send: one whose
// key type is accepted and which has a signature scheme both sides allow
// (from TLS 1.2), preferring one signed only with schemes of the peer's
// signature_algorithms_cert, or of its signature_algorithms when it sent
// none (RFC 8446, 4.2.3 and 4.4.2.2), then one issued under a
// CA the peer named. When none fits those preferences, the first usable
// chain is sent anyway: the peer may still accept it (its CA list need not
// be complete; RFC 8446, 4.4.2.2 says to send a chain of our choice), and
// an empty certificate would fail just the same. It returns nil when no
// chain is usable.
func chooseCert(certs []CertKey, ours []uint16, req certChoice) (*CertKey, uint16) {
	var best *CertKey
	var bestScheme uint16
	bestScore := -1
	// Without signature_algorithms_cert, signature_algorithms applies to
	// the certificates' signatures too (RFC 8446, 4.2.3; RFC 5246, 7.4.4
	// for a TLS 1.2 CertificateRequest's list).
	certAlgs := req.CertSigAlgs
	if certAlgs == nil {
		certAlgs = req.SigAlgs
	}
	for i := range certs {
		ck := &certs[i]
		scheme, ok := usableCert(ck, ours, req)
		if !ok {
			continue
		}
		score := 0
		if certAlgs == nil || chainFits(ck, certAlgs) {
			score += 2
		}
		if len(req.Authorities) == 0 || issuedUnder(ck, req.Authorities) {
			score++
		}
		if score > bestScore {
			best, bestScheme, bestScore = ck, scheme, score
		}
	}
	return best, bestScheme
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
