// Command bogo-shim lets BoringSSL's TLS test suite ("BoGo", the runner
// in ssl/test/runner of google/boringssl) drive gossl. The runner starts
// one shim process per connection test, with flags that say which role
// to play and what to expect (ssl/test/PORTING.md there describes the
// protocol); the shim connects back to the runner and speaks TLS through
// gossl's public API only. Flags the shim does not implement make it
// exit with status 89, which the runner counts as not applicable.
//
// scripts/bogo.sh builds this command and runs the suite against it;
// docs/conformance.md records the results.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
