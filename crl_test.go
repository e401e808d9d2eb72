package ssl

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/testpeers"
)

// crlCase is one revocation scenario: what the CRLs say, the crl_check
// mode, and the expected outcome for the client.
type crlCase struct {
	name      string
	check     string
	revoke    string // "", "leaf", "inter"
	stale     bool   // the CRLs' nextUpdate is in the past
	noCRL     bool   // no CRL at all
	alert     string // "" for success
	badReason string
}

var crlCases = []crlCase{
	{name: "good", check: "true"},
	{name: "revoked-leaf", check: "true", revoke: "leaf", alert: "certificate_revoked", badReason: "{revoked,keyCompromise}"},
	{name: "revoked-leaf-peer", check: "peer", revoke: "leaf", alert: "certificate_revoked", badReason: "{revoked,keyCompromise}"},
	{name: "revoked-intermediate", check: "true", revoke: "inter", alert: "certificate_revoked", badReason: "{revoked,keyCompromise}"},
	{name: "revoked-intermediate-peer-only", check: "peer", revoke: "inter"},
	{name: "revoked-leaf-best-effort", check: "best_effort", revoke: "leaf", alert: "certificate_revoked", badReason: "{revoked,keyCompromise}"},
	{name: "no-crl", check: "true", noCRL: true, alert: "bad_certificate", badReason: "revocation_status_undetermined"},
	{name: "no-crl-best-effort", check: "best_effort", noCRL: true},
	{name: "stale-crl", check: "true", stale: true, alert: "bad_certificate", badReason: "revocation_status_undetermined"},
	{name: "stale-crl-best-effort", check: "best_effort", stale: true},
	{name: "revoked-but-unchecked", check: "false", revoke: "leaf"},
}

// crlFixture is a PKI with its CRLs for one case.
type crlFixture struct {
	p           *vpki
	srv         *vcert
	rootCRL     []byte
	interCRL    []byte
	impostorCRL []byte // same issuer name as the intermediate, another key
}

func newCRLFixture(t *testing.T, c crlCase) *crlFixture {
	p := newVPKI(t, "CRL "+c.name)
	f := &crlFixture{p: p, srv: p.leaf("server", nil)}
	next := 24 * time.Hour
	if c.stale {
		next = -time.Hour
	}
	var leafRevoked, interRevoked []*vcert
	switch c.revoke {
	case "leaf":
		leafRevoked = []*vcert{f.srv}
	case "inter":
		interRevoked = []*vcert{p.inter}
	}
	f.rootCRL = p.crl(p.root, next, interRevoked...)
	f.interCRL = p.crl(p.inter, next, leafRevoked...)
	impostor := &vcert{cert: p.inter.cert, key: genKey(t)}
	// Signed by another key under the same name: must be ignored.
	f.impostorCRL = p.crl(impostor, 24*time.Hour)
	return f
}

func (f *crlFixture) check(t *testing.T, c crlCase, co *Options) {
	t.Helper()
	co.CRLCheck = c.check
	cerr, serr, _ := handshakeOnce(t, f.p.serverOpts(f.srv), co)
	if c.alert == "" {
		if cerr != nil || serr != nil {
			t.Fatalf("client %v, server %v", cerr, serr)
		}
		return
	}
	if sentAlert(cerr) != c.alert || badCertTerm(cerr) != c.badReason {
		t.Fatalf("client %v; want alert %s with {bad_cert,%s}", cerr, c.alert, c.badReason)
	}
	if !strings.Contains(FormatError(cerr), c.badReason) {
		t.Fatalf("FormatError %q lacks the reason", FormatError(cerr))
	}
}

// TestCRLInternalCache runs every case with CRLs given to CRLCacheInsert.
func TestCRLInternalCache(t *testing.T) {
	for _, c := range crlCases {
		t.Run(c.name, func(t *testing.T) {
			CRLCacheClear()
			defer CRLCacheClear()
			f := newCRLFixture(t, c)
			if !c.noCRL {
				for _, d := range [][]byte{f.impostorCRL, f.rootCRL, f.interCRL} {
					if err := CRLCacheInsert(d); err != nil {
						t.Fatal(err)
					}
				}
			}
			f.check(t, c, f.p.clientOpts())
		})
	}
}

// TestCRLHashDir runs every case with a hash directory made by gossl's
// name hash (<hash>.r0 the impostor, .r1 the real CRL).
func TestCRLHashDir(t *testing.T) {
	for _, c := range crlCases {
		t.Run(c.name, func(t *testing.T) {
			f := newCRLFixture(t, c)
			dir := t.TempDir()
			if !c.noCRL {
				write := func(issuer *x509.Certificate, n int, der []byte) {
					h, err := CRLNameHash(issuer.RawSubject)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s.r%d", h, n)), pki.EncodeCRLPEM(der), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				write(f.p.inter.cert, 0, f.impostorCRL)
				write(f.p.inter.cert, 1, f.interCRL)
				write(f.p.root.cert, 0, f.rootCRL)
			}
			co := f.p.clientOpts()
			co.CRLCache = HashDirCRLCache(dir)
			f.check(t, c, co)
		})
	}
}

// TestCRLHashDirOpenSSLRehash: the same with a directory that `openssl
// rehash` indexed, so the file names are OpenSSL's own hashes.
func TestCRLHashDirOpenSSLRehash(t *testing.T) {
	testpeers.Require(t, "openssl")
	for _, c := range crlCases {
		if c.noCRL {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			f := newCRLFixture(t, c)
			dir := t.TempDir()
			for name, der := range map[string][]byte{"root.crl.pem": f.rootCRL, "inter.crl.pem": f.interCRL} {
				if err := os.WriteFile(filepath.Join(dir, name), pki.EncodeCRLPEM(der), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			out, err := exec.Command("openssl", "rehash", dir).CombinedOutput()
			if err != nil {
				t.Fatalf("openssl rehash: %v\n%s", err, out)
			}
			links, _ := filepath.Glob(filepath.Join(dir, "*.r0"))
			if len(links) != 2 {
				t.Fatalf("openssl rehash made %v", links)
			}
			co := f.p.clientOpts()
			co.CRLCache = HashDirCRLCache(dir)
			f.check(t, c, co)
		})
	}
}

// TestCRLHTTPFetch: the internal cache with {http, Timeout} fetches the
// CRLs of http:// distribution points (served on 127.0.0.1), once.
func TestCRLHTTPFetch(t *testing.T) {
	CRLCacheClear()
	defer CRLCacheClear()
	cs := newCRLServer(t)
	base := cs.base
	p := newVPKI(t, "HTTP CRL")
	// The intermediate and leaf name distribution points on our server.
	inter := p.issue(p.root, &x509.Certificate{Subject: p.inter.cert.Subject, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, CRLDistributionPoints: []string{base + "/root.crl"}})
	p.inter = inter
	good := p.leaf("good", func(c *x509.Certificate) { c.CRLDistributionPoints = []string{base + "/inter.crl"} })
	bad := p.leaf("bad", func(c *x509.Certificate) { c.CRLDistributionPoints = []string{base + "/inter.crl"} })
	cs.set("/root.crl", p.crl(p.root, time.Hour))
	cs.set("/inter.crl", p.crl(p.inter, time.Hour, bad))
	fetches := &cs.fetches

	co := func() *Options {
		o := p.clientOpts()
		o.CRLCheck, o.CRLCache = "true", InternalCRLCache(5*time.Second)
		return o
	}
	if cerr, serr, _ := handshakeOnce(t, p.serverOpts(good), co()); cerr != nil || serr != nil {
		t.Fatalf("good: client %v, server %v", cerr, serr)
	}
	cerr, _, _ := handshakeOnce(t, p.serverOpts(bad), co())
	if sentAlert(cerr) != "certificate_revoked" {
		t.Fatalf("revoked: %v", cerr)
	}
	if n := fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2 (each CRL once, then cached)", n)
	}
	// Without {http, ...} and an empty cache: undetermined.
	CRLCacheClear()
	o := co()
	o.CRLCache = nil
	cerr, _, _ = handshakeOnce(t, p.serverOpts(good), o)
	if badCertTerm(cerr) != "revocation_status_undetermined" {
		t.Fatalf("no http: %v", cerr)
	}
}

// crlServer serves CRLs over HTTP on 127.0.0.1 for the fetch tests.
type crlServer struct {
	base    string
	mu      sync.Mutex
	crls    map[string][]byte
	fetches atomic.Int32
}

func newCRLServer(t *testing.T) *crlServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &crlServer{base: "http://" + ln.Addr().String(), crls: map[string][]byte{}}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return s
}

func (s *crlServer) set(path string, der []byte) {
	s.mu.Lock()
	s.crls[path] = der
	s.mu.Unlock()
}

func (s *crlServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.fetches.Add(1)
	s.mu.Lock()
	d, ok := s.crls[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Write(d)
}

// TestCRLVerifyFunAcceptsRevoked: a revocation failure goes to the
// verify_fun as a bad_cert event, which may accept it.
func TestCRLVerifyFunAcceptsRevoked(t *testing.T) {
	c := crlCase{name: "accept", check: "true", revoke: "leaf"}
	f := newCRLFixture(t, c)
	co := f.p.clientOpts()
	co.CRLCheck = "true"
	co.CRLCache = HashDirCRLCache(t.TempDir())
	CRLCacheClear()
	defer CRLCacheClear()
	co.CRLCache = nil
	CRLCacheInsert(f.rootCRL)
	CRLCacheInsert(f.interCRL)
	var events []string
	co.VerifyFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
		events = append(events, ev.String())
		return VerifyValid, st
	}}
	if cerr, serr, _ := handshakeOnce(t, f.p.serverOpts(f.srv), co); cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	want := "valid valid_peer {bad_cert,{revoked,keyCompromise}}"
	if got := strings.Join(events, " "); got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
}
