package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// Defects of the TLS 1.3 client found by BoringSSL's test suite: a
// ServerHello, a CertificateRequest or a Certificate that breaks a rule
// of RFC 8446 was accepted.

// withLegacyVersion re-encodes a ServerHello with another legacy_version.
func withLegacyVersion(t *testing.T, msg []byte, v uint16) []byte {
	t.Helper()
	var sh wire.ServerHello
	if !sh.Unmarshal(msg) {
		t.Fatal("test ServerHello does not parse")
	}
	sh.Version, sh.Raw = v, nil
	return marshalTest(t, &sh)
}

// RFC 8446, 4.1.3: a TLS 1.3 ServerHello's legacy_version is 0x0303; the
// version is in supported_versions. BoringSSL's ServerBogusVersion and
// HelloRetryRequestVersionMismatch-TLS13 send another value.
func TestClient13RefusesBadLegacyVersion(t *testing.T) {
	t.Run("server_hello", func(t *testing.T) {
		c := hostileClient13(t, 0)
		_, err := c.HandleMessage(withLegacyVersion(t, hostileServerHello(t, c, 0x1301, wire.GroupX25519, -1), 0x1234))
		wantAlert(t, err, alert.IllegalParameter)
	})
	t.Run("after_hello_retry_request", func(t *testing.T) {
		c := hostileClient13(t, 0)
		if _, err := c.HandleMessage(hostileHRR(t, c, 0x1301)); err != nil {
			t.Fatalf("HelloRetryRequest refused: %v", err)
		}
		_, err := c.HandleMessage(withLegacyVersion(t, hostileServerHello(t, c, 0x1301, wire.GroupSecp256r1, -1), 0x0305))
		wantAlert(t, err, alert.IllegalParameter)
	})
	t.Run("hello_retry_request", func(t *testing.T) {
		c := hostileClient13(t, 0)
		_, err := c.HandleMessage(withLegacyVersion(t, hostileHRR(t, c, 0x1301), 0x0304))
		wantAlert(t, err, alert.IllegalParameter)
	})
}

// atCertificate13 is a TLS 1.3 client that has taken a ServerHello and
// EncryptedExtensions and waits for a CertificateRequest or Certificate.
func atCertificate13(t *testing.T) *Client {
	t.Helper()
	c := hostileClient13(t, 0)
	if _, err := c.HandleMessage(hostileServerHello(t, c, 0x1301, wire.GroupX25519, -1)); err != nil {
		t.Fatalf("ServerHello refused: %v", err)
	}
	if _, err := c.HandleMessage(marshalTest(t, &wire.EncryptedExtensions{})); err != nil {
		t.Fatalf("EncryptedExtensions refused: %v", err)
	}
	return c
}

// RFC 8446, 4.3.2: certificate_request_context "SHALL be zero length
// unless used for the post-handshake authentication exchanges".
// BoringSSL's RequestContextInHandshake-TLS13.
func TestClient13RefusesRequestContextInHandshake(t *testing.T) {
	c := atCertificate13(t)
	cr := &wire.CertificateRequest{TLS13: true, Context: []byte("request context"),
		HasSignatureAlgorithms: true, SignatureAlgorithms: []uint16{wire.SigECDSAP256SHA256}}
	_, err := c.HandleMessage(marshalTest(t, cr))
	wantAlert(t, err, alert.IllegalParameter)
}

// RFC 8446, 4.4.2: the extensions of a CertificateEntry answer ones of
// the ClientHello (or CertificateRequest), and 4.2: an extension that
// answers nothing is unsupported_extension. gossl requests none (neither
// status_request nor signed_certificate_timestamp). BoringSSL's
// SendUnsolicitedOCSPOnCertificate-TLS13, SendUnsolicitedSCTOnCertificate-
// TLS13 and SendUnknownExtensionOnCertificate-TLS13.
func TestClient13RefusesUnsolicitedCertificateExtensions(t *testing.T) {
	for _, ext := range []uint16{wire.ExtStatusRequest, 18 /* signed_certificate_timestamp */, 0x7f} {
		c := atCertificate13(t)
		cm := &wire.Certificate{TLS13: true, Entries: []wire.CertificateEntry{{
			Data: testConfig(t, true).Certs[0].Chain[0], Extensions: []wire.Extension{{Type: ext, Data: []byte{0}}},
		}}}
		_, err := c.HandleMessage(marshalTest(t, cm))
		wantAlert(t, err, alert.UnsupportedExtension)
	}
}

// The same rule binds a client's Certificate, whose entries answer the
// server's CertificateRequest, which asks for no entry extension.
func TestServer13RefusesUnsolicitedCertificateExtensions(t *testing.T) {
	cm := &wire.Certificate{TLS13: true, Entries: []wire.CertificateEntry{{
		Data: []byte{0x30, 0}, Extensions: []wire.Extension{{Type: wire.ExtStatusRequest, Data: []byte{0}}},
	}}}
	_, err := checkEntryExtensions13(cm, false)
	wantAlert(t, err, alert.UnsupportedExtension)
}

// A client that offers a TLS 1.2-only curve for eccs (secp256k1, 22) in
// supported_groups meets a server that asks for it in a
// HelloRetryRequest: that curve has no TLS 1.3 key share, so the server
// broke RFC 8446, 4.2.8 (illegal_parameter), not the client
// (internal_error before).
func TestClient13RefusesHRRForTLS12Curve(t *testing.T) {
	const secp256k1 = 22
	c := hostileClient13(t, 0)
	c.hello.SupportedGroups = append(c.hello.SupportedGroups, secp256k1)
	hrr := marshalTest(t, &wire.ServerHello{
		Version: wire.VersionTLS12, Random: wire.HelloRetryRequestRandom[:], SessionID: c.hello.SessionID,
		CipherSuite: 0x1301, SupportedVersion: wire.VersionTLS13, SelectedGroup: secp256k1,
	})
	_, err := c.HandleMessage(hrr)
	wantAlert(t, err, alert.IllegalParameter)
}
