package testpeers

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TLSLiteEnv names the directory of a tlslite-ng checkout (the one that
// holds the tlslite package); TLSLiteDefaultDir is used when it is unset.
const (
	TLSLiteEnv        = "GOSSL_TLSLITE"
	TLSLiteDefaultDir = "/work/tools/tlslite-ng"
	tlsLitePython     = "/usr/bin/python3"
)

// TLSLite returns a command running testdata/tlslite_ssl3.py (from the
// module root) with args under /usr/bin/python3 and tlslite-ng, the one
// SSL 3.0 peer gossl's tests have (OpenSSL 3 and OTP 25 dropped SSL 3.0).
// tlslite-ng is not a package CI installs, so when /usr/bin/python3
// cannot import it the test is skipped with a message, even under
// GOSSL_REQUIRE_PEERS=1.
func TLSLite(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	dir := os.Getenv(TLSLiteEnv)
	if dir == "" {
		dir = TLSLiteDefaultDir
	}
	check := exec.Command(tlsLitePython, "-c", "import tlslite.api")
	check.Env = append(os.Environ(), "PYTHONPATH="+dir)
	if out, err := check.CombinedOutput(); err != nil {
		t.Skipf("tlslite-ng not importable by %s with PYTHONPATH=%s (set %s to a tlslite-ng checkout): %v %s",
			tlsLitePython, dir, TLSLiteEnv, err, strings.TrimSpace(string(out)))
	}
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "tlslite_ssl3.py")
	cmd := exec.Command(tlsLitePython, append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dir, "PYTHONUNBUFFERED=1")
	return cmd
}
