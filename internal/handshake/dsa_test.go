package handshake

import (
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type of DSA certificates
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/testpeers"
	"github.com/gossl/ssl/internal/wire"
)

// dsaCertKey loads the test PKI's DSA certificate and key.
func dsaCertKey(t *testing.T, p *testpeers.PKI) CertKey {
	t.Helper()
	certFile, keyFile := p.DSAFiles(t)
	chain, err := pki.LoadCertificatesFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := pki.LoadPrivateKeyFile(keyFile, "")
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		t.Fatal(err)
	}
	return CertKey{Chain: chain, Leaf: leaf, Key: key}
}

// TestServerRefusesUnrequestedDSACert: before TLS 1.2 only the
// certificate types decide which client keys are allowed (RFC 5246,
// 7.4.6). A server without DSA in its signature_algs does not list
// dss_sign and refuses a DSA client certificate with
// unsupported_certificate; the CertificateRequest is rewritten in transit
// so that the client sends one. With DSA enabled, dss_sign is listed and
// the same client completes the handshake.
func TestServerRefusesUnrequestedDSACert(t *testing.T) {
	p := testpeers.NewPKI(t)
	dsaCK := dsaCertKey(t, p)
	v11 := []uint16{wire.VersionTLS11}
	for _, enabled := range []bool{false, true} {
		ccfg := testConfig(t, false)
		ccfg.Versions, ccfg.Suites = v11, suites.Defaults(v11)
		ccfg.Certs = []CertKey{dsaCK}
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

// TestDHEDSSBadSignature: a DHE_DSS ServerKeyExchange whose DSA signature
// has r = 0, s = 0 or s = q is refused with illegal_parameter, one that
// is not DER with decode_error, and one over changed params with
// decrypt_error, at TLS 1.2 and 1.0; the untouched message passes. The
// message is rewritten between the two machines.
func TestDHEDSSBadSignature(t *testing.T) {
	p := testpeers.NewPKI(t)
	dsaCK := dsaCertKey(t, p)
	q := dsaCK.Key.Public().(*dsa.PublicKey).Q
	der := func(r, s *big.Int) []byte {
		b, _ := asn1.Marshal(struct{ R, S *big.Int }{r, s})
		return b
	}
	one := big.NewInt(1)
	for _, v := range []uint16{wire.VersionTLS12, wire.VersionTLS10} {
		for _, c := range []struct {
			name string
			sig  []byte // nil: keep the signature
			flip bool   // change a byte of the signed params
			want alert.Description
		}{
			{"good", nil, false, 0},
			{"r = 0", der(big.NewInt(0), one), false, alert.IllegalParameter},
			{"s = 0", der(one, big.NewInt(0)), false, alert.IllegalParameter},
			{"s = q", der(one, q), false, alert.IllegalParameter},
			{"not DER", []byte{0x30, 0x03, 0x02, 0x01}, false, alert.DecodeError},
			{"params changed", nil, true, alert.DecryptError},
		} {
			name := wire.VersionName(v) + "/" + c.name
			vs := []uint16{v}
			dss := []*suites.Suite{suites.ByName("TLS_DHE_DSS_WITH_AES_128_CBC_SHA")}
			ccfg := testConfig(t, false)
			ccfg.Versions, ccfg.Suites = vs, dss
			ccfg.SignatureSchemes = append(ccfg.SignatureSchemes, kx.DSASchemes()...)
			scfg := testConfig(t, false)
			scfg.Versions, scfg.Suites = vs, dss
			scfg.SignatureSchemes = ccfg.SignatureSchemes
			scfg.Certs = []CertKey{dsaCK}
			got := serverFlightToClient(t, ccfg, scfg, func(msg []byte) [][]byte {
				if msg[0] == wire.TypeServerKeyExchange {
					msg = rewriteDSSSignature(t, msg, v, c.sig, c.flip)
				}
				return [][]byte{msg}
			})
			if c.want == 0 {
				if got != nil {
					t.Errorf("%s: %v", name, got)
				}
				continue
			}
			var ae *alert.Error
			if !errors.As(got, &ae) || ae.Desc != c.want {
				t.Errorf("%s: %v, want %v", name, got, c.want)
			}
		}
	}
}

// rewriteDSSSignature replaces the signature of a DHE ServerKeyExchange
// (dh_p, dh_g, dh_Ys, then [scheme,] signature) or flips a byte of dh_Ys.
func rewriteDSSSignature(t *testing.T, msg []byte, v uint16, sig []byte, flip bool) []byte {
	t.Helper()
	body := msg[4:]
	n := 0
	for range 3 { // dh_p, dh_g, dh_Ys
		n += 2 + (int(body[n])<<8 | int(body[n+1])) // | binds as loosely as +
	}
	params, rest := append([]byte(nil), body[:n]...), body[n:]
	if flip {
		params[n-1] ^= 1
	}
	if sig != nil {
		head := rest[:0:0]
		if v >= wire.VersionTLS12 {
			head = append(head, rest[:2]...)
		}
		rest = append(append(head, byte(len(sig)>>8), byte(len(sig))), sig...)
	}
	out, err := (&wire.ServerKeyExchange{Key: append(params, rest...)}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return out
}
