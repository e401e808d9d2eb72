package pki

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"net"
	"net/url"
	"strings"
)

// nameCache memoises canonical names for one VerifyChain call (a nil
// *nameCache computes every time).
type nameCache struct {
	m map[string]canonEntry
}

type canonEntry struct {
	key string
	ok  bool
}

func (nc *nameCache) canon(der []byte) (string, bool) {
	if nc == nil {
		return canonicalName(der)
	}
	if e, ok := nc.m[string(der)]; ok {
		return e.key, e.ok
	}
	k, ok := globalCanon(der)
	if nc.m == nil {
		nc.m = make(map[string]canonEntry, 8)
	}
	nc.m[string(der)] = canonEntry{k, ok}
	return k, ok
}

// match compares two DER Names: byte equality, else the RFC 5280,
// Section 7.1 comparison (attribute by attribute, string values compared
// case-insensitively with insignificant white space removed).
func (nc *nameCache) match(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	ka, ok1 := nc.canon(a)
	kb, ok2 := nc.canon(b)
	return ok1 && ok2 && ka == kb
}

// selfIssued reports whether issuer and subject are the same name
// (RFC 5280, Section 6.1: "self-issued").
func (nc *nameCache) selfIssued(c *x509.Certificate) bool { return nc.match(c.RawIssuer, c.RawSubject) }

// canonicalName returns a string that is equal for two Names that RFC 5280,
// Section 7.1 (after RFC 4518's simplified preparation) calls equal.
func canonicalName(der []byte) (string, bool) {
	var rdns pkix.RDNSequence
	rest, err := asn1.Unmarshal(der, &rdns)
	if err != nil || len(rest) != 0 {
		return "", false
	}
	var sb strings.Builder
	for _, rdn := range rdns {
		sb.WriteByte('/')
		for j, atv := range rdn {
			if j > 0 {
				sb.WriteByte('+')
			}
			sb.WriteString(atv.Type.String())
			sb.WriteByte('=')
			switch v := atv.Value.(type) {
			case string:
				sb.WriteString(strings.ToLower(strings.Join(strings.Fields(v), " ")))
			default:
				b, err := asn1.Marshal(v)
				if err != nil {
					return "", false
				}
				sb.WriteByte('#')
				sb.WriteString(hex.EncodeToString(b))
			}
		}
	}
	return sb.String(), true
}

// keyIDsCompatible reports whether parent may be child's issuer judging by
// the key identifiers (RFC 5280, Sections 4.2.1.1 and 4.2.1.2): they must
// agree when both are present.
func keyIDsCompatible(child, parent *x509.Certificate) bool {
	return len(child.AuthorityKeyId) == 0 || len(parent.SubjectKeyId) == 0 ||
		bytes.Equal(child.AuthorityKeyId, parent.SubjectKeyId)
}

// hasNameConstraints reports whether ca constrains names of any kind we check.
func hasNameConstraints(ca *x509.Certificate) bool {
	return len(ca.PermittedDNSDomains)+len(ca.ExcludedDNSDomains)+
		len(ca.PermittedIPRanges)+len(ca.ExcludedIPRanges)+
		len(ca.PermittedEmailAddresses)+len(ca.ExcludedEmailAddresses)+
		len(ca.PermittedURIDomains)+len(ca.ExcludedURIDomains) > 0
}

// checkNameConstraints applies ca's name constraints (RFC 5280, Section
// 4.2.1.10; Section 6.1.3 (b) and (c)) to the subjectAltName entries of c:
// a name of a type that has permitted subtrees must be inside one of them,
// and no name may be inside an excluded subtree. It returns the first
// offending name, or "".
func checkNameConstraints(ca, c *x509.Certificate) string {
	for _, n := range c.DNSNames {
		if !allowed(n, ca.PermittedDNSDomains, ca.ExcludedDNSDomains, dnsInSubtree) {
			return "DNS name " + n
		}
	}
	for _, ip := range c.IPAddresses {
		if !ipAllowed(ip, ca.PermittedIPRanges, ca.ExcludedIPRanges) {
			return "IP address " + ip.String()
		}
	}
	for _, m := range c.EmailAddresses {
		if !allowed(m, ca.PermittedEmailAddresses, ca.ExcludedEmailAddresses, mailInSubtree) {
			return "email address " + m
		}
	}
	for _, u := range c.URIs {
		if !allowed(uriHost(u), ca.PermittedURIDomains, ca.ExcludedURIDomains, uriHostInSubtree) {
			return "URI " + u.String()
		}
	}
	return ""
}

func allowed(name string, permitted, excluded []string, in func(name, tree string) bool) bool {
	for _, t := range excluded {
		if in(name, t) {
			return false
		}
	}
	if len(permitted) == 0 {
		return true
	}
	for _, t := range permitted {
		if in(name, t) {
			return true
		}
	}
	return false
}

// dnsInSubtree: "example.com" holds example.com and every name below it;
// the common ".example.com" form holds only names below it (RFC 5280,
// Section 4.2.1.10). Comparison is case-insensitive; "" holds everything.
func dnsInSubtree(name, tree string) bool {
	name = asciiLower(strings.TrimSuffix(name, "."))
	tree = asciiLower(strings.TrimSuffix(tree, "."))
	if tree == "" {
		return true
	}
	if strings.HasPrefix(tree, ".") {
		return strings.HasSuffix(name, tree) && len(name) > len(tree)
	}
	return name == tree || strings.HasSuffix(name, "."+tree)
}

// mailInSubtree: a constraint with "@" is one mailbox; "host" is every
// mailbox at that host; ".domain" every mailbox at hosts below domain.
func mailInSubtree(mail, tree string) bool {
	at := strings.LastIndexByte(mail, '@')
	if at < 0 {
		return false
	}
	if strings.Contains(tree, "@") {
		tat := strings.LastIndexByte(tree, '@')
		return mail[:at] == tree[:tat] && strings.EqualFold(mail[at+1:], tree[tat+1:])
	}
	host := asciiLower(mail[at+1:])
	tree = asciiLower(tree)
	if strings.HasPrefix(tree, ".") {
		return strings.HasSuffix(host, tree) && len(host) > len(tree)
	}
	return host == tree
}

// uriHostInSubtree: "host" is exactly that host; ".domain" hosts below it.
func uriHostInSubtree(host, tree string) bool {
	if host == "" {
		return false
	}
	host, tree = asciiLower(host), asciiLower(tree)
	if strings.HasPrefix(tree, ".") {
		return strings.HasSuffix(host, tree) && len(host) > len(tree)
	}
	return host == tree
}

func uriHost(u *url.URL) string {
	h := u.Hostname()
	if net.ParseIP(h) != nil {
		return "" // RFC 5280: a URI whose host is an IP address is not a domain
	}
	return h
}

func ipAllowed(ip net.IP, permitted, excluded []*net.IPNet) bool {
	for _, n := range excluded {
		if ipInNet(ip, n) {
			return false
		}
	}
	if len(permitted) == 0 {
		return true
	}
	for _, n := range permitted {
		if ipInNet(ip, n) {
			return true
		}
	}
	return false
}

func ipInNet(ip net.IP, n *net.IPNet) bool {
	// Compare within one family only (RFC 5280: 4 or 16 octet addresses).
	if v4 := ip.To4(); v4 != nil && len(n.IP) == net.IPv4len {
		ip = v4
	}
	if len(ip) != len(n.IP) || len(n.Mask) != len(n.IP) {
		return false
	}
	for i := range ip {
		if ip[i]&n.Mask[i] != n.IP[i]&n.Mask[i] {
			return false
		}
	}
	return true
}
