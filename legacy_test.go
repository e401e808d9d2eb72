package ssl

// legacyCipher reports whether cs uses a legacy cipher or MAC (3DES,
// DES, RC4, HMAC-MD5), which the OpenSSL and Go crypto/tls peers here do
// not have compiled in or enabled: the every-suite tests against them
// leave these suites to the Erlang/OTP tests (interop_legacy_test.go).
func legacyCipher(cs CipherSuite) bool {
	switch cs.Cipher {
	case "3des_ede_cbc", "des_cbc", "rc4_128":
		return true
	}
	return cs.MAC == "md5"
}
