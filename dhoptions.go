package ssl

import (
	"os"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/kx"
)

// resolveDH resolves the DHE options. A server takes its group from dh
// (PKCS #3 DER) or dhfile (PEM "DH PARAMETERS"), and without either uses
// the 2048-bit MODP group of RFC 3526, as OTP 25 does; a client takes
// DHMinBits. Both take the RFC 7919 groups of TLS 1.2 from
// supported_groups when it names ffdhe groups, and all five otherwise.
// Each option set for the role that has no use for it is an error.
func (o *Options) resolveDH(cfg *handshake.Config, r role) error {
	for _, g := range cfg.Groups13 {
		if kx.IsFFDHE(g) {
			cfg.FFDHEGroups = append(cfg.FFDHEGroups, g)
		}
	}
	if o.SupportedGroups == nil || len(cfg.FFDHEGroups) == 0 {
		cfg.FFDHEGroups = kx.FFDHEGroups()
	}
	if r == roleClient {
		if o.DH != nil {
			return badOption("dh", "<<...>>", "a server option")
		}
		if o.DHFile != "" {
			return badOption("dhfile", o.DHFile, "a server option")
		}
		switch {
		case o.DHMinBits == 0:
		case o.DHMinBits < kx.MinConfigDHBits || o.DHMinBits > kx.MaxDHBits:
			return badOption("dh_min_bits", o.DHMinBits, "must be 1024 to 8192")
		default:
			cfg.DHMinBits = o.DHMinBits
		}
		return nil
	}
	if o.DHMinBits != 0 {
		return badOption("dh_min_bits", o.DHMinBits, "a client option")
	}
	switch {
	case o.DH != nil:
		p, err := kx.ParseDHParams(o.DH)
		if err != nil {
			return badOption("dh", "<<...>>", err.Error())
		}
		cfg.DHParams = p
	case o.DHFile != "":
		data, err := os.ReadFile(o.DHFile)
		if err != nil {
			return badOption("dhfile", o.DHFile, err.Error())
		}
		p, err := kx.ParseDHParamsPEM(data)
		if err != nil {
			return badOption("dhfile", o.DHFile, err.Error())
		}
		cfg.DHParams = p
	default:
		cfg.DHParams = kx.DefaultDHParams()
	}
	return nil
}
