package pki

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"sync"
)

// Two process-wide memos make repeated handshakes with the same peers
// cheaper without changing what a validation decides:
//
//   - parsed certificates, by the SHA-256 of their DER: a client that
//     connects to the same server again, or a server whose clients share
//     intermediates, does not parse the same bytes again;
//   - successful certificate signature checks, by the SHA-256 of the
//     issuer's SubjectPublicKeyInfo and the child's whole DER.
//
// Why the signature memo is safe: whether a signature verifies is a pure
// function of the public key (all of it is in the SubjectPublicKeyInfo,
// algorithm parameters included) and of the signed certificate (its
// TBSCertificate, signatureAlgorithm and signatureValue are all in its
// DER). The memo stores that function's value for inputs seen before, and
// only when it was "valid", so a hit gives exactly the answer the check
// would give. Nothing else is memoised: every handshake still runs path
// building against the current trust anchors, validity periods against
// the current time, the issuer-name, key-usage, extKeyUsage, basic and
// name constraints, critical-extension and host-name checks, the
// verify_fun events (user funs are called with the same events as
// before), partial_chain and CRL checks (RFC 5280, 6.1). The SHA-1 policy
// (VerifyOptions.AllowSHA1) is applied before the memo is consulted.
// SHA-256 collisions are out of reach, so a key names one input only.
//
// Both memos are bounded; when full, an arbitrary entry makes room. A
// peer decides what goes into them, so the memory is bounded too: the
// parsed-certificate memo keeps certificates of up to maxParsedDER bytes
// (real ones are one or two kilobytes; larger ones are parsed every
// time), and the signature memo keeps only 32-byte keys.

const (
	maxParsedCerts = 512
	maxParsedDER   = 8 << 10
	maxGoodSigs    = 4096
)

var (
	parsedCerts = newBoundedMemo[[sha256.Size]byte, *x509.Certificate](maxParsedCerts)
	goodSigs    = newBoundedMemo[[sha256.Size]byte, struct{}](maxGoodSigs)
)

// boundedMemo is a map safe for concurrent use that holds at most max
// entries: when full, an arbitrary entry makes room for a new one.
type boundedMemo[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
}

func newBoundedMemo[K comparable, V any](max int) *boundedMemo[K, V] {
	return &boundedMemo[K, V]{m: make(map[K]V), max: max}
}

func (b *boundedMemo[K, V]) get(k K) (V, bool) {
	b.mu.Lock()
	v, ok := b.m[k]
	b.mu.Unlock()
	return v, ok
}

func (b *boundedMemo[K, V]) put(k K, v V) {
	b.mu.Lock()
	if len(b.m) >= b.max {
		for old := range b.m {
			delete(b.m, old)
			break
		}
	}
	b.m[k] = v
	b.mu.Unlock()
}

func (b *boundedMemo[K, V]) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}

func (b *boundedMemo[K, V]) clear() {
	b.mu.Lock()
	clear(b.m)
	b.mu.Unlock()
}

// lengthPrefixedHash hashes each part after its 4-byte length, so that no
// two lists of parts give the same hashed bytes.
func lengthPrefixedHash(parts ...[]byte) [sha256.Size]byte {
	h := sha256.New()
	var n [4]byte
	for _, p := range parts {
		l := len(p)
		n[0], n[1], n[2], n[3] = byte(l>>24), byte(l>>16), byte(l>>8), byte(l)
		h.Write(n[:])
		h.Write(p)
	}
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// ParseCertificate is x509.ParseCertificate with a process-wide memo by
// DER. The *x509.Certificate returned may be shared with other callers and
// other connections: it must not be modified. Only certificates that parse
// are remembered; the memo keeps its own copy of der.
func ParseCertificate(der []byte) (*x509.Certificate, error) {
	k := sha256.Sum256(der)
	c, ok := parsedCerts.get(k)
	if ok && bytes.Equal(c.Raw, der) {
		return c, nil
	}
	if len(der) > maxParsedDER {
		return ParseCertificateUncached(der)
	}
	c, err := ParseCertificateUncached(bytes.Clone(der))
	if err != nil {
		return nil, err
	}
	parsedCerts.put(k, c)
	return c, nil
}

// sigKey names the check of child's signature with parent's key.
func sigKey(parent, child *x509.Certificate) [sha256.Size]byte {
	return lengthPrefixedHash(parent.RawSubjectPublicKeyInfo, child.Raw)
}

// checkSignatureMemo verifies child's signature with parent's public key,
// remembering successes (see the comment at the top of this file).
func checkSignatureMemo(parent, child *x509.Certificate) error {
	k := sigKey(parent, child)
	if _, ok := goodSigs.get(k); ok {
		return nil
	}
	err := parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature)
	if err != nil && (checkDSASignature(parent, child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature) ||
		checkOtherSignature(parent, child.SignatureAlgorithm, child.Raw, child.RawTBSCertificate, child.Signature)) {
		err = nil // crypto/x509 no longer verifies DSA signatures, nor knows these keys (eckeys.go)
	}
	if err != nil {
		return err
	}
	goodSigs.put(k, struct{}{})
	return nil
}

// forgetMemos empties both memos (tests).
func forgetMemos() {
	parsedCerts.clear()
	goodSigs.clear()
	canonNames.clear()
	rootLists.clear()
}

// A client compiles its options on every Connect; with cacerts given as
// DER, the anchors would be parsed again and, being a new slice each time,
// indexed again (storeForRoots remembers slices by identity). ParseRoots
// returns the same slice for the same list of certificates, so both are
// done once.

const maxRootLists = 64

var rootLists = newBoundedMemo[[sha256.Size]byte, []*x509.Certificate](maxRootLists)

// ParseRoots parses a list of DER trust anchors. The result is shared by
// every caller that passes the same list and must not be modified. key is
// the SHA-256 that names the list (of each certificate after its length),
// for callers that need a name for the anchors too.
func ParseRoots(ders [][]byte) (roots []*x509.Certificate, key [sha256.Size]byte, err error) {
	k := lengthPrefixedHash(ders...)
	if roots, ok := rootLists.get(k); ok {
		return roots, k, nil
	}
	roots = make([]*x509.Certificate, 0, len(ders))
	for _, d := range ders {
		c, err := ParseCertificate(d)
		if err != nil {
			return nil, k, err
		}
		roots = append(roots, c)
	}
	rootLists.put(k, roots)
	return roots, k, nil
}

// Canonical names (RFC 5280, 7.1) are a pure function of a Name's DER
// and cost an ASN.1 decoding each; the same few names (a server's
// issuer, the anchors' subjects) come back on every handshake.

const (
	maxCanonNames = 1024
	maxCanonDER   = 1024 // longer names are canonicalised every time
)

var canonNames = newBoundedMemo[string, canonEntry](maxCanonNames)

func globalCanon(der []byte) (string, bool) {
	if len(der) > maxCanonDER {
		return canonicalName(der)
	}
	if e, ok := canonNames.get(string(der)); ok {
		return e.key, e.ok
	}
	k, valid := canonicalName(der)
	canonNames.put(string(der), canonEntry{k, valid})
	return k, valid
}
