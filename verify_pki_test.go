package ssl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/pki"
)

// vpki is a PKI made for one verification test: a root, an intermediate
// and leaves, all ECDSA P-256, with CRLs on demand. Nothing is committed:
// every key is generated here.
type vpki struct {
	t     *testing.T
	dir   string
	root  *vcert
	inter *vcert
}

type vcert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var vserial atomic.Int64

func newVPKI(t *testing.T, name string) *vpki {
	t.Helper()
	p := &vpki{t: t, dir: t.TempDir()}
	p.root = p.issue(nil, &x509.Certificate{Subject: pkix.Name{CommonName: name + " Root", Organization: []string{"gossl tests"}},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign})
	p.inter = p.issue(p.root, &x509.Certificate{Subject: pkix.Name{CommonName: name + " Intermediate", Organization: []string{"gossl tests"}},
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign})
	return p
}

func genKey(t *testing.T) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// issue signs tmpl with parent (self-signed when parent is nil), filling
// serial and a validity of one day around now unless set.
func (p *vpki) issue(parent *vcert, tmpl *x509.Certificate) *vcert {
	p.t.Helper()
	return p.issueKey(parent, tmpl, genKey(p.t))
}

// issueKey is issue for a given key.
func (p *vpki) issueKey(parent *vcert, tmpl *x509.Certificate, key crypto.Signer) *vcert {
	p.t.Helper()
	tmpl.SerialNumber = big.NewInt(1000 + vserial.Add(1))
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = time.Now().Add(-time.Hour)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	}
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), signer)
	if err != nil {
		p.t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		p.t.Fatal(err)
	}
	return &vcert{cert: c, key: key}
}

// leaf issues an end-entity certificate for localhost and 127.0.0.1 under
// the intermediate; mod may change the template.
func (p *vpki) leaf(cn string, mod func(*x509.Certificate)) *vcert {
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	if mod != nil {
		mod(tmpl)
	}
	return p.issue(p.inter, tmpl)
}

// chain is leaf, intermediate (the root is not sent).
func (p *vpki) chain(l *vcert) [][]byte { return [][]byte{l.cert.Raw, p.inter.cert.Raw} }

// crl makes a CRL of issuer revoking the given certificates with reason
// keyCompromise (1); next is its nextUpdate offset from now.
func (p *vpki) crl(issuer *vcert, next time.Duration, revoked ...*vcert) []byte {
	p.t.Helper()
	return p.crlWith(issuer, next, nil, revoked...)
}

// crlWith is crl with extra CRL extensions.
func (p *vpki) crlWith(issuer *vcert, next time.Duration, exts []pkix.Extension, revoked ...*vcert) []byte {
	p.t.Helper()
	var entries []x509.RevocationListEntry
	for _, r := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: r.cert.SerialNumber, RevocationTime: time.Now().Add(-time.Minute), ReasonCode: 1})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(vserial.Add(1)), ThisUpdate: time.Now().Add(-2 * time.Hour), NextUpdate: time.Now().Add(next),
		RevokedCertificateEntries: entries, ExtraExtensions: exts,
	}, issuer.cert, issuer.key)
	if err != nil {
		p.t.Fatal(err)
	}
	return der
}

// writePEM writes blocks of one type to a file of the PKI's directory.
func (p *vpki) writePEM(name, typ string, ders ...[]byte) string {
	p.t.Helper()
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: d})...)
	}
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		p.t.Fatal(err)
	}
	return path
}

func (p *vpki) serverOpts(l *vcert) *Options {
	return &Options{Cert: p.chain(l), Key: l.key, IP: net.IPv4(127, 0, 0, 1), LogAlert: Bool(false)}
}

func (p *vpki) clientOpts() *Options {
	return &Options{CACerts: [][]byte{p.root.cert.Raw}, LogAlert: Bool(false)}
}

// handshakeOnce runs one gossl-to-gossl handshake on 127.0.0.1 and
// returns both sides' errors and the peer certificate the server saw.
//
//lint:ignore ST1008 test helper returning the two sides' errors first, in the order its callers read them
func handshakeOnce(t *testing.T, so, co *Options) (clientErr, serverErr error, clientCert []byte) {
	t.Helper()
	ls, err := Listen(0, so)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	defer ls.Close()
	type result struct {
		err  error
		cert []byte
	}
	done := make(chan result, 1)
	go func() {
		s, err := ls.TransportAccept(10 * time.Second)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer s.Close()
		if err := s.Handshake(10 * time.Second); err != nil {
			done <- result{err: err}
			return
		}
		cert, _ := s.Peercert()
		// Wait for the client's verdict: data, or its alert.
		_, err = s.Recv(0, 5*time.Second)
		if errors.Is(err, ErrClosed) {
			err = nil
		}
		done <- result{err: err, cert: cert}
	}()
	co.LogAlert = Bool(false)
	s, cerr := Connect("127.0.0.1", ls.Port(), co, 10*time.Second)
	if cerr == nil {
		cerr = s.Send([]byte("x"))
		s.Close()
	}
	r := <-done
	return cerr, r.err, r.cert
}

// sentAlert returns the description of the alert err says we sent ("" if
// none).
func sentAlert(err error) string {
	var a *Alert
	if errors.As(err, &a) && !a.Received {
		return a.Description
	}
	return ""
}

// badCertTerm returns the {bad_cert, Reason} reason in err, as Erlang
// prints it.
func badCertTerm(err error) string {
	var bad *pki.BadCertError
	if errors.As(err, &bad) {
		return bad.ReasonTerm()
	}
	return ""
}

func testRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// issueWithKey issues a leaf for localhost with a given key.
func (p *vpki) issueWithKey(parent *vcert, key crypto.Signer, cn string) *x509.Certificate {
	p.t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1000 + vserial.Add(1)), Subject: pkix.Name{CommonName: cn},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, key.Public(), parent.key)
	if err != nil {
		p.t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}
