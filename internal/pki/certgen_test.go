package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// Test certificates are made here, with fresh keys, every run.

type keyAlg int

const (
	algECDSA keyAlg = iota
	algRSA
	algEd25519
)

func (a keyAlg) String() string {
	return [...]string{"ECDSA", "RSA", "Ed25519"}[a]
}

var (
	rsaPoolOnce sync.Once
	rsaPool     []*rsa.PrivateKey
	rsaNext     int
	rsaMu       sync.Mutex
)

// newKey returns a fresh key; RSA keys come from a small pool generated
// once, since 2048-bit generation is slow.
func newKey(t testing.TB, a keyAlg) crypto.Signer {
	t.Helper()
	switch a {
	case algRSA:
		rsaPoolOnce.Do(func() {
			for i := 0; i < 4; i++ {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					panic(err)
				}
				rsaPool = append(rsaPool, k)
			}
		})
		rsaMu.Lock()
		defer rsaMu.Unlock()
		rsaNext++
		return rsaPool[rsaNext%len(rsaPool)]
	case algEd25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type spec struct {
	cn          string
	alg         keyAlg
	key         crypto.Signer // reuse this key instead of a new one
	ca          bool
	noBC        bool // no basicConstraints at all
	maxPathLen  int  // -1: absent; >=0: set
	keyUsage    x509.KeyUsage
	eku         []x509.ExtKeyUsage
	dns         []string
	ips         []net.IP
	notBefore   time.Time
	notAfter    time.Time
	permitted   []string
	excluded    []string
	extra       []pkix.Extension
	sigAlg      x509.SignatureAlgorithm
	noKeyIDs    bool
	subjectName *pkix.Name
	crlDP       []string
}

type tcert struct {
	cert *x509.Certificate
	der  []byte
	key  crypto.Signer
}

var serial int64 = 1000

// mk issues a certificate for s, signed by issuer (nil: self-signed).
func mk(t testing.TB, s spec, issuer *tcert) *tcert {
	t.Helper()
	key := s.key
	if key == nil {
		key = newKey(t, s.alg)
	}
	now := time.Now()
	if s.notBefore.IsZero() {
		s.notBefore = now.Add(-time.Hour)
	}
	if s.notAfter.IsZero() {
		s.notAfter = now.Add(24 * time.Hour)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: s.cn, Organization: []string{"gossl test"}},
		NotBefore:             s.notBefore,
		NotAfter:              s.notAfter,
		KeyUsage:              s.keyUsage,
		ExtKeyUsage:           s.eku,
		DNSNames:              s.dns,
		IPAddresses:           s.ips,
		PermittedDNSDomains:   s.permitted,
		ExcludedDNSDomains:    s.excluded,
		ExtraExtensions:       s.extra,
		SignatureAlgorithm:    s.sigAlg,
		BasicConstraintsValid: !s.noBC,
		IsCA:                  s.ca,
		CRLDistributionPoints: s.crlDP,
	}
	if s.subjectName != nil {
		tmpl.Subject = *s.subjectName
	}
	if s.ca && s.keyUsage == 0 {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	if !s.ca && s.keyUsage == 0 {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	}
	if s.maxPathLen >= 0 && s.ca {
		tmpl.MaxPathLen = s.maxPathLen
		tmpl.MaxPathLenZero = s.maxPathLen == 0
	} else {
		tmpl.MaxPathLen = -1
	}
	if s.noKeyIDs {
		tmpl.SubjectKeyId = []byte{}
	}
	parent, signer := tmpl, key
	if issuer != nil {
		parent, signer = issuer.cert, issuer.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		t.Fatalf("creating %s: %v", s.cn, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &tcert{cert: c, der: der, key: key}
}

func caSpec(cn string, a keyAlg) spec { return spec{cn: cn, alg: a, ca: true, maxPathLen: -1} }

func leafSpec(cn string, a keyAlg) spec {
	return spec{cn: cn, alg: a, maxPathLen: -1, dns: []string{cn},
		eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
}

// chain3 is root -> intermediate -> leaf.
type chain3 struct{ root, inter, leaf *tcert }

func newChain(t testing.TB, a keyAlg) chain3 {
	t.Helper()
	root := mk(t, caSpec("Test Root "+a.String(), a), nil)
	inter := mk(t, caSpec("Test Intermediate "+a.String(), a), root)
	leaf := mk(t, leafSpec("leaf.example.com", a), inter)
	return chain3{root, inter, leaf}
}

func ders(cs ...*tcert) [][]byte {
	out := make([][]byte, len(cs))
	for i, c := range cs {
		out[i] = c.der
	}
	return out
}

func roots(cs ...*tcert) []*x509.Certificate {
	out := make([]*x509.Certificate, len(cs))
	for i, c := range cs {
		out[i] = c.cert
	}
	return out
}
