package pki

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"
)

// Responses are made with golang.org/x/crypto/ocsp, an encoder written
// apart from the parser under test.

func ocspResp(t testing.TB, leaf, issuer, signer *tcert, tmpl ocsp.Response) []byte {
	t.Helper()
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = leaf.cert.SerialNumber
	}
	if tmpl.ThisUpdate.IsZero() {
		tmpl.ThisUpdate = time.Now().Add(-time.Minute)
	}
	if tmpl.NextUpdate.IsZero() {
		tmpl.NextUpdate = time.Now().Add(time.Hour)
	}
	if signer != issuer && tmpl.Certificate == nil {
		tmpl.Certificate = signer.cert
	}
	der, err := ocsp.CreateResponse(issuer.cert, signer.cert, tmpl, signer.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestCheckOCSP(t *testing.T) {
	ch := newChain(t, algECDSA)
	leaf, inter := ch.leaf, ch.inter
	delegated := mk(t, spec{cn: "responder", alg: algECDSA, maxPathLen: -1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}}, inter)
	noEKU := mk(t, spec{cn: "responder without EKU", alg: algECDSA, maxPathLen: -1}, inter)
	foreign := mk(t, spec{cn: "responder of the root", alg: algECDSA, maxPathLen: -1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}}, ch.root)
	otherLeaf := mk(t, leafSpec("other.example.com", algECDSA), inter)
	now := time.Now()

	tamper := func(der []byte) []byte {
		d := append([]byte(nil), der...)
		d[len(d)-5] ^= 0x40 // inside the signature (no certs attached)
		return d
	}
	cases := []struct {
		name   string
		der    []byte
		status OCSPStatus
		reason string // "" for good
		detail string
	}{
		{"good by the issuer", ocspResp(t, leaf, inter, inter, ocsp.Response{Status: ocsp.Good}), OCSPGood, "", ""},
		{"good by a delegated responder", ocspResp(t, leaf, inter, delegated, ocsp.Response{Status: ocsp.Good}), OCSPGood, "", ""},
		{"revoked", ocspResp(t, leaf, inter, inter, ocsp.Response{Status: ocsp.Revoked, RevokedAt: now.Add(-time.Hour), RevocationReason: ocsp.KeyCompromise}), OCSPRevoked, ReasonRevoked, ""},
		{"unknown", ocspResp(t, leaf, inter, inter, ocsp.Response{Status: ocsp.Unknown}), OCSPUnknown, ReasonRevocationUndetermined, ""},
		{"stale", ocspResp(t, leaf, inter, inter, ocsp.Response{Status: ocsp.Good, ThisUpdate: now.Add(-3 * time.Hour), NextUpdate: now.Add(-time.Hour)}), OCSPUnknown, ReasonInvalidOCSPResponse, "stale"},
		{"from the future", ocspResp(t, leaf, inter, inter, ocsp.Response{Status: ocsp.Good, ThisUpdate: now.Add(time.Hour), NextUpdate: now.Add(3 * time.Hour)}), OCSPUnknown, ReasonInvalidOCSPResponse, "future"},
		{"within the skew", ocspResp(t, leaf, inter, inter, ocsp.Response{Status: ocsp.Good, ThisUpdate: now.Add(2 * time.Minute), NextUpdate: now.Add(-2 * time.Minute)}), OCSPGood, "", ""},
		{"another certificate", ocspResp(t, otherLeaf, inter, inter, ocsp.Response{Status: ocsp.Good}), OCSPUnknown, ReasonInvalidOCSPResponse, "not about the certificate"},
		{"signed by another CA", ocspResp(t, leaf, inter, foreign, ocsp.Response{Status: ocsp.Good}), OCSPUnknown, ReasonInvalidOCSPResponse, "not issued by"},
		{"delegated without id-kp-OCSPSigning", ocspResp(t, leaf, inter, noEKU, ocsp.Response{Status: ocsp.Good}), OCSPUnknown, ReasonInvalidOCSPResponse, "OCSPSigning"},
		{"bad signature", tamper(ocspResp(t, leaf, inter, inter, ocsp.Response{Status: ocsp.Good})), OCSPUnknown, ReasonInvalidOCSPResponse, "signature"},
		{"signed by the leaf's own key", ocspResp(t, leaf, inter, leaf, ocsp.Response{Status: ocsp.Good}), OCSPUnknown, ReasonInvalidOCSPResponse, ""},
		{"tryLater", ocsp.TryLaterErrorResponse, OCSPUnknown, ReasonInvalidOCSPResponse, "tryLater"},
		{"garbage", []byte{0x30, 0x03, 0x0a, 0x01}, OCSPUnknown, ReasonInvalidOCSPResponse, "malformed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, bad := CheckOCSP(c.der, leaf.cert, inter.cert, now)
			if st != c.status {
				t.Errorf("status %v, want %v (%v)", st, c.status, bad)
			}
			switch {
			case c.reason == "" && bad != nil:
				t.Fatalf("unexpected failure %v", bad)
			case c.reason != "" && (bad == nil || bad.Reason != c.reason):
				t.Fatalf("failure %v, want reason %s", bad, c.reason)
			case c.reason != "" && !strings.Contains(bad.Detail, c.detail):
				t.Errorf("detail %q does not say %q", bad.Detail, c.detail)
			}
		})
	}
	_, bad := CheckOCSP(cases[2].der, leaf.cert, inter.cert, now)
	if bad.ReasonTerm() != "{revoked,keyCompromise}" || bad.Alert() != 44 {
		t.Errorf("revoked: %s, alert %d", bad.ReasonTerm(), bad.Alert())
	}
	if _, bad := CheckOCSP(cases[4].der, leaf.cert, inter.cert, now); bad.Alert() != 113 {
		t.Errorf("stale response alert %d, want bad_certificate_status_response (113)", bad.Alert())
	}
}

// TestParseOCSPResponseStatus: a non-successful responseStatus is an
// OCSPStatusError, not a parse failure.
func TestParseOCSPResponseStatus(t *testing.T) {
	_, err := ParseOCSPResponse(ocsp.UnauthorizedErrorResponse)
	var se OCSPStatusError
	if !errors.As(err, &se) || se != 6 {
		t.Fatalf("got %v", err)
	}
}

// TestMarshalOCSPRequest: the request parses with x/crypto/ocsp and names
// the certificate.
func TestMarshalOCSPRequest(t *testing.T) {
	ch := newChain(t, algRSA)
	der, err := MarshalOCSPRequest(ch.leaf.cert, ch.inter.cert)
	if err != nil {
		t.Fatal(err)
	}
	req, err := ocsp.ParseRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ocsp.CreateRequest(ch.leaf.cert, ch.inter.cert, nil)
	wreq, _ := ocsp.ParseRequest(want)
	if req.SerialNumber.Cmp(ch.leaf.cert.SerialNumber) != 0 || string(req.IssuerKeyHash) != string(wreq.IssuerKeyHash) ||
		string(req.IssuerNameHash) != string(wreq.IssuerNameHash) {
		t.Fatalf("request %+v, want %+v", req, wreq)
	}
}

// TestOCSPFuzzSeeds keeps the fuzz seeds in testdata current: real
// responses (good, revoked, delegated) whose keys are thrown away.
func TestOCSPFuzzSeeds(t *testing.T) {
	if os.Getenv("GOSSL_WRITE_SEEDS") == "" {
		t.Skip("set GOSSL_WRITE_SEEDS=1 to rewrite testdata/fuzz/FuzzParseOCSPResponse")
	}
	ch := newChain(t, algRSA)
	delegated := mk(t, spec{cn: "responder", alg: algECDSA, maxPathLen: -1, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}}, ch.inter)
	seeds := map[string][]byte{
		"good":      ocspResp(t, ch.leaf, ch.inter, ch.inter, ocsp.Response{Status: ocsp.Good}),
		"revoked":   ocspResp(t, ch.leaf, ch.inter, ch.inter, ocsp.Response{Status: ocsp.Revoked, RevokedAt: time.Now(), RevocationReason: ocsp.Superseded}),
		"delegated": ocspResp(t, ch.leaf, ch.inter, delegated, ocsp.Response{Status: ocsp.Unknown}),
		"trylater":  ocsp.TryLaterErrorResponse,
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParseOCSPResponse")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, der := range seeds {
		body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(der)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzParseOCSPResponse: any input parses or fails without a panic, and a
// parsed one goes through every check of CheckOCSP.
func FuzzParseOCSPResponse(f *testing.F) {
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x00})
	f.Add(ocsp.TryLaterErrorResponse)
	ch := newChain(f, algECDSA)
	f.Add(ocspResp(f, ch.leaf, ch.inter, ch.inter, ocsp.Response{Status: ocsp.Good}))
	now := time.Now()
	f.Fuzz(func(t *testing.T, der []byte) {
		r, err := ParseOCSPResponse(der)
		if err != nil {
			if r != nil {
				t.Fatal("response returned with an error")
			}
			return
		}
		if len(r.Responses) == 0 {
			t.Fatal("a parsed response without SingleResponse")
		}
		st, bad := CheckOCSP(der, ch.leaf.cert, ch.inter.cert, now)
		if (st == OCSPGood) != (bad == nil) {
			t.Fatalf("status %v with failure %v", st, bad)
		}
	})
}
