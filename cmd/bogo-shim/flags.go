package main

import (
	"fmt"
	"strconv"
	"strings"
)

// config is what the runner asks of one connection. The runner may give
// the initial handshake, the resumptions and the 0-RTT retry different
// values with the -on-initial-, -on-resume- and -on-retry- prefixes
// (ssl/test/test_config.cc in BoringSSL), so the parser keeps three.
type config struct {
	port        int
	shimID      uint64
	ipv6        bool
	server      bool
	resumeCount int

	// DTLS (dtls.go): the runner's framing, the MTU and the first
	// retransmission period (BoringSSL's default 400 ms unless given).
	dtls                 bool
	mtu                  int
	initialTimeoutMillis int
	// async is BoringSSL's non-blocking mode (ssl/test/async_bio.cc).
	// Its runner gates the clock-driven DTLS tests on it, because only
	// there does its shim service the timer; this shim always does.
	async bool

	keyFile   string
	certFile  string
	trustCert string

	minVersion, maxVersion            int
	noTLS1, noTLS11, noTLS12, noTLS13 bool
	expectVersion                     int
	expectCipher                      int
	cipher                            string
	curves                            []int
	expectCurveID                     int
	serverPreference                  bool
	fallbackSCSV                      bool

	shimWritesFirst  bool
	shimShutsDown    bool
	checkCloseNotify bool
	readSize         int

	hostName           string
	expectServerName   string
	expectNoServerName bool

	advertiseALPN    []string
	advertiseALPNSet bool
	expectALPN       string
	expectALPNSet    bool
	selectALPN       string
	declineALPN      bool
	rejectALPN       bool

	verifyPeer                  bool
	requireAnyClientCertificate bool
	verifyFail                  bool
	expectPeerCertFile          string

	expectSessionMiss           bool
	noTicket                    bool
	expectEMS                   bool
	expectSecureRenegotiation   bool
	expectNoSecureRenegotiation bool

	psk         string
	pskIdentity string

	exportKeyingMaterial int
	exportLabel          string
	exportContext        string
	useExportContext     bool
	tlsUnique            bool

	keyUpdate             bool
	keyUpdateBeforeRead   bool
	isHandshakerSupported bool
}

// errUnimplemented marks a flag the shim does not handle: the process
// exits with status 89, which the runner counts as "not applicable"
// under -allow-unimplemented instead of a failure.
type errUnimplemented struct{ flag string }

func (e *errUnimplemented) Error() string { return "unimplemented flag: " + e.flag }

const exitUnimplemented = 89

type flagKind int

const (
	boolFlag flagKind = iota
	intFlag
	stringFlag
)

type flagDef struct {
	kind flagKind
	set  func(c *config, v string) error
}

func boolF(f func(c *config)) flagDef {
	return flagDef{boolFlag, func(c *config, _ string) error { f(c); return nil }}
}

func intF(f func(c *config, n int)) flagDef {
	return flagDef{intFlag, func(c *config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return err
		}
		f(c, n)
		return nil
	}}
}

func stringF(f func(c *config, s string)) flagDef {
	return flagDef{stringFlag, func(c *config, v string) error { f(c, v); return nil }}
}

// flags is every flag the shim implements. A flag missing here makes the
// shim exit 89, never run the test with part of its setup ignored.
var flags = map[string]flagDef{
	"-port":         intF(func(c *config, n int) { c.port = n }),
	"-ipv6":         boolF(func(c *config) { c.ipv6 = true }),
	"-server":       boolF(func(c *config) { c.server = true }),
	"-resume-count": intF(func(c *config, n int) { c.resumeCount = n }),
	"-shim-id": {intFlag, func(c *config, v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		c.shimID = n
		return err
	}},
	"-is-handshaker-supported": boolF(func(c *config) { c.isHandshakerSupported = true }),

	"-dtls":                        boolF(func(c *config) { c.dtls = true }),
	"-mtu":                         intF(func(c *config, n int) { c.mtu = n }),
	"-initial-timeout-duration-ms": intF(func(c *config, n int) { c.initialTimeoutMillis = n }),
	"-async":                       boolF(func(c *config) { c.async = true }),

	"-key-file":   stringF(func(c *config, s string) { c.keyFile = s }),
	"-cert-file":  stringF(func(c *config, s string) { c.certFile = s }),
	"-trust-cert": stringF(func(c *config, s string) { c.trustCert = s }),

	"-min-version":       intF(func(c *config, n int) { c.minVersion = n }),
	"-max-version":       intF(func(c *config, n int) { c.maxVersion = n }),
	"-no-tls1":           boolF(func(c *config) { c.noTLS1 = true }),
	"-no-tls11":          boolF(func(c *config) { c.noTLS11 = true }),
	"-no-tls12":          boolF(func(c *config) { c.noTLS12 = true }),
	"-no-tls13":          boolF(func(c *config) { c.noTLS13 = true }),
	"-expect-version":    intF(func(c *config, n int) { c.expectVersion = n }),
	"-expect-cipher":     intF(func(c *config, n int) { c.expectCipher = n }),
	"-cipher":            stringF(func(c *config, s string) { c.cipher = s }),
	"-curves":            intF(func(c *config, n int) { c.curves = append(c.curves, n) }),
	"-expect-curve-id":   intF(func(c *config, n int) { c.expectCurveID = n }),
	"-server-preference": boolF(func(c *config) { c.serverPreference = true }),
	"-fallback-scsv":     boolF(func(c *config) { c.fallbackSCSV = true }),

	"-shim-writes-first":  boolF(func(c *config) { c.shimWritesFirst = true }),
	"-shim-shuts-down":    boolF(func(c *config) { c.shimShutsDown = true }),
	"-check-close-notify": boolF(func(c *config) { c.checkCloseNotify = true }),
	"-read-size":          intF(func(c *config, n int) { c.readSize = n }),

	"-host-name":             stringF(func(c *config, s string) { c.hostName = s }),
	"-expect-server-name":    stringF(func(c *config, s string) { c.expectServerName = s }),
	"-expect-no-server-name": boolF(func(c *config) { c.expectNoServerName = true }),

	"-advertise-alpn": {stringFlag, func(c *config, v string) error {
		l, err := parseALPNList(v)
		c.advertiseALPN, c.advertiseALPNSet = l, true
		return err
	}},
	"-expect-alpn":  stringF(func(c *config, s string) { c.expectALPN, c.expectALPNSet = s, true }),
	"-select-alpn":  stringF(func(c *config, s string) { c.selectALPN = s }),
	"-decline-alpn": boolF(func(c *config) { c.declineALPN = true }),
	"-reject-alpn":  boolF(func(c *config) { c.rejectALPN = true }),

	"-verify-peer":                    boolF(func(c *config) { c.verifyPeer = true }),
	"-require-any-client-certificate": boolF(func(c *config) { c.requireAnyClientCertificate = true }),
	"-verify-fail":                    boolF(func(c *config) { c.verifyFail = true }),
	"-expect-peer-cert-file":          stringF(func(c *config, s string) { c.expectPeerCertFile = s }),

	"-expect-session-miss":            boolF(func(c *config) { c.expectSessionMiss = true }),
	"-no-ticket":                      boolF(func(c *config) { c.noTicket = true }),
	"-expect-extended-master-secret":  boolF(func(c *config) { c.expectEMS = true }),
	"-expect-secure-renegotiation":    boolF(func(c *config) { c.expectSecureRenegotiation = true }),
	"-expect-no-secure-renegotiation": boolF(func(c *config) { c.expectNoSecureRenegotiation = true }),

	"-psk":          stringF(func(c *config, s string) { c.psk = s }),
	"-psk-identity": stringF(func(c *config, s string) { c.pskIdentity = s }),

	"-export-keying-material": intF(func(c *config, n int) { c.exportKeyingMaterial = n }),
	"-export-label":           stringF(func(c *config, s string) { c.exportLabel = s }),
	"-export-context":         stringF(func(c *config, s string) { c.exportContext = s }),
	"-use-export-context":     boolF(func(c *config) { c.useExportContext = true }),
	"-tls-unique":             boolF(func(c *config) { c.tlsUnique = true }),

	"-key-update":             boolF(func(c *config) { c.keyUpdate = true }),
	"-key-update-before-read": boolF(func(c *config) { c.keyUpdateBeforeRead = true }),
}

// parseALPNList reads ALPN protocols in their wire form, each prefixed by
// a one-byte length (RFC 7301, Section 3.1), as the runner passes them.
func parseALPNList(v string) ([]string, error) {
	var out []string
	for len(v) > 0 {
		n := int(v[0])
		if n == 0 || 1+n > len(v) {
			return nil, fmt.Errorf("malformed ALPN list %q", v)
		}
		out = append(out, v[1:1+n])
		v = v[1+n:]
	}
	return out, nil
}

// configs are the settings of the initial handshake, of each resumption
// and of a 0-RTT retry.
type configs struct {
	initial, resume, retry config
}

// parseArgs reads the runner's command line. Flags without a value are
// booleans; the others take the next argument. The prefixes -on-shim-
// and -on-handshaker- select the process a flag is for (this shim has no
// separate handshaker, so -on-handshaker- flags are checked and
// dropped); -on-initial-, -on-resume- and -on-retry- select a connection.
func parseArgs(args []string) (*configs, error) {
	cs := &configs{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		name := arg
		skip := false
		if n, ok := cutPrefix(name, "-on-shim"); ok {
			name = n
		} else if n, ok := cutPrefix(name, "-on-handshaker"); ok {
			name, skip = n, true
		}
		targets := []*config{&cs.initial, &cs.resume, &cs.retry}
		if n, ok := cutPrefix(name, "-on-initial"); ok {
			name, targets = n, []*config{&cs.initial}
		} else if n, ok := cutPrefix(name, "-on-resume"); ok {
			name, targets = n, []*config{&cs.resume}
		} else if n, ok := cutPrefix(name, "-on-retry"); ok {
			name, targets = n, []*config{&cs.retry}
		}
		def, ok := flags[name]
		if !ok {
			return nil, &errUnimplemented{flag: name}
		}
		var val string
		if def.kind != boolFlag {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("missing value for %s", name)
			}
			i++
			val = args[i]
		}
		if skip {
			continue
		}
		for _, c := range targets {
			if err := def.set(c, val); err != nil {
				return nil, fmt.Errorf("bad value for %s: %v", name, err)
			}
		}
	}
	return cs, nil
}

// cutPrefix removes prefix from s when what follows it starts a new flag
// name ("-on-resume-expect-alpn" gives "-expect-alpn").
func cutPrefix(s, prefix string) (string, bool) {
	if strings.HasPrefix(s, prefix+"-") {
		return s[len(prefix):], true
	}
	return s, false
}
