package ssl

import (
	"strings"
	"sync"

	"github.com/gossl/ssl/internal/handshake"
)

// resolveSNI gives the server configuration a ForServerName function for
// sni_hosts / sni_fun: the options for a name are merged over these and
// compiled once per name. The options of sni_hosts are compiled here, so
// that a bad one fails Listen (OTP checks them at listen too) rather
// than a handshake; those of sni_fun when a client names the host.
func (o *Options) resolveSNI(cfg *handshake.Config) error {
	if o.SNIHosts == nil && o.SNIFun == nil {
		return nil
	}
	if o.SNIHosts != nil && o.SNIFun != nil {
		return badOption("sni_fun", "fun", "sni_hosts and sni_fun are mutually exclusive")
	}
	base := *o
	base.SNIHosts, base.SNIFun = nil, nil
	compileFor := func(extra *Options) (*handshake.Config, error) {
		b := &base
		if extra.hasCertificate() {
			b = base.withoutCertificate()
		}
		res, err := mergeOptions(b, extra).compile(roleServer, "")
		if err != nil {
			return nil, err
		}
		return res.hs, nil
	}
	if fun := o.SNIFun; fun != nil {
		var cache sync.Map // name -> *handshake.Config
		cfg.ForServerName = func(name string) (*handshake.Config, error) {
			name = sniKey(name)
			if c, ok := cache.Load(name); ok {
				return c.(*handshake.Config), nil
			}
			extra := fun(name)
			if extra == nil {
				return nil, nil
			}
			hs, err := compileFor(extra)
			if err != nil {
				return nil, err
			}
			// Only a bounded number of names are remembered, so a
			// client cannot grow the cache without end by inventing
			// names.
			if cacheLen(&cache) < 1024 {
				cache.Store(name, hs)
			}
			return hs, nil
		}
		return nil
	}
	hosts := map[string]*handshake.Config{}
	for name, extra := range o.SNIHosts {
		if extra == nil {
			continue // no options of its own: the base ones
		}
		hs, err := compileFor(extra)
		if err != nil {
			return badOption("sni_hosts", name, FormatError(err))
		}
		hosts[sniKey(name)] = hs
	}
	cfg.ForServerName = func(name string) (*handshake.Config, error) {
		return hosts[sniKey(name)], nil
	}
	return nil
}

// sniKey is a server name as sni_hosts and sni_fun see it: lower case,
// without a final dot.
func sniKey(name string) string { return strings.ToLower(strings.TrimSuffix(name, ".")) }

// hasCertificate reports whether o gives a certificate or key, in any
// form.
func (o *Options) hasCertificate() bool {
	return o.Cert != nil || o.CertFile != "" || o.Key != nil || o.KeyDER != nil || o.KeyFile != "" || o.CertsKeys != nil
}

// withoutCertificate is o without its certificates and keys: a name's
// certificate replaces the base one whatever form each is given in (a
// base Cert would otherwise win over the name's CertFile).
func (o *Options) withoutCertificate() *Options {
	c := *o
	c.Cert, c.CertFile, c.Key, c.KeyDER, c.KeyFile, c.CertsKeys = nil, "", nil, nil, "", nil
	return &c
}

func cacheLen(m *sync.Map) int {
	n := 0
	m.Range(func(any, any) bool { n++; return true })
	return n
}
