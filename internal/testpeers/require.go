package testpeers

import (
	"os"
	"os/exec"
	"testing"
)

// RequireEnv is the environment variable that turns a missing peer from a
// skipped test into a failed one. .ci/run sets it to 1.
const RequireEnv = "GOSSL_REQUIRE_PEERS"

// Require makes sure the peer program is installed: peer is a binary name
// such as "openssl", "gnutls-serv", "gnutls-cli", "erl", "escript" or
// "tshark". If it is missing, the test is skipped, or fails when
// GOSSL_REQUIRE_PEERS=1.
func Require(t testing.TB, peer string) {
	t.Helper()
	if _, err := exec.LookPath(peer); err == nil {
		return
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("peer %s not installed, and %s=1", peer, RequireEnv)
	}
	t.Skipf("peer %s not installed; install it or run .ci/run", peer)
}
