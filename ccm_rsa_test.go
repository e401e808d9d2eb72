package ssl

import (
	"testing"

	"github.com/gossl/ssl/internal/testpeers"
)

// rsaCCMNames are the AES-CCM suites of RFC 6655, Section 3 with RSA key
// transport and with DHE_RSA, in OpenSSL's spelling.
var rsaCCMNames = []string{
	"AES128-CCM", "AES256-CCM", "AES128-CCM8", "AES256-CCM8",
	"DHE-RSA-AES128-CCM", "DHE-RSA-AES256-CCM", "DHE-RSA-AES128-CCM8", "DHE-RSA-AES256-CCM8",
}

// rsaCCMCases finds them in the "all" list at TLS 1.2, the only version
// they exist in (RFC 6655, Section 3: AEAD needs TLS 1.2), and checks
// that no default list has them.
func rsaCCMCases(t *testing.T) []suiteAt {
	t.Helper()
	var out []suiteAt
	for _, name := range rsaCCMNames {
		found := false
		for _, cs := range CipherSuites(SuitesAll, TLSv1_2) {
			if cs.OpenSSLName == name {
				out, found = append(out, suiteAt{TLSv1_2, cs}), true
			}
		}
		if !found {
			t.Fatalf("%s is not in the all list at TLS 1.2", name)
		}
		for _, v := range []Version{TLSv1_1, TLSv1, SSLv3} {
			for _, cs := range CipherSuites(SuitesAll, v) {
				if cs.OpenSSLName == name {
					t.Errorf("%s is listed at %s", name, v)
				}
			}
		}
		for _, cs := range CipherSuites(SuitesDefault, "") {
			if cs.OpenSSLName == name {
				t.Errorf("%s is a default suite", name)
			}
		}
	}
	return out
}

// TestInteropRSACCMOpenSSL: TLS_RSA_WITH_AES_*_CCM(_8) and
// TLS_DHE_RSA_WITH_AES_*_CCM(_8) against OpenSSL in both roles, with an
// RSA certificate the gossl client verifies.
func TestInteropRSACCMOpenSSL(t *testing.T) {
	p := testpeers.NewPKI(t)
	interopOpenSSLSuites(t, rsaCCMCases(t), func() *Options { return clientOpts(p) },
		func() *Options { return serverOpts(p, "rsa") },
		[]string{"-cert", p.CertFile("rsa"), "-key", p.KeyFile("rsa")},
		[]string{"-CAfile", p.CAFile, "-verify_return_error", "-servername", "localhost"})
}
