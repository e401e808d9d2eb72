package testpeers

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// dsaParams are DSA domain parameters (p of 2048 bits, q of 256) made by
// "openssl genpkey -genparam -algorithm DSA": public values, kept here so
// that tests need not spend seconds generating them.
const dsaParams = `-----BEGIN DSA PARAMETERS-----
MIICLQKCAQEApFFztgyuYt7MIbFZoF1iRdZzRKXKsbW3vfPqKjp/3vUU4RKpcDh5
VIy7WGNHLwL34SnAYOzbti+4Q7DozuqzzFy00j+fzbVWR31CRDWUSN4qrCTYq2nz
UhfVz7wXJ+4MFV3Fl9CugvE6eSNDl/f6/gGzNo06F9mSNbIU0o2mFEGmVZREBIg7
ZB+cjJHRLroBouZVmhfDm1h3T2cpD1bsImS5uTe6kASO6C58NKanw63Nu/xXsHwA
NfsSfOuD4Xf3SEQfTlp9OB+ikEblsxDS98G93lCqQZWS2Gqv3c+suRRwg2mY2Ul+
05wPukKynCqh2fkfxe3EfjvNvrqiNWnE6wIhAIqOt3KJmBlAxhgarGC/rxMNx1mv
ssxno/lgz1bJ21xNAoIBAQCdRg2pIedmJZccEN71NGJ6d7BEj2DF9Kqm17ubGRPs
yEvky7/lg6JjcKyVWTvReZxe9CW0mAfAywgrr3v4mBoOYVwioGHX0qfnf9w8oFox
FYENCa/PUkUeFwzpgn8lAp3PYJcPRxaE7yngwml0XsAYRMZ5iKV2ehuG4RHsUt9b
eIoikrj8BNakzA/A0tfuGiyLRaASFLiNmAs86FFmSSvTkdwyryeyeyqXCMrMTmHy
ojCCzmVnQoIDt/pHWV9pJpoQG5r4B/imS32N3xIfKg4W5Fu2144m7CiCbOMoFtjt
am9ANCfBWoTUx9iHaacHG6sVdihMvnFLRJftw0ikNK6f
-----END DSA PARAMETERS-----
`

var (
	dsaOnce         sync.Once
	dsaCert, dsaKey string
	dsaErr          error
)

// DSAFiles returns a DSA leaf certificate (PEM), issued by the root CA with
// the same names and usages as the other leaves (localhost, 127.0.0.1,
// serverAuth and clientAuth, digitalSignature), and its key (PKCS#8 PEM).
// Go cannot make DSA certificates, so OpenSSL does, once per test binary;
// without openssl the test is skipped (or fails under GOSSL_REQUIRE_PEERS).
func (p *PKI) DSAFiles(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	Require(t, "openssl")
	dsaOnce.Do(func() { dsaCert, dsaKey, dsaErr = p.makeDSA() })
	if dsaErr != nil {
		t.Fatalf("testpeers: DSA certificate: %v", dsaErr)
	}
	return dsaCert, dsaKey
}

func (p *PKI) makeDSA() (string, string, error) {
	f := func(n string) string { return filepath.Join(p.Dir, n) }
	if err := os.WriteFile(f("dsa-params.pem"), []byte(dsaParams), 0o600); err != nil {
		return "", "", err
	}
	ext := "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n" +
		"extendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n"
	if err := os.WriteFile(f("dsa-ext.cnf"), []byte(ext), 0o600); err != nil {
		return "", "", err
	}
	for _, args := range [][]string{
		{"genpkey", "-paramfile", f("dsa-params.pem"), "-out", f("dsa.key")},
		{"req", "-new", "-key", f("dsa.key"), "-subj", "/O=gossl tests/CN=dsa", "-out", f("dsa.csr")},
		{"x509", "-req", "-in", f("dsa.csr"), "-CA", p.CAFile, "-CAkey", p.CAKeyFile, "-set_serial", "4242",
			"-days", "365", "-sha256", "-extfile", f("dsa-ext.cnf"), "-out", f("dsa.pem")},
	} {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("openssl %v: %v\n%s", args, err, out)
		}
	}
	return f("dsa.pem"), f("dsa.key"), nil
}
