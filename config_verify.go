package ssl

import (
	"crypto/x509"
	"net"
	"strings"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/pki"
)

// loadCertificates resolves cert/certfile and key/keyfile.
func (o *Options) loadCertificates(cfg *handshake.Config) error {
	chain := o.Cert
	if chain == nil && o.CertFile != "" {
		c, err := pki.LoadCertificatesFile(o.CertFile)
		if err != nil {
			return badOption("certfile", o.CertFile, err.Error())
		}
		chain = c
	}
	key := o.Key
	switch {
	case key != nil:
	case o.KeyDER != nil:
		k, err := pki.ParsePrivateKeyDER(o.KeyDER.Type, o.KeyDER.DER)
		if err != nil {
			return badOption("key", o.KeyDER.Type, err.Error())
		}
		key = k
	case o.KeyFile != "" || (o.CertFile != "" && chain != nil):
		path := o.KeyFile
		if path == "" {
			path = o.CertFile
		}
		k, err := pki.LoadPrivateKeyFile(path, o.Password)
		if err != nil {
			return badOption("keyfile", path, err.Error())
		}
		key = k
	}
	if chain == nil && key == nil {
		return nil
	}
	if chain == nil {
		return badOption("cert", "undefined", "a key was given without a certificate")
	}
	if key == nil {
		return badOption("key", "undefined", "a certificate was given without its private key")
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return badOption("cert", "<<...>>", "unparsable certificate: "+err.Error())
	}
	if err := pki.CheckKeyMatchesCertificate(key, chain[0]); err != nil {
		return badOption("key", "<<...>>", err.Error())
	}
	cfg.Certs = []handshake.CertKey{{Chain: chain, Leaf: leaf, Key: key}}
	return nil
}

// resolveVerification applies verify, cacerts, depth, fail_if_no_peer_cert
// and the SNI/hostname rules of connect/3,4.
func (o *Options) resolveVerification(cfg *handshake.Config, r role, host string) error {
	verify := o.Verify
	switch verify {
	case "":
		if r == roleClient {
			verify = VerifyPeer
		} else {
			verify = VerifyNone
		}
	case VerifyNone, VerifyPeer:
	default:
		return badOption("verify", o.Verify, "must be verify_none or verify_peer")
	}
	cfg.Verify = verify == VerifyPeer
	cfg.FailIfNoPeerCert = cfg.Verify && (o.FailIfNoPeerCert == nil || *o.FailIfNoPeerCert)
	if o.FailIfNoPeerCert != nil && *o.FailIfNoPeerCert && !cfg.Verify && r == roleServer {
		return badOption("fail_if_no_peer_cert", true, "needs {verify, verify_peer}")
	}
	depth := 10
	if o.Depth != nil {
		depth = *o.Depth
	}
	var roots []*x509.Certificate
	ders := o.CACerts
	if ders == nil && o.CACertFile != "" {
		d, err := pki.LoadCertificatesFile(o.CACertFile)
		if err != nil {
			return badOption("cacertfile", o.CACertFile, err.Error())
		}
		ders = d
	}
	for _, d := range ders {
		c, err := x509.ParseCertificate(d)
		if err != nil {
			return badOption("cacerts", "<<...>>", "unparsable CA certificate: "+err.Error())
		}
		roots = append(roots, c)
		cfg.CertificateAuthorities = append(cfg.CertificateAuthorities, c.RawSubject)
	}
	cfg.VerifyOptions = pki.VerifyOptions{Roots: roots, Depth: depth}
	if cfg.Verify && roots == nil {
		if r == roleServer {
			return badOption("cacerts", "undefined", "verify_peer on a server needs cacerts or cacertfile")
		}
		cfg.VerifyOptions.UseSystemRoots = true
	}
	if r == roleClient {
		sni := o.ServerNameIndication
		switch {
		case sni == "disable":
			cfg.ServerName = ""
			cfg.VerifyHostname = ""
		case sni != "":
			cfg.ServerName = sni
			cfg.VerifyHostname = sni
		default:
			// connect/3: the host is the SNI unless it is an address,
			// and the reference identity either way.
			if net.ParseIP(host) == nil {
				cfg.ServerName = strings.TrimSuffix(host, ".")
			}
			cfg.VerifyHostname = host
		}
	}
	return nil
}
