package ssl

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestIntermediateInCACertsIsNotAnchor: a client whose cacerts (or
// cacertfile) lists the server's intermediate CA without its root fails
// with unknown_ca, as OTP 25 does (checked against Erlang below), unless
// partial_chain picks the intermediate. Listed with its root, the
// intermediate completes a chain the server sent without it.
func TestIntermediateInCACertsIsNotAnchor(t *testing.T) {
	p := newVPKI(t, "Anchor")
	srv := p.leaf("server", nil)
	so := p.serverOpts(srv) // sends leaf and intermediate
	interFile := p.writePEM("inter.pem", "CERTIFICATE", p.inter.cert.Raw)

	for name, co := range map[string]*Options{
		"cacerts":    {CACerts: [][]byte{p.inter.cert.Raw}},
		"cacertfile": {CACertFile: interFile},
	} {
		cerr, _, _ := handshakeOnce(t, so, co)
		if sentAlert(cerr) != "unknown_ca" || badCertTerm(cerr) != "unknown_ca" {
			t.Fatalf("%s = the intermediate: client %v, want unknown_ca", name, cerr)
		}
	}

	co := &Options{CACertFile: interFile, PartialChain: func(chain [][]byte) ([]byte, bool) {
		for _, c := range chain {
			if bytes.Equal(c, p.inter.cert.Raw) {
				return c, true
			}
		}
		return nil, false
	}}
	if cerr, serr, _ := handshakeOnce(t, so, co); cerr != nil || serr != nil {
		t.Fatalf("partial_chain on the intermediate: client %v, server %v", cerr, serr)
	}

	leafOnly := p.serverOpts(srv)
	leafOnly.Cert = leafOnly.Cert[:1]
	co = &Options{CACerts: [][]byte{p.inter.cert.Raw, p.root.cert.Raw}}
	if cerr, serr, _ := handshakeOnce(t, leafOnly, co); cerr != nil || serr != nil {
		t.Fatalf("leaf alone, intermediate and root listed: client %v, server %v", cerr, serr)
	}

	t.Run("erlang", func(t *testing.T) {
		testpeers.Require(t, "erl")
		port, done := startEcho(t, p.serverOpts(srv))
		c := testpeers.ErlangClient(t, fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf(
			"[{versions,['tlsv1.2']},{verify,verify_peer},{cacertfile,%q},{server_name_indication,\"localhost\"}]",
			interFile), "x")
		_, _, err := testpeers.ErlangHandshake(c, 60*time.Second)
		if err == nil || !strings.Contains(err.Error(), "unknown_ca") {
			t.Fatalf("Erlang client with the intermediate as cacertfile: %v, want unknown_ca\n%s", err, c.Output())
		}
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("gossl server did not end")
		}
	})
}
