package pki

import (
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// The PEM cache keeps the contents of certificate and key files by path, so
// that a handshake does not read and decode the same file again. It has no
// global lock: lookups are a sync.Map load plus one stat(2) to notice that the
// file changed (another file at the path, or a new modification time or
// size), after which the entry is replaced. Two handshakes that miss at the
// same moment may both read the file; the last one stored wins, which is
// harmless because both read the same bytes.

type pemCache struct {
	entries sync.Map // path -> *pemEntry
	reads   atomic.Int64
}

// pemEntry is immutable once stored.
type pemEntry struct {
	info  os.FileInfo
	mtime time.Time
	size  int64
	data  []byte
	certs [][]byte // CERTIFICATE blocks, in file order

	storeOnce sync.Once // parsed and indexed on first LoadTrustStoreFile
	store     *TrustStore
	storeErr  error

	crlOnce sync.Once // parsed on first HashDirCRLs
	crls    []*x509.RevocationList
	crlErr  error
}

var defaultCache pemCache

func (c *pemCache) load(path string) (*pemEntry, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	if v, ok := c.entries.Load(path); ok {
		e := v.(*pemEntry)
		if os.SameFile(e.info, fi) && e.mtime.Equal(fi.ModTime()) && e.size == fi.Size() {
			return e, nil
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	c.reads.Add(1)
	e := &pemEntry{info: fi, mtime: fi.ModTime(), size: fi.Size(), data: data}
	if int64(len(data)) != fi.Size() {
		// The file changed between stat and read: keep the data but make
		// sure the next lookup reads it again.
		e.size = -1
	}
	for _, b := range decodeAllPEM(data) {
		if b.Type == pemCertificate {
			e.certs = append(e.certs, b.Bytes)
		}
	}
	c.entries.Store(path, e)
	return e, nil
}

func (c *pemCache) clear() {
	c.entries.Range(func(k, _ any) bool {
		c.entries.Delete(k)
		return true
	})
}

// ClearPEMCache forgets every cached file (Erlang's ssl:clear_pem_cache/0).
func ClearPEMCache() { defaultCache.clear() }

// LoadCertificatesFile returns the DER certificates of a PEM file, in file
// order, through the PEM cache. The returned DER slices are shared with the
// cache and must not be modified.
func LoadCertificatesFile(path string) ([][]byte, error) {
	e, err := defaultCache.load(path)
	if err != nil {
		return nil, err
	}
	if len(e.certs) == 0 {
		return nil, fmt.Errorf("%w (file %s)", ErrNoCertificates, path)
	}
	return append([][]byte(nil), e.certs...), nil
}

// LoadTrustStoreFile returns the certificates of a PEM file (Erlang's
// cacertfile) parsed and indexed as trust anchors. The store is built once
// per version of the file and shared, so handshakes that name the same
// cacertfile neither parse nor index it again.
func LoadTrustStoreFile(path string) (*TrustStore, error) {
	e, err := defaultCache.load(path)
	if err != nil {
		return nil, err
	}
	e.storeOnce.Do(func() {
		if len(e.certs) == 0 {
			e.storeErr = fmt.Errorf("%w (file %s)", ErrNoCertificates, path)
			return
		}
		certs := make([]*x509.Certificate, 0, len(e.certs))
		for i, d := range e.certs {
			c, err := ParseCertificateUncached(d)
			if err != nil {
				e.storeErr = fmt.Errorf("pki: certificate %d of %s: %w", i+1, path, err)
				return
			}
			certs = append(certs, c)
		}
		e.store = NewTrustStore(certs)
	})
	return e.store, e.storeErr
}

// LoadPEMFile returns the raw contents of a PEM file through the PEM cache
// (shared: do not modify).
func LoadPEMFile(path string) ([]byte, error) {
	e, err := defaultCache.load(path)
	if err != nil {
		return nil, err
	}
	return e.data, nil
}
