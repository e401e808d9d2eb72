package ssl

import (
	"crypto/rand"
	"fmt"
	"sync/atomic"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
)

// SRPGroups are the SRPParams a user_lookup_fun may name: the groups of
// RFC 5054, Appendix A, as OTP calls them (srp_param_type()).
var SRPGroups = []string{"srp_1024", "srp_1536", "srp_2048", "srp_3072", "srp_4096", "srp_6144", "srp_8192"}

// SRPDerivedKey returns the DerivedKey of OTP's user_lookup_fun for an
// SRP user: x = SHA1(Salt | SHA1(Username | ":" | Password)) (RFC 5054,
// 2.4; RFC 2945). A server stores the salt and this key, never the
// password; the password verifier v = g^x mod N is computed from it.
func SRPDerivedKey(salt []byte, username, password string) []byte {
	return kx.SRPDerivedKey(salt, username, password)
}

// NewSRPVerifier makes the record a server keeps for an SRP user: a
// fresh random salt of 16 bytes and the derived key, in the group named
// (srp_1024 ... srp_8192), ready for a user_lookup_fun to return.
func NewSRPVerifier(group, username, password string) (SRPVerifier, error) {
	if kx.SRPGroupByName(group) == nil {
		return SRPVerifier{}, badOption("srp_param_type", group, "must be one of srp_1024 ... srp_8192")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return SRPVerifier{}, err
	}
	return SRPVerifier{Params: group, Salt: salt, DerivedKey: SRPDerivedKey(salt, username, password)}, nil
}

// srp asks f for the SRP record of user; nil means an unknown user.
func (f *UserLookupFun) srp(user string) (*kx.SRPUser, error) {
	res, err := f.Fun(LookupSRP, user, f.UserState)
	if err != nil || res == nil {
		return nil, nil
	}
	var v SRPVerifier
	switch r := res.(type) {
	case SRPVerifier:
		v = r
	case *SRPVerifier:
		if r == nil {
			return nil, nil
		}
		v = *r
	default:
		return nil, alert.New(alert.InternalError, fmt.Sprintf("user_lookup_fun returned %T for an SRP lookup", res))
	}
	grp := kx.SRPGroupByName(v.Params)
	if grp == nil {
		return nil, alert.New(alert.InternalError, fmt.Sprintf("user_lookup_fun returned SRPParams %q, not one of srp_1024 ... srp_8192", v.Params))
	}
	if len(v.DerivedKey) == 0 {
		return nil, alert.New(alert.InternalError, "user_lookup_fun returned an empty SRP DerivedKey")
	}
	rec := &kx.SRPUser{Group: grp, Salt: v.Salt, Verifier: grp.Verifier(v.DerivedKey)}
	if err := kx.CheckSRPUser(rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// resolveSRP compiles srp_identity and a server's user_lookup_fun into
// cfg. A client offers the SRP suites only with srp_identity; a server
// chooses them only with user_lookup_fun, which it calls with LookupSRP
// and the client's username.
//
// An unknown user (Fun returns an error or nothing) is not revealed:
// the server answers with a salt and verifier made up from a secret of
// this configuration and the name (RFC 5054, 2.5.1.3 allows this in
// place of unknown_psk_identity), in the group of the last user it found
// (srp_2048 before any), so the same name always gets the same salt and
// the handshake fails at the client's Finished, with bad_record_mac, as
// it does for a wrong password.
func (o *Options) resolveSRP(cfg *handshake.Config, r role) error {
	if id := o.SRPIdentity; id != [2]string{} {
		if r == roleServer {
			return badOption("srp_identity", id[0], "is a client option; a server finds its users with user_lookup_fun")
		}
		if id[0] == "" || len(id[0]) > kx.MaxSRPUser {
			return badOption("srp_identity", id[0], "the username must be 1 to 255 bytes (RFC 5054, 2.8.1)")
		}
		cfg.SRPUser, cfg.SRPPassword = id[0], id[1]
	}
	f := o.UserLookupFun
	if r == roleServer && f != nil && f.Fun != nil {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return err
		}
		var last atomic.Pointer[kx.SRPGroup]
		last.Store(kx.SRPGroupByName("srp_2048"))
		cfg.ServerSRP = func(user []byte) (*kx.SRPUser, error) {
			rec, err := f.srp(string(user))
			if err != nil {
				return nil, err
			}
			if rec == nil {
				return kx.SimulatedSRPUser(secret, last.Load(), user), nil
			}
			last.Store(rec.Group)
			return rec, nil
		}
	}
	if cfg.ServerSRP == nil && cfg.SRPUser == "" && allSuites(suites.Filter(cfg.Suites, cfg.Versions), suites.KeyExchange.SRP) {
		return badOption("ciphers", "srp", "the SRP cipher suites need srp_identity (client) or user_lookup_fun (server)")
	}
	return nil
}
