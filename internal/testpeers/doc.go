// Package testpeers is the harness that interop tests use to run real TLS
// peers (OpenSSL, GnuTLS, Erlang/OTP ssl) as subprocesses on 127.0.0.1, and
// to give them certificates generated at test time.
//
// It imports nothing of gossl, so tests of any package (ssl included) can
// import it.
//
// A typical interop test:
//
//	func TestClientOpenSSL(t *testing.T) {
//		pki := testpeers.NewPKI(t)
//		_, addr := testpeers.OpenSSLServer(t, "-rev", "-tls1_3",
//			"-cert", pki.CertFile("ecdsa"), "-key", pki.KeyFile("ecdsa"))
//		_, config := testpeers.TLSConfigs(pki)
//		conn, err := tls.Dial("tcp", addr, config) // or gossl's client
//		...	// write "hello\n", read "olleh\n"
//	}	// the server is stopped here
//
// The package's own tests (openssl_test.go, gnutls_test.go, erlang_test.go)
// show each peer in both roles.
//
// Every peer helper calls [Require] first, so a missing binary skips the test
// (or fails it when GOSSL_REQUIRE_PEERS=1, as in CI). Every process is
// started in its own process group, killed at the end of the test that
// started it (t.Cleanup), and every wait is bounded. When a test fails, the
// output of each peer it started is logged.
//
// Files (certificates, keys, the Erlang peer script) are written once per
// test binary into a directory under os.TempDir named gossl-testpeers-PID-*.
// A TestMain that calls [Main] (or [RemoveTemp] after m.Run) removes it;
// otherwise the next test binary that uses this package removes it once PID
// has exited.
package testpeers
