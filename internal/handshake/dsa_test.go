package handshake

import (
	"crypto/x509"
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// TestServerRefusesUnrequestedDSACert: before TLS 1.2 only the
// certificate types decide which client keys are allowed (RFC 5246,
// 7.4.6). A server without DSA in its signature_algs does not list
// dss_sign and refuses a DSA client certificate with
// unsupported_certificate; the CertificateRequest is rewritten in transit
// so that the client sends one. With DSA enabled, dss_sign is listed and
// the same client completes the handshake.
func TestServerRefusesUnrequestedDSACert(t *testing.T) {
	p := testpeers.NewPKI(t)
	certFile, keyFile := p.DSAFiles(t)
	chain, err := pki.LoadCertificatesFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := pki.LoadPrivateKeyFile(keyFile, "")
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(chain[0])
	v11 := []uint16{wire.VersionTLS11}
	for _, enabled := range []bool{false, true} {
		ccfg := testConfig(t, false)
		ccfg.Versions, ccfg.Suites = v11, suites.Defaults(v11)
		ccfg.Certs = []CertKey{{Chain: chain, Leaf: leaf, Key: key}}
		scfg := testConfig(t, true)
		scfg.Versions, scfg.Suites = v11, suites.Defaults(v11)
		scfg.Verify, scfg.FailIfNoPeerCert = true, true
		scfg.VerifyOptions = pki.VerifyOptions{Roots: []*x509.Certificate{p.CA}, Depth: 2}
		if enabled {
			scfg.SignatureSchemes = append(scfg.SignatureSchemes, kx.DSASchemes()...)
		}
		client, server := NewClient(ccfg), NewServer(scfg)
		acts, err := client.Start()
		if err != nil {
			t.Fatal(err)
		}
		var cw, sr, sw, cr []*Keys
		acts = deliver(t, acts, server, &cw, &sr)
		for i, a := range acts {
			if a.Kind != SendMessage || a.Data[0] != wire.TypeCertificateRequest {
				continue
			}
			req := &wire.CertificateRequest{}
			if !req.Unmarshal(a.Data) {
				t.Fatal("CertificateRequest does not parse")
			}
			hasDSS := false
			for _, ty := range req.CertificateTypes {
				hasDSS = hasDSS || ty == wire.CertTypeDSSSign
			}
			if hasDSS != enabled {
				t.Fatalf("DSA enabled %v: certificate types %v", enabled, req.CertificateTypes)
			}
			if !hasDSS {
				req.CertificateTypes = append(req.CertificateTypes, wire.CertTypeDSSSign)
				if acts[i].Data, err = req.Marshal(); err != nil {
					t.Fatal(err)
				}
			}
		}
		acts = deliver(t, acts, client, &sw, &cr)
		if enabled {
			acts = deliver(t, acts, server, &cw, &sr)
			deliver(t, acts, client, &sw, &cr)
			if !client.Done() || !server.Done() {
				t.Fatalf("not done: client in %s, server in %s", client.State(), server.State())
			}
			continue
		}
		var refused error
		for _, a := range acts {
			if a.Kind == SendMessage {
				if _, refused = server.HandleMessage(a.Data); refused != nil {
					break
				}
			}
		}
		var ae *alert.Error
		if !errors.As(refused, &ae) || ae.Desc != alert.UnsupportedCertificate {
			t.Fatalf("server took an unrequested DSA certificate: %v", refused)
		}
	}
}
