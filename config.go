package ssl

import (
	"crypto/rand"
	"io"
	"net"
	"strings"
	"time"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

type role uint8

const (
	roleClient role = iota + 1
	roleServer
)

func (r role) String() string {
	if r == roleServer {
		return "server"
	}
	return "client"
}

// defaultVersions are enabled when the versions option is absent: TLS
// 1.3 and 1.2, as in current OTP.
var defaultVersions = []Version{TLSv1_3, TLSv1_2}

// implementedVersions are those gossl can negotiate today.
var implementedVersions = map[Version]uint16{
	SSLv3:   wire.VersionSSL30,
	TLSv1:   wire.VersionTLS10,
	TLSv1_1: wire.VersionTLS11,
	TLSv1_2: wire.VersionTLS12,
	TLSv1_3: wire.VersionTLS13,
}

// knownVersions are all the names the versions option accepts.
var knownVersions = map[Version]bool{SSLv3: true, TLSv1: true, TLSv1_1: true, TLSv1_2: true, TLSv1_3: true, DTLSv1: true, DTLSv1_2: true}

// checkPlanned refuses options that are not implemented yet, so that no
// option is silently ignored.
func (o *Options) checkPlanned() error {
	if o.Protocol != "" && o.Protocol != "tls" && o.Protocol != "dtls" {
		return badOption("protocol", o.Protocol, "must be tls or dtls")
	}
	return nil
}

// resolved is an Options compiled for one role: loaded certificates,
// trust anchors and the handshake configuration.
type resolved struct {
	role            role
	hs              *handshake.Config
	beastMitigation string
	log             logSink
	sni             string // ServerNameIndication as given
	keyLog          io.Writer
	keepSecrets     bool
	caKey           string // names the trust anchors, for the ticket cache
	keyUpdateAt     int    // key_update_at: bytes sent per TLS 1.3 write key
	sessions        *handshake.Sessions12
	metrics         Metrics      // nil: none (metrics.go)
	inbox           *ticketInbox // a client's session_tickets manual (tickets_manual.go)
}

// compile checks o and builds the handshake configuration. host is the
// connect host for a client ("" for a server).
func (o *Options) compile(r role, host string) (*resolved, error) {
	if o == nil {
		o = &Options{}
	}
	if err := o.checkPlanned(); err != nil {
		return nil, err
	}
	cfg := &handshake.Config{
		Rand:              o.Rand,
		Now:               o.Time,
		HonorCipherOrder:  o.HonorCipherOrder,
		HonorECCOrder:     o.HonorECCOrder,
		Fallback:          o.Fallback,
		SecureRenegotiate: o.SecureRenegotiate == nil || *o.SecureRenegotiate,
		MaxHandshakeSize:  o.MaxHandshakeSize,
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxHandshakeSize == 0 {
		cfg.MaxHandshakeSize = wire.DefaultMaxHandshakeSize
	} else if cfg.MaxHandshakeSize < 0 || cfg.MaxHandshakeSize >= 1<<24 {
		return nil, badOption("max_handshake_size", o.MaxHandshakeSize, "must be a 24-bit unsigned integer")
	}
	var err error
	if o.isDTLS() {
		if err := o.checkDTLSSocketOptions(); err != nil {
			return nil, err
		}
		cfg.DTLS = true
		cfg.Versions, err = resolveDTLSVersions(o.Versions)
	} else if err = checkTLSVersions(o.Versions); err == nil {
		cfg.Versions, err = resolveVersions(o.Versions)
	}
	if err != nil {
		return nil, err
	}
	if err := o.compileDTLSExtensions(cfg); err != nil {
		return nil, err
	}
	ciphers := o.Ciphers
	if o.CipherSuites != nil {
		if o.Ciphers != nil {
			return nil, badOption("ciphers", o.Ciphers, "give the suites as Ciphers (names) or as CipherSuites (typed values), not both")
		}
		if ciphers, err = resolveCipherSuites(o.CipherSuites); err != nil {
			return nil, err
		}
	}
	if cfg.Suites, err = resolveCiphers(ciphers, cfg.Versions); err != nil {
		return nil, err
	}
	if cfg.DTLS {
		if cfg.Suites, err = dtlsSuites(cfg.Suites); err != nil {
			return nil, err
		}
	}
	if cfg.Groups, err = resolveGroups(o.Eccs); err != nil {
		return nil, err
	}
	if cfg.Groups13, err = resolveGroups13(o.SupportedGroups); err != nil {
		return nil, err
	}
	if err := o.resolveDH(cfg, r); err != nil {
		return nil, err
	}
	// Key shares for the first two groups; the others cost a
	// HelloRetryRequest (OTP and crypto/tls do the same). An ffdhe group
	// gets one only when it comes first: its exponentiation costs more
	// than the round trip it would save as a second guess.
	cfg.KeyShareGroups = cfg.Groups13[:min(2, len(cfg.Groups13))]
	if len(cfg.KeyShareGroups) == 2 && kx.IsFFDHE(cfg.KeyShareGroups[1]) {
		cfg.KeyShareGroups = cfg.KeyShareGroups[:1]
	}
	cfg.MiddleboxCompat = o.MiddleboxCompatMode == nil || *o.MiddleboxCompatMode
	if err := o.resolveALPN(cfg, r); err != nil {
		return nil, err
	}
	if err := o.resolveRecordLimits(cfg, r); err != nil {
		return nil, err
	}
	if err := o.resolveNPN(cfg, r); err != nil {
		return nil, err
	}
	if err := o.resolveLegacyRecords(cfg, r); err != nil {
		return nil, err
	}
	if err := o.resolveTickets(cfg, r); err != nil {
		return nil, err
	}
	if cfg.SignatureSchemesCert, err = resolveSignatureAlgsCert(o.SignatureAlgsCert); err != nil {
		return nil, err
	}
	if cfg.SignatureSchemes, err = resolveSignatureAlgs(o.SignatureAlgs); err != nil {
		return nil, err
	}
	switch o.BeastMitigation {
	case "", "one_n_minus_one", "zero_n", "disabled":
	default:
		return nil, badOption("beast_mitigation", o.BeastMitigation, "must be one_n_minus_one, zero_n or disabled")
	}
	if o.ServerNameIndication != "" && o.ServerNameIndication != "disable" && r == roleClient {
		if net.ParseIP(o.ServerNameIndication) != nil || strings.ContainsAny(o.ServerNameIndication, " /") {
			return nil, badOption("server_name_indication", o.ServerNameIndication, "must be a DNS host name or disable")
		}
	}
	if o.Depth != nil && *o.Depth < 0 {
		return nil, badOption("depth", *o.Depth, "must be a non-negative integer")
	}
	if err := o.loadCertificates(cfg); err != nil {
		return nil, err
	}
	if err := o.resolveDSA(cfg, r); err != nil {
		return nil, err
	}
	rootsKey, err := o.resolveVerification(cfg, r, host)
	if err != nil {
		return nil, err
	}
	if err := o.resolveStapling(cfg, r); err != nil {
		return nil, err
	}
	o.resolveCertificateAuthorities(cfg, r)
	if err := o.resolvePSK(cfg, r); err != nil {
		return nil, err
	}
	if err := o.resolveSRP(cfg, r); err != nil {
		return nil, err
	}
	if cfg.ServerPSK == nil && cfg.ClientPSK == nil && allSuites(suites.Filter(cfg.Suites, cfg.Versions), suites.KeyExchange.PSK) {
		return nil, badOption("user_lookup_fun", "undefined", "the PSK cipher suites need it")
	}
	if r == roleServer && len(cfg.Certs) == 0 && serverNeedsCert(cfg) {
		return nil, badOption("certfile", "undefined", "a server needs a certificate and key (cert/certfile and key/keyfile)")
	}
	res := &resolved{role: r, hs: cfg, beastMitigation: o.BeastMitigation, sni: o.ServerNameIndication,
		keyLog: o.KeyLogWriter, keepSecrets: o.KeepSecrets, caKey: o.trustKey(rootsKey), keyUpdateAt: o.KeyUpdateAt,
		metrics: o.Metrics}
	if cfg.CacheKey == manualTicketKey {
		res.inbox = &ticketInbox{}
	}
	if o.KeyUpdateAt < 0 {
		return nil, badOption("key_update_at", o.KeyUpdateAt, "must be a positive number of bytes")
	}
	if err := o.resolveSessions(res, r); err != nil {
		return nil, err
	}
	if r == roleServer {
		if err := o.resolveSNI(cfg); err != nil {
			return nil, err
		}
	}
	if res.log, err = o.compileLogging(); err != nil {
		return nil, err
	}
	return res, nil
}

func resolveVersions(vs []Version) ([]uint16, error) {
	if vs == nil {
		vs = defaultVersions
	}
	if len(vs) == 0 {
		return nil, badOption("versions", "[]", "no version given")
	}
	var out []uint16
	for _, v := range vs {
		if !knownVersions[v] {
			return nil, badOption("versions", v, unknownVersion(v))
		}
		wv, ok := implementedVersions[v]
		if !ok {
			return nil, notSupported("versions", v)
		}
		out = append(out, wv)
	}
	// Highest first, without duplicates.
	sortDescUnique(&out)
	return out, nil
}

// versionSpellings are the versions option's values, newest first.
var versionSpellings = []Version{TLSv1_3, TLSv1_2, TLSv1_1, TLSv1, SSLv3, DTLSv1_2, DTLSv1}

// unknownVersion is the refusal of an unknown version name: it lists the
// spellings and, for a near miss ("TLSv1.2", "tls1.3", "1.2",
// tls.VersionTLS12's "0x0303"), the one meant.
func unknownVersion(v Version) string {
	names := make([]string, len(versionSpellings))
	for i, n := range versionSpellings {
		names[i] = string(n)
	}
	reason := "unknown protocol version; the versions are " + strings.Join(names, ", ")
	key := strings.NewReplacer("v", "", "_", ".", "-", ".", " ", "").Replace(strings.ToLower(string(v)))
	hex := map[string]Version{"0x0304": TLSv1_3, "0x0303": TLSv1_2, "0x0302": TLSv1_1, "0x0301": TLSv1, "0x0300": SSLv3}
	for _, n := range versionSpellings {
		k := strings.ReplaceAll(string(n), "v", "")
		if key == k || key == strings.TrimPrefix(k, "tls") || key == strings.ReplaceAll(k, ".", "") || key == k+".0" {
			return reason + " (did you mean " + string(n) + "?)"
		}
	}
	if n, ok := hex[key]; ok {
		return reason + " (did you mean " + string(n) + "?)"
	}
	return reason
}

func sortDescUnique(p *[]uint16) {
	s := *p
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] > s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	*p = out
}

func resolveCiphers(names []string, versions []uint16) ([]*suites.Suite, error) {
	if names == nil {
		d := suites.Defaults(versions)
		if len(d) == 0 {
			return nil, badOption("ciphers", "default", "no default suite for these versions")
		}
		return d, nil
	}
	var out []*suites.Suite
	var split []string
	for _, n := range names {
		split = append(split, strings.FieldsFunc(n, func(r rune) bool { return r == ':' || r == ',' })...)
	}
	for _, n := range split {
		s := suites.ByName(strings.TrimSpace(n))
		if s == nil && suites.Planned(strings.TrimSpace(n)) {
			return nil, notSupportedBecause("ciphers", n, "a cipher suite gossl does not implement yet")
		}
		if s == nil {
			return nil, badOption("ciphers", n, "unknown cipher suite")
		}
		out = append(out, s)
	}
	if len(suites.Filter(out, versions)) == 0 {
		return nil, badOption("ciphers", strings.Join(names, ":"), "no suite usable with the enabled versions")
	}
	return out, nil
}

func resolveGroups(names []string) ([]uint16, error) {
	if names == nil {
		return kx.SupportedGroups(), nil
	}
	if len(names) == 0 {
		return nil, badOption("eccs", "[]", "no curve given")
	}
	var out []uint16
	for _, n := range names {
		g, err := groupOption("eccs", n, kx.ImplementedGroups())
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// resolveGroups13 resolves {supported_groups, ...} for TLS 1.3.
func resolveGroups13(names []string) ([]uint16, error) {
	if names == nil {
		return kx.TLS13Groups(), nil
	}
	if len(names) == 0 {
		return nil, badOption("supported_groups", "[]", "no group given")
	}
	var out []uint16
	for _, n := range names {
		g, err := groupOption("supported_groups", n, kx.TLS13ImplementedGroups())
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// groupOption resolves one curve or group name of option against the
// groups gossl implements for it: a registered group it does not
// implement is not supported yet (ErrNotSupported), an unknown name is
// invalid.
func groupOption(option, name string, implemented []uint16) (uint16, error) {
	g, ok := kx.GroupByName(name)
	if !ok {
		return 0, badOption(option, name, "unknown group")
	}
	if !containsGroup(implemented, g) {
		return 0, notSupportedBecause(option, name, "a group gossl does not implement here yet")
	}
	return g, nil
}

// resolveALPN checks the ALPN lists (RFC 7301, 3.1: names of 1 to 255
// bytes) and gives each role its own.
func (o *Options) resolveALPN(cfg *handshake.Config, r role) error {
	check := func(name string, list []string) error {
		if list != nil && len(list) == 0 {
			return badOption(name, "[]", "the list must not be empty")
		}
		for _, p := range list {
			if len(p) == 0 || len(p) > 255 {
				return badOption(name, p, "a protocol name is 1 to 255 bytes")
			}
		}
		return nil
	}
	if err := check("alpn_advertised_protocols", o.ALPNAdvertisedProtocols); err != nil {
		return err
	}
	if err := check("alpn_preferred_protocols", o.ALPNPreferredProtocols); err != nil {
		return err
	}
	if r == roleClient {
		cfg.ALPNProtocols = o.ALPNAdvertisedProtocols
	} else {
		cfg.ALPNPreferred = o.ALPNPreferredProtocols
	}
	return nil
}

func containsGroup(list []uint16, g uint16) bool {
	for _, x := range list {
		if x == g {
			return true
		}
	}
	return false
}

func resolveSignatureAlgs(names []string) ([]uint16, error) {
	if names == nil {
		return kx.DefaultSignatureSchemes(), nil
	}
	return signatureSchemeList("signature_algs", names)
}

// resolveSignatureAlgsCert resolves {signature_algs_cert, ...} (RFC 8446,
// 4.2.3): the schemes accepted in certificates, sent as
// signature_algorithms_cert. nil when unset: certificates are then checked
// against nothing more than path validation, and no extension is sent.
func resolveSignatureAlgsCert(names []string) ([]uint16, error) {
	if names == nil {
		return nil, nil
	}
	if len(names) == 0 {
		return nil, badOption("signature_algs_cert", "[]", "the list must not be empty")
	}
	return signatureSchemeList("signature_algs_cert", names)
}

func signatureSchemeList(option string, names []string) ([]uint16, error) {
	var out []uint16
	for _, n := range names {
		s, ok := signatureSchemeByName(n)
		if !ok {
			return nil, badOption(option, n, "unknown signature algorithm")
		}
		out = append(out, s)
	}
	return out, nil
}

// signatureSchemeByName accepts a scheme name ("rsa_pss_rsae_sha256") or
// an Erlang TLS 1.2 pair written "sha256+rsa".
func signatureSchemeByName(n string) (uint16, bool) {
	for _, s := range allSignatureSchemes {
		if kx.SchemeName(s) == n {
			return s, true
		}
	}
	if s, ok := kx.SchemeByName(n); ok && kx.IsDSAScheme(s) {
		return s, true // dsa_sha1 ... dsa_sha512
	}
	hash, sig, ok := strings.Cut(n, "+")
	if !ok {
		return 0, false
	}
	hashes := map[string]uint16{"sha": 2, "sha224": 3, "sha256": 4, "sha384": 5, "sha512": 6}
	sigs := map[string]uint16{"rsa": 1, "dsa": 2, "ecdsa": 3}
	h, ok1 := hashes[hash]
	g, ok2 := sigs[sig]
	if !ok1 || !ok2 {
		return 0, false
	}
	return h<<8 | g, true
}

var allSignatureSchemes = []uint16{
	wire.SigRSAPKCS1SHA1, wire.SigECDSASHA1, wire.SigRSAPKCS1SHA224, wire.SigECDSASHA224,
	wire.SigRSAPKCS1SHA256, wire.SigECDSAP256SHA256, wire.SigRSAPKCS1SHA384, wire.SigECDSAP384SHA384,
	wire.SigRSAPKCS1SHA512, wire.SigECDSAP521SHA512, wire.SigRSAPSSRSAESHA256, wire.SigRSAPSSRSAESHA384,
	wire.SigRSAPSSRSAESHA512, wire.SigEd25519, wire.SigRSAPSSPSSSHA256, wire.SigRSAPSSPSSSHA384, wire.SigRSAPSSPSSSHA512,
	wire.SigEd448, kx.SigECDSABrainpoolP256SHA256, kx.SigECDSABrainpoolP384SHA384, kx.SigECDSABrainpoolP512SHA512,
	wire.SigDSASHA1, wire.SigDSASHA224, wire.SigDSASHA256, wire.SigDSASHA384, wire.SigDSASHA512,
}

// versionName formats a wire version for users.
func versionName(v uint16) Version { return Version(wire.VersionName(v)) }
