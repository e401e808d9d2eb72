package ssl

import (
	"bytes"
	"crypto"
	"fmt"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/suites"
)

// LookupKind is the first argument OTP passes to a user_lookup_fun: psk
// or srp.
type LookupKind string

const (
	LookupPSK LookupKind = "psk"
	LookupSRP LookupKind = "srp"
)

// LookupResult is what a user_lookup_fun returns on success: a PSKKey
// (OTP's {ok, SharedSecret}) or an SRPVerifier (OTP's {ok, {SRPParams,
// Salt, DerivedKey}}). OTP's error is a non-nil error.
type LookupResult interface{ lookupResult() }

// PSKKey is {ok, SharedSecret}: the pre-shared key of a PSK identity.
type PSKKey []byte

func (PSKKey) lookupResult() {}

// SRPVerifier is {ok, {SRPParams, Salt, DerivedKey}}: the SRP group by
// OTP's name (srp_1024 ... srp_8192, see SRPGroups), the salt, and
// DerivedKey = SHA1(Salt | SHA1(Username | ":" | Password)) (RFC 5054,
// 2.4), from which the server computes the password verifier. Make one
// with NewSRPVerifier or SRPDerivedKey.
type SRPVerifier struct {
	Params     string
	Salt       []byte
	DerivedKey []byte
}

func (SRPVerifier) lookupResult() {}

// UserLookupFun is {user_lookup_fun, {Fun, UserState}}. Fun is called as
// OTP calls it: with LookupPSK, the PSK identity (on a server: the
// client's identity; on a client: the server's psk_identity_hint, "" when
// it sent none) and UserState; on a server, also with LookupSRP and the
// client's SRP username, to which Fun answers with an SRPVerifier.
//
// On a server, an identity Fun does not know (an error, or no key) is
// not revealed to the client: the handshake goes on with a random key and
// fails at the client's Finished with bad_record_mac, exactly as it does
// for a known identity with a wrong key. RFC 4279, Section 2 allows this
// instead of unknown_psk_identity, and it keeps a client from learning
// which identities exist. An unknown SRP user is hidden the same way (RFC
// 5054, 2.5.1.3): the server answers with a salt and verifier made up
// from a per-configuration secret and the name, the same for every
// attempt with that name, and the handshake fails at the client's
// Finished with bad_record_mac, as it does for a wrong password.
type UserLookupFun struct {
	Fun       func(kind LookupKind, identity string, userState any) (LookupResult, error)
	UserState any
}

// ExternalPSK is a PSKKey with the hash a TLS 1.3 external PSK is
// bound to (RFC 8446, 4.2.11): crypto.SHA256 or crypto.SHA384, which
// restricts the TLS 1.3 suites it works with. A plain PSKKey is
// SHA-256's. TLS 1.0–1.2 use only the Key.
type ExternalPSK struct {
	Key  []byte
	Hash crypto.Hash
}

func (ExternalPSK) lookupResult() {}

// psk asks f for the PSK of identity; nil means none.
func (f *UserLookupFun) psk(identity string) ([]byte, error) {
	key, _, err := f.psk13(identity)
	return key, err
}

// psk13 is psk with the PSK's hash (SHA-256 unless an ExternalPSK says
// otherwise).
func (f *UserLookupFun) psk13(identity string) ([]byte, crypto.Hash, error) {
	res, err := f.Fun(LookupPSK, identity, f.UserState)
	if err != nil || res == nil {
		return nil, 0, nil
	}
	switch r := res.(type) {
	case PSKKey:
		return r, crypto.SHA256, nil
	case *PSKKey:
		if r != nil {
			return *r, crypto.SHA256, nil
		}
		return nil, 0, nil
	case ExternalPSK:
		if r.Hash != crypto.SHA256 && r.Hash != crypto.SHA384 {
			return nil, 0, alert.New(alert.InternalError, "user_lookup_fun gave an ExternalPSK whose hash is not SHA-256 or SHA-384")
		}
		return r.Key, r.Hash, nil
	}
	return nil, 0, alert.New(alert.InternalError, fmt.Sprintf("user_lookup_fun returned %T for a PSK lookup", res))
}

// resolvePSK compiles user_lookup_fun and psk_identity into cfg. A PSK
// suite (psk, ecdhe_psk, dhe_psk, rsa_psk) is offered by a client and
// chosen by a server only when user_lookup_fun is set; a client also
// needs psk_identity, the identity it sends.
func (o *Options) resolvePSK(cfg *handshake.Config, r role) error {
	if len(o.PSKIdentity) > kx.MaxPSKIdentity {
		return badOption("psk_identity", o.PSKIdentity[:16]+"...", "longer than 65535 bytes")
	}
	f := o.UserLookupFun
	if f != nil && f.Fun == nil {
		return badOption("user_lookup_fun", "{undefined, _}", "Fun is nil")
	}
	if f == nil {
		if o.PSKIdentity != "" {
			return badOption("psk_identity", o.PSKIdentity, "needs user_lookup_fun to find its key")
		}
		if o.PSKKeyExchangeModes != nil {
			return badOption("psk_key_exchange_modes", o.PSKKeyExchangeModes, "needs user_lookup_fun, which gives the external PSKs")
		}
		return nil
	}
	modes, err := pskModes13(o.PSKKeyExchangeModes)
	if err != nil {
		return err
	}
	cfg.PSKModes13 = modes
	if r == roleServer {
		cfg.PSKHint = []byte(o.PSKIdentity)
		cfg.ServerPSK = func(identity []byte) ([]byte, error) { return f.psk(string(identity)) }
		cfg.ServerPSK13 = func(identity []byte) (*handshake.ExternalPSK13, error) {
			key, hash, err := f.psk13(string(identity))
			if err != nil || len(key) == 0 {
				return nil, err
			}
			return &handshake.ExternalPSK13{Identity: identity, Key: key, Hash: hash}, nil
		}
		return nil
	}
	if o.PSKIdentity == "" {
		return badOption("psk_identity", "undefined", "a client's user_lookup_fun gives the key of its psk_identity: set one")
	}
	identity := []byte(o.PSKIdentity)
	cfg.ClientPSK = func(hint []byte) ([]byte, []byte, error) {
		key, err := f.psk(string(hint))
		if err != nil {
			return nil, nil, err
		}
		if len(key) == 0 {
			return nil, nil, alert.New(alert.HandshakeFailure, "user_lookup_fun has no PSK for the server's identity hint")
		}
		return identity, key, nil
	}
	// TLS 1.3 has no hint: the fun is asked with none ("").
	cfg.ClientPSK13 = func() (*handshake.ExternalPSK13, error) {
		key, hash, err := f.psk13("")
		if err != nil || len(key) == 0 || len(key) > kx.MaxPSKIdentity {
			return nil, err
		}
		return &handshake.ExternalPSK13{Identity: identity, Key: key, Hash: hash}, nil
	}
	return nil
}

// pskModes13 compiles psk_key_exchange_modes: each of psk_ke and
// psk_dhe_ke at most once, in the order given.
func pskModes13(names []string) ([]uint8, error) {
	if names == nil {
		return nil, nil
	}
	var modes []uint8
	for _, n := range names {
		var m uint8
		switch n {
		case "psk_ke":
			m = handshake.PSKModePlain
		case "psk_dhe_ke":
			m = handshake.PSKModeDHE
		default:
			return nil, badOption("psk_key_exchange_modes", names, "modes are psk_ke and psk_dhe_ke")
		}
		if bytes.IndexByte(modes, m) >= 0 {
			return nil, badOption("psk_key_exchange_modes", names, n+" is listed twice")
		}
		modes = append(modes, m)
	}
	if len(modes) == 0 {
		return nil, badOption("psk_key_exchange_modes", names, "empty: list psk_ke, psk_dhe_ke or both")
	}
	return modes, nil
}

// allSuites reports whether list is not empty and every suite in it has
// the key-exchange property is (PSK, SRP, ...): options that only such
// suites can use are then required.
func allSuites(list []*suites.Suite, is func(suites.KeyExchange) bool) bool {
	for _, s := range list {
		if !is(s.KX) {
			return false
		}
	}
	return len(list) > 0
}

// serverNeedsCert reports whether a server with cfg must have a
// certificate: unless it can serve a PSK suite that has none (psk,
// dhe_psk, ecdhe_psk), it does.
func serverNeedsCert(cfg *handshake.Config) bool {
	for _, s := range suites.Filter(cfg.Suites, cfg.Versions) {
		if s.KX.Anon() {
			return false // DH_anon and ECDH_anon need nothing (anon12.go)
		}
	}
	if cfg.ServerPSK == nil {
		return true
	}
	for _, s := range suites.Filter(cfg.Suites, cfg.Versions) {
		// TLS 1.3 suites serve external PSKs without a certificate.
		if s.KX.Certless() || s.TLS13() {
			return false
		}
	}
	return true
}
