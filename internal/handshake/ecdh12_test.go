package handshake

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// selfSignedCertMessage is a Certificate message with one self-signed
// certificate for key.
func selfSignedCertMessage(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "other"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return marshalTest(t, &wire.Certificate{Entries: []wire.CertificateEntry{{Data: der}}})
}

// TestStaticECDHServerFlightBadInput: under ECDH_ECDSA a client refuses
// a ServerKeyExchange (static ECDH has none: unexpected_message), a
// certificate whose key is not ECDSA (unsupported_certificate) or is on
// a curve it did not offer (illegal_parameter, RFC 4492, 5.3); the
// untouched flight is taken.
func TestStaticECDHServerFlightBadInput(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p384Key, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ske := marshalTest(t, &wire.ServerKeyExchange{Key: []byte{3, 0, 23, 1, 4}})
	su := []*suites.Suite{suites.ByName("TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256")}
	for _, c := range []struct {
		name string
		cert []byte // replaces the Certificate when not nil
		ske  bool   // a ServerKeyExchange after the Certificate
		want alert.Description
	}{
		{"good", nil, false, 0},
		{"server key exchange", nil, true, alert.UnexpectedMessage},
		{"RSA certificate", selfSignedCertMessage(t, rsaKey), false, alert.UnsupportedCertificate},
		{"curve not offered", selfSignedCertMessage(t, p384Key), false, alert.IllegalParameter},
	} {
		t.Run(c.name, func(t *testing.T) {
			ccfg, scfg := testConfig(t, false), testConfig(t, true)
			ccfg.Suites, scfg.Suites = su, su
			ccfg.Groups = []uint16{wire.GroupX25519, wire.GroupSecp256r1}
			err := serverFlightToClient(t, ccfg, scfg, func(msg []byte) [][]byte {
				msgs := [][]byte{msg}
				if msg[0] == wire.TypeCertificate {
					if c.cert != nil {
						msgs[0] = c.cert
					}
					if c.ske {
						msgs = append(msgs, ske)
					}
				}
				return msgs
			})
			if c.want == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantAlert(t, err, c.want)
		})
	}
}
