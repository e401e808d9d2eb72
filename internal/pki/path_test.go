package pki

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
)

func opts(r ...*tcert) *VerifyOptions {
	return &VerifyOptions{Roots: roots(r...), Depth: 10, Purpose: ServerAuth}
}

// wantBad checks that err is a *BadCertError with the reason and alert.
func wantBad(t *testing.T, err error, reason string, desc alert.Description) *BadCertError {
	t.Helper()
	var bc *BadCertError
	if !errors.As(err, &bc) {
		t.Fatalf("error = %v, want bad_cert %s", err, reason)
	}
	if bc.Reason != reason {
		t.Fatalf("reason = %s (%v), want %s", bc.Reason, err, reason)
	}
	if bc.Alert() != desc {
		t.Fatalf("alert for %s = %v, want %v", reason, bc.Alert(), desc)
	}
	if !strings.HasPrefix(bc.Error(), "bad_cert: "+reason) {
		t.Fatalf("Error() = %q", bc.Error())
	}
	return bc
}

func TestVerifyChainAlgorithms(t *testing.T) {
	for _, a := range []keyAlg{algECDSA, algRSA, algEd25519} {
		t.Run(a.String(), func(t *testing.T) {
			c := newChain(t, a)
			for name, chain := range map[string][][]byte{
				"leaf+inter":      ders(c.leaf, c.inter),
				"leaf+inter+root": ders(c.leaf, c.inter, c.root),
			} {
				path, err := VerifyChain(chain, opts(c.root))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(path) != 3 || path[0].Equal(c.leaf.cert) == false ||
					!path[1].Equal(c.inter.cert) || !path[2].Equal(c.root.cert) {
					t.Fatalf("%s: path %v", name, subjects(path))
				}
			}
		})
	}
}

func subjects(p []*x509.Certificate) []string {
	var s []string
	for _, c := range p {
		s = append(s, c.Subject.CommonName)
	}
	return s
}

func TestVerifyChainUnorderedWithExtras(t *testing.T) {
	c := newChain(t, algECDSA)
	other := newChain(t, algECDSA)
	chain := ders(c.leaf, other.leaf, c.root, other.inter, c.inter, c.inter, other.root)
	path, err := VerifyChain(chain, opts(c.root))
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(path); len(got) != 3 || got[1] != c.inter.cert.Subject.CommonName {
		t.Fatalf("path %v", got)
	}
}

func TestVerifyChainAlternativePaths(t *testing.T) {
	// The intermediate is cross-signed: once by an expired root, once by a
	// good one (the 2021 "DST Root CA X3" situation). The good path wins.
	old := mk(t, spec{cn: "Old Root", ca: true, maxPathLen: -1,
		notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-time.Hour)}, nil)
	good := mk(t, caSpec("Good Root", algECDSA), nil)
	is := caSpec("Cross Intermediate", algECDSA)
	interOld := mk(t, is, old)
	is.key = interOld.key
	interGood := mk(t, is, good)
	leaf := mk(t, leafSpec("leaf.example.com", algECDSA), interGood)

	path, err := VerifyChain(ders(leaf, interOld, interGood), opts(old, good))
	if err != nil {
		t.Fatal(err)
	}
	if path[2].Subject.CommonName != "Good Root" {
		t.Fatalf("path %v", subjects(path))
	}
	// Only the expired root trusted: root_cert_expired.
	_, err = VerifyChain(ders(leaf, interOld), opts(old))
	wantBad(t, err, ReasonRootCertExpired, alert.HandshakeFailure)
}

func TestVerifyChainUnknownCA(t *testing.T) {
	c := newChain(t, algECDSA)
	other := newChain(t, algECDSA)
	_, err := VerifyChain(ders(c.leaf, c.inter), opts(other.root))
	bc := wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)
	if !bc.Cert.Equal(c.inter.cert) {
		t.Errorf("unknown_ca about %s", bc.Cert.Subject)
	}
	// The root presented but not trusted: unknown_ca too.
	_, err = VerifyChain(ders(c.leaf, c.inter, c.root), opts(other.root))
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)
	// No roots at all.
	_, err = VerifyChain(ders(c.leaf, c.inter), &VerifyOptions{Depth: 10})
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)
}

func TestVerifyChainSelfSigned(t *testing.T) {
	self := mk(t, leafSpec("self.example.com", algECDSA), nil)
	_, err := VerifyChain(ders(self), opts())
	wantBad(t, err, ReasonSelfSignedPeer, alert.BadCertificate)

	// Trusted directly: accepted, with host name check.
	o := opts(self)
	o.Hostname = "self.example.com"
	path, err := VerifyChain(ders(self), o)
	if err != nil || len(path) != 1 {
		t.Fatalf("trusted self-signed: %v %v", path, err)
	}
	o.Hostname = "other.example.com"
	_, err = VerifyChain(ders(self), o)
	wantBad(t, err, ReasonHostnameCheckFailed, alert.HandshakeFailure)
}

// TestVerifyChainOnlyRootsAreAnchors: as in Erlang's ssl (OTP 25 gives
// unknown_ca), a certificate of the trust store that is not a root is not
// a trust anchor by itself: not a pinned leaf, not an intermediate listed
// without its root. partial_chain can pick it. Listed with its root, the
// intermediate completes a chain the peer sent without it.
func TestVerifyChainOnlyRootsAreAnchors(t *testing.T) {
	c := newChain(t, algECDSA)
	// The leaf itself in the trust store (pinning).
	_, err := VerifyChain(ders(c.leaf), opts(c.leaf))
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)
	// An intermediate without its root, sent or not by the peer.
	_, err = VerifyChain(ders(c.leaf, c.inter), opts(c.inter))
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)
	_, err = VerifyChain(ders(c.leaf), opts(c.inter))
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)

	// partial_chain picks the intermediate (found in the store when the
	// peer did not send it) or the pinned leaf.
	pick := func(want *tcert) func([][]byte) ([]byte, bool) {
		return func(chain [][]byte) ([]byte, bool) {
			for _, d := range chain {
				if bytes.Equal(d, want.der) {
					return d, true
				}
			}
			return nil, false
		}
	}
	for _, sent := range [][][]byte{ders(c.leaf, c.inter), ders(c.leaf)} {
		o := opts(c.inter)
		o.PartialChain = pick(c.inter)
		path, err := VerifyChain(sent, o)
		if err != nil || len(path) != 2 || !path[1].Equal(c.inter.cert) {
			t.Fatalf("partial_chain on the intermediate (%d sent): %v %v", len(sent), subjects(path), err)
		}
	}
	o := opts(c.leaf)
	o.PartialChain = pick(c.leaf)
	if path, err := VerifyChain(ders(c.leaf), o); err != nil || len(path) != 1 {
		t.Fatalf("partial_chain on the leaf: %v %v", subjects(path), err)
	}

	// Root and intermediate listed, leaf alone sent: the store completes it.
	path, err := VerifyChain(ders(c.leaf), opts(c.inter, c.root))
	if err != nil || len(path) != 3 || !path[2].Equal(c.root.cert) {
		t.Fatalf("intermediate from the store: %v %v", subjects(path), err)
	}
}

func TestVerifyChainExpired(t *testing.T) {
	root := mk(t, caSpec("Root", algECDSA), nil)
	inter := mk(t, caSpec("Inter", algECDSA), root)
	past := spec{cn: "old.example.com", maxPathLen: -1, dns: []string{"old.example.com"},
		notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-24 * time.Hour)}
	old := mk(t, past, inter)
	_, err := VerifyChain(ders(old, inter), opts(root))
	wantBad(t, err, ReasonCertExpired, alert.CertificateExpired)

	future := past
	future.notBefore, future.notAfter = time.Now().Add(time.Hour), time.Now().Add(48*time.Hour)
	notYet := mk(t, future, inter)
	_, err = VerifyChain(ders(notYet, inter), opts(root))
	wantBad(t, err, ReasonCertExpired, alert.CertificateExpired)

	// Now moves the clock.
	o := opts(root)
	o.Now = time.Now().Add(2 * time.Hour)
	if _, err := VerifyChain(ders(notYet, inter), o); err != nil {
		t.Fatal(err)
	}
	// An expired intermediate.
	s := caSpec("Inter old", algECDSA)
	s.notBefore, s.notAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-time.Minute)
	oldInter := mk(t, s, root)
	leaf := mk(t, leafSpec("a.example.com", algECDSA), oldInter)
	_, err = VerifyChain(ders(leaf, oldInter), opts(root))
	bc := wantBad(t, err, ReasonCertExpired, alert.CertificateExpired)
	if !bc.Cert.Equal(oldInter.cert) {
		t.Errorf("expired cert is %s", bc.Cert.Subject)
	}
}

func TestVerifyChainInvalidSignature(t *testing.T) {
	for _, a := range []keyAlg{algECDSA, algRSA, algEd25519} {
		c := newChain(t, a)
		bad := append([]byte(nil), c.leaf.der...)
		bad[len(bad)-1] ^= 0x01
		_, err := VerifyChain([][]byte{bad, c.inter.der}, opts(c.root))
		wantBad(t, err, ReasonInvalidSignature, alert.BadCertificate)
	}
}

func TestVerifyChainSHA1(t *testing.T) {
	root := mk(t, caSpec("Root", algRSA), nil)
	s := leafSpec("sha1.example.com", algRSA)
	s.sigAlg = x509.SHA1WithRSA
	leaf := mk(t, s, root)
	_, err := VerifyChain(ders(leaf), opts(root))
	wantBad(t, err, ReasonUnsupportedSignature, alert.HandshakeFailure)
	o := opts(root)
	o.AllowSHA1 = true
	if _, err := VerifyChain(ders(leaf), o); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainCAConstraints(t *testing.T) {
	root := mk(t, caSpec("Root", algECDSA), nil)
	cases := []struct {
		name   string
		inter  spec
		reason string
		desc   alert.Description
	}{
		{"no basicConstraints", spec{cn: "I", noBC: true, maxPathLen: -1, keyUsage: x509.KeyUsageCertSign},
			ReasonMissingBasicConstraint, alert.HandshakeFailure},
		{"CA false", spec{cn: "I", maxPathLen: -1, keyUsage: x509.KeyUsageCertSign},
			ReasonMissingBasicConstraint, alert.HandshakeFailure},
		{"no keyCertSign", spec{cn: "I", ca: true, maxPathLen: -1, keyUsage: x509.KeyUsageDigitalSignature},
			ReasonInvalidKeyUsage, alert.HandshakeFailure},
		{"CA extKeyUsage", spec{cn: "I", ca: true, maxPathLen: -1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
			ReasonCAInvalidExtKeyUsage, alert.HandshakeFailure},
		{"name constraints", spec{cn: "I", ca: true, maxPathLen: -1, permitted: []string{"example.org"}},
			ReasonNameNotPermitted, alert.BadCertificate},
		{"excluded name", spec{cn: "I", ca: true, maxPathLen: -1, excluded: []string{"leaf.example.com"}},
			ReasonNameNotPermitted, alert.BadCertificate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inter := mk(t, tc.inter, root)
			leaf := mk(t, leafSpec("leaf.example.com", algECDSA), inter)
			_, err := VerifyChain(ders(leaf, inter), opts(root))
			bc := wantBad(t, err, tc.reason, tc.desc)
			if !bc.Cert.Equal(inter.cert) && tc.reason != ReasonNameNotPermitted {
				t.Errorf("about %s", bc.Cert.Subject)
			}
		})
	}
	// Name constraints that allow the leaf.
	inter := mk(t, spec{cn: "I", ca: true, maxPathLen: -1, permitted: []string{"example.com"}}, root)
	leaf := mk(t, leafSpec("leaf.example.com", algECDSA), inter)
	if _, err := VerifyChain(ders(leaf, inter), opts(root)); err != nil {
		t.Fatal(err)
	}
	// anyExtendedKeyUsage on a CA: only with AllowAnyCAPurpose.
	anyInter := mk(t, spec{cn: "Any", ca: true, maxPathLen: -1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}, root)
	leaf = mk(t, leafSpec("leaf.example.com", algECDSA), anyInter)
	_, err := VerifyChain(ders(leaf, anyInter), opts(root))
	wantBad(t, err, ReasonCAInvalidExtKeyUsage, alert.HandshakeFailure)
	o := opts(root)
	o.AllowAnyCAPurpose = true
	if _, err := VerifyChain(ders(leaf, anyInter), o); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainPeerExtKeyUsage(t *testing.T) {
	c := newChain(t, algECDSA)
	o := opts(c.root)
	o.Purpose = ClientAuth
	_, err := VerifyChain(ders(c.leaf, c.inter), o)
	wantBad(t, err, ReasonInvalidExtKeyUsage, alert.HandshakeFailure)

	both := leafSpec("both.example.com", algECDSA)
	both.eku = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}
	l := mk(t, both, c.inter)
	if _, err := VerifyChain(ders(l, c.inter), o); err != nil {
		t.Fatal(err)
	}
	anyLeaf := leafSpec("any.example.com", algECDSA)
	anyLeaf.eku = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	l = mk(t, anyLeaf, c.inter)
	if _, err := VerifyChain(ders(l, c.inter), o); err != nil {
		t.Fatal(err)
	}
	noEKU := leafSpec("none.example.com", algECDSA)
	noEKU.eku = nil
	l = mk(t, noEKU, c.inter)
	if _, err := VerifyChain(ders(l, c.inter), o); err != nil {
		t.Fatal(err)
	}
	o.Purpose = AnyPurpose
	if _, err := VerifyChain(ders(c.leaf, c.inter), o); err != nil {
		t.Fatal(err)
	}
}

// chainN makes root -> n intermediates -> leaf, returned peer first
// without the root.
func chainN(t *testing.T, n int, interSpec func(i int) spec) (*tcert, [][]byte) {
	root := mk(t, caSpec("Root", algECDSA), nil)
	issuer := root
	var inters []*tcert
	for i := 0; i < n; i++ {
		s := caSpec(fmt.Sprintf("Inter %d", i), algECDSA)
		if interSpec != nil {
			s = interSpec(i)
		}
		issuer = mk(t, s, issuer)
		inters = append(inters, issuer)
	}
	leaf := mk(t, leafSpec("leaf.example.com", algECDSA), issuer)
	out := [][]byte{leaf.der}
	for i := len(inters) - 1; i >= 0; i-- {
		out = append(out, inters[i].der)
	}
	return root, out
}

func TestVerifyChainDepth(t *testing.T) {
	for n := 0; n <= 3; n++ {
		root, chain := chainN(t, n, nil)
		for depth := 0; depth <= 3; depth++ {
			o := opts(root)
			o.Depth = depth
			_, err := VerifyChain(chain, o)
			if n <= depth {
				if err != nil {
					t.Errorf("%d intermediates, depth %d: %v", n, depth, err)
				}
			} else {
				var bc *BadCertError
				if !errors.As(err, &bc) || bc.Reason != ReasonMaxPathLengthReached {
					t.Errorf("%d intermediates, depth %d: %v, want max_path_length_reached", n, depth, err)
				}
			}
		}
	}
	// Negative depth: no limit.
	root, chain := chainN(t, 3, nil)
	o := opts(root)
	o.Depth = -1
	if _, err := VerifyChain(chain, o); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainPathLenConstraint(t *testing.T) {
	// Inter 0 (next to the root) allows 0 intermediates below it.
	root, chain := chainN(t, 2, func(i int) spec {
		s := caSpec(fmt.Sprintf("Inter %d", i), algECDSA)
		if i == 0 {
			s.maxPathLen = 0
		}
		return s
	})
	_, err := VerifyChain(chain, opts(root))
	wantBad(t, err, ReasonMaxPathLengthReached, alert.HandshakeFailure)
	root, chain = chainN(t, 2, func(i int) spec {
		s := caSpec(fmt.Sprintf("Inter %d", i), algECDSA)
		if i == 0 {
			s.maxPathLen = 1
		}
		return s
	})
	if _, err := VerifyChain(chain, opts(root)); err != nil {
		t.Fatal(err)
	}
	// The root's own pathLenConstraint counts too.
	rs := caSpec("Root0", algECDSA)
	rs.maxPathLen = 0
	root0 := mk(t, rs, nil)
	inter := mk(t, caSpec("I", algECDSA), root0)
	leaf := mk(t, leafSpec("leaf.example.com", algECDSA), inter)
	_, err = VerifyChain(ders(leaf, inter), opts(root0))
	wantBad(t, err, ReasonMaxPathLengthReached, alert.HandshakeFailure)
	if _, err := VerifyChain(ders(mk(t, leafSpec("d.example.com", algECDSA), root0)), opts(root0)); err != nil {
		t.Fatal(err)
	}
}

var oidUnknownExt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}

func TestVerifyChainUnknownCriticalExtension(t *testing.T) {
	c := newChain(t, algECDSA)
	s := leafSpec("crit.example.com", algECDSA)
	s.extra = []pkix.Extension{{Id: oidUnknownExt, Critical: true, Value: []byte{5, 0}}}
	leaf := mk(t, s, c.inter)
	_, err := VerifyChain(ders(leaf, c.inter), opts(c.root))
	wantBad(t, err, ReasonUnknownCriticalExtension, alert.UnsupportedCertificate)

	// A VerifyFun that knows the extension accepts it.
	o := opts(c.root)
	var saw bool
	o.VerifyFun = func(cert *x509.Certificate, ev Event) (Verdict, error) {
		if ev.Kind == EventExtension && ev.Extension.Id.Equal(oidUnknownExt) {
			saw = true
			return VerdictValid, nil
		}
		return DefaultVerifyFun(cert, ev)
	}
	if _, err := VerifyChain(ders(leaf, c.inter), o); err != nil || !saw {
		t.Fatalf("err %v, saw %v", err, saw)
	}
	// Non-critical unknown extensions pass by default.
	s.extra[0].Critical = false
	leaf = mk(t, s, c.inter)
	if _, err := VerifyChain(ders(leaf, c.inter), opts(c.root)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainHostname(t *testing.T) {
	c := newChain(t, algECDSA)
	o := opts(c.root)
	o.Hostname = "LEAF.example.com."
	if _, err := VerifyChain(ders(c.leaf, c.inter), o); err != nil {
		t.Fatal(err)
	}
	o.Hostname = "other.example.com"
	_, err := VerifyChain(ders(c.leaf, c.inter), o)
	wantBad(t, err, ReasonHostnameCheckFailed, alert.HandshakeFailure)
}

func TestValidateInvalidIssuer(t *testing.T) {
	// The path builder only links matching names, so drive the validator
	// with a path whose anchor is not the leaf's issuer.
	c := newChain(t, algECDSA)
	v := newValidator(opts(c.root))
	err := v.validate(&candidate{certs: []*x509.Certificate{c.leaf.cert}, anchor: c.root.cert}, DefaultVerifyFun)
	var bc *BadCertError
	if !errors.As(err, &bc) || (bc.Reason != ReasonInvalidSignature && bc.Reason != ReasonInvalidIssuer) {
		t.Fatal(err)
	}
	// With the signature failure accepted, invalid_issuer is reported.
	var reasons []string
	_ = v.validate(&candidate{certs: []*x509.Certificate{c.leaf.cert}, anchor: c.root.cert},
		func(_ *x509.Certificate, ev Event) (Verdict, error) {
			if ev.Kind == EventBadCert {
				reasons = append(reasons, ev.BadCert.Reason)
			}
			return VerdictValid, nil
		})
	if strings.Join(reasons, ",") != "invalid_signature,invalid_issuer" {
		t.Fatalf("reasons %v", reasons)
	}
	wantBad(t, badCert(ReasonInvalidIssuer, nil, ""), ReasonInvalidIssuer, alert.BadCertificate)
}

func TestVerifyChainEvents(t *testing.T) {
	c := newChain(t, algECDSA)
	var got []string
	o := opts(c.root)
	o.Hostname = "leaf.example.com"
	o.VerifyFun = func(cert *x509.Certificate, ev Event) (Verdict, error) {
		got = append(got, cert.Subject.CommonName+":"+ev.Kind.String())
		return DefaultVerifyFun(cert, ev)
	}
	if _, err := VerifyChain(ders(c.leaf, c.inter), o); err != nil {
		t.Fatal(err)
	}
	want := "Test Intermediate ECDSA:valid,leaf.example.com:valid_peer"
	if strings.Join(got, ",") != want {
		t.Fatalf("events %v, want %s", got, want)
	}

	// verify_none's fun accepts an unknown CA and returns the path.
	other := newChain(t, algECDSA)
	o = opts(other.root)
	o.VerifyFun = VerifyNoneFun
	path, err := VerifyChain(ders(c.leaf, c.inter), o)
	if err != nil || len(path) != 2 {
		t.Fatalf("verify_none: %v %v", subjects(path), err)
	}
	// A fun that fails with its own reason.
	myErr := errors.New("my reason")
	o = opts(c.root)
	o.VerifyFun = func(cert *x509.Certificate, ev Event) (Verdict, error) {
		if ev.Kind == EventValidPeer {
			return VerdictFail, myErr
		}
		return VerdictValid, nil
	}
	if _, err := VerifyChain(ders(c.leaf, c.inter), o); !errors.Is(err, myErr) {
		t.Fatal(err)
	}
	// Accepting hostname_check_failed lets the connection through.
	o = opts(c.root)
	o.Hostname = "wrong.example.com"
	o.VerifyFun = func(cert *x509.Certificate, ev Event) (Verdict, error) {
		if ev.Kind == EventBadCert && ev.BadCert.Reason == ReasonHostnameCheckFailed {
			return VerdictValid, nil
		}
		return DefaultVerifyFun(cert, ev)
	}
	if _, err := VerifyChain(ders(c.leaf, c.inter), o); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainPartialChain(t *testing.T) {
	c := newChain(t, algECDSA)
	o := &VerifyOptions{Depth: 10}
	var seen int
	o.PartialChain = func(chain [][]byte) ([]byte, bool) {
		seen = len(chain)
		return c.inter.der, true
	}
	path, err := VerifyChain(ders(c.leaf, c.inter), o)
	if err != nil || len(path) != 2 || seen != 2 {
		t.Fatalf("%v %v seen %d", subjects(path), err, seen)
	}
	o.PartialChain = func([][]byte) ([]byte, bool) { return nil, false }
	_, err = VerifyChain(ders(c.leaf, c.inter), o)
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)
	o.PartialChain = func([][]byte) ([]byte, bool) { return c.root.der, true } // not in the chain
	_, err = VerifyChain(ders(c.leaf, c.inter), o)
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)
}

func TestVerifyChainLoopsAndBounds(t *testing.T) {
	// Two CAs cross-signed in a loop, and no anchor.
	ka, kb := newKey(t, algECDSA), newKey(t, algECDSA)
	a0 := mk(t, spec{cn: "A", key: ka, ca: true, maxPathLen: -1}, nil)
	b0 := mk(t, spec{cn: "B", key: kb, ca: true, maxPathLen: -1}, nil)
	aByB := mk(t, spec{cn: "A", key: ka, ca: true, maxPathLen: -1}, b0)
	bByA := mk(t, spec{cn: "B", key: kb, ca: true, maxPathLen: -1}, a0)
	leaf := mk(t, leafSpec("leaf.example.com", algECDSA), a0)
	_, err := VerifyChain(ders(leaf, aByB, bByA), opts())
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)

	// Many look-alike intermediates: bounded work, still found.
	root := mk(t, caSpec("Root", algECDSA), nil)
	is := spec{cn: "Twin", ca: true, maxPathLen: -1, noKeyIDs: true}
	var chain []*tcert
	for i := 0; i < 40; i++ {
		chain = append(chain, mk(t, is, root))
	}
	l := mk(t, leafSpec("leaf.example.com", algECDSA), chain[len(chain)-1])
	all := append([]*tcert{l}, chain...)
	start := time.Now()
	_, err = VerifyChain(ders(all...), opts(root))
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
	_ = err // the right twin may be beyond the bound; the call must just end
	if _, err := VerifyChain(ders(l, chain[len(chain)-1]), opts(root)); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyChainDecodeError(t *testing.T) {
	c := newChain(t, algECDSA)
	_, err := VerifyChain([][]byte{{1, 2, 3}}, opts(c.root))
	wantBad(t, err, ReasonDecodeError, alert.BadCertificate)
	_, err = VerifyChain([][]byte{c.leaf.der, {0x30, 0}}, opts(c.root))
	wantBad(t, err, ReasonDecodeError, alert.BadCertificate)
	if _, err := VerifyChain(nil, opts(c.root)); !errors.Is(err, ErrNoCertificate) {
		t.Fatal(err)
	}
}

func TestAlertMapping(t *testing.T) {
	for reason, want := range map[string]alert.Description{
		ReasonCertExpired:              alert.CertificateExpired,
		ReasonUnknownCA:                alert.UnknownCA,
		ReasonRevoked:                  alert.CertificateRevoked,
		ReasonUnknownCriticalExtension: alert.UnsupportedCertificate,
		ReasonSelfSignedPeer:           alert.BadCertificate,
		ReasonInvalidSignature:         alert.BadCertificate,
		ReasonHostnameCheckFailed:      alert.HandshakeFailure,
		ReasonMissingBasicConstraint:   alert.HandshakeFailure,
	} {
		e := &BadCertError{Reason: reason}
		if e.Alert() != want || e.AlertError().Desc != want {
			t.Errorf("%s -> %v, want %v", reason, e.Alert(), want)
		}
	}
}

func BenchmarkVerifyChain(b *testing.B) {
	for _, a := range []keyAlg{algECDSA, algRSA, algEd25519} {
		b.Run(a.String(), func(b *testing.B) {
			t := &testing.T{}
			root := mk(t, caSpec("Root", a), nil)
			inter := mk(t, caSpec("Inter", a), root)
			leaf := mk(t, leafSpec("leaf.example.com", a), inter)
			chain := ders(leaf, inter, root)
			o := opts(root)
			o.Hostname = "leaf.example.com"
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := VerifyChain(chain, o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
