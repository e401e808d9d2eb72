package suites

import "strings"

// Planned reports whether name, which ByName does not know, is the name of
// a real cipher suite that gossl does not implement yet: one with a key
// exchange (DHE, static DH/ECDH, anonymous, PSK, SRP) or a bulk cipher
// (3DES, DES, RC4, Camellia, ARIA, SEED, IDEA, NULL) missing from the
// table. The ciphers option refuses such a name as not
// supported yet, and any other unknown name as invalid.
//
// A name is recognised by its grammar, in the IANA spelling
// (TLS_<kx>_WITH_<cipher>_<mac>, RFC 5246, Appendix A.5, and the IANA
// registry) or the OpenSSL one (DHE-RSA-AES128-GCM-SHA256), so that the
// whole registry need not be listed here.
func Planned(name string) bool {
	if ByName(name) != nil {
		return false
	}
	if rest, ok := cutPrefixAny(name, "TLS_", "SSL_"); ok {
		return plannedIANA(rest)
	}
	return plannedOpenSSL(name)
}

func cutPrefixAny(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if r, ok := strings.CutPrefix(s, p); ok {
			return r, true
		}
	}
	return s, false
}

// ianaKX are the key-exchange parts of the IANA suite names.
var ianaKX = map[string]bool{
	"RSA": true, "RSA_EXPORT": true, "DH_DSS": true, "DH_RSA": true, "DHE_DSS": true, "DHE_RSA": true,
	"DH_anon": true, "ECDH_ECDSA": true, "ECDH_RSA": true, "ECDHE_ECDSA": true, "ECDHE_RSA": true,
	"ECDH_anon": true, "PSK": true, "DHE_PSK": true, "RSA_PSK": true, "ECDHE_PSK": true,
	"SRP_SHA": true, "SRP_SHA_RSA": true, "SRP_SHA_DSS": true,
}

// ianaCipher are the bulk-cipher parts of the IANA suite names.
var ianaCipher = map[string]bool{
	"NULL": true, "RC4_128": true, "RC4_40": true, "DES_CBC": true, "DES40_CBC": true, "3DES_EDE_CBC": true,
	"IDEA_CBC": true, "SEED_CBC": true, "AES_128_CBC": true, "AES_256_CBC": true, "AES_128_GCM": true,
	"AES_256_GCM": true, "AES_128_CCM": true, "AES_256_CCM": true, "AES_128_CCM_8": true, "AES_256_CCM_8": true,
	"CHACHA20_POLY1305": true, "CAMELLIA_128_CBC": true, "CAMELLIA_256_CBC": true, "CAMELLIA_128_GCM": true,
	"CAMELLIA_256_GCM": true, "ARIA_128_CBC": true, "ARIA_256_CBC": true, "ARIA_128_GCM": true, "ARIA_256_GCM": true,
}

var ianaMAC = map[string]bool{"MD5": true, "SHA": true, "SHA256": true, "SHA384": true}

// plannedIANA checks <kx>_WITH_<cipher>[_<mac>]; the CCM suites have no
// MAC part (RFC 6655).
func plannedIANA(rest string) bool {
	kx, cm, ok := strings.Cut(rest, "_WITH_")
	if !ok || !ianaKX[kx] {
		return false
	}
	if ianaCipher[cm] && strings.Contains(cm, "CCM") {
		return true
	}
	i := strings.LastIndexByte(cm, '_')
	return i > 0 && ianaCipher[cm[:i]] && ianaMAC[cm[i+1:]]
}

// openSSLWords are the words of OpenSSL suite names, by role.
var (
	openSSLKX = map[string]bool{
		"DHE": true, "EDH": true, "ADH": true, "AECDH": true, "ECDH": true, "ECDHE": true, "RSA": true,
		"DSS": true, "ECDSA": true, "PSK": true, "SRP": true, "EXP": true,
	}
	openSSLCipher = map[string]bool{
		"AES": true, "AES128": true, "AES256": true, "128": true, "256": true, "CBC": true, "CBC3": true,
		"GCM": true, "CCM": true, "CCM8": true, "CHACHA20": true, "POLY1305": true, "DES": true, "RC4": true,
		"CAMELLIA128": true, "CAMELLIA256": true, "ARIA128": true, "ARIA256": true, "SEED": true, "IDEA": true,
		"NULL": true, "3DES": true, "EDE": true, // SRP-3DES-EDE-CBC-SHA
	}
	// openSSLLast are the words an OpenSSL suite name ends with: its MAC,
	// or the AEAD that has none.
	openSSLLast = map[string]bool{
		"MD5": true, "SHA": true, "SHA256": true, "SHA384": true, "POLY1305": true, "CCM": true, "CCM8": true,
	}
)

// plannedOpenSSL checks an OpenSSL-style name: key-exchange words, then
// cipher words, ending with a MAC or an AEAD word.
func plannedOpenSSL(name string) bool {
	words := strings.Split(name, "-")
	if len(words) < 2 || !openSSLLast[words[len(words)-1]] {
		return false
	}
	i := 0
	for i < len(words)-1 && openSSLKX[words[i]] {
		i++
	}
	cipher := false
	for ; i < len(words)-1; i++ {
		if !openSSLCipher[words[i]] {
			return false
		}
		cipher = true
	}
	return cipher
}
