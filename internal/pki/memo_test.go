package pki

import (
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
)

// A chain validated once is validated again from scratch but for the
// signature checks: every other check still decides, and a verify_fun
// sees the same events.
func TestMemoKeepsEveryCheckButSignatures(t *testing.T) {
	forgetMemos()
	c := newChain(t, algECDSA)
	ls := leafSpec("leaf.example.com", algECDSA)
	ls.notAfter = time.Now().Add(time.Hour)
	c.leaf = mk(t, ls, c.inter)
	chain := ders(c.leaf, c.inter)
	events := func(o *VerifyOptions) (string, error) {
		var got []string
		o.VerifyFun = func(cert *x509.Certificate, ev Event) (Verdict, error) {
			got = append(got, cert.Subject.CommonName+":"+ev.Kind.String())
			return DefaultVerifyFun(cert, ev)
		}
		_, err := VerifyChain(chain, o)
		return strings.Join(got, ","), err
	}
	o := opts(c.root)
	o.Hostname = "leaf.example.com"
	first, err := events(o)
	if err != nil {
		t.Fatal(err)
	}
	if goodSigs.len() == 0 {
		t.Fatal("no signature check remembered")
	}
	o = opts(c.root)
	o.Hostname = "leaf.example.com"
	again, err := events(o)
	if err != nil || again != first {
		t.Fatalf("second validation: events %q (first %q), %v", again, first, err)
	}

	// The host name is checked every time.
	o = opts(c.root)
	o.Hostname = "other.example.com"
	_, err = VerifyChain(chain, o)
	wantBad(t, err, ReasonHostnameCheckFailed, alert.HandshakeFailure)

	// So is the validity period.
	o = opts(c.root)
	o.Now = time.Now().Add(2 * time.Hour)
	_, err = VerifyChain(chain, o)
	wantBad(t, err, ReasonCertExpired, alert.CertificateExpired)

	// And the trust anchors: the same chain under another root is
	// unknown_ca, memo or not.
	other := newChain(t, algECDSA)
	_, err = VerifyChain(chain, opts(other.root))
	wantBad(t, err, ReasonUnknownCA, alert.UnknownCA)

	// The SHA-1 policy applies before the memo.
	root := mk(t, caSpec("Root SHA1", algRSA), nil)
	s := leafSpec("sha1.example.com", algRSA)
	s.sigAlg = x509.SHA1WithRSA
	leaf := mk(t, s, root)
	o = opts(root)
	o.AllowSHA1 = true
	if _, err := VerifyChain(ders(leaf), o); err != nil {
		t.Fatal(err)
	}
	_, err = VerifyChain(ders(leaf), opts(root))
	wantBad(t, err, ReasonUnsupportedSignature, alert.HandshakeFailure)
}

// A signature that fails is never remembered, and a certificate whose
// signature bytes differ from a remembered one is checked afresh.
func TestMemoRemembersOnlyGoodSignatures(t *testing.T) {
	forgetMemos()
	for _, a := range []keyAlg{algECDSA, algRSA, algEd25519} {
		c := newChain(t, a)
		if _, err := VerifyChain(ders(c.leaf, c.inter), opts(c.root)); err != nil {
			t.Fatal(err)
		}
		bad := append([]byte(nil), c.leaf.der...)
		bad[len(bad)-1] ^= 0x01
		for i := 0; i < 2; i++ {
			_, err := VerifyChain([][]byte{bad, c.inter.der}, opts(c.root))
			wantBad(t, err, ReasonInvalidSignature, alert.BadCertificate)
		}
		// The same certificate checked under another key (an
		// intermediate of the same name but a different key) fails.
		impostor := mk(t, caSpec("Test Intermediate "+a.String(), a), c.root)
		_, err := VerifyChain([][]byte{c.leaf.der, impostor.der}, opts(c.root))
		if err == nil {
			t.Fatalf("%v: leaf accepted under an intermediate that did not sign it", a)
		}
	}
}

func TestParseCertificateMemo(t *testing.T) {
	forgetMemos()
	c := newChain(t, algECDSA)
	der := append([]byte(nil), c.leaf.der...)
	a, err := ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseCertificate(c.leaf.der)
	if err != nil || a != b {
		t.Fatalf("second parse: %p %p %v", a, b, err)
	}
	// The memo holds its own copy of the bytes.
	der[10] ^= 0xff
	if !a.Equal(c.leaf.cert) {
		t.Fatal("memoised certificate aliases the caller's bytes")
	}
	if _, err := ParseCertificate([]byte{0x30, 0x03, 1, 2, 3}); err == nil {
		t.Fatal("garbage parsed")
	}
	// Bounded.
	for i := 0; i < maxParsedCerts+10; i++ {
		l := mk(t, leafSpec("n.example.com", algEd25519), c.inter)
		if _, err := ParseCertificate(l.der); err != nil {
			t.Fatal(err)
		}
	}
	if parsedCerts.len() > maxParsedCerts {
		t.Fatalf("%d parsed certificates kept", parsedCerts.len())
	}
	// A certificate past maxParsedDER parses but is not kept.
	big := leafSpec("big.example.com", algEd25519)
	for i := 0; len(big.dns) < 600; i++ {
		big.dns = append(big.dns, "name-"+strings.Repeat("x", 10)+itoa(i)+".example.com")
	}
	l := mk(t, big, c.inter)
	if len(l.der) <= maxParsedDER {
		t.Fatalf("test certificate of %d bytes is not big enough", len(l.der))
	}
	forgetMemos()
	if _, err := ParseCertificate(l.der); err != nil {
		t.Fatal(err)
	}
	if parsedCerts.len() != 0 {
		t.Fatal("a big certificate was kept")
	}
}
