package ssl

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"reflect"
	"strings"
)

// OptionsFromTLSConfig builds Options from a crypto/tls Config, for the
// fields both have, so that a program written for crypto/tls switches
// with a few lines:
//
//	Certificates          CertsKeys (each chain and its crypto.Signer key)
//	RootCAs, ClientCAs    nil, or the system pool, only: an x509.CertPool
//	                      cannot be read back, so any other pool is an
//	                      error (set CACerts or CACertFile instead)
//	ServerName            ServerNameIndication
//	NextProtos            ALPNAdvertisedProtocols and ALPNPreferredProtocols
//	MinVersion/MaxVersion Versions (0 and 0: gossl's default, TLS 1.2-1.3,
//	                      the same as crypto/tls's)
//	CipherSuites          Ciphers: these TLS 1.0-1.2 suites, then the
//	                      default TLS 1.3 suites (crypto/tls does not let
//	                      TLS 1.3 suites be configured either)
//	CurvePreferences      SupportedGroups (TLS 1.3) and Eccs (TLS 1.2)
//	ClientAuth            Verify, FailIfNoPeerCert and, for
//	                      RequestClientCert and RequireAnyClientCert (a
//	                      certificate asked for but not verified), a
//	                      VerifyFun that accepts any certificate. A gossl
//	                      server with verify_peer needs CACerts or
//	                      CACertFile, as an Erlang one does: set them on
//	                      the result (they also name the CAs the
//	                      CertificateRequest lists)
//	InsecureSkipVerify    Verify verify_none
//	VerifyPeerCertificate a VerifyFun that calls it once the peer's
//	                      certificate has passed (or was accepted): rawCerts
//	                      are the peer's certificate then the CAs the path
//	                      went through, verifiedChains that one path,
//	                      without its trust anchor (nil when nothing was
//	                      verified, as in crypto/tls)
//	SessionTicketsDisabled SessionTickets "disabled"
//	KeyLogWriter, Rand, Time  the fields of the same name
//
// PreferServerCipherSuites and DynamicRecordSizingDisabled are accepted
// and have no counterpart: crypto/tls ignores the first, and the second
// only tunes record sizes. Every other field that is set (a callback such
// as GetCertificate or VerifyConnection, a session cache, ECH keys, a
// renegotiation mode other than RenegotiateNever, ...) is an error naming
// it: gossl does not quietly drop part of a configuration.
func OptionsFromTLSConfig(c *tls.Config) (*Options, error) {
	if c == nil {
		return &Options{}, nil
	}
	o := &Options{ServerNameIndication: c.ServerName, KeyLogWriter: c.KeyLogWriter, Rand: c.Rand, Time: c.Time}
	if err := unmappedTLSFields(c); err != nil {
		return nil, err
	}
	for i, cert := range c.Certificates {
		key, ok := cert.PrivateKey.(crypto.Signer)
		if !ok || len(cert.Certificate) == 0 {
			return nil, tlsConfigError(fmt.Sprintf("Certificates[%d]", i), "needs a chain and a crypto.Signer key")
		}
		if cert.OCSPStaple != nil || cert.SignedCertificateTimestamps != nil || cert.SupportedSignatureAlgorithms != nil {
			return nil, tlsConfigError(fmt.Sprintf("Certificates[%d]", i), "OCSP staples, SCTs and signature algorithm restrictions have no gossl counterpart")
		}
		o.CertsKeys = append(o.CertsKeys, CertKeyPair{Cert: cert.Certificate, Key: key})
	}
	for _, p := range []struct {
		name string
		pool *x509.CertPool
	}{{"RootCAs", c.RootCAs}, {"ClientCAs", c.ClientCAs}} {
		if p.pool != nil {
			if sys, err := x509.SystemCertPool(); err != nil || !p.pool.Equal(sys) {
				return nil, tlsConfigError(p.name, "an x509.CertPool cannot be read back: set CACerts ([][]byte of DER) or CACertFile")
			}
		}
	}
	if c.NextProtos != nil {
		o.ALPNAdvertisedProtocols = c.NextProtos
		o.ALPNPreferredProtocols = c.NextProtos
	}
	var err error
	if o.Versions, err = versionsFromTLS(c.MinVersion, c.MaxVersion); err != nil {
		return nil, err
	}
	if c.CipherSuites != nil {
		if o.Ciphers, err = ciphersFromTLS(c.CipherSuites); err != nil {
			return nil, err
		}
	}
	if c.CurvePreferences != nil {
		if o.SupportedGroups, o.Eccs, err = groupsFromTLS(c.CurvePreferences); err != nil {
			return nil, err
		}
	}
	if c.SessionTicketsDisabled {
		o.SessionTickets = "disabled"
	}
	if err := o.verifyFromTLS(c); err != nil {
		return nil, err
	}
	return o, nil
}

// tlsConfigError is OptionsFromTLSConfig's error for field.
func tlsConfigError(field, reason string) error {
	return &OptionError{Name: "tls.Config." + field, Value: "set", Reason: reason}
}

// tlsFieldsMapped are the tls.Config fields OptionsFromTLSConfig reads or
// deliberately passes over; unmappedTLSFields refuses any other that is
// set, including fields a later Go adds.
var tlsFieldsMapped = map[string]bool{
	"Certificates": true, "RootCAs": true, "ClientCAs": true, "ServerName": true, "NextProtos": true,
	"MinVersion": true, "MaxVersion": true, "CipherSuites": true, "CurvePreferences": true,
	"ClientAuth": true, "InsecureSkipVerify": true, "VerifyPeerCertificate": true,
	"SessionTicketsDisabled": true, "KeyLogWriter": true, "Rand": true, "Time": true,
	"PreferServerCipherSuites": true, "DynamicRecordSizingDisabled": true, "Renegotiation": true,
}

func unmappedTLSFields(c *tls.Config) error {
	v := reflect.ValueOf(c).Elem()
	t := v.Type()
	var set []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || tlsFieldsMapped[f.Name] {
			continue
		}
		if !v.Field(i).IsZero() {
			set = append(set, f.Name)
		}
	}
	if c.Renegotiation != tls.RenegotiateNever {
		set = append(set, "Renegotiation")
	}
	if len(set) > 0 {
		return tlsConfigError(strings.Join(set, ", "), "no gossl counterpart (use the Erlang-style options for what gossl offers)")
	}
	return nil
}

// versionsFromTLS turns MinVersion/MaxVersion into the versions list,
// highest first; 0 means crypto/tls's default (TLS 1.2 and 1.3).
func versionsFromTLS(lo, hi uint16) ([]Version, error) {
	if lo == 0 && hi == 0 {
		return nil, nil
	}
	if lo == 0 {
		lo = tls.VersionTLS12
	}
	if hi == 0 {
		hi = tls.VersionTLS13
	}
	//lint:ignore SA1019 SSL 3.0 is a version gossl names (the versions option), mapped from MinVersion/MaxVersion
	names := map[uint16]Version{tls.VersionSSL30: SSLv3, tls.VersionTLS10: TLSv1, tls.VersionTLS11: TLSv1_1,
		tls.VersionTLS12: TLSv1_2, tls.VersionTLS13: TLSv1_3}
	if names[lo] == "" || names[hi] == "" || lo > hi {
		return nil, tlsConfigError("MinVersion/MaxVersion", fmt.Sprintf("0x%04x..0x%04x is not a range of SSL 3.0 to TLS 1.3", lo, hi))
	}
	var out []Version
	for v := hi; v >= lo; v-- {
		out = append(out, names[v])
	}
	return out, nil
}

// ciphersFromTLS names the suites by their IANA names (gossl's and
// crypto/tls's), then adds the default TLS 1.3 suites.
func ciphersFromTLS(ids []uint16) ([]string, error) {
	byID := map[uint16]string{}
	for _, s := range CipherSuites(SuitesAll, "") {
		byID[s.ID] = s.Name
	}
	var out []string
	for _, id := range ids {
		name, ok := byID[id]
		if !ok {
			return nil, tlsConfigError("CipherSuites", fmt.Sprintf("suite 0x%04x (%s) is not one gossl has", id, tls.CipherSuiteName(id)))
		}
		out = append(out, name)
	}
	for _, s := range CipherSuites(SuitesDefault, "") {
		if s.KeyExchange == "any" {
			out = append(out, s.Name)
		}
	}
	return out, nil
}

// groupsFromTLS maps CurvePreferences to the TLS 1.3 groups and the
// TLS 1.2 curves (the post-quantum hybrid only goes to the first).
func groupsFromTLS(ids []tls.CurveID) (groups13, eccs []string, err error) {
	names := map[tls.CurveID]string{tls.X25519: "x25519", tls.CurveP256: "secp256r1", tls.CurveP384: "secp384r1",
		tls.CurveP521: "secp521r1", tls.X25519MLKEM768: "x25519mlkem768"}
	for _, id := range ids {
		name, ok := names[id]
		if !ok {
			return nil, nil, tlsConfigError("CurvePreferences", fmt.Sprintf("%v has no gossl name", id))
		}
		groups13 = append(groups13, name)
		if id != tls.X25519MLKEM768 {
			eccs = append(eccs, name)
		}
	}
	return groups13, eccs, nil
}

// verifyFromTLS maps ClientAuth, InsecureSkipVerify and
// VerifyPeerCertificate.
func (o *Options) verifyFromTLS(c *tls.Config) error {
	acceptAll := c.InsecureSkipVerify
	switch c.ClientAuth {
	case tls.NoClientCert:
	case tls.RequestClientCert:
		o.Verify, o.FailIfNoPeerCert, acceptAll = VerifyPeer, Bool(false), true
	case tls.RequireAnyClientCert:
		o.Verify, o.FailIfNoPeerCert, acceptAll = VerifyPeer, Bool(true), true
	case tls.VerifyClientCertIfGiven:
		o.Verify, o.FailIfNoPeerCert = VerifyPeer, Bool(false)
	case tls.RequireAndVerifyClientCert:
		o.Verify, o.FailIfNoPeerCert = VerifyPeer, Bool(true)
	default:
		return tlsConfigError("ClientAuth", fmt.Sprintf("unknown value %d", c.ClientAuth))
	}
	if c.InsecureSkipVerify && c.ClientAuth != tls.NoClientCert {
		return tlsConfigError("InsecureSkipVerify", "a client setting, given with ClientAuth, a server one: build the two sides' Options from their own Configs")
	}
	switch {
	case c.VerifyPeerCertificate != nil:
		if c.InsecureSkipVerify {
			// crypto/tls still calls it, with no verified chains:
			// gossl calls verify funs only under verify_peer.
			o.Verify = VerifyPeer
		}
		o.VerifyFun = peerCertificateFun(c.VerifyPeerCertificate, acceptAll)
	case acceptAll && c.InsecureSkipVerify:
		o.Verify = VerifyNone
	case acceptAll:
		o.VerifyFun = peerCertificateFun(nil, true)
	}
	return nil
}

// peerCertificateFun is a VerifyFun that keeps gossl's verdicts (or, with
// acceptAll, accepts every certificate) and, when verify is not nil,
// calls it with the path once the peer's certificate is reached. Its
// state is the CAs passed so far, from the anchor down.
func peerCertificateFun(verify func([][]byte, [][]*x509.Certificate) error, acceptAll bool) *VerifyFun {
	return &VerifyFun{Fun: func(cert *x509.Certificate, ev VerifyEvent, state any) (VerifyResult, any) {
		cas, _ := state.([]*x509.Certificate)
		switch ev.Kind {
		case EventBadCert:
			if !acceptAll {
				return VerifyFail(ev.Reason), state
			}
			return VerifyValid, state // the valid_peer event follows
		case EventExtension:
			if acceptAll {
				return VerifyValid, state
			}
			return VerifyUnknown, state
		case EventValid:
			return VerifyValid, append(cas[:len(cas):len(cas)], cert)
		}
		if verify == nil {
			return VerifyValid, state
		}
		raw := [][]byte{cert.Raw}
		chain := []*x509.Certificate{cert}
		for i := len(cas) - 1; i >= 0; i-- {
			raw = append(raw, cas[i].Raw)
			chain = append(chain, cas[i])
		}
		var chains [][]*x509.Certificate
		if !acceptAll {
			chains = [][]*x509.Certificate{chain}
		}
		if err := verify(raw, chains); err != nil {
			return VerifyFail(oneLine(err.Error())), state
		}
		return VerifyValid, state
	}}
}
