package pki

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A differential target: chains generated from the fuzzer's bytes
// (validity, key usage, extended key usage, basic constraints, path
// length, name constraints, signature algorithms, key types) are
// validated by VerifyChain and by crypto/x509, for a server certificate.
// Where the two disagree, the difference must be one of those explained
// in explainDifference (and in docs/conformance.md); any other fails the
// target with the chain's description.

// diffNow is the validation time of every chain.
var diffNow = time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)

// diffCert is the generated shape of one certificate of a chain.
type diffCert struct {
	alg      keyAlg
	sig      int  // signature algorithm variant, for the issuer's key type
	validity int  // 0 valid, 1 expired, 2 not yet valid
	bc       int  // 0 CA (or end entity for the leaf), 1 the other, 2 no basicConstraints
	pathLen  int  // -1 absent, 0 or 1
	ku       int  // 0 the usual, 1 without keyCertSign / digitalSignature, 2 none
	eku      int  // 0 none, 1 serverAuth, 2 clientAuth, 3 any, 4 serverAuth and clientAuth
	nc       int  // 0 none, 1 permitted example.com, 2 excluded bad.example.com
	dns      int  // leaf only: 0 a.example.com, 1 bad.example.com, 2 other.org
	leaf     bool // the end entity
}

// diffChain is root, intermediates (top down) and leaf.
type diffChain []diffCert

func (c diffChain) String() string {
	var parts []string
	for i, d := range c {
		role := "inter"
		switch {
		case i == 0:
			role = "root"
		case d.leaf:
			role = "leaf"
		}
		parts = append(parts, fmt.Sprintf("%s{%v sig%d valid%d bc%d pathlen%d ku%d eku%d nc%d dns%d}",
			role, d.alg, d.sig, d.validity, d.bc, d.pathLen, d.ku, d.eku, d.nc, d.dns))
	}
	return strings.Join(parts, " > ")
}

// decodeDiffChain reads a chain shape from data (zeros past its end).
func decodeDiffChain(data []byte) diffChain {
	i := 0
	next := func(n int) int {
		if i >= len(data) {
			return 0
		}
		i++
		return int(data[i-1]) % n
	}
	inters := next(3)
	chain := make(diffChain, inters+2)
	for k := range chain {
		d := diffCert{alg: keyAlg(next(3)), sig: next(3), validity: next(3), bc: next(3), pathLen: next(3) - 1,
			ku: next(3), eku: next(5), nc: next(3), dns: next(3), leaf: k == len(chain)-1}
		// Most certificates valid and well formed, so that the
		// interesting differences are not all masked by the first
		// problem: a value past the range of a field means "usual".
		chain[k] = d
	}
	return chain
}

// diffSigAlg is signature variant v for an issuer key of type a.
func diffSigAlg(a keyAlg, v int) x509.SignatureAlgorithm {
	switch a {
	case algRSA:
		return []x509.SignatureAlgorithm{x509.SHA256WithRSA, x509.SHA256WithRSAPSS, x509.SHA384WithRSA}[v]
	case algEd25519:
		return x509.PureEd25519
	}
	return []x509.SignatureAlgorithm{x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512}[v]
}

// build issues the chain's certificates.
func (c diffChain) build(t testing.TB) []*tcert {
	out := make([]*tcert, len(c))
	for k, d := range c {
		s := spec{cn: fmt.Sprintf("diff %d", k), alg: d.alg, maxPathLen: d.pathLen}
		switch d.validity {
		case 0:
			s.notBefore, s.notAfter = diffNow.Add(-time.Hour), diffNow.Add(24*time.Hour)
		case 1:
			s.notBefore, s.notAfter = diffNow.Add(-48*time.Hour), diffNow.Add(-24*time.Hour)
		case 2:
			s.notBefore, s.notAfter = diffNow.Add(24*time.Hour), diffNow.Add(48*time.Hour)
		}
		s.ca = !d.leaf
		if d.bc == 1 {
			s.ca = !s.ca
		}
		s.noBC = d.bc == 2
		switch {
		case !d.leaf && d.ku == 0:
			s.keyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		case !d.leaf && d.ku == 1:
			s.keyUsage = x509.KeyUsageDigitalSignature
		case d.leaf && d.ku == 0:
			s.keyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
		case d.leaf && d.ku == 1:
			s.keyUsage = x509.KeyUsageCRLSign
		}
		if d.ku == 2 {
			// mk puts a usual keyUsage in when none is given: an
			// unknown bit alone stands for "nothing useful".
			s.keyUsage = x509.KeyUsageDecipherOnly
		}
		s.eku = [][]x509.ExtKeyUsage{nil, {x509.ExtKeyUsageServerAuth}, {x509.ExtKeyUsageClientAuth},
			{x509.ExtKeyUsageAny}, {x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}[d.eku]
		switch d.nc {
		case 1:
			s.permitted = []string{"example.com"}
		case 2:
			s.excluded = []string{"bad.example.com"}
		}
		if d.leaf {
			s.dns = []string{[]string{"a.example.com", "bad.example.com", "other.org"}[d.dns]}
		}
		var issuer *tcert
		if k > 0 {
			issuer = out[k-1]
			s.sigAlg = diffSigAlg(issuer.keyAlg(), d.sig)
		} else {
			s.sigAlg = diffSigAlg(d.alg, d.sig)
		}
		out[k] = mk(t, s, issuer)
	}
	return out
}

// keyAlg is the type of c's key.
func (c *tcert) keyAlg() keyAlg {
	switch c.cert.PublicKeyAlgorithm {
	case x509.RSA:
		return algRSA
	case x509.Ed25519:
		return algEd25519
	}
	return algECDSA
}

// verifyBoth validates the leaf for server authentication with gossl
// and with crypto/x509, the root as the only anchor.
func verifyBoth(certs []*tcert) (gosslErr, x509Err error) {
	root, leaf := certs[0], certs[len(certs)-1]
	var presented [][]byte
	inters := x509.NewCertPool()
	presented = append(presented, leaf.der)
	for k := len(certs) - 2; k >= 1; k-- {
		presented = append(presented, certs[k].der)
		inters.AddCert(certs[k].cert)
	}
	_, gosslErr = VerifyChain(presented, &VerifyOptions{Roots: []*x509.Certificate{root.cert}, Depth: -1, Purpose: ServerAuth, Now: diffNow})
	pool := x509.NewCertPool()
	pool.AddCert(root.cert)
	_, x509Err = leaf.cert.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inters, CurrentTime: diffNow,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	return gosslErr, x509Err
}

// diffClass is a known difference between VerifyChain and crypto/x509:
// applies says whether a chain has the feature, neutral is the chain
// without it. A disagreement is explained by the class when the chain
// has the feature and the two agree on the neutral chain.
type diffClass struct {
	name    string
	applies func(c diffChain) bool
	neutral func(c diffChain) diffChain
}

// diffClasses are the known differences; docs/conformance.md has them
// too, with the RFC text behind each.
var diffClasses = []diffClass{
	{
		// RFC 5280, 6.1.1 (d) and 6.2: the trust anchor is an input to
		// path validation (its name and key), not a certificate of the
		// path, so its extensions are not checked: basicConstraints,
		// keyUsage, extKeyUsage, nameConstraints, pathLenConstraint
		// (neither does Erlang/OTP's public_key). crypto/x509 checks
		// the root as any other parent (CheckSignatureFrom wants cA
		// and keyCertSign; extended key usage, name constraints and
		// path length are checked over the whole chain, root
		// included).
		name: "trust anchor's extensions not checked",
		applies: func(c diffChain) bool {
			r := c[0]
			return r.bc != 0 || r.ku != 0 || r.eku != 0 || r.nc != 0 || r.pathLen >= 0
		},
		neutral: func(c diffChain) diffChain {
			c = clone(c)
			c[0].bc, c[0].ku, c[0].eku, c[0].nc, c[0].pathLen = 0, 0, 0, 0, -1
			return c
		},
	},
	{
		// RFC 5280, 4.2.1.12: applications that require a particular
		// purpose MAY reject a certificate with anyExtendedKeyUsage
		// and not that purpose. gossl does for CAs, as Erlang/OTP does
		// unless allow_any_ca_purpose is true
		// (VerifyOptions.AllowAnyCAPurpose); crypto/x509 takes
		// anyExtendedKeyUsage as every purpose.
		name: "CA with anyExtendedKeyUsage refused (allow_any_ca_purpose false)",
		applies: func(c diffChain) bool {
			for _, d := range c[1 : len(c)-1] {
				if d.eku == 3 {
					return true
				}
			}
			return false
		},
		neutral: func(c diffChain) diffChain {
			c = clone(c)
			for k := 1; k < len(c)-1; k++ {
				if c[k].eku == 3 {
					c[k].eku = 0
				}
			}
			return c
		},
	},
}

func clone(c diffChain) diffChain { return append(diffChain(nil), c...) }

// explainDifference names the class that explains a disagreement on
// chain c, or "" if none does.
func explainDifference(t testing.TB, c diffChain) string {
	for _, k := range diffClasses {
		if !k.applies(c) {
			continue
		}
		g, x := verifyBoth(k.neutral(c).build(t))
		if (g == nil) == (x == nil) {
			return k.name
		}
	}
	return ""
}

// checkDifferential runs one generated chain through both verifiers.
func checkDifferential(t *testing.T, data []byte) {
	c := decodeDiffChain(data)
	certs := c.build(t)
	gErr, xErr := verifyBoth(certs)
	if (gErr == nil) == (xErr == nil) {
		return
	}
	if why := explainDifference(t, c); why != "" {
		return
	}
	t.Fatalf("%v\ngossl: %v\ncrypto/x509: %v", c, gErr, xErr)
}

func FuzzVerifyChainDifferential(f *testing.F) {
	// A valid chain of each length and key type, and one of each
	// problem on the leaf and the intermediate.
	for inters := 0; inters < 3; inters++ {
		for alg := 0; alg < 3; alg++ {
			f.Add(append([]byte{byte(inters)}, make([]byte, 9*(inters+2))...))
			seed := make([]byte, 1+9*(inters+2))
			seed[0] = byte(inters)
			for k := 0; k < inters+2; k++ {
				seed[1+9*k] = byte(alg)
			}
			f.Add(seed)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDifferential(t, data)
	})
}

// TestVerifyChainDifferential runs random chain shapes (a fixed stream)
// through both verifiers, so CI covers the differential without the
// fuzzer: GOSSL_DIFF_N shapes (300 by default) from the stream
// GOSSL_DIFF_SEED picks.
func TestVerifyChainDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	r := rand.New(rand.NewPCG(19, 5280))
	if v, err := strconv.ParseUint(os.Getenv("GOSSL_DIFF_SEED"), 10, 64); err == nil {
		r = rand.New(rand.NewPCG(v, 5280))
	}
	n := 300
	if v, err := strconv.Atoi(os.Getenv("GOSSL_DIFF_N")); err == nil {
		n = v
	}
	agree, explained := 0, map[string]int{}
	for i := 0; i < n; i++ {
		data := make([]byte, 1+9*4)
		for k := range data {
			// Bias towards 0 ("usual") so that chains with a
			// single problem are common.
			if r.IntN(6) == 0 {
				data[k] = byte(r.IntN(256))
			}
		}
		c := decodeDiffChain(data)
		gErr, xErr := verifyBoth(c.build(t))
		if (gErr == nil) == (xErr == nil) {
			agree++
			continue
		}
		why := explainDifference(t, c)
		if why == "" {
			t.Errorf("%v\ngossl: %v\ncrypto/x509: %v", c, gErr, xErr)
			continue
		}
		explained[why]++
	}
	t.Logf("%d chains: %d agree; explained differences: %v", n, agree, explained)
}

var _ = errors.New
