package ssl

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gossl/ssl/internal/pki"
)

// CRLCache is Erlang's {crl_cache, {Module, {DbHandle, Args}}}: where the
// certificate revocation lists for crl_check come from. Two are provided,
// as in OTP: InternalCRLCache (ssl_crl_cache, the default) and
// HashDirCRLCache (ssl_crl_hash_dir). A program may implement its own
// (OTP's ssl_crl_cache_api).
type CRLCache interface {
	// Lookup returns the CRLs that may cover cert, whose issuer is
	// issuer, at time now. They need not be checked: gossl uses only
	// those issued by issuer (name and signature), in force and not past
	// their nextUpdate. An error with no CRL makes the status
	// undetermined.
	Lookup(cert, issuer *x509.Certificate, now time.Time) ([]*x509.RevocationList, error)
}

// crlStore is the internal cache's contents: CRLs by OpenSSL's hash of
// the issuer name (collisions are harmless: CRLs are checked against the
// issuer's name and key before use). Readers take only a read lock.
type crlStore struct {
	mu sync.RWMutex
	m  map[uint32][]*x509.RevocationList
}

// maxCRLsPerIssuer bounds what one issuer's entry keeps (newest last).
const maxCRLsPerIssuer = 8

var defaultCRLStore = &crlStore{m: map[uint32][]*x509.RevocationList{}}

func (s *crlStore) insert(crls []*x509.RevocationList) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, crl := range crls {
		h, err := pki.NameHash(crl.RawIssuer)
		if err != nil {
			return err
		}
		list := s.m[h]
		dup := false
		for _, c := range list {
			dup = dup || bytes.Equal(c.Raw, crl.Raw)
		}
		if dup {
			continue
		}
		list = append(list, crl)
		if len(list) > maxCRLsPerIssuer {
			list = list[len(list)-maxCRLsPerIssuer:]
		}
		s.m[h] = list
	}
	return nil
}

func (s *crlStore) get(issuerName []byte) []*x509.RevocationList {
	h, err := pki.NameHash(issuerName)
	if err != nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*x509.RevocationList(nil), s.m[h]...)
}

// CRLCacheInsert adds CRLs to the internal cache (Erlang's
// ssl_crl_cache:insert({der, CRLs})); data is one DER CRL or PEM holding
// "X509 CRL" blocks. A CRL is used only for certificates of its issuer,
// and only while it is current (see the crl_check option).
func CRLCacheInsert(data []byte) error {
	crls, err := pki.ParseCRLs(data)
	if err != nil {
		return err
	}
	return defaultCRLStore.insert(crls)
}

// CRLCacheInsertFile adds the CRLs of a PEM or DER file to the internal
// cache (Erlang's ssl_crl_cache:insert({file, Path})).
func CRLCacheInsertFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := CRLCacheInsert(data); err != nil {
		return fmt.Errorf("%w (file %s)", err, path)
	}
	return nil
}

// CRLCacheClear empties the internal cache (Erlang's
// ssl_crl_cache:delete/1 for everything).
func CRLCacheClear() {
	defaultCRLStore.mu.Lock()
	defaultCRLStore.m = map[uint32][]*x509.RevocationList{}
	defaultCRLStore.mu.Unlock()
}

// InternalCRLCache is Erlang's {ssl_crl_cache, {internal, Args}}: the CRLs
// given to CRLCacheInsert and, when httpTimeout > 0 ({http, Timeout}),
// CRLs fetched from the http:// distribution points of a certificate for
// which the cache holds no current CRL. Each fetch is bounded by
// httpTimeout and 16 MiB; a fetched CRL is kept in the cache. A nil
// Options.CRLCache is InternalCRLCache(0).
func InternalCRLCache(httpTimeout time.Duration) CRLCache {
	c := &internalCRLCache{store: defaultCRLStore}
	if httpTimeout > 0 {
		c.client = &http.Client{
			Timeout: httpTimeout,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 3 {
					return errors.New("too many redirects")
				}
				return nil
			},
		}
	}
	return c
}

type internalCRLCache struct {
	store  *crlStore
	client *http.Client
}

// maxCRLSize bounds a fetched CRL.
const maxCRLSize = 16 << 20

func (c *internalCRLCache) Lookup(cert, issuer *x509.Certificate, now time.Time) ([]*x509.RevocationList, error) {
	crls := c.store.get(cert.RawIssuer)
	if c.client == nil {
		return crls, nil
	}
	// Fetch only when the stored CRLs leave the status undetermined: a
	// partition, a delta CRL or a stale CRL does not stop the fetch.
	if b := pki.CheckRevocation(cert, issuer, crls, now); b == nil || b.Reason != pki.ReasonRevocationUndetermined {
		return crls, nil
	}
	var errs []error
	for _, dp := range cert.CRLDistributionPoints {
		if !strings.HasPrefix(strings.ToLower(dp), "http://") {
			continue
		}
		got, err := c.fetch(dp)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.store.insert(got)
		crls = append(crls, got...)
	}
	return crls, errors.Join(errs...)
}

func (c *internalCRLCache) fetch(url string) ([]*x509.RevocationList, error) {
	resp, err := c.client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("fetching CRL: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching CRL %s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxCRLSize+1))
	if err != nil {
		return nil, fmt.Errorf("fetching CRL %s: %w", url, err)
	}
	if len(data) > maxCRLSize {
		return nil, fmt.Errorf("fetching CRL %s: larger than %d bytes", url, maxCRLSize)
	}
	return pki.ParseCRLs(data)
}

// HashDirCRLCache is Erlang's {ssl_crl_hash_dir, {internal, [{dir, Dir}]}}:
// CRLs in files of dir named <hash>.rN, where hash is OpenSSL's hash of
// the issuer name (eight hex digits, as `openssl crl -hash` prints it) and
// N counts from 0; `openssl rehash` (c_rehash) makes such names. All
// consecutive files from .r0 make up the list; CRLs whose nextUpdate is
// past, or issued by another CA whose name has the same hash, are not used.
// Files are read again only when they change.
func HashDirCRLCache(dir string) CRLCache { return hashDirCRLCache(dir) }

type hashDirCRLCache string

func (d hashDirCRLCache) Lookup(cert, _ *x509.Certificate, _ time.Time) ([]*x509.RevocationList, error) {
	return pki.HashDirCRLs(string(d), cert.RawIssuer)
}

// CRLNameHash returns OpenSSL's hash of a DER distinguished name
// (X509_NAME_hash), the eight hex digits of hash-directory file names.
func CRLNameHash(name []byte) (string, error) {
	h, err := pki.NameHash(name)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%08x", h), nil
}
