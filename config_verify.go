package ssl

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"net"
	"strings"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/pki"
)

// CertKeyPair is one element of OTP 25's certs_keys: a certificate chain
// and its private key, each in any of the forms of the cert/certfile and
// key/keyfile options (Cert before CertFile; Key, then KeyDER, then
// KeyFile, which defaults to CertFile). Password defaults to the
// Options' Password.
type CertKeyPair struct {
	Cert     [][]byte
	CertFile string
	Key      crypto.Signer
	KeyDER   *KeyDER
	KeyFile  string
	Password string
	// OCSPResponse is the DER OCSP response a server staples with this
	// chain (see Options.OCSPResponse).
	OCSPResponse []byte
}

// loadCertificates resolves cert/certfile and key/keyfile, then
// certs_keys, into the handshake's certificate list.
func (o *Options) loadCertificates(cfg *handshake.Config) error {
	first := CertKeyPair{Cert: o.Cert, CertFile: o.CertFile, Key: o.Key, KeyDER: o.KeyDER, KeyFile: o.KeyFile, Password: o.Password}
	ck, err := first.load("")
	if err != nil {
		return err
	}
	if ck != nil {
		cfg.Certs = append(cfg.Certs, *ck)
	}
	for i, p := range o.CertsKeys {
		if p.Password == "" {
			p.Password = o.Password
		}
		ck, err := p.load(fmt.Sprintf("certs_keys[%d].", i))
		if err != nil {
			return err
		}
		if ck == nil {
			return badOption("certs_keys", i, "an element without a certificate or key")
		}
		cfg.Certs = append(cfg.Certs, *ck)
	}
	return nil
}

// load resolves one pair; nil when it names neither a certificate nor a
// key. prefix qualifies option names in errors.
func (p *CertKeyPair) load(prefix string) (*handshake.CertKey, error) {
	chain := p.Cert
	if chain == nil && p.CertFile != "" {
		c, err := pki.LoadCertificatesFile(p.CertFile)
		if err != nil {
			return nil, badOption(prefix+"certfile", p.CertFile, err.Error())
		}
		chain = c
	}
	key := p.Key
	switch {
	case key != nil:
	case p.KeyDER != nil:
		k, err := pki.ParsePrivateKeyDER(p.KeyDER.Type, p.KeyDER.DER)
		if err != nil {
			return nil, badOption(prefix+"key", p.KeyDER.Type, err.Error())
		}
		key = k
	case p.KeyFile != "" || (p.CertFile != "" && chain != nil):
		path := p.KeyFile
		if path == "" {
			path = p.CertFile
		}
		k, err := pki.LoadPrivateKeyFile(path, p.Password)
		if err != nil {
			return nil, badOption(prefix+"keyfile", path, err.Error())
		}
		key = k
	}
	if chain == nil && key == nil {
		return nil, nil
	}
	if chain == nil {
		return nil, badOption(prefix+"cert", "undefined", "a key was given without a certificate")
	}
	if key == nil {
		return nil, badOption(prefix+"key", "undefined", "a certificate was given without its private key")
	}
	leaf, err := pki.ParseCertificate(chain[0])
	if err != nil {
		return nil, badOption(prefix+"cert", "<<...>>", "unparsable certificate: "+err.Error())
	}
	if err := pki.CheckKeyMatchesCertificate(key, chain[0]); err != nil {
		return nil, badOption(prefix+"key", "<<...>>", err.Error())
	}
	ck := &handshake.CertKey{Chain: chain, Leaf: leaf, Key: key, Names: handshake.ChainNames(chain)}
	// A server sends the same Certificate message on every handshake:
	// marshal it once with the configuration.
	if err := ck.PrepareMessages(); err != nil {
		return nil, badOption(prefix+"cert", "<<...>>", err.Error())
	}
	return ck, nil
}

// resolveVerification applies verify, cacerts, depth, fail_if_no_peer_cert
// and the SNI/hostname rules of connect/3,4.
// resolveVerification sets cfg's verification from o and returns the
// name of o's CACerts list (zero without one), for trustKey.
func (o *Options) resolveVerification(cfg *handshake.Config, r role, host string) (rootsKey [32]byte, err error) {
	verify := o.Verify
	switch verify {
	case "":
		if r == roleClient {
			verify = VerifyPeer
		} else {
			verify = VerifyNone
		}
	case VerifyNone, VerifyPeer:
	default:
		return rootsKey, badOption("verify", o.Verify, "must be verify_none or verify_peer")
	}
	cfg.Verify = verify == VerifyPeer
	cfg.FailIfNoPeerCert = cfg.Verify && (o.FailIfNoPeerCert == nil || *o.FailIfNoPeerCert)
	if o.FailIfNoPeerCert != nil && *o.FailIfNoPeerCert && !cfg.Verify && r == roleServer {
		return rootsKey, badOption("fail_if_no_peer_cert", true, "needs {verify, verify_peer}")
	}
	depth := 10
	if o.Depth != nil {
		depth = *o.Depth
	}
	var roots []*x509.Certificate
	if o.CACerts == nil && o.CACertFile != "" {
		// Parsed and indexed once per version of the file: a client
		// compiles its options on every Connect, and the same slice
		// lets path validation reuse its index of the anchors.
		store, err := pki.LoadTrustStoreFile(o.CACertFile)
		if err != nil {
			return rootsKey, badOption("cacertfile", o.CACertFile, err.Error())
		}
		roots = store.Certificates()
	}
	if len(o.CACerts) > 0 {
		// Shared, for the same reason as the cacertfile store: the
		// same list gives the same slice, parsed and indexed once.
		var rs []*x509.Certificate
		rs, rootsKey, err = pki.ParseRoots(o.CACerts)
		if err != nil {
			return rootsKey, badOption("cacerts", "<<...>>", "unparsable CA certificate: "+err.Error())
		}
		roots = rs
	}
	for _, c := range roots {
		cfg.CertificateAuthorities = append(cfg.CertificateAuthorities, c.RawSubject)
	}
	cfg.VerifyOptions = pki.VerifyOptions{Roots: roots, Depth: depth}
	if err := o.resolveVerifyFun(cfg, r); err != nil {
		return rootsKey, err
	}
	if (cfg.Verify || (r == roleClient && cfg.NewVerifyFun != nil)) && roots == nil {
		if r == roleServer {
			return rootsKey, badOption("cacerts", "undefined", "verify_peer on a server needs cacerts or cacertfile")
		}
		cfg.VerifyOptions.UseSystemRoots = true
	}
	if r == roleClient {
		sni := o.ServerNameIndication
		switch {
		case sni == "disable":
			cfg.ServerName = ""
			cfg.VerifyHostname = ""
		case sni != "":
			cfg.ServerName = sni
			cfg.VerifyHostname = sni
		default:
			// connect/3: the host is the SNI unless it is an address,
			// and the reference identity either way.
			if net.ParseIP(host) == nil {
				cfg.ServerName = strings.TrimSuffix(host, ".")
			}
			cfg.VerifyHostname = host
		}
		if err := o.requireReferenceName(cfg); err != nil {
			return rootsKey, err
		}
	}
	return rootsKey, nil
}

// requireReferenceName makes a client that checks the server's chain fail
// closed when it has no reference name for the hostname check: ConnectConn
// over a transport without an IP address (a pipe, a unix socket, a proxy
// tunnel) and no server_name_indication. Skipping the check there would
// accept a certificate issued for any name (RFC 6125, Section 6: a client
// needs a reference identity). server_name_indication disable is OTP's
// explicit way to skip the check and stays so. With verify_peer and no
// verify_fun this is an option error; with a verify_fun the validation
// reports {bad_cert, hostname_check_failed} to it, which decides.
func (o *Options) requireReferenceName(cfg *handshake.Config) error {
	if !cfg.Verify || cfg.VerifyHostname != "" || o.ServerNameIndication == "disable" {
		return nil
	}
	if o.VerifyFun == nil {
		return badOption("server_name_indication", "undefined",
			"verify_peer needs a reference name for the hostname check and the transport has no IP address: "+
				"set server_name_indication to the server's host name, or to disable to skip the hostname check, "+
				"or give a verify_fun that decides on {bad_cert, hostname_check_failed}")
	}
	cfg.VerifyOptions.RequireHostname = true
	return nil
}

// resolveVerifyFun applies verify_fun, partial_chain, crl_check,
// crl_cache and customize_hostname_check.
func (o *Options) resolveVerifyFun(cfg *handshake.Config, r role) error {
	v := &verifier{fun: o.VerifyFun, cache: o.CRLCache}
	if v.fun != nil && v.fun.Fun == nil {
		return badOption("verify_fun", "{undefined, _}", "Fun must not be nil")
	}
	switch o.CRLCheck {
	case "", "false":
	case "true":
		v.crl = crlAll
	case "peer":
		v.crl = crlPeer
	case "best_effort":
		v.crl = crlBestEffort
	default:
		return badOption("crl_check", o.CRLCheck, "must be true, false, peer or best_effort")
	}
	if v.cache == nil {
		v.cache = InternalCRLCache(0)
	}
	// A verify_peer validation needs its own run for a user fun or for
	// CRL checks; verify_none needs one only for a user fun (the
	// verify_none fun accepts every bad_cert, revocations included) or
	// to read a client's OCSP staple (the ocsp_status item).
	stapling := r == roleClient && o.Stapling == Staple
	if v.fun == nil && !cfg.Verify && stapling {
		v.fun = DefaultVerifyNoneFun
	}
	if o.VerifyFun != nil || (cfg.Verify && v.crl != crlOff) || stapling {
		cfg.NewVerifyFun = v.newRun
	}
	cfg.VerifyOptions.PartialChain = o.PartialChain
	if fn := o.CustomizeHostnameCheck; fn != nil {
		cfg.VerifyOptions.HostnameMatch = func(ref, kind, presented string) pki.MatchResult {
			switch fn(ref, PresentedID{Kind: kind, Value: presented}) {
			case HostnameMatchYes:
				return pki.MatchYes
			case HostnameMatchNo:
				return pki.MatchNo
			}
			return pki.MatchDefault
		}
	}
	return nil
}
