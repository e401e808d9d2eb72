package ssl

import "github.com/gossl/ssl/internal/handshake"

// resolveRecordLimits checks max_fragment_length and record_size_limit
// (RFC 6066, Section 4; RFC 8449, Section 4) into the handshake
// configuration.
func (o *Options) resolveRecordLimits(cfg *handshake.Config, r role) error {
	if o.MaxFragmentLength != 0 {
		if r == roleServer {
			return badOption("max_fragment_length", o.MaxFragmentLength, "is a client option; a server always accepts a client's")
		}
		if handshake.MaxFragmentCode(o.MaxFragmentLength) == 0 {
			return badOption("max_fragment_length", o.MaxFragmentLength, "must be 512, 1024, 2048 or 4096")
		}
	}
	top := 0
	for _, v := range cfg.Versions {
		top = max(top, handshake.MaxRecordSizeLimit(v))
	}
	if l := o.RecordSizeLimit; l != 0 && (l < handshake.MinRecordSizeLimit || l > top) {
		return badOption("record_size_limit", l, "must be 64 to 16385 (16384 without TLS 1.3)")
	}
	cfg.MaxFragmentLength, cfg.RecordSizeLimit = o.MaxFragmentLength, o.RecordSizeLimit
	return nil
}

// resolveCertificateAuthorities applies certificate_authorities: off by
// default on a client, on by default on a server, as in OTP.
func (o *Options) resolveCertificateAuthorities(cfg *handshake.Config, r role) {
	if r == roleClient {
		cfg.SendCertificateAuthorities = o.CertificateAuthorities != nil && *o.CertificateAuthorities
	} else {
		cfg.OmitCertificateAuthorities = o.CertificateAuthorities != nil && !*o.CertificateAuthorities
	}
}

// resolveLegacyRecords applies padding_check (TLS 1.0 only, either role)
// and v2_hello_compatible (a server option), both off unless asked for.
func (o *Options) resolveLegacyRecords(cfg *handshake.Config, r role) error {
	cfg.NoPaddingCheck = o.PaddingCheck != nil && !*o.PaddingCheck
	if o.V2HelloCompatible && r == roleClient {
		return badOption("v2_hello_compatible", true, "is a server option")
	}
	if o.V2HelloCompatible && o.Protocol == "dtls" {
		return badOption("v2_hello_compatible", true, "an SSL 2.0 hello is never a DTLS one")
	}
	cfg.V2HelloCompatible = o.V2HelloCompatible
	return nil
}
