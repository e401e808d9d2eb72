package ssl

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
	"time"
)

// deltaCRL is a delta CRL of issuer (deltaCRLIndicator, RFC 5280,
// Section 5.2.4) listing the given certificates.
func (p *vpki) deltaCRL(issuer *vcert, revoked ...*vcert) []byte {
	p.t.Helper()
	delta := pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 27}, Critical: true, Value: []byte{2, 1, 1}} // BaseCRLNumber 1
	return p.crlWith(issuer, time.Hour, []pkix.Extension{delta}, revoked...)
}

// TestCRLDeltaIsNotComplete: with crl_check, a delta CRL alone does not
// give the certificate's status (revocation_status_undetermined), a
// revocation it lists counts, and with {http, Timeout} a delta CRL in the
// cache does not stop the fetch of the complete CRL.
func TestCRLDeltaIsNotComplete(t *testing.T) {
	CRLCacheClear()
	defer CRLCacheClear()
	cs := newCRLServer(t)
	p := newVPKI(t, "Delta CRL")
	srv := p.leaf("server", func(c *x509.Certificate) { c.CRLDistributionPoints = []string{cs.base + "/inter.crl"} })
	cs.set("/inter.crl", p.crl(p.inter, time.Hour))

	for _, d := range [][]byte{p.crl(p.root, time.Hour), p.deltaCRL(p.inter)} {
		if err := CRLCacheInsert(d); err != nil {
			t.Fatal(err)
		}
	}
	co := p.clientOpts()
	co.CRLCheck = "true"
	cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co)
	if badCertTerm(cerr) != "revocation_status_undetermined" {
		t.Fatalf("delta CRL alone: client %v, want revocation_status_undetermined", cerr)
	}

	co = p.clientOpts()
	co.CRLCheck, co.CRLCache = "true", InternalCRLCache(5*time.Second)
	if cerr, serr, _ := handshakeOnce(t, p.serverOpts(srv), co); cerr != nil || serr != nil {
		t.Fatalf("delta cached, complete CRL fetched: client %v, server %v", cerr, serr)
	}

	if err := CRLCacheInsert(p.deltaCRL(p.inter, srv)); err != nil {
		t.Fatal(err)
	}
	co = p.clientOpts()
	co.CRLCheck = "true"
	cerr, _, _ = handshakeOnce(t, p.serverOpts(srv), co)
	if sentAlert(cerr) != "certificate_revoked" {
		t.Fatalf("revoked on a delta CRL: client %v, want certificate_revoked", cerr)
	}
}
