package testpeers

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// PKI is a small public-key infrastructure generated at test time: a root
// CA, an intermediate CA signed by it, and leaf certificates for servers and
// clients. Leaves are issued twice with the same key: once directly by the
// root ([PKI.CertFile]) and once by the intermediate ([PKI.ChainFile]).
//
// Leaf names and their key files:
//
//	name           key                   key file format
//	"rsa"          RSA-2048 (server)     PKCS#1 ("RSA PRIVATE KEY")
//	"ecdsa"        ECDSA P-256 (server)  SEC1   ("EC PRIVATE KEY")
//	"ed25519"      Ed25519 (server)      PKCS#8 ("PRIVATE KEY")
//	"client-rsa"   RSA-2048 (client)     PKCS#8 ("PRIVATE KEY")
//	"client-ecdsa" ECDSA P-256 (client)  PKCS#8 ("PRIVATE KEY")
//
// Every leaf has the SANs localhost, 127.0.0.1 and ::1, both the serverAuth
// and clientAuth extended key usages, and is valid from one hour ago for one
// year. The CAs are RSA-2048 and sign with SHA-256, so any peer accepts
// them. The CA keys are PKCS#8 files (CAKeyFile, IntermediateKeyFile).
type PKI struct {
	// Dir is the directory holding every file below.
	Dir string

	// CAFile is the root CA certificate (PEM); trust it to verify any leaf,
	// direct or chained.
	CAFile string
	// CAKeyFile is the root CA's private key (PKCS#8 PEM).
	CAKeyFile string
	// CA is the parsed root certificate, CAKey its key.
	CA    *x509.Certificate
	CAKey crypto.Signer

	// IntermediateFile is the intermediate CA certificate (PEM), signed by
	// the root; IntermediateKeyFile its key (PKCS#8 PEM).
	IntermediateFile    string
	IntermediateKeyFile string
	// Intermediate is the parsed intermediate certificate, IntermediateKey
	// its key.
	Intermediate    *x509.Certificate
	IntermediateKey crypto.Signer

	leaves map[string]*leaf
}

// leaf is one named key with its two certificates.
type leaf struct {
	key      crypto.Signer
	der      []byte // issued by the root
	chainDER []byte // issued by the intermediate
}

// LeafNames lists the names accepted by the PKI's accessors.
var LeafNames = []string{"rsa", "ecdsa", "ed25519", "client-rsa", "client-ecdsa"}

var (
	pkiOnce sync.Once
	pkiVal  *PKI
	pkiErr  error
)

// NewPKI returns the PKI of this test binary, generating it on first use
// (about half a second, mostly RSA key generation). All callers share it;
// treat it as read-only.
func NewPKI(t testing.TB) *PKI {
	t.Helper()
	dir := sharedDir(t)
	pkiOnce.Do(func() {
		pkiVal, pkiErr = generatePKI(filepath.Join(dir, "pki"))
	})
	if pkiErr != nil {
		t.Fatalf("testpeers: generating PKI: %v", pkiErr)
	}
	return pkiVal
}

func (p *PKI) leaf(name string) *leaf {
	l, ok := p.leaves[name]
	if !ok {
		names := make([]string, 0, len(p.leaves))
		for n := range p.leaves {
			names = append(names, n)
		}
		sort.Strings(names)
		panic(fmt.Sprintf("testpeers: unknown PKI leaf %q (have %v)", name, names))
	}
	return l
}

// CertFile returns the PEM file of leaf name's certificate issued directly
// by the root CA (one certificate, no chain).
func (p *PKI) CertFile(name string) string {
	p.leaf(name)
	return filepath.Join(p.Dir, name+".pem")
}

// KeyFile returns the PEM file of leaf name's private key; it belongs to
// both CertFile(name) and ChainFile(name). See [PKI] for each file's format.
func (p *PKI) KeyFile(name string) string {
	p.leaf(name)
	return filepath.Join(p.Dir, name+".key")
}

// ChainFile returns a PEM file holding leaf name's certificate issued by the
// intermediate CA, followed by the intermediate CA certificate. Its key is
// KeyFile(name); verify it with CAFile.
func (p *PKI) ChainFile(name string) string {
	p.leaf(name)
	return filepath.Join(p.Dir, name+"-chain.pem")
}

// Cert returns leaf name's certificate issued by the root (DER) and its key.
func (p *PKI) Cert(name string) (certDER []byte, key crypto.Signer) {
	l := p.leaf(name)
	return l.der, l.key
}

// Chain returns leaf name's certificate issued by the intermediate and the
// intermediate's certificate (DER, leaf first), and the leaf's key.
func (p *PKI) Chain(name string) (chainDER [][]byte, key crypto.Signer) {
	l := p.leaf(name)
	return [][]byte{l.chainDER, p.Intermediate.Raw}, l.key
}

// CertPool returns a new pool holding the root CA.
func (p *PKI) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.CA)
	return pool
}

// keyFormat says how a leaf's key file is encoded.
type keyFormat int

const (
	pkcs8 keyFormat = iota
	pkcs1
	sec1
)

func generatePKI(dir string) (*PKI, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &PKI{Dir: dir, leaves: make(map[string]*leaf)}
	now := time.Now()

	// Root CA.
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		Subject:               pkix.Name{Organization: []string{"gossl tests"}, CommonName: "gossl test root CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if p.CA, err = issue(caTmpl, caTmpl, caKey.Public(), caKey); err != nil {
		return nil, err
	}
	p.CAKey = caKey

	// Intermediate CA.
	intKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	intTmpl := &x509.Certificate{
		Subject:               pkix.Name{Organization: []string{"gossl tests"}, CommonName: "gossl test intermediate CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	if p.Intermediate, err = issue(intTmpl, p.CA, intKey.Public(), caKey); err != nil {
		return nil, err
	}
	p.IntermediateKey = intKey

	p.CAFile = filepath.Join(dir, "ca.pem")
	p.CAKeyFile = filepath.Join(dir, "ca.key")
	p.IntermediateFile = filepath.Join(dir, "intermediate.pem")
	p.IntermediateKeyFile = filepath.Join(dir, "intermediate.key")
	if err := writePEM(p.CAFile, pemCert(p.CA.Raw)); err != nil {
		return nil, err
	}
	if err := writePEM(p.IntermediateFile, pemCert(p.Intermediate.Raw)); err != nil {
		return nil, err
	}
	if err := writeKey(p.CAKeyFile, caKey, pkcs8); err != nil {
		return nil, err
	}
	if err := writeKey(p.IntermediateKeyFile, intKey, pkcs8); err != nil {
		return nil, err
	}

	// Leaves.
	specs := []struct {
		name   string
		gen    func() (crypto.Signer, error)
		format keyFormat
	}{
		{"rsa", genRSA, pkcs1},
		{"ecdsa", genECDSA, sec1},
		{"ed25519", genEd25519, pkcs8},
		{"client-rsa", genRSA, pkcs8},
		{"client-ecdsa", genECDSA, pkcs8},
	}
	for _, s := range specs {
		key, err := s.gen()
		if err != nil {
			return nil, err
		}
		usage := x509.KeyUsageDigitalSignature
		if _, ok := key.(*rsa.PrivateKey); ok {
			usage |= x509.KeyUsageKeyEncipherment // RSA key exchange (TLS 1.0-1.2)
		}
		tmpl := &x509.Certificate{
			Subject:     pkix.Name{Organization: []string{"gossl tests"}, CommonName: s.name},
			NotBefore:   now.Add(-time.Hour),
			NotAfter:    now.Add(365 * 24 * time.Hour),
			KeyUsage:    usage,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			DNSNames:    []string{"localhost"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		}
		direct, err := issue(tmpl, p.CA, key.Public(), caKey)
		if err != nil {
			return nil, err
		}
		chained, err := issue(tmpl, p.Intermediate, key.Public(), intKey)
		if err != nil {
			return nil, err
		}
		p.leaves[s.name] = &leaf{key: key, der: direct.Raw, chainDER: chained.Raw}
		if err := writePEM(p.CertFile(s.name), pemCert(direct.Raw)); err != nil {
			return nil, err
		}
		if err := writePEM(p.ChainFile(s.name), pemCert(chained.Raw), pemCert(p.Intermediate.Raw)); err != nil {
			return nil, err
		}
		if err := writeKey(p.KeyFile(s.name), key, s.format); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func genRSA() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, 2048) }

func genECDSA() (crypto.Signer, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func genEd25519() (crypto.Signer, error) {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	return k, err
}

// issue signs tmpl with parent's key and returns the parsed certificate.
func issue(tmpl, parent *x509.Certificate, pub crypto.PublicKey, parentKey crypto.Signer) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, parentKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func pemCert(der []byte) *pem.Block { return &pem.Block{Type: "CERTIFICATE", Bytes: der} }

func writeKey(path string, key crypto.Signer, format keyFormat) error {
	var b *pem.Block
	switch format {
	case pkcs1:
		b = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key.(*rsa.PrivateKey))}
	case sec1:
		der, err := x509.MarshalECPrivateKey(key.(*ecdsa.PrivateKey))
		if err != nil {
			return err
		}
		b = &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
	default:
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return err
		}
		b = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	return writePEM(path, b)
}

func writePEM(path string, blocks ...*pem.Block) error {
	var out []byte
	for _, b := range blocks {
		out = append(out, pem.EncodeToMemory(b)...)
	}
	return os.WriteFile(path, out, 0o600)
}
