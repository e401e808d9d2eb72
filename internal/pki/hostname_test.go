package pki

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"testing"

	"github.com/gossl/ssl/internal/alert"
)

func hostCert(cn string, dns []string, ips ...string) *x509.Certificate {
	c := &x509.Certificate{Subject: pkix.Name{CommonName: cn}, DNSNames: dns}
	for _, ip := range ips {
		c.IPAddresses = append(c.IPAddresses, net.ParseIP(ip))
	}
	return c
}

func TestVerifyHostname(t *testing.T) {
	cases := []struct {
		cert *x509.Certificate
		host string
		ok   bool
	}{
		// Exact DNS names, case and trailing dots.
		{hostCert("", []string{"www.example.com"}), "www.example.com", true},
		{hostCert("", []string{"www.example.com"}), "WWW.Example.COM", true},
		{hostCert("", []string{"WWW.EXAMPLE.COM"}), "www.example.com", true},
		{hostCert("", []string{"www.example.com"}), "www.example.com.", true},
		{hostCert("", []string{"www.example.com."}), "www.example.com", true},
		{hostCert("", []string{"www.example.com"}), "example.com", false},
		{hostCert("", []string{"www.example.com"}), "wwwexample.com", false},
		{hostCert("", []string{"a.example.com", "b.example.com"}), "b.example.com", true},
		// IDNA: A-labels compare case-insensitively.
		{hostCert("", []string{"xn--bcher-kva.example"}), "XN--BCHER-KVA.example", true},
		{hostCert("", []string{"xn--bcher-kva.example"}), "bücher.example", false},
		// Wildcards: whole left-most label only, exactly one label.
		{hostCert("", []string{"*.example.com"}), "foo.example.com", true},
		{hostCert("", []string{"*.example.com"}), "FOO.Example.com.", true},
		{hostCert("", []string{"*.example.com"}), "example.com", false},
		{hostCert("", []string{"*.example.com"}), "a.b.example.com", false},
		{hostCert("", []string{"*.example.com"}), ".example.com", false},
		{hostCert("", []string{"f*.example.com"}), "foo.example.com", false},
		{hostCert("", []string{"*oo.example.com"}), "foo.example.com", false},
		{hostCert("", []string{"www.*.com"}), "www.example.com", false},
		{hostCert("", []string{"*.*.example.com"}), "a.b.example.com", false},
		{hostCert("", []string{"*.com"}), "example.com", false},
		{hostCert("", []string{"*"}), "localhost", false},
		{hostCert("", []string{"*.co.uk"}), "example.co.uk", true}, // 3 labels: allowed, as OTP
		{hostCert("", []string{"*.example.com"}), "*.example.com", false},
		// IP addresses: only iPAddress SANs, never wildcards or CN.
		{hostCert("", nil, "192.0.2.1"), "192.0.2.1", true},
		{hostCert("", nil, "192.0.2.1"), "192.0.2.2", false},
		{hostCert("", nil, "2001:db8::1"), "2001:DB8::1", true},
		{hostCert("", nil, "2001:db8::1"), "[2001:db8::1]", true},
		{hostCert("", nil, "::ffff:192.0.2.1"), "192.0.2.1", true},
		{hostCert("192.0.2.1", nil), "192.0.2.1", false},
		{hostCert("", []string{"192.0.2.1"}), "192.0.2.1", false},
		{hostCert("", []string{"*.2.0.192"}), "192.0.2.1", false},
		// CN fallback only when there is no dNSName.
		{hostCert("cn.example.com", nil), "cn.example.com", true},
		{hostCert("cn.example.com", nil), "CN.example.com", true},
		{hostCert("*.example.com", nil), "x.example.com", true},
		{hostCert("cn.example.com", []string{"san.example.com"}), "cn.example.com", false},
		{hostCert("cn.example.com", nil, "192.0.2.1"), "cn.example.com", true},
		// Garbage.
		{hostCert("", []string{"www.example.com"}), "", false},
		{hostCert("", []string{""}), "", false},
		{hostCert("", []string{"a..b"}), "a..b", false},
		{hostCert("", []string{"www.example.com"}), "www.example.com..", false},
	}
	for _, tc := range cases {
		err := VerifyHostname(tc.cert, tc.host)
		if (err == nil) != tc.ok {
			t.Errorf("cert %v %v %v, host %q: err %v, want ok=%v",
				tc.cert.Subject.CommonName, tc.cert.DNSNames, tc.cert.IPAddresses, tc.host, err, tc.ok)
		}
		var bc *BadCertError
		if err != nil && (!errors.As(err, &bc) || bc.Reason != ReasonHostnameCheckFailed) {
			t.Errorf("error %v is not hostname_check_failed", err)
		}
	}
	if VerifyHostname(nil, "x") == nil {
		t.Error("nil certificate accepted")
	}
}

// TestCommonNameFallbackNameConstraints: a CA constrained to example.com
// issues a leaf with no subjectAltName and CN evil.com. The hostname check
// falls back to the CN (RFC 6125, Section 6.4.4), so the CN must obey the
// dNSName constraints of the path: name_not_permitted, not a pass for
// evil.com. A CN inside the constraints still verifies, an excluded
// subtree applies too, and where the CN is not used as a host name (an IP
// reference, no hostname check) it is not checked.
func TestCommonNameFallbackNameConstraints(t *testing.T) {
	root := mk(t, caSpec("NC Root", algECDSA), nil)
	inter := mk(t, spec{cn: "NC Inter", ca: true, maxPathLen: -1, permitted: []string{"example.com"}, excluded: []string{"bad.example.com"}}, root)
	noSAN := func(cn string) *tcert {
		return mk(t, spec{cn: cn, maxPathLen: -1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			ips: []net.IP{net.IPv4(127, 0, 0, 1)}}, inter)
	}
	evil := noSAN("evil.com")
	o := opts(root)
	o.Hostname = "evil.com"
	_, err := VerifyChain(ders(evil, inter), o)
	wantBad(t, err, ReasonNameNotPermitted, alert.BadCertificate)

	// A constrained root constrains the CN as well.
	ncRoot := mk(t, spec{cn: "NC Root 2", ca: true, maxPathLen: -1, permitted: []string{"example.com"}}, nil)
	direct := mk(t, spec{cn: "evil.com", maxPathLen: -1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, ncRoot)
	o2 := opts(ncRoot)
	o2.Hostname = "evil.com"
	_, err = VerifyChain(ders(direct), o2)
	wantBad(t, err, ReasonNameNotPermitted, alert.BadCertificate)

	// A match fun sees the CN too; the constraint still applies.
	o.HostnameMatch = func(_, _, _ string) MatchResult { return MatchYes }
	_, err = VerifyChain(ders(evil, inter), o)
	wantBad(t, err, ReasonNameNotPermitted, alert.BadCertificate)

	good := noSAN("www.example.com")
	o = opts(root)
	o.Hostname = "www.example.com"
	if _, err := VerifyChain(ders(good, inter), o); err != nil {
		t.Fatalf("CN inside the constraints: %v", err)
	}
	excl := noSAN("x.bad.example.com")
	o.Hostname = "x.bad.example.com"
	_, err = VerifyChain(ders(excl, inter), o)
	wantBad(t, err, ReasonNameNotPermitted, alert.BadCertificate)

	// The CN is not used: an IP reference, or no hostname check.
	o.Hostname = "127.0.0.1"
	if _, err := VerifyChain(ders(evil, inter), o); err != nil {
		t.Fatalf("IP reference: %v", err)
	}
	o.Hostname = ""
	if _, err := VerifyChain(ders(evil, inter), o); err != nil {
		t.Fatalf("no hostname check: %v", err)
	}
}
