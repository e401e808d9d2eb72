package ssl

import "github.com/gossl/ssl/internal/suites"

// Erlang's other forms of the ciphers option, as typed Go values: a list
// of suites in the map form #{key_exchange => KX, cipher => C, mac => M,
// prf => P} (a CipherSuite with those four fields, which is what
// CipherSuites returns, so a list can be filtered and passed back, as
// ssl:filter_cipher_suites/2 results are in OTP) or the old tuple forms
// {KX, C, M} and {KX, C, M, P} (SuiteTuple). Options.CipherSuites holds
// them; Options.Ciphers holds names.

// SuiteTuple is Erlang's tuple form of a suite, {KeyExchange, Cipher,
// MAC} or {KeyExchange, Cipher, MAC, PRF}: for example
// SuiteTuple("ecdhe_rsa", "aes_128_gcm", "aead", "sha256"). Without a PRF
// it is default_prf, as in OTP's three-element tuple.
func SuiteTuple(keyExchange, cipher, mac string, prf ...string) CipherSuite {
	p := "default_prf"
	if len(prf) > 0 {
		p = prf[0]
	}
	return CipherSuite{KeyExchange: keyExchange, Cipher: cipher, MAC: mac, PRF: p}
}

// erlangCiphersGosslLacks are OTP's cipher atoms for bulk ciphers gossl
// does not implement (yet), or not with every key exchange (3DES, DES
// and RC4 have no static DH suites here): a suite naming one that is not
// in the table is not supported rather than invalid.
var erlangCiphersGosslLacks = map[string]bool{
	"3des_ede_cbc": true, "des_cbc": true, "rc4_128": true, "null": true,
}

// resolveCipherSuites compiles Options.CipherSuites: each value names
// one suite by ID, by name (IANA or OpenSSL), or by its Erlang map or
// tuple fields. Fields that are set must all agree with the one suite
// they name.
func resolveCipherSuites(list []CipherSuite) ([]string, error) {
	var names []string
	for _, cs := range list {
		s, err := suiteFor(cs)
		if err != nil {
			return nil, err
		}
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		return nil, badOption("ciphers", "[]", "no cipher suite given")
	}
	return names, nil
}

func suiteFor(cs CipherSuite) (*suites.Suite, error) {
	byErlang := cs.KeyExchange != "" || cs.Cipher != "" || cs.MAC != "" || cs.PRF != ""
	if cs.ID == 0 && cs.Name == "" && cs.OpenSSLName == "" &&
		(cs.KeyExchange == "" || cs.Cipher == "" || cs.MAC == "" || cs.PRF == "") {
		return nil, badOption("ciphers", cs, "a suite needs an ID, a name, or key_exchange, cipher, mac and prf (SuiteTuple makes the tuple form)")
	}
	var found *suites.Suite
	for _, s := range suites.All() {
		p := publicSuite(s)
		if (cs.ID == 0 || cs.ID == p.ID) && (cs.Name == "" || cs.Name == p.Name || cs.Name == p.OpenSSLName) &&
			(cs.OpenSSLName == "" || cs.OpenSSLName == p.OpenSSLName) &&
			(!byErlang || cs.KeyExchange == p.KeyExchange && cs.Cipher == p.Cipher && cs.MAC == p.MAC && cs.PRF == p.PRF) {
			found = s
			break
		}
	}
	switch {
	case found != nil:
		return found, nil
	case erlangCiphersGosslLacks[cs.Cipher] || cs.Name != "" && suites.Planned(cs.Name):
		return nil, notSupportedBecause("ciphers", cs, "a cipher suite gossl does not implement yet")
	}
	return nil, badOption("ciphers", cs, "no such cipher suite (or its fields disagree)")
}
