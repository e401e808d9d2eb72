package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"net/url"
	"os"
	"testing"
)

func rawName(t *testing.T, tag int, values ...string) []byte {
	t.Helper()
	var rdns pkix.RDNSequence
	oids := []asn1.ObjectIdentifier{{2, 5, 4, 10}, {2, 5, 4, 3}}
	for i, v := range values {
		b, err := asn1.Marshal(asn1.RawValue{Tag: tag, Bytes: []byte(v)})
		if err != nil {
			t.Fatal(err)
		}
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{Type: oids[i%2], Value: asn1.RawValue{FullBytes: b}}})
	}
	der, err := asn1.Marshal(rdns)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestNamesMatch(t *testing.T) {
	var nc nameCache
	printable := rawName(t, asn1.TagPrintableString, "Gossl Test", "Test Root")
	utf8 := rawName(t, asn1.TagUTF8String, "gossl  test", " TEST root ")
	other := rawName(t, asn1.TagUTF8String, "gossl test", "Test Root 2")
	if !nc.match(printable, printable) || !nc.match(printable, utf8) || nc.match(printable, other) {
		t.Fatal("RFC 5280, 7.1 comparison")
	}
	if nc.match([]byte{1}, []byte{2}) {
		t.Fatal("garbage names match")
	}
	var nilCache *nameCache
	if !nilCache.match(printable, utf8) {
		t.Fatal("nil cache")
	}
}

func TestVerifyChainNameVariants(t *testing.T) {
	// The intermediate's subject differs from the leaf's issuer only in case
	// and spacing: the path still builds (RFC 5280, Section 7.1).
	root := mk(t, caSpec("Root", algECDSA), nil)
	upper := pkix.Name{CommonName: "My  Intermediate", Organization: []string{"X"}}
	lower := pkix.Name{CommonName: "my intermediate", Organization: []string{"x"}}
	s := caSpec("", algECDSA)
	s.subjectName = &upper
	inter := mk(t, s, root)
	// Issue the leaf from an issuer template carrying the other spelling.
	alias := *inter
	ac := *inter.cert
	ac.RawSubject = nil
	ac.Subject = lower
	alias.cert = &ac
	leaf := mk(t, leafSpec("leaf.example.com", algECDSA), &alias)
	if string(leaf.cert.RawIssuer) == string(inter.cert.RawSubject) {
		t.Skip("names encoded identically")
	}
	if _, err := VerifyChain(ders(leaf, inter), opts(root)); err != nil {
		t.Fatal(err)
	}
}

func TestNameConstraintForms(t *testing.T) {
	_, n1, _ := net.ParseCIDR("192.0.2.0/24")
	_, n6, _ := net.ParseCIDR("2001:db8::/32")
	ca := &x509.Certificate{
		PermittedDNSDomains:     []string{"example.com", ".example.net"},
		ExcludedDNSDomains:      []string{"bad.example.com"},
		PermittedIPRanges:       []*net.IPNet{n1, n6},
		PermittedEmailAddresses: []string{"example.com", "boss@example.org"},
		PermittedURIDomains:     []string{".example.com"},
	}
	u, _ := url.Parse("https://www.example.com/x")
	uBad, _ := url.Parse("https://example.com/x")
	cases := []struct {
		c  *x509.Certificate
		ok bool
	}{
		{&x509.Certificate{DNSNames: []string{"example.com", "a.b.EXAMPLE.com"}}, true},
		{&x509.Certificate{DNSNames: []string{"a.example.net"}}, true},
		{&x509.Certificate{DNSNames: []string{"example.net"}}, false},
		{&x509.Certificate{DNSNames: []string{"notexample.com"}}, false},
		{&x509.Certificate{DNSNames: []string{"x.bad.example.com"}}, false},
		{&x509.Certificate{IPAddresses: []net.IP{net.ParseIP("192.0.2.9")}}, true},
		{&x509.Certificate{IPAddresses: []net.IP{net.ParseIP("192.0.3.9")}}, false},
		{&x509.Certificate{IPAddresses: []net.IP{net.ParseIP("2001:db8::5")}}, true},
		{&x509.Certificate{IPAddresses: []net.IP{net.ParseIP("2001:db9::5")}}, false},
		{&x509.Certificate{EmailAddresses: []string{"a@example.com"}}, true},
		{&x509.Certificate{EmailAddresses: []string{"a@sub.example.com"}}, false},
		{&x509.Certificate{EmailAddresses: []string{"boss@example.org"}}, true},
		{&x509.Certificate{EmailAddresses: []string{"intern@example.org"}}, false},
		{&x509.Certificate{URIs: []*url.URL{u}}, true},
		{&x509.Certificate{URIs: []*url.URL{uBad}}, false},
		{&x509.Certificate{}, true},
	}
	for i, tc := range cases {
		if got := checkNameConstraints(ca, tc.c) == ""; got != tc.ok {
			t.Errorf("case %d: ok=%v, want %v (%s)", i, got, tc.ok, checkNameConstraints(ca, tc.c))
		}
	}
}

func TestTrustStoreAndSystemRoots(t *testing.T) {
	c := newChain(t, algECDSA)
	st := NewTrustStore([]*x509.Certificate{c.root.cert, c.root.cert, nil})
	if st.Len() != 1 {
		t.Fatalf("len %d", st.Len())
	}
	if _, err := VerifyChain(ders(c.leaf, c.inter), &VerifyOptions{Store: st, Depth: 10}); err != nil {
		t.Fatal(err)
	}

	sys, err := SystemRoots()
	if _, statErr := os.Stat("/etc/ssl/certs/ca-certificates.crt"); statErr == nil && (err != nil || len(sys) == 0) {
		t.Fatalf("system roots: %d, %v", len(sys), err)
	}
	if err != nil {
		t.Skip("no system roots here")
	}
	// A private chain is unknown to the system roots...
	_, err = VerifyChain(ders(c.leaf, c.inter), &VerifyOptions{UseSystemRoots: true, Depth: 10})
	wantBad(t, err, ReasonUnknownCA, 48)
	// ...and known with its root added.
	o := &VerifyOptions{UseSystemRoots: true, Roots: roots(c.root), Depth: 10}
	if _, err := VerifyChain(ders(c.leaf, c.inter), o); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainIPHost(t *testing.T) {
	root := mk(t, caSpec("Root", algECDSA), nil)
	s := leafSpec("ip", algECDSA)
	s.dns = nil
	s.ips = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}
	leaf := mk(t, s, root)
	for host, ok := range map[string]bool{"127.0.0.1": true, "::1": true, "[::1]": true, "127.0.0.2": false, "other": false, "ip": true} {
		o := opts(root)
		o.Hostname = host
		_, err := VerifyChain(ders(leaf), o)
		if (err == nil) != ok {
			t.Errorf("%s: %v", host, err)
		}
	}
}
