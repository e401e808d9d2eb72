package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	ssl "github.com/gossl/ssl"
)

// versions maps the runner's protocol version numbers to gossl's names.
var versions = []struct {
	wire int
	name ssl.Version
}{
	{0x0301, ssl.TLSv1},
	{0x0302, ssl.TLSv1_1},
	{0x0303, ssl.TLSv1_2},
	{0x0304, ssl.TLSv1_3},
}

// groupNames maps the runner's named-group code points (IANA TLS Supported
// Groups registry) to gossl's names; ecGroup says which also serve TLS
// 1.0–1.2 ECDHE (RFC 8422).
var groupNames = map[int]struct {
	name    string
	ecGroup bool
}{
	23:     {"secp256r1", true},
	24:     {"secp384r1", true},
	25:     {"secp521r1", true},
	29:     {"x25519", true},
	0x11ec: {"x25519mlkem768", false},
}

// boringSuites are the TLS suites BoringSSL implements (ssl/ssl_cipher.cc):
// the shim's default list is the ones among them gossl has, as
// BoringSSL's own default is all of them but 3DES.
var boringSuites = []uint16{
	0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, // ECDHE AEAD
	0xc009, 0xc013, 0xc00a, 0xc014, 0xc027, // ECDHE CBC
	0xc035, 0xc036, 0xccac, // ECDHE_PSK
	0x009c, 0x009d, 0x002f, 0x0035, // RSA
	0x008c, 0x008d, // PSK
	0x1301, 0x1302, 0x1303, // TLS 1.3
}

const suite3DES = 0x000a

// gosslSuites is every suite gossl implements, by IANA id.
func gosslSuites() map[uint16]ssl.CipherSuite {
	m := map[uint16]ssl.CipherSuite{}
	for _, set := range []ssl.SuiteSet{ssl.SuitesAll, ssl.SuitesAnonymous} {
		for _, s := range ssl.CipherSuites(set, "") {
			m[s.ID] = s
		}
	}
	return m
}

func isPSKSuite(s ssl.CipherSuite) bool { return strings.Contains(s.Name, "PSK") }

// cipherList turns a BoringSSL cipher string into suite names. It takes
// the forms the runner uses with a definite meaning here: suite names
// (IANA or OpenSSL), "ALL" and "3DES". Equal-preference groups
// ("[A|B]") and other rule words are reported as unimplemented rather
// than approximated. The TLS 1.3 suites are not configurable in
// BoringSSL and always stay.
func cipherList(c *config) ([]string, error) {
	all := gosslSuites()
	var ids []uint16
	addDefault := func() { ids = append(ids, boringSuites...) }
	if c.cipher == "" {
		addDefault()
	} else {
		ids = append(ids, boringSuites[len(boringSuites)-3:]...) // TLS 1.3
		for _, tok := range strings.Split(c.cipher, ":") {
			switch {
			case tok == "ALL":
				addDefault()
			case tok == "3DES":
				if _, ok := all[suite3DES]; !ok {
					return nil, &errUnimplemented{flag: "-cipher 3DES"}
				}
				ids = append(ids, suite3DES)
			case strings.ContainsAny(tok, "[]|!+-@") || strings.ToUpper(tok) == tok && !strings.Contains(tok, "_") && !strings.Contains(tok, "-"):
				return nil, &errUnimplemented{flag: "-cipher " + c.cipher}
			default:
				found := false
				for id, s := range all {
					if s.Name == tok || s.OpenSSLName == tok {
						ids = append(ids, id)
						found = true
					}
				}
				if !found {
					return nil, &errUnimplemented{flag: "-cipher " + tok}
				}
			}
		}
	}
	var names []string
	seen := map[uint16]bool{}
	for _, id := range ids {
		s, ok := all[id]
		if !ok || seen[id] || (isPSKSuite(s) && c.psk == "") {
			continue
		}
		seen[id] = true
		names = append(names, s.Name)
	}
	return names, nil
}

// versionRange gives the versions the shim enables: BoringSSL's shim
// enables TLS 1.0 to 1.3 unless -min-version, -max-version or -no-tls*
// narrow it (ssl/test/test_config.cc).
func versionRange(c *config) ([]ssl.Version, error) {
	lo, hi := c.minVersion, c.maxVersion
	if lo == 0 {
		lo = 0x0301
	}
	if hi == 0 {
		hi = 0x0304
	}
	known := func(v int) bool {
		for _, e := range versions {
			if e.wire == v {
				return true
			}
		}
		return false
	}
	if !known(lo) || !known(hi) {
		return nil, &errUnimplemented{flag: fmt.Sprintf("-min/max-version %#x..%#x", lo, hi)}
	}
	off := map[int]bool{0x0301: c.noTLS1, 0x0302: c.noTLS11, 0x0303: c.noTLS12, 0x0304: c.noTLS13}
	var out []ssl.Version
	for _, e := range versions {
		if e.wire >= lo && e.wire <= hi && !off[e.wire] {
			out = append(out, e.name)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no protocol versions enabled")
	}
	return out, nil
}

// options builds gossl's options for one connection of the test.
func options(c *config) (*ssl.Options, error) {
	o := &ssl.Options{}
	var err error
	if c.async && !c.dtls {
		// With TLS, -async tests BoringSSL's retries of a handshake
		// that would block; gossl's API blocks in a goroutine and has
		// no such mode to test.
		return nil, &errUnimplemented{flag: "-async without -dtls"}
	}
	if c.dtls {
		o.Versions, err = dtlsVersionRange(c)
		dtlsOptions(c, o)
	} else {
		o.Versions, err = versionRange(c)
	}
	if err != nil {
		return nil, err
	}
	if o.Ciphers, err = cipherList(c); err != nil {
		return nil, err
	}
	if len(c.curves) > 0 {
		var groups, eccs []string
		for _, id := range c.curves {
			g, ok := groupNames[id]
			if !ok {
				return nil, &errUnimplemented{flag: fmt.Sprintf("-curves %d", id)}
			}
			groups = append(groups, g.name)
			if g.ecGroup {
				eccs = append(eccs, g.name)
			}
		}
		o.SupportedGroups = groups
		if len(eccs) > 0 {
			o.Eccs = eccs
		} else if enables(o.Versions, ssl.TLSv1_2, ssl.TLSv1_1, ssl.TLSv1) {
			return nil, &errUnimplemented{flag: "-curves without an elliptic curve for TLS 1.2"}
		}
	}
	o.HonorCipherOrder = c.serverPreference
	o.Fallback = c.fallbackSCSV
	if c.noTicket {
		o.SessionTickets = "disabled"
	}

	if c.certFile != "" {
		o.CertFile = c.certFile
		o.KeyFile = c.keyFile
	} else if c.keyFile != "" {
		return nil, errors.New("-key-file without -cert-file")
	}
	if c.trustCert != "" {
		o.CACertFile = c.trustCert
	}

	// BoringSSL's shim accepts any certificate the peer sends (its
	// verify callback says yes unless -verify-fail): the runner tests the
	// protocol, not path validation, and its certificates have no names.
	verify := c.verifyPeer || c.requireAnyClientCertificate
	if verify {
		o.Verify = ssl.VerifyPeer
		o.FailIfNoPeerCert = ssl.Bool(c.requireAnyClientCertificate)
		fail := c.verifyFail
		o.VerifyFun = &ssl.VerifyFun{Fun: func(_ *x509.Certificate, ev ssl.VerifyEvent, st any) (ssl.VerifyResult, any) {
			switch {
			case fail:
				return ssl.VerifyFail("application_verification"), st
			case ev.Kind == ssl.EventExtension:
				return ssl.VerifyUnknown, st
			default:
				return ssl.VerifyValid, st
			}
		}}
		if o.CACertFile == "" && c.server {
			// gossl's server wants a trust store with verify_peer;
			// the verify fun above decides anyway.
			o.CACertFile = c.certFile
		}
	} else {
		o.Verify = ssl.VerifyNone
	}

	if c.server {
		switch {
		case c.rejectALPN:
			// No protocol the client can have offered: the handshake
			// fails with no_application_protocol (RFC 7301, 3.2).
			o.ALPNPreferredProtocols = []string{"\x00rejected"}
		case c.declineALPN:
		case c.selectALPN != "":
			o.ALPNPreferredProtocols = []string{c.selectALPN}
		}
	} else {
		switch {
		case c.hostName != "":
			o.ServerNameIndication = c.hostName
			o.CustomizeHostnameCheck = func(string, ssl.PresentedID) ssl.HostnameMatch { return ssl.HostnameMatchYes }
		default:
			o.ServerNameIndication = "disable"
		}
		if c.advertiseALPNSet {
			o.ALPNAdvertisedProtocols = c.advertiseALPN
		}
	}
	if c.psk != "" && c.pskIdentity == "" {
		// gossl needs a PSK identity (and a server sends it as the
		// hint); BoringSSL's shim also runs with an empty one.
		return nil, &errUnimplemented{flag: "-psk without -psk-identity"}
	}
	if c.psk != "" {
		psk, identity, server := c.psk, c.pskIdentity, c.server
		o.PSKIdentity = identity
		o.UserLookupFun = &ssl.UserLookupFun{Fun: func(kind ssl.LookupKind, id string, st any) (ssl.LookupResult, error) {
			if kind != ssl.LookupPSK {
				return nil, errors.New("not a PSK lookup")
			}
			// BoringSSL's callbacks check the client's identity (on
			// a server) and the server's hint (on a client).
			if id != identity {
				if server {
					return nil, errors.New("client PSK identity did not match")
				}
				return nil, errors.New("server PSK hint did not match")
			}
			return ssl.PSKKey(psk), nil
		}}
	}
	return o, nil
}

func enables(have []ssl.Version, want ...ssl.Version) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}
