package ssl

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestVerifyFunEvents checks the events of a good path, in path order,
// and that the user state is threaded from call to call and starts again
// for every handshake.
func TestVerifyFunEvents(t *testing.T) {
	p := newVPKI(t, "Events")
	srv := p.leaf("server", nil)
	var seen []string
	co := p.clientOpts()
	co.VerifyFun = &VerifyFun{State: 0, Fun: func(cert *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
		n := st.(int)
		seen = append(seen, cert.Subject.CommonName+":"+ev.String()+":"+string(rune('0'+n)))
		return VerifyValid, n + 1
	}}
	for i := 0; i < 2; i++ {
		seen = nil
		if cerr, serr, _ := handshakeOnce(t, p.serverOpts(srv), co); cerr != nil || serr != nil {
			t.Fatalf("client %v, server %v", cerr, serr)
		}
		want := "Events Intermediate:valid:0,server:valid_peer:1"
		if got := strings.Join(seen, ","); got != want {
			t.Fatalf("events %s, want %s", got, want)
		}
	}
}

// TestVerifyFunAcceptsOneBadCert: an expired server certificate is refused
// by default (certificate_expired); a verify_fun that accepts cert_expired
// for that one certificate only lets it through, and still refuses another
// expired certificate.
func TestVerifyFunAcceptsOneBadCert(t *testing.T) {
	p := newVPKI(t, "Expired")
	expired := func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour)
	}
	pinned := p.leaf("pinned", expired)
	other := p.leaf("other", expired)

	cerr, _, _ := handshakeOnce(t, p.serverOpts(pinned), p.clientOpts())
	if sentAlert(cerr) != "certificate_expired" || badCertTerm(cerr) != "cert_expired" {
		t.Fatalf("default: %v, want certificate_expired / cert_expired", cerr)
	}
	accept := &VerifyFun{Fun: func(cert *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
		switch ev.Kind {
		case EventBadCert:
			if ev.Reason == "cert_expired" && bytes.Equal(cert.Raw, pinned.cert.Raw) {
				return VerifyValid, st
			}
			return VerifyFail(ev.Reason), st
		case EventExtension:
			return VerifyUnknown, st
		}
		return VerifyValid, st
	}}
	co := p.clientOpts()
	co.VerifyFun = accept
	if cerr, serr, _ := handshakeOnce(t, p.serverOpts(pinned), co); cerr != nil || serr != nil {
		t.Fatalf("pinned expired certificate: client %v, server %v", cerr, serr)
	}
	co = p.clientOpts()
	co.VerifyFun = accept
	cerr, _, _ = handshakeOnce(t, p.serverOpts(other), co)
	if sentAlert(cerr) != "certificate_expired" {
		t.Fatalf("other expired certificate: %v, want certificate_expired", cerr)
	}
}

// TestVerifyFunFailReasons: {fail, Reason} picks the alert by the reason.
func TestVerifyFunFailReasons(t *testing.T) {
	p := newVPKI(t, "Fail")
	srv := p.leaf("server", nil)
	for reason, want := range map[string]string{
		"unknown_ca":         "unknown_ca",
		"cert_expired":       "certificate_expired",
		"invalid_signature":  "bad_certificate",
		"not_my_certificate": "handshake_failure",
	} {
		co := p.clientOpts()
		co.VerifyFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
			if ev.Kind == EventValidPeer {
				return VerifyFail(reason), st
			}
			return VerifyValid, st
		}}
		cerr, serr, _ := handshakeOnce(t, p.serverOpts(srv), co)
		if sentAlert(cerr) != want || badCertTerm(cerr) != reason {
			t.Errorf("fail %s: client %v, want alert %s", reason, cerr, want)
		}
		if a := (*Alert)(nil); !errors.As(serr, &a) || !a.Received {
			t.Errorf("fail %s: server %v, want the alert", reason, serr)
		}
	}
}

// TestVerifyFunCriticalExtension: an unknown critical extension fails by
// default (unsupported_certificate), and when the fun answers unknown; a
// fun that knows it (valid) accepts it; verify_none's default accepts it.
func TestVerifyFunCriticalExtension(t *testing.T) {
	p := newVPKI(t, "Ext")
	oid := asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55555, 1}
	srv := p.leaf("server", func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: oid, Critical: true, Value: []byte{5, 0}}}
	})
	cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), p.clientOpts())
	if sentAlert(cerr) != "unsupported_certificate" || badCertTerm(cerr) != "unknown_critical_extension" {
		t.Fatalf("default: %v", cerr)
	}
	for _, tc := range []struct {
		answer VerifyResult
		ok     bool
	}{{VerifyUnknown, false}, {VerifyValid, true}} {
		var got []string
		co := p.clientOpts()
		co.VerifyFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
			got = append(got, ev.String())
			switch {
			case ev.Kind == EventExtension && ev.Extension.Id.Equal(oid):
				return tc.answer, st
			case ev.Kind == EventExtension:
				return VerifyUnknown, st
			case ev.Kind == EventBadCert:
				return VerifyFail(ev.Reason), st
			}
			return VerifyValid, st
		}}
		cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co)
		if (cerr == nil) != tc.ok {
			t.Errorf("answer %v: %v (events %v)", tc.answer, cerr, got)
		}
		if !strings.Contains(strings.Join(got, " "), "{extension,"+oid.String()+"}") {
			t.Errorf("answer %v: events %v lack the extension", tc.answer, got)
		}
	}
	co := p.clientOpts()
	co.Verify = VerifyNone
	co.VerifyFun = DefaultVerifyNoneFun
	if cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co); cerr != nil {
		t.Fatalf("verify_none fun: %v", cerr)
	}
}

// TestVerifyNoneWithVerifyFun: with verify_none a client still runs the
// user's fun, which sees the bad_cert and decides.
func TestVerifyNoneWithVerifyFun(t *testing.T) {
	p := newVPKI(t, "None")
	srv := p.leaf("server", nil)
	co := &Options{Verify: VerifyNone, CACerts: [][]byte{newVPKI(t, "Unrelated").root.cert.Raw}}
	var events []string
	co.VerifyFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
		events = append(events, ev.String())
		if ev.Kind == EventBadCert {
			return VerifyFail(ev.Reason), st
		}
		return VerifyValid, st
	}}
	cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co)
	if sentAlert(cerr) != "unknown_ca" {
		t.Fatalf("client %v, want unknown_ca (events %v)", cerr, events)
	}
	co.VerifyFun = nil
	if cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co); cerr != nil {
		t.Fatalf("plain verify_none: %v", cerr)
	}
}

// TestPartialChain: a client that trusts no root of the server's chain
// accepts it when partial_chain names the intermediate as the anchor.
func TestPartialChain(t *testing.T) {
	p := newVPKI(t, "Partial")
	srv := p.leaf("server", nil)
	so := p.serverOpts(srv)
	so.Cert = append(so.Cert, p.root.cert.Raw) // leaf, intermediate, root
	base := func() *Options {
		return &Options{CACerts: [][]byte{newVPKI(t, "Elsewhere").root.cert.Raw}}
	}
	cerr, _, _ := handshakeOnce(t, so, base())
	if sentAlert(cerr) != "unknown_ca" {
		t.Fatalf("no anchor: %v, want unknown_ca", cerr)
	}
	var given [][]byte
	co := base()
	co.PartialChain = func(chain [][]byte) ([]byte, bool) {
		given = chain
		for _, c := range chain {
			if bytes.Equal(c, p.inter.cert.Raw) {
				return c, true
			}
		}
		return nil, false
	}
	if cerr, serr, _ := handshakeOnce(t, so, co); cerr != nil || serr != nil {
		t.Fatalf("partial chain: client %v, server %v", cerr, serr)
	}
	if len(given) == 0 || !bytes.Equal(given[0], srv.cert.Raw) {
		t.Fatalf("partial_chain got %d certificates, not peer first", len(given))
	}
	co = base()
	co.PartialChain = func([][]byte) ([]byte, bool) { return nil, false }
	if cerr, _, _ := handshakeOnce(t, so, co); sentAlert(cerr) != "unknown_ca" {
		t.Fatalf("partial_chain unknown_ca: %v", cerr)
	}
}

// TestCustomizeHostnameCheck: a match fun may accept a name the default
// rules refuse, and refuse one they accept.
func TestCustomizeHostnameCheck(t *testing.T) {
	p := newVPKI(t, "Host")
	srv := p.leaf("server", nil)
	co := p.clientOpts()
	co.ServerNameIndication = "service.internal"
	cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co)
	if badCertTerm(cerr) != "hostname_check_failed" {
		t.Fatalf("default: %v", cerr)
	}
	var pairs []string
	co = p.clientOpts()
	co.ServerNameIndication = "service.internal"
	co.CustomizeHostnameCheck = func(ref string, id PresentedID) HostnameMatch {
		pairs = append(pairs, ref+"~"+id.Kind+":"+id.Value)
		if ref == "service.internal" && id.Kind == "dNSName" && id.Value == "localhost" {
			return HostnameMatchYes
		}
		return HostnameMatchDefault
	}
	if cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co); cerr != nil {
		t.Fatalf("match fun yes: %v (pairs %v)", cerr, pairs)
	}
	co = p.clientOpts()
	co.ServerNameIndication = "localhost"
	co.CustomizeHostnameCheck = func(string, PresentedID) HostnameMatch { return HostnameMatchNo }
	if cerr, _, _ := handshakeOnce(t, p.serverOpts(srv), co); badCertTerm(cerr) != "hostname_check_failed" {
		t.Fatalf("match fun no: %v", cerr)
	}
}

// TestClientAuthentication: fail_if_no_peer_cert, an empty certificate
// accepted when it is false, and a bad client certificate refused.
func TestClientAuthentication(t *testing.T) {
	p := newVPKI(t, "ClientAuth")
	srv := p.leaf("server", nil)
	cl := p.leaf("client", nil)
	serverOnly := p.leaf("server-only", func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} })
	// The alert for a missing certificate: handshake_failure up to TLS
	// 1.2, certificate_required in TLS 1.3 (RFC 8446, 4.4.2.4), as OTP.
	for _, tc := range []struct {
		v      Version
		noCert string
	}{{TLSv1_2, "handshake_failure"}, {TLSv1_3, "certificate_required"}} {
		t.Run(string(tc.v), func(t *testing.T) {
			so := func(fail *bool) *Options {
				o := p.serverOpts(srv)
				o.Verify, o.CACerts, o.FailIfNoPeerCert = VerifyPeer, [][]byte{p.root.cert.Raw}, fail
				o.Versions = []Version{tc.v}
				return o
			}
			co := func(k *vcert) *Options {
				o := p.clientOpts()
				o.Versions = []Version{tc.v}
				if k != nil {
					o.Cert, o.Key = p.chain(k), k.key
				}
				return o
			}
			_, serr, _ := handshakeOnce(t, so(nil), co(nil))
			if sentAlert(serr) != tc.noCert {
				t.Fatalf("no client certificate, default: server %v", serr)
			}
			if cerr, serr, cert := handshakeOnce(t, so(Bool(false)), co(nil)); cerr != nil || serr != nil || cert != nil {
				t.Fatalf("fail_if_no_peer_cert false: client %v, server %v", cerr, serr)
			}
			if cerr, serr, cert := handshakeOnce(t, so(nil), co(cl)); cerr != nil || serr != nil || !bytes.Equal(cert, cl.cert.Raw) {
				t.Fatalf("client certificate: client %v, server %v", cerr, serr)
			}
			// A client certificate without clientAuth: invalid_ext_keyusage.
			_, serr, _ = handshakeOnce(t, so(nil), co(serverOnly))
			if badCertTerm(serr) != "invalid_ext_keyusage" {
				t.Fatalf("serverAuth-only client certificate: server %v", serr)
			}
		})
	}
}

// TestCertsKeysClientChoosesByCA: a client with two certificates under two
// CAs sends the one under the CA the server names.
func TestCertsKeysClientChoosesByCA(t *testing.T) {
	a, b := newVPKI(t, "CA-A"), newVPKI(t, "CA-B")
	srv := a.leaf("server", nil)
	ca, cb := a.leaf("client-a", nil), b.leaf("client-b", nil)
	// TLS 1.3: add TLSv1_3 here once its client picks with chooseCert.
	for _, v := range []Version{TLSv1_2} {
		co := a.clientOpts()
		co.Versions = []Version{v}
		co.Cert, co.Key = a.chain(ca), ca.key
		co.CertsKeys = []CertKeyPair{{Cert: b.chain(cb), Key: cb.key}}
		for _, tc := range []struct {
			trust *vpki
			want  *vcert
		}{{a, ca}, {b, cb}} {
			so := a.serverOpts(srv)
			so.Verify, so.CACerts = VerifyPeer, [][]byte{tc.trust.root.cert.Raw, tc.trust.inter.cert.Raw}
			cerr, serr, cert := handshakeOnce(t, so, co)
			if cerr != nil || serr != nil {
				t.Fatalf("%s, trusting %s: client %v, server %v", v, tc.trust.root.cert.Subject.CommonName, cerr, serr)
			}
			if !bytes.Equal(cert, tc.want.cert.Raw) {
				t.Fatalf("%s, trusting %s: the client sent the other certificate", v, tc.trust.root.cert.Subject.CommonName)
			}
		}
	}
}

// TestCertsKeysServerChoosesBySuite: a server with an RSA and an ECDSA
// certificate serves each client with the one its suites call for.
func TestCertsKeysServerChoosesBySuite(t *testing.T) {
	p := newVPKI(t, "Suites")
	ec := p.leaf("ecdsa-server", nil)
	rsaKey := testRSAKey(t)
	rsaCert := p.issueWithKey(p.inter, rsaKey, "rsa-server")
	so := p.serverOpts(ec)
	so.CertsKeys = []CertKeyPair{{Cert: [][]byte{rsaCert.Raw, p.inter.cert.Raw}, Key: rsaKey}}
	for suite, want := range map[string]*x509.Certificate{
		"ECDHE-ECDSA-AES128-GCM-SHA256": ec.cert,
		"ECDHE-RSA-AES128-GCM-SHA256":   rsaCert,
	} {
		co := p.clientOpts()
		co.Ciphers = []string{suite}
		var got *x509.Certificate
		co.VerifyFun = &VerifyFun{Fun: func(c *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
			if ev.Kind == EventValidPeer {
				got = c
			}
			return DefaultVerifyPeerFun.Fun(c, ev, st)
		}}
		if cerr, serr, _ := handshakeOnce(t, so, co); cerr != nil || serr != nil {
			t.Fatalf("%s: client %v, server %v", suite, cerr, serr)
		}
		if got == nil || !bytes.Equal(got.Raw, want.Raw) {
			t.Fatalf("%s: served the wrong certificate", suite)
		}
	}
}

// countingSigner is a crypto.Signer that is not an in-memory key type:
// it only forwards to one, the way an HSM or KMS client does.
type countingSigner struct {
	inner crypto.Signer
	n     atomic.Int32
}

func (s *countingSigner) Public() crypto.PublicKey { return s.inner.Public() }
func (s *countingSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	s.n.Add(1)
	return s.inner.Sign(r, digest, opts)
}

// TestSignerKeys: both sides sign with a wrapper crypto.Signer.
func TestSignerKeys(t *testing.T) {
	p := newVPKI(t, "Signer")
	srv, cl := p.leaf("server", nil), p.leaf("client", nil)
	ss, cs := &countingSigner{inner: srv.key}, &countingSigner{inner: cl.key}
	so := p.serverOpts(srv)
	so.Key, so.Verify, so.CACerts = ss, VerifyPeer, [][]byte{p.root.cert.Raw}
	co := p.clientOpts()
	co.Cert, co.Key = p.chain(cl), cs
	if cerr, serr, cert := handshakeOnce(t, so, co); cerr != nil || serr != nil || !bytes.Equal(cert, cl.cert.Raw) {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if ss.n.Load() == 0 || cs.n.Load() == 0 {
		t.Fatalf("signers used %d (server) and %d (client) times", ss.n.Load(), cs.n.Load())
	}
}

func TestVerifyOptionErrors(t *testing.T) {
	for name, o := range map[string]*Options{
		"crl_check":  {CRLCheck: "sometimes"},
		"verify_fun": {VerifyFun: &VerifyFun{}},
		"certs_keys": {CertsKeys: []CertKeyPair{{}}},
	} {
		_, err := Connect("127.0.0.1", 1, o, time.Second)
		var oe *OptionError
		if !errors.As(err, &oe) || oe.Name != name || oe.NotSupported {
			t.Errorf("%s: %v", name, err)
		}
	}
}
