package pki

import (
	"bytes"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// TrustStore is an index of trust anchors by subject name. Build it once per
// configuration (NewTrustStore) and share it: lookups take no lock.
type TrustStore struct {
	certs     []*x509.Certificate
	byRaw     map[string][]*x509.Certificate // DER subject
	byCanon   map[string][]*x509.Certificate // canonical subject (RFC 5280, 7.1)
	canonOnly bool                           // some subject has a canonical form differing from DER
}

// NewTrustStore indexes certs (duplicates are kept once).
func NewTrustStore(certs []*x509.Certificate) *TrustStore {
	s := &TrustStore{
		byRaw:   make(map[string][]*x509.Certificate, len(certs)),
		byCanon: make(map[string][]*x509.Certificate, len(certs)),
	}
	seen := make(map[string]bool, len(certs))
	for _, c := range certs {
		if c == nil || seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		s.certs = append(s.certs, c)
		s.byRaw[string(c.RawSubject)] = append(s.byRaw[string(c.RawSubject)], c)
		if k, ok := canonicalName(c.RawSubject); ok {
			s.byCanon[k] = append(s.byCanon[k], c)
		}
	}
	return s
}

// Certificates returns the anchors of the store (shared: do not modify).
func (s *TrustStore) Certificates() []*x509.Certificate { return s.certs }

// Len is the number of anchors.
func (s *TrustStore) Len() int { return len(s.certs) }

// bySubject returns the anchors whose subject is name.
func (s *TrustStore) bySubject(name []byte, nc *nameCache) []*x509.Certificate {
	if s == nil {
		return nil
	}
	if l := s.byRaw[string(name)]; l != nil {
		return l
	}
	if k, ok := nc.canon(name); ok {
		return s.byCanon[k]
	}
	return nil
}

// trusted returns the anchor that is c itself (same subject and same public
// key), or nil.
func (s *TrustStore) trusted(c *x509.Certificate, nc *nameCache) *x509.Certificate {
	for _, r := range s.bySubject(c.RawSubject, nc) {
		if bytes.Equal(r.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) {
			return r
		}
	}
	return nil
}

// Stores built for VerifyOptions.Roots are remembered by the identity of the
// slice (its first element's address and its length), so that a connection
// configuration reused for many handshakes indexes its roots once. The
// memory is bounded: past rootsCacheMax distinct slices it starts afresh.
const rootsCacheMax = 256

type rootsKey struct {
	first **x509.Certificate
	n     int
}

var (
	rootsStores sync.Map // rootsKey -> *TrustStore
	rootsCount  atomic.Int64
)

func storeForRoots(roots []*x509.Certificate) *TrustStore {
	if len(roots) == 0 {
		return nil
	}
	k := rootsKey{&roots[0], len(roots)}
	if v, ok := rootsStores.Load(k); ok {
		return v.(*TrustStore)
	}
	s := NewTrustStore(roots)
	if rootsCount.Add(1) > rootsCacheMax {
		rootsStores.Range(func(k, _ any) bool { rootsStores.Delete(k); return true })
		rootsCount.Store(1)
	}
	rootsStores.Store(k, s)
	return s
}

// System roots (Debian/Ubuntu, Fedora/RHEL, SUSE, Alpine, OpenBSD, FreeBSD
// locations), loaded once. SSL_CERT_FILE and SSL_CERT_DIR override them as
// for OpenSSL.
var systemRootFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
	"/usr/local/share/certs/ca-root-nss.crt",
}

var systemRootDirs = []string{"/etc/ssl/certs", "/etc/pki/tls/certs"}

var (
	systemOnce  sync.Once
	systemStore *TrustStore
	systemErr   error
)

// ErrNoSystemRoots is returned when no system trust store was found.
var ErrNoSystemRoots = errors.New("pki: no system root certificates found")

// SystemRoots returns the system's trusted root certificates.
func SystemRoots() ([]*x509.Certificate, error) {
	s, err := systemTrustStore()
	if err != nil {
		return nil, err
	}
	return s.certs, nil
}

// SystemTrustStore returns SystemRoots as an index.
func systemTrustStore() (*TrustStore, error) {
	systemOnce.Do(func() {
		certs := loadSystemRoots()
		if len(certs) == 0 {
			systemErr = ErrNoSystemRoots
			return
		}
		systemStore = NewTrustStore(certs)
	})
	return systemStore, systemErr
}

func loadSystemRoots() []*x509.Certificate {
	files, dirs := systemRootFiles, systemRootDirs
	if f := os.Getenv("SSL_CERT_FILE"); f != "" {
		files = []string{f}
	}
	if d := os.Getenv("SSL_CERT_DIR"); d != "" {
		dirs = filepath.SplitList(d)
	}
	var certs []*x509.Certificate
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			certs = appendParsed(certs, data)
			if len(certs) > 0 {
				break
			}
		}
	}
	if len(certs) > 0 {
		return certs
	}
	for _, d := range dirs {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if data, err := os.ReadFile(filepath.Join(d, e.Name())); err == nil {
				certs = appendParsed(certs, data)
			}
		}
	}
	return certs
}

func appendParsed(certs []*x509.Certificate, pemData []byte) []*x509.Certificate {
	ders, err := ParseCertificatesPEM(pemData)
	if err != nil {
		return certs
	}
	for _, d := range ders {
		if c, err := x509.ParseCertificate(d); err == nil {
			certs = append(certs, c)
		}
	}
	return certs
}
