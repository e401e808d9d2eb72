package ssl

import (
	"crypto/rand"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/gossl/ssl/internal/wire"
)

// OCSP stapling between gossl peers, and against a hostile server. The
// responses are made with golang.org/x/crypto/ocsp (written apart from
// gossl's parser) from keys generated here.

// ocspFor makes a DER response about l under the PKI's intermediate,
// signed by signer (the intermediate itself when nil).
func (p *vpki) ocspFor(l, signer *vcert, tmpl ocsp.Response) []byte {
	p.t.Helper()
	if signer == nil {
		signer = p.inter
	}
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = l.cert.SerialNumber
	}
	if tmpl.ThisUpdate.IsZero() {
		tmpl.ThisUpdate = time.Now().Add(-time.Minute)
	}
	if tmpl.NextUpdate.IsZero() {
		tmpl.NextUpdate = time.Now().Add(time.Hour)
	}
	if signer != p.inter {
		tmpl.Certificate = signer.cert
	}
	der, err := ocsp.CreateResponse(p.inter.cert, signer.cert, tmpl, signer.key)
	if err != nil {
		p.t.Fatal(err)
	}
	return der
}

// responder issues a delegated OCSP responder certificate under the
// intermediate (with id-kp-OCSPSigning unless noEKU).
func (p *vpki) responder(noEKU bool) *vcert {
	tmpl := &x509.Certificate{Subject: p.inter.cert.Subject, KeyUsage: x509.KeyUsageDigitalSignature}
	tmpl.Subject.CommonName = "OCSP responder"
	if !noEKU {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
	}
	return p.issue(p.inter, tmpl)
}

// staplingCase is one response a server staples and what a client with
// stapling makes of it.
type staplingCase struct {
	name   string
	resp   func(p *vpki, l *vcert) []byte // nil: nothing stapled
	alert  string                         // "" for success
	reason string                         // the {bad_cert, Reason} term
	status string                         // ocsp_status on success
}

var staplingCases = []staplingCase{
	{name: "good", resp: func(p *vpki, l *vcert) []byte { return p.ocspFor(l, nil, ocsp.Response{Status: ocsp.Good}) }, status: "good"},
	{name: "good-delegated", resp: func(p *vpki, l *vcert) []byte {
		return p.ocspFor(l, p.responder(false), ocsp.Response{Status: ocsp.Good})
	}, status: "good"},
	{name: "revoked", resp: func(p *vpki, l *vcert) []byte {
		return p.ocspFor(l, nil, ocsp.Response{Status: ocsp.Revoked, RevokedAt: time.Now().Add(-time.Hour), RevocationReason: ocsp.KeyCompromise})
	}, alert: "certificate_revoked", reason: "{revoked,keyCompromise}"},
	{name: "unknown", resp: func(p *vpki, l *vcert) []byte { return p.ocspFor(l, nil, ocsp.Response{Status: ocsp.Unknown}) },
		alert: "bad_certificate", reason: "revocation_status_undetermined"},
	{name: "missing", alert: "bad_certificate_status_response", reason: "missing_ocsp_staple"},
}

// TestStaplingGossl: a gossl server staples its OCSPResponse, a gossl
// client with stapling checks it, at TLS 1.2 (CertificateStatus) and 1.3
// (the leaf entry's extension).
func TestStaplingGossl(t *testing.T) {
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		for _, c := range staplingCases {
			t.Run(string(v)+"/"+c.name, func(t *testing.T) {
				p := newVPKI(t, "stapling "+c.name)
				l := p.leaf("server", nil)
				so := p.serverOpts(l)
				if c.resp != nil {
					so.OCSPResponse = c.resp(p, l)
				}
				co := p.clientOpts()
				co.Versions, co.Stapling, co.ReuseSessions = []Version{v}, Staple, Bool(false)
				status, cerr, serr := staplingHandshake(t, so, co)
				if c.alert == "" {
					if cerr != nil || serr != nil {
						t.Fatalf("client %v, server %v", cerr, serr)
					}
					if status != c.status {
						t.Fatalf("ocsp_status %q, want %q", status, c.status)
					}
					return
				}
				if sentAlert(cerr) != c.alert || badCertTerm(cerr) != c.reason {
					t.Fatalf("client %v; want alert %s with {bad_cert,%s}", cerr, c.alert, c.reason)
				}
			})
		}
	}
}

// staplingHandshake is connectOnce that also returns the client's
// ocsp_status item.
func staplingHandshake(t *testing.T, so, co *Options) (status string, cerr, serr error) {
	t.Helper()
	co.LogAlert = Bool(false)
	cerr, serr = connectOnceWith(t, so, co, func(s *Socket) {
		if info, _ := s.ConnectionInformation("ocsp_status"); len(info) == 1 {
			status, _ = info[0].Value.(string)
		}
	})
	return status, cerr, serr
}

// TestStaplingPolicy: verify_fun sees the staple's failures and may
// accept them; verify_none reports the status without failing; a client
// without stapling gets no staple; a server without a response staples
// nothing.
func TestStaplingPolicy(t *testing.T) {
	p := newVPKI(t, "stapling policy")
	l := p.leaf("server", nil)
	revoked := p.ocspFor(l, nil, ocsp.Response{Status: ocsp.Revoked, RevokedAt: time.Now().Add(-time.Hour), RevocationReason: ocsp.Superseded})
	so := p.serverOpts(l)
	so.OCSPResponse = revoked
	for _, v := range []Version{TLSv1_2, TLSv1_3} {
		t.Run(string(v)+"/verify_fun-accepts-revoked", func(t *testing.T) {
			var events []string
			co := p.clientOpts()
			co.Versions, co.Stapling, co.ReuseSessions = []Version{v}, Staple, Bool(false)
			co.VerifyFun = &VerifyFun{Fun: func(_ *x509.Certificate, ev VerifyEvent, st any) (VerifyResult, any) {
				events = append(events, ev.String())
				if ev.Kind == EventExtension {
					return VerifyUnknown, st
				}
				return VerifyValid, st
			}}
			status, cerr, serr := staplingHandshake(t, so, co)
			if cerr != nil || serr != nil || status != "revoked" {
				t.Fatalf("client %v, server %v, ocsp_status %q", cerr, serr, status)
			}
			if !strings.Contains(strings.Join(events, " "), "{bad_cert,{revoked,superseded}}") {
				t.Fatalf("verify_fun events %v lack the revocation", events)
			}
		})
		t.Run(string(v)+"/verify_none", func(t *testing.T) {
			co := p.clientOpts()
			co.Versions, co.Stapling, co.Verify, co.ReuseSessions = []Version{v}, Staple, VerifyNone, Bool(false)
			status, cerr, serr := staplingHandshake(t, so, co)
			if cerr != nil || serr != nil || status != "revoked" {
				t.Fatalf("client %v, server %v, ocsp_status %q", cerr, serr, status)
			}
			so2 := p.serverOpts(l)
			status, cerr, serr = staplingHandshake(t, so2, co)
			if cerr != nil || serr != nil || status != "none" {
				t.Fatalf("no staple: client %v, server %v, ocsp_status %q", cerr, serr, status)
			}
		})
		t.Run(string(v)+"/not-asked", func(t *testing.T) {
			// The revoked staple is not sent, so the handshake succeeds.
			co := p.clientOpts()
			co.Versions, co.ReuseSessions = []Version{v}, Bool(false)
			status, cerr, serr := staplingHandshake(t, so, co)
			if cerr != nil || serr != nil || status != "" {
				t.Fatalf("client %v, server %v, ocsp_status %q", cerr, serr, status)
			}
		})
	}
}

// TestStaplingOptions: a response about another certificate, one that
// does not parse, and stapling values are refused when the options are
// compiled.
func TestStaplingOptions(t *testing.T) {
	p := newVPKI(t, "stapling options")
	l, other := p.leaf("server", nil), p.leaf("other", nil)
	for name, so := range map[string]*Options{
		"another certificate": {Cert: p.chain(l), Key: l.key, OCSPResponse: p.ocspFor(other, nil, ocsp.Response{Status: ocsp.Good})},
		"garbage":             {Cert: p.chain(l), Key: l.key, OCSPResponse: []byte{1, 2, 3}},
		"responder without id-kp-OCSPSigning": {Cert: p.chain(l), Key: l.key,
			OCSPResponse: p.ocspFor(l, p.responder(true), ocsp.Response{Status: ocsp.Good})},
		"stale": {Cert: p.chain(l), Key: l.key,
			OCSPResponse: p.ocspFor(l, nil, ocsp.Response{Status: ocsp.Good, ThisUpdate: time.Now().Add(-3 * time.Hour), NextUpdate: time.Now().Add(-time.Hour)})},
		"bad value":         {Cert: p.chain(l), Key: l.key, Stapling: "always"},
		"fetch without AIA": {Cert: p.chain(l), Key: l.key, Stapling: Staple},
	} {
		if ls, err := Listen(0, so); err == nil {
			ls.Close()
			t.Errorf("%s: Listen accepted the options", name)
		} else if !strings.Contains(err.Error(), "ocsp_response") && !strings.Contains(err.Error(), "stapling") {
			t.Errorf("%s: %v does not name the option", name, err)
		}
	}
	if _, err := Connect("127.0.0.1", 1, &Options{OCSPResponse: []byte{1}}, time.Second); err == nil || !strings.Contains(err.Error(), "ocsp_response") {
		t.Errorf("client with ocsp_response: %v", err)
	}
}

// hostileStapler is a TLS 1.2 server, written record by record, that
// sends ServerHello (acknowledging status_request when ack is set), the
// chain, then extra: what an honest server never sends. The client asks
// for a staple only when ack is set. It returns the client's error.
func hostileStapler(t *testing.T, p *vpki, l *vcert, ack bool, extra []byte) error {
	t.Helper()
	port, _ := hostileServer(t, func(conn net.Conn) error {
		if _, err := readClientHello(conn); err != nil {
			return err
		}
		random := make([]byte, 32)
		rand.Read(random)
		sh := &wire.ServerHello{Version: wire.VersionTLS12, Random: random, CipherSuite: 0xc02b, // ECDHE-ECDSA-AES128-GCM-SHA256
			ExtendedMasterSecret: true, SecureRenegotiationValid: true, StatusRequest: ack}
		if err := writeHandshake(conn, sh); err != nil {
			return err
		}
		cm := &wire.Certificate{Entries: []wire.CertificateEntry{{Data: l.cert.Raw}, {Data: p.inter.cert.Raw}}}
		if err := writeHandshake(conn, cm); err != nil {
			return err
		}
		_, err := conn.Write(extra)
		return err
	})
	co := p.clientOpts()
	co.Versions, co.ReuseSessions, co.Ciphers = []Version{TLSv1_2}, Bool(false), []string{"ECDHE-ECDSA-AES128-GCM-SHA256"}
	if ack {
		co.Stapling = Staple
	}
	_, err := Connect("127.0.0.1", port, co, 10*time.Second)
	return err
}

// TestStaplingHostileServer: a CertificateStatus that was not asked for,
// one that does not parse, one whose response is garbage, and a huge one
// are refused with their alerts, promptly.
func TestStaplingHostileServer(t *testing.T) {
	p := newVPKI(t, "stapling hostile")
	l := p.leaf("server", nil)
	status := func(body []byte) []byte {
		return tlsRecord(wire.TypeHandshake, wire.VersionTLS12, append(handshakeHeader(wire.TypeCertificateStatus, len(body)), body...))
	}
	good := p.ocspFor(l, nil, ocsp.Response{Status: ocsp.Good})
	ocspBody := func(resp []byte) []byte {
		return append([]byte{1, byte(len(resp) >> 16), byte(len(resp) >> 8), byte(len(resp))}, resp...)
	}
	huge := append(recordHeader(wire.TypeHandshake, wire.VersionTLS12, 16384), handshakeHeader(wire.TypeCertificateStatus, 1<<24-1)...)
	huge = append(huge, make([]byte, 16384-4)...)
	cases := []struct {
		name  string
		ack   bool
		extra []byte
		alert string
	}{
		{"not-acknowledged", false, status(ocspBody(good)), "unexpected_message"},
		{"wrong-status-type", true, status(append([]byte{2}, ocspBody(good)[1:]...)), "decode_error"},
		{"trailing-bytes", true, status(append(ocspBody(good), 0)), "decode_error"},
		{"empty-response", true, status([]byte{1, 0, 0, 0}), "decode_error"},
		{"garbage-response", true, status(ocspBody([]byte("not an OCSP response"))), "bad_certificate_status_response"},
		{"huge", true, huge, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := hostileStapler(t, p, l, c.ack, c.extra)
			if err == nil {
				t.Fatal("the client accepted it")
			}
			if c.alert != "" && sentAlert(err) != c.alert {
				t.Fatalf("client %v; want alert %s", err, c.alert)
			}
			if c.alert == "" && sentAlert(err) == "" {
				t.Fatalf("client %v: no alert sent", err)
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("refused after %v", time.Since(start))
			}
		})
	}
	// A ServerHello acknowledging status_request that was not sent.
	port, _ := hostileServer(t, func(conn net.Conn) error {
		if _, err := readClientHello(conn); err != nil {
			return err
		}
		return writeHandshake(conn, &wire.ServerHello{Version: wire.VersionTLS12, Random: make([]byte, 32), CipherSuite: 0xc02b,
			ExtendedMasterSecret: true, SecureRenegotiationValid: true, StatusRequest: true})
	})
	co := p.clientOpts()
	co.Versions, co.ReuseSessions, co.LogAlert = []Version{TLSv1_2}, Bool(false), Bool(false)
	if _, err := Connect("127.0.0.1", port, co, 10*time.Second); sentAlert(err) != "unsupported_extension" {
		t.Fatalf("unsolicited status_request in the ServerHello: %v", err)
	}
}

// TestStaplingFetchRefreshAndTimeout: a server with stapling fetches from
// the certificate's responder in the background. A response past half its
// validity is fetched again (one fetch at a time); a responder that does
// not answer holds up no handshake, and its staple simply is not there.
func TestStaplingFetchRefreshAndTimeout(t *testing.T) {
	p := newVPKI(t, "stapling refresh")
	var fetches atomic.Int32
	release := make(chan struct{})
	var slow atomic.Bool
	var leaf atomic.Pointer[vcert]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		fetches.Add(1)
		// Past half its validity at once: due for a refresh.
		w.Write(p.ocspFor(leaf.Load(), nil, ocsp.Response{Status: ocsp.Good,
			ThisUpdate: time.Now().Add(-50 * time.Minute), NextUpdate: time.Now().Add(10 * time.Minute)}))
	}))
	defer srv.Close()
	defer close(release)
	l := p.leaf("server", func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL} })
	leaf.Store(l)
	so := p.serverOpts(l)
	so.Stapling = Staple
	co := p.clientOpts()
	co.Stapling, co.ReuseSessions = Staple, Bool(false)
	deadline := time.Now().Add(10 * time.Second)
	for fetches.Load() < 3 {
		if _, cerr, serr := staplingHandshake(t, so, co); cerr != nil && badCertTerm(cerr) != "missing_ocsp_staple" || serr != nil && cerr == nil {
			t.Fatalf("client %v, server %v", cerr, serr)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d fetches after 10 s, want a refresh on handshakes past half the validity", fetches.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Another certificate, and a responder that hangs: the handshake
	// goes on at once, without a staple.
	slow.Store(true)
	l2 := p.leaf("server 2", func(c *x509.Certificate) { c.OCSPServer = []string{srv.URL} })
	so2 := p.serverOpts(l2)
	so2.Stapling = Staple
	co2 := p.clientOpts()
	co2.Stapling, co2.Verify, co2.ReuseSessions = Staple, VerifyNone, Bool(false)
	start := time.Now()
	status, cerr, serr := staplingHandshake(t, so2, co2)
	if cerr != nil || serr != nil || status != "none" {
		t.Fatalf("client %v, server %v, ocsp_status %q", cerr, serr, status)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("the handshake took %v with a hanging responder", d)
	}
}
