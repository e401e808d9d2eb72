package testpeers

import (
	"crypto/tls"
	"crypto/x509"
)

// TLSCertificate returns leaf name's certificate issued by the root CA, with
// its key, for crypto/tls.
func (p *PKI) TLSCertificate(name string) tls.Certificate {
	der, key := p.Cert(name)
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// TLSChainCertificate returns leaf name's certificate issued by the
// intermediate CA, followed by the intermediate, with the leaf's key, for
// crypto/tls.
func (p *PKI) TLSChainCertificate(name string) tls.Certificate {
	chain, key := p.Chain(name)
	leaf, _ := x509.ParseCertificate(chain[0])
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}
}

// TLSConfigs returns a matching crypto/tls server and client configuration
// built from pki, for in-process peers. Each call returns new values, free
// to modify.
//
// The server has the "ecdsa", "rsa" and "ed25519" certificates (crypto/tls
// picks the first one the client supports, so ECDSA unless the client
// cannot take it) and verifies a client certificate against the root CA if
// one is sent (tls.VerifyClientCertIfGiven). The client trusts the root CA,
// expects the server name "localhost", and has the "client-ecdsa"
// certificate, which it sends when asked. Versions and suites are crypto/tls
// defaults (TLS 1.2 and 1.3); set MinVersion, MaxVersion, CipherSuites or
// CurvePreferences to narrow them.
func TLSConfigs(pki *PKI) (server, client *tls.Config) {
	server = &tls.Config{
		Certificates: []tls.Certificate{
			pki.TLSCertificate("ecdsa"),
			pki.TLSCertificate("rsa"),
			pki.TLSCertificate("ed25519"),
		},
		ClientCAs:  pki.CertPool(),
		ClientAuth: tls.VerifyClientCertIfGiven,
	}
	client = &tls.Config{
		RootCAs:      pki.CertPool(),
		ServerName:   "localhost",
		Certificates: []tls.Certificate{pki.TLSCertificate("client-ecdsa")},
	}
	return server, client
}
