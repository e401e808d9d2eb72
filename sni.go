package ssl

import (
	"strings"
	"sync"

	"github.com/gossl/ssl/internal/handshake"
)

// resolveSNI gives the server configuration a ForServerName function for
// sni_hosts / sni_fun: the options for a name are merged over these and
// compiled once per name.
func (o *Options) resolveSNI(cfg *handshake.Config) error {
	if o.SNIHosts == nil && o.SNIFun == nil {
		return nil
	}
	if o.SNIHosts != nil && o.SNIFun != nil {
		return badOption("sni_fun", "fun", "sni_hosts and sni_fun are mutually exclusive")
	}
	base := *o
	base.SNIHosts, base.SNIFun = nil, nil
	hosts := map[string]*Options{}
	for name, opts := range o.SNIHosts {
		hosts[strings.ToLower(strings.TrimSuffix(name, "."))] = opts
	}
	fun := o.SNIFun
	var cache sync.Map // name -> *handshake.Config
	cfg.ForServerName = func(name string) (*handshake.Config, error) {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		if c, ok := cache.Load(name); ok {
			return c.(*handshake.Config), nil
		}
		var extra *Options
		if fun != nil {
			extra = fun(name)
		} else {
			extra = hosts[name]
		}
		if extra == nil {
			return nil, nil
		}
		b := &base
		if extra.hasCertificate() {
			b = base.withoutCertificate()
		}
		res, err := mergeOptions(b, extra).compile(roleServer, "")
		if err != nil {
			return nil, err
		}
		// Only a bounded number of names are remembered, so a client
		// cannot grow the cache without end by inventing names.
		if fun == nil || cacheLen(&cache) < 1024 {
			cache.Store(name, res.hs)
		}
		return res.hs, nil
	}
	return nil
}

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
