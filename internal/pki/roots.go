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

// TrustStore is an index of the certificates of cacerts/cacertfile (or of
// the system) by subject name. Build it once per configuration
// (NewTrustStore) and share it: lookups take no lock.
//
// Only self-issued certificates (roots) are trust anchors, as in Erlang's
// ssl: a chain must reach one of them, and an intermediate CA listed in
// cacerts is not an anchor by itself (OTP 25 gives unknown_ca) unless
// partial_chain picks it. The other certificates help build paths: a peer
// that sends its leaf alone is still verified when its intermediate is
// listed with the root.
type TrustStore struct {
	certs   []*x509.Certificate
	anchors subjectIndex
	issuers subjectIndex // certificates that are not anchors
}

// subjectIndex finds certificates by subject name.
type subjectIndex struct {
	byRaw   map[string][]*x509.Certificate // DER subject
	byCanon map[string][]*x509.Certificate // canonical subject (RFC 5280, 7.1)
}

func (x *subjectIndex) add(c *x509.Certificate) {
	if x.byRaw == nil {
		x.byRaw = make(map[string][]*x509.Certificate)
		x.byCanon = make(map[string][]*x509.Certificate)
	}
	x.byRaw[string(c.RawSubject)] = append(x.byRaw[string(c.RawSubject)], c)
	if k, ok := canonicalName(c.RawSubject); ok {
		x.byCanon[k] = append(x.byCanon[k], c)
	}
}

func (x *subjectIndex) get(name []byte, nc *nameCache) []*x509.Certificate {
	if l := x.byRaw[string(name)]; l != nil {
		return l
	}
	if len(x.byCanon) == 0 {
		return nil
	}
	if k, ok := nc.canon(name); ok {
		return x.byCanon[k]
	}
	return nil
}

// NewTrustStore indexes certs (duplicates are kept once).
func NewTrustStore(certs []*x509.Certificate) *TrustStore {
	s := &TrustStore{}
	seen := make(map[string]bool, len(certs))
	for _, c := range certs {
		if c == nil || seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		s.certs = append(s.certs, c)
		if isRoot(c) {
			s.anchors.add(c)
		} else {
			s.issuers.add(c)
		}
	}
	return s
}

// isRoot reports whether c can be a trust anchor: self-issued (OTP's
// public_key:pkix_is_self_signed compares the names) with key identifiers
// that do not say another key signed it (a key-rollover certificate is
// self-issued but signed by the old key). The signature on a root is
// not checked (RFC 5280, Section 6.1.1 (d): anchors are input).
func isRoot(c *x509.Certificate) bool {
	var nc nameCache
	return nc.match(c.RawIssuer, c.RawSubject) && keyIDsCompatible(c, c)
}

// Certificates returns the certificates of the store (shared: do not
// modify).
func (s *TrustStore) Certificates() []*x509.Certificate { return s.certs }

// Len is the number of certificates.
func (s *TrustStore) Len() int { return len(s.certs) }

// bySubject returns the anchors whose subject is name.
func (s *TrustStore) bySubject(name []byte, nc *nameCache) []*x509.Certificate {
	if s == nil {
		return nil
	}
	return s.anchors.get(name, nc)
}

// issuersBySubject returns the certificates of the store that are not
// anchors and whose subject is name.
func (s *TrustStore) issuersBySubject(name []byte, nc *nameCache) []*x509.Certificate {
	if s == nil {
		return nil
	}
	return s.issuers.get(name, nc)
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
