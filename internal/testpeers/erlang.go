package testpeers

import (
	_ "embed"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed erlang/peer.escript
var erlangPeerScript []byte

var (
	escriptOnce sync.Once
	escriptPath string
	escriptErr  error
)

// ErlangScript returns the path of the Erlang peer script (see
// erlang/peer.escript for its command line), written once per test binary.
func ErlangScript(t testing.TB) string {
	t.Helper()
	dir := sharedDir(t)
	escriptOnce.Do(func() {
		escriptPath = filepath.Join(dir, "peer.escript")
		escriptErr = os.WriteFile(escriptPath, erlangPeerScript, 0o700)
	})
	if escriptErr != nil {
		t.Fatalf("testpeers: writing Erlang peer: %v", escriptErr)
	}
	return escriptPath
}

// ErlangServer starts an Erlang/OTP ssl server on 127.0.0.1 with optsTerm,
// an Erlang list of ssl options, and waits (up to [ReadyTimeout]; erl takes
// about a second to start) until it listens. It returns the process and the
// "127.0.0.1:PORT" address.
//
// The server accepts connections in a loop, so probes do not use it up. For
// each connection it prints one line "HANDSHAKE ok Protocol Suite" (e.g.
// "HANDSHAKE ok tlsv1.3 TLS_AES_128_GCM_SHA256"; protocol as Erlang names
// it, suite by its RFC name) or "HANDSHAKE error Reason" (an Erlang term on
// one line, e.g. {tls_alert,{handshake_failure,"..."}}); then it echoes
// everything it receives until the peer closes, and prints "CLOSED Bytes".
// Read those lines with [ErlangHandshake] or [Proc.WaitLines].
//
// {active,false}, {buffer,262144} and binary mode are added unless optsTerm
// sets them (Erlang's default receive buffer is tiny, about 1.5 KB). Strings
// in the term are Erlang strings: quote file names with %q. With
// {protocol,dtls} the server speaks DTLS (1.2 by default) on a UDP port,
// and the HANDSHAKE line names dtlsv1.2.
//
//	ErlangServer(t, fmt.Sprintf(`[{versions,['tlsv1.2']},{certfile,%q},{keyfile,%q},
//		{ciphers,[#{key_exchange=>ecdhe_rsa,cipher=>aes_128_gcm,mac=>aead,prf=>sha256}]}]`,
//		pki.CertFile("rsa"), pki.KeyFile("rsa")))
//
// OTP 25 traps: no X25519 in TLS 1.2 (secp256r1 is used there); its default
// TLS 1.2 suites have no RSA key exchange (list suites in {ciphers,[...]} as
// maps, as above); TLS 1.0 and 1.1 need only {versions,['tlsv1']} or
// {versions,['tlsv1.1']} (ECDHE with AES-CBC-SHA is in the defaults); client
// renegotiation needs {client_renegotiation,true} on the server. To verify
// clients: {verify,verify_peer},{fail_if_no_peer_cert,true},
// {cacertfile,CAFile}. A certfile holding leaf + intermediate (ChainFile) is
// sent as a chain; with cacertfile set, Erlang also sends the root CA it
// finds there after its own certificate.
func ErlangServer(t testing.TB, optsTerm string) (p *Proc, addr string) {
	t.Helper()
	Require(t, "escript")
	Require(t, "erl")
	p = Start(t, "escript", ErlangScript(t), "server", optsTerm)
	line, err := p.WaitLine("LISTENING ", ReadyTimeout)
	if err != nil {
		t.Fatalf("testpeers: Erlang server not ready: %v", err)
	}
	port := strings.TrimPrefix(line, "LISTENING ")
	return p, net.JoinHostPort("127.0.0.1", port)
}

// ErlangClient starts an Erlang/OTP ssl client that connects to addr (which
// must be on 127.0.0.1) with optsTerm, an Erlang list of ssl options, and
// returns at once. The client prints the same HANDSHAKE line as
// [ErlangServer], then sends payload, reads as many bytes back, prints "ECHO
// ok Bytes" (or "ECHO error Reason Bytes"), closes and exits with status 0
// (1 on any error). Use an echoing server; wait with [ErlangHandshake],
// [Proc.WaitLine] and [Proc.Wait] (erl takes about a second to start).
// Keep payload ASCII: it travels as a command-line argument, and Erlang
// may decode non-ASCII arguments as Latin-1 and send them re-encoded.
//
// OTP 25 clients do not verify the server unless told to (and print a
// warning when the verify option is absent):
//
//	ErlangClient(t, addr, fmt.Sprintf(`[{verify,verify_peer},{cacertfile,%q},
//		{server_name_indication,"localhost"},{versions,['tlsv1.3']}]`, pki.CAFile), "hello")
//
// Pass {verify,verify_none} to skip verification silently. A client
// certificate is {certfile,F},{keyfile,K}; {protocol,dtls} makes it a DTLS
// client (addr is then a UDP port).
func ErlangClient(t testing.TB, addr, optsTerm, payload string) *Proc {
	t.Helper()
	Require(t, "escript")
	Require(t, "erl")
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("testpeers: ErlangClient: address %q is not 127.0.0.1:PORT", addr)
	}
	return Start(t, "escript", ErlangScript(t), "client", port, optsTerm, payload)
}

// ErlangHandshake waits up to timeout for the first HANDSHAKE line of an
// [ErlangServer] or [ErlangClient] and returns the protocol and suite it
// names ("tlsv1.3", "TLS_AES_128_GCM_SHA256"). If the handshake failed, err
// holds Erlang's reason, e.g. `{tls_alert,{handshake_failure,"..."}}`.
func ErlangHandshake(p *Proc, timeout time.Duration) (protocol, suite string, err error) {
	line, err := p.WaitLine("HANDSHAKE ", timeout)
	if err != nil {
		return "", "", err
	}
	return parseErlangHandshake(line)
}

// parseErlangHandshake splits a "HANDSHAKE ok P S" / "HANDSHAKE error R"
// line.
func parseErlangHandshake(line string) (protocol, suite string, err error) {
	rest := strings.TrimPrefix(line, "HANDSHAKE ")
	if reason, ok := strings.CutPrefix(rest, "error "); ok {
		return "", "", fmt.Errorf("erlang handshake error: %s", reason)
	}
	f := strings.Fields(strings.TrimPrefix(rest, "ok "))
	if !strings.HasPrefix(rest, "ok ") || len(f) < 2 {
		return "", "", fmt.Errorf("unexpected Erlang peer line %q", line)
	}
	return f[0], f[1], nil
}
