package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Ephemeral certificates, made in memory with crypto/x509 for the demo
// and for a serve without --certfile. Nothing here is ever written to
// disk unless a user asks for it (serve --cert-out).

// newKey makes a private key: "ecdsa" (P-256) or "rsa" (2048 bits).
func newKey(keyType string) (crypto.Signer, error) {
	switch keyType {
	case "ecdsa", "":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa":
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return nil, fmt.Errorf("unknown key type %q (want ecdsa or rsa)", keyType)
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// authority is an in-memory certificate authority.
type authority struct {
	cert *x509.Certificate
	der  []byte
	key  crypto.Signer
}

// newAuthority makes a self-signed ECDSA P-256 CA valid for a day.
func newAuthority(name string) (*authority, error) {
	key, err := newKey("ecdsa")
	if err != nil {
		return nil, err
	}
	sn, err := serialNumber()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"gossl"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &authority{cert: cert, der: der, key: key}, nil
}

// leaf is a certificate chain (leaf first) and its key.
type leaf struct {
	chain [][]byte
	key   crypto.Signer
}

// leafTemplate is a server certificate for host, and for 127.0.0.1 and
// ::1 so that clients connecting by address verify it too.
func leafTemplate(host string) (*x509.Certificate, error) {
	sn, err := serialNumber()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	return &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: host, Organization: []string{"gossl"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{host},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}, nil
}

// issue makes a leaf certificate for host with a new key of keyType,
// signed by the authority.
func (a *authority) issue(host, keyType string) (*leaf, error) {
	key, err := newKey(keyType)
	if err != nil {
		return nil, err
	}
	tmpl, err := leafTemplate(host)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, key.Public(), a.key)
	if err != nil {
		return nil, err
	}
	return &leaf{chain: [][]byte{der}, key: key}, nil
}

// selfSigned makes a self-signed leaf certificate for host.
func selfSigned(host, keyType string) (*leaf, error) {
	key, err := newKey(keyType)
	if err != nil {
		return nil, err
	}
	tmpl, err := leafTemplate(host)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	return &leaf{chain: [][]byte{der}, key: key}, nil
}

// certPEM encodes DER certificates as PEM.
func certPEM(chain [][]byte) []byte {
	var out []byte
	for _, der := range chain {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return out
}
