package main

import (
	"fmt"
	"time"

	ssl "github.com/gossl/ssl"
)

// The runner's DTLS version numbers (RFC 6347, 4.1; RFC 9147, 5.3).
const (
	wireDTLS10 = 0xfeff
	wireDTLS12 = 0xfefd
	wireDTLS13 = 0xfefc
)

// dtlsRank orders DTLS versions (their wire numbers count down).
var dtlsRank = map[int]int{wireDTLS10: 0, wireDTLS12: 1, wireDTLS13: 2}

// defaultInitialTimeout is BoringSSL's first retransmission period, the
// schedule the runner's DTLS tests expect (ssl/test/runner/dtls_tests.go:
// 400 ms, doubling, at most 60 s, as gossl's timer also runs).
const defaultInitialTimeout = 400 * time.Millisecond

// dtlsVersionRange gives the DTLS versions the shim enables: BoringSSL's
// shim enables DTLS 1.0 to 1.3 unless -min-version, -max-version or
// -no-tls1 (DTLS 1.0), -no-tls12, -no-tls13 narrow it. gossl has no DTLS
// 1.3, so a range that needs it is unimplemented, and a range reaching
// it ends at DTLS 1.2 for gossl as for a BoringSSL without DTLS 1.3.
func dtlsVersionRange(c *config) ([]ssl.Version, error) {
	lo, hi := c.minVersion, c.maxVersion
	if lo == 0 {
		lo = wireDTLS10
	}
	if hi == 0 {
		hi = wireDTLS13
	}
	rlo, ok1 := dtlsRank[lo]
	rhi, ok2 := dtlsRank[hi]
	if !ok1 || !ok2 || rlo == dtlsRank[wireDTLS13] {
		return nil, &errUnimplemented{flag: fmt.Sprintf("-min/max-version %#x..%#x with -dtls", lo, hi)}
	}
	if c.noTLS11 {
		return nil, &errUnimplemented{flag: "-no-tls11 with -dtls"}
	}
	var out []ssl.Version
	if rhi >= dtlsRank[wireDTLS12] && !c.noTLS12 {
		out = append(out, ssl.DTLSv1_2)
	}
	if rlo == dtlsRank[wireDTLS10] && !c.noTLS1 {
		out = append(out, ssl.DTLSv1)
	}
	if len(out) == 0 {
		return nil, &errUnimplemented{flag: "-dtls with DTLS 1.3 only"}
	}
	return out, nil
}

// runnerMTU is the MTU the shim gives gossl unless -mtu sets one: room
// for the largest record (2^14 bytes of plaintext, RFC 6347, 4.1 and RFC
// 5246, 6.2.3, with its header and protection). The runner's framing
// carries datagrams of any size, and its tests expect an application
// record of 2^14 bytes (BoringSSL bounds application records by that,
// not by the MTU), where gossl cuts records to the MTU.
const runnerMTU = 13 + 16384 + 2048

// dtlsOptions sets the DTLS options: the protocol, the MTU and the first
// retransmission period.
func dtlsOptions(c *config, o *ssl.Options) {
	o.Protocol = "dtls"
	o.DTLSMTU = runnerMTU
	if c.mtu > 0 {
		o.DTLSMTU = c.mtu
	}
	o.DTLSRetransmitTimeout = defaultInitialTimeout
	if c.initialTimeoutMillis > 0 {
		o.DTLSRetransmitTimeout = time.Duration(c.initialTimeoutMillis) * time.Millisecond
	}
}
