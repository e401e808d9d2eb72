package ssl

import (
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// AppVersion is gossl's version, reported by Versions as app_vsn.
const AppVersion = "0.1.0"

// CipherSuite describes one suite: Erlang's ciphersuite() map, with the
// IANA and OpenSSL names.
type CipherSuite struct {
	ID          uint16
	Name        string // IANA
	OpenSSLName string
	KeyExchange string // Erlang atoms: ecdhe_ecdsa, ecdhe_rsa, rsa
	Cipher      string // aes_128_gcm, chacha20_poly1305, aes_256_cbc, ...
	MAC         string // aead, sha, sha256, sha384
	PRF         string // default_prf, sha256, sha384
}

// ErlangString renders the suite as OTP prints it.
func (c CipherSuite) ErlangString() string {
	return "#{key_exchange => " + suites.Atom(c.KeyExchange) + ", cipher => " + suites.Atom(c.Cipher) +
		", mac => " + suites.Atom(c.MAC) + ", prf => " + suites.Atom(c.PRF) + "}"
}

// SuiteSet selects a list for CipherSuites: Erlang's default | all |
// anonymous. As in OTP 25, "all" leaves out the suites whose server sends
// no certificate (psk, dhe_psk, ecdhe_psk), which "anonymous" lists; they
// work only when named in the ciphers option.
type SuiteSet string

const (
	SuitesDefault   SuiteSet = "default"
	SuitesAll       SuiteSet = "all"
	SuitesAnonymous SuiteSet = "anonymous"
)

// CipherSuites returns the suites of set usable at version:
// ssl:cipher_suites/2. An empty version means every version gossl
// implements.
func CipherSuites(set SuiteSet, version Version) []CipherSuite {
	var vs []uint16
	if version == "" {
		for _, v := range implementedVersions {
			vs = append(vs, v)
		}
	} else if v, ok := implementedVersions[version]; ok {
		vs = []uint16{v}
	} else {
		return nil
	}
	var list []*suites.Suite
	switch set {
	case SuitesDefault:
		list = suites.Defaults(vs)
	case SuitesAnonymous:
		list = suites.Anonymous()
	default:
		for _, s := range suites.All() {
			if !s.KX.Certless() {
				list = append(list, s)
			}
		}
	}
	var out []CipherSuite
	for _, s := range suites.Filter(list, vs) {
		out = append(out, publicSuite(s))
	}
	return out
}

func publicSuite(s *suites.Suite) CipherSuite {
	return CipherSuite{ID: s.ID, Name: s.Name, OpenSSLName: s.OpenSSLName, KeyExchange: s.KX.ErlangName(),
		Cipher: s.Cipher.Info().ErlangName, MAC: s.MAC.ErlangName(), PRF: s.PRF.ErlangName()}
}

// Eccs returns the named curves gossl implements for TLS 1.0-1.2
// ECDHE: ssl:eccs/0,1. The first four are the default eccs; the others
// (x448, brainpool, the SEC 2 curves) are used only when eccs names them.
func Eccs() []string {
	var out []string
	for _, g := range kx.ImplementedGroups() {
		out = append(out, kx.GroupName(g))
	}
	return out
}

// VersionsInfo is ssl:versions/0.
type VersionsInfo struct {
	AppVsn string
	// Supported are the versions enabled when the versions option is
	// absent, highest first.
	Supported []Version
	// Available are all versions gossl implements and the versions option
	// can enable, highest first.
	Available []Version
	// SupportedDTLS and AvailableDTLS are the same for {protocol, dtls}
	// (OTP's supported_dtls and available_dtls).
	SupportedDTLS []Version
	AvailableDTLS []Version
}

// Versions returns version information: ssl:versions/0. Both lists come
// from the tables the versions option is resolved with, so they cannot
// drift from what Connect and Listen accept.
func Versions() VersionsInfo {
	ws := make([]uint16, 0, len(implementedVersions))
	for _, v := range implementedVersions {
		ws = append(ws, v)
	}
	sortDescUnique(&ws)
	avail := make([]Version, len(ws))
	for i, v := range ws {
		avail[i] = versionName(v)
	}
	return VersionsInfo{
		AppVsn:        AppVersion,
		Supported:     append([]Version(nil), defaultVersions...),
		Available:     avail,
		SupportedDTLS: append([]Version(nil), defaultDTLSVersions...),
		AvailableDTLS: []Version{DTLSv1_2, DTLSv1},
	}
}

// Start starts the SSL application: ssl:start/0,1. gossl needs no
// application to run, so it only exists for symmetry and returns nil.
func Start() error { return nil }

// Stop is ssl:stop/0: it clears the PEM cache.
func Stop() { pki.ClearPEMCache() }

// ClearPEMCache empties the cache of PEM files: ssl:clear_pem_cache/0.
func ClearPEMCache() { pki.ClearPEMCache() }

var _ = wire.VersionTLS12
