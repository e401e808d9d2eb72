package ssl

import (
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of DSA certificates
	"slices"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// dssSuites reports whether list has a suite whose server signs with a
// DSA key (dhe_dss, srp_dss), so that a client offers and accepts DSA
// signatures.
func dssSuites(list []*suites.Suite) bool {
	for _, s := range list {
		if s.KX.DSS() {
			return true
		}
	}
	return false
}

// resolveDSA turns DSA on where the configuration uses it. DSA is legacy
// and out of the default signature_algs (as in current OTP); when
// signature_algs is not given and a DSA key or a DSS suite (DHE_DSS,
// SRP_SHA_DSS: a client must check the server's DSA signature) is
// configured, the DSA pairs without SHA-1 ({sha256,dsa}, {sha384,dsa},
// {sha512,dsa}, {sha224,dsa}) are added at the end of the default list,
// so the key can sign and a server accepts DSA client certificates. An explicit signature_algs is
// used as given.
//
// TLS 1.3 has no DSA scheme (RFC 8446, 4.2.3): a server whose every
// certificate has a DSA key leaves TLS 1.3 out of its versions (so it
// also sends no TLS 1.3 downgrade sentinel), and fails if no version is
// left.
func (o *Options) resolveDSA(cfg *handshake.Config, r role) error {
	dsaKeys := 0
	for _, ck := range cfg.Certs {
		if _, ok := ck.Key.Public().(*dsa.PublicKey); ok {
			dsaKeys++
		}
	}
	if o.SignatureAlgs == nil && (dsaKeys > 0 || dssSuites(cfg.Suites)) {
		for _, s := range kx.DSASchemes() {
			if !slices.Contains(cfg.SignatureSchemes, s) {
				cfg.SignatureSchemes = append(cfg.SignatureSchemes, s)
			}
		}
	}
	if r == roleServer && dsaKeys > 0 && dsaKeys == len(cfg.Certs) && slices.Contains(cfg.Versions, wire.VersionTLS13) {
		cfg.Versions = slices.DeleteFunc(slices.Clone(cfg.Versions), func(v uint16) bool { return v == wire.VersionTLS13 })
		if len(cfg.Versions) == 0 {
			return badOption("versions", "['tlsv1.3']", "TLS 1.3 cannot use a DSA certificate (RFC 8446, 4.2.3); enable TLS 1.2")
		}
	}
	return nil
}
