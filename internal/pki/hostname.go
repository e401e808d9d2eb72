package pki

import (
	"crypto/x509"
	"net"
	"strings"
)

// VerifyHostname checks that cert is for host, with the rules of Erlang's
// public_key:pkix_verify_hostname/2 and RFC 6125, Section 6:
//
//   - an IP address (IPv4, IPv6, IPv6 in brackets) matches only an iPAddress
//     subjectAltName (RFC 6125, Section 6.2.1 keeps IPs out of DNS rules);
//   - a DNS name matches a dNSName subjectAltName, compared case-insensitively
//     (ASCII only: internationalised names are compared in their A-label
//     "xn--" form), a trailing dot on either side ignored;
//   - a wildcard is honoured only as the whole left-most label ("*.a.b"),
//     matches exactly one non-empty label, never a partial label ("f*.a.b"),
//     and only when at least two labels follow it, so "*.com" matches nothing
//     (RFC 6125, Section 6.4.3);
//   - the subject's common name is a fallback only when the certificate has
//     no dNSName at all (RFC 6125, Section 6.4.4); path validation
//     (VerifyChain) then holds it to the path's dNSName constraints.
//
// A failure is a *BadCertError with reason hostname_check_failed.
func VerifyHostname(cert *x509.Certificate, host string) error {
	if cert == nil {
		return badCert(ReasonHostnameCheckFailed, nil, "no certificate")
	}
	if matchHostname(cert, host) {
		return nil
	}
	return badCert(ReasonHostnameCheckFailed, cert, "certificate is not valid for "+quoteHost(host))
}

// isIPReference reports whether a reference identity is an IP address
// (also an IPv6 address in brackets): the common name is then never
// used.
func isIPReference(host string) bool {
	if len(host) > 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	return net.ParseIP(host) != nil
}

func quoteHost(h string) string {
	if len(h) > 255 {
		h = h[:255] + "..."
	}
	return `"` + h + `"`
}

// MatchResult is the answer of a MatchFun.
type MatchResult int

const (
	MatchDefault MatchResult = iota // apply the built-in rules to this pair
	MatchYes                        // the pair matches
	MatchNo                         // the pair does not match
)

// Kinds of presented identifier given to a MatchFun, with OTP's names.
const (
	PresentedDNS = "dNSName"
	PresentedIP  = "iPAddress"
	PresentedCN  = "cn"
)

// MatchFun is OTP's customize_hostname_check match_fun: called with the
// reference identity (the host, lower-cased) and one presented identifier
// of the certificate (its kind and value; an IP address in its usual text
// form, names lower-cased as OTP does). Any pair answered MatchYes, or
// MatchDefault and matched by the default rules, makes the check pass.
type MatchFun func(reference, kind, presented string) MatchResult

// matchHostnameWith is matchHostname with an optional match fun consulted
// for every (reference, presented) pair before the default rules.
func matchHostnameWith(cert *x509.Certificate, host string, fn MatchFun) bool {
	if fn == nil {
		return matchHostname(cert, host)
	}
	if host == "" {
		return false
	}
	ref := asciiLower(strings.TrimSuffix(host, "."))
	if len(ref) > 2 && ref[0] == '[' && ref[len(ref)-1] == ']' && net.ParseIP(ref[1:len(ref)-1]) != nil {
		ref = ref[1 : len(ref)-1]
	}
	try := func(kind, value string, dflt func() bool) bool {
		switch fn(ref, kind, value) {
		case MatchYes:
			return true
		case MatchNo:
			return false
		}
		return dflt()
	}
	refIP := net.ParseIP(ref)
	norm, normOK := normalizeReference(ref)
	for _, d := range cert.DNSNames {
		if try(PresentedDNS, asciiLower(d), func() bool { return refIP == nil && normOK && matchDNSPattern(d, norm) }) {
			return true
		}
	}
	for _, ip := range cert.IPAddresses {
		if try(PresentedIP, ip.String(), func() bool { return refIP != nil && refIP.Equal(ip) }) {
			return true
		}
	}
	// RFC 6125, Section 6.4.4: the CN only when there is no dNSName.
	if len(cert.DNSNames) == 0 && cert.Subject.CommonName != "" {
		cn := cert.Subject.CommonName
		if try(PresentedCN, asciiLower(cn), func() bool {
			return refIP == nil && normOK && net.ParseIP(cn) == nil && matchDNSPattern(cn, norm)
		}) {
			return true
		}
	}
	return false
}

func matchHostname(cert *x509.Certificate, host string) bool {
	if host == "" {
		return false
	}
	h := host
	if len(h) > 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	if ip := net.ParseIP(h); ip != nil {
		for _, c := range cert.IPAddresses {
			if ip.Equal(c) {
				return true
			}
		}
		return false
	}
	ref, ok := normalizeReference(host)
	if !ok {
		return false
	}
	if len(cert.DNSNames) > 0 {
		for _, p := range cert.DNSNames {
			if matchDNSPattern(p, ref) {
				return true
			}
		}
		return false
	}
	// RFC 6125, Section 6.4.4: the CN, only when there is no dNSName.
	cn := cert.Subject.CommonName
	return cn != "" && net.ParseIP(cn) == nil && matchDNSPattern(cn, ref)
}

// normalizeReference lower-cases the reference identity and drops one
// trailing dot; it rejects names that cannot be DNS names.
func normalizeReference(host string) (string, bool) {
	host = strings.TrimSuffix(host, ".")
	if host == "" || len(host) > 253 {
		return "", false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return "", false
		}
	}
	if strings.ContainsAny(host, "*/ \t\x00") {
		return "", false
	}
	return asciiLower(host), true
}

// matchDNSPattern matches a presented identifier (a dNSName or CN, possibly a
// wildcard) against a normalised reference identity.
func matchDNSPattern(pattern, ref string) bool {
	pattern = asciiLower(strings.TrimSuffix(pattern, "."))
	if pattern == "" {
		return false
	}
	if !strings.HasPrefix(pattern, "*.") {
		if strings.Contains(pattern, "*") {
			return false // partial or misplaced wildcard: never matches
		}
		return pattern == ref
	}
	suffix := pattern[1:] // ".a.b"
	if strings.Contains(suffix, "*") || strings.Count(suffix, ".") < 2 {
		return false // "*.com", "*.*.a": no
	}
	i := strings.IndexByte(ref, '.')
	if i <= 0 { // the wildcard covers exactly one non-empty label
		return false
	}
	return ref[i:] == suffix
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
