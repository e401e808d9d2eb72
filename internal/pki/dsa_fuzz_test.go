package pki

import (
	//lint:ignore SA1019 DSA keys for the DHE_DSS and SRP_SHA_DSS suites (RFC 5246, RFC 5054): legacy, used only when asked for
	"crypto/dsa" //nolint:staticcheck // the key type VerifyDSA takes
	"crypto/sha256"
	"errors"
	"testing"
)

// FuzzVerifyDSA feeds arbitrary bytes to VerifyDSA's signature parser
// (seeds in testdata/fuzz/FuzzVerifyDSA: a well-formed signature, r = 0,
// trailing data, a truncated sequence). Nothing random verifies; every
// failure is one of the documented errors.
func FuzzVerifyDSA(f *testing.F) {
	params := testDSAParams(f, "2048")
	pub := &dsa.PublicKey{Parameters: params, Y: params.G}
	digest := sha256.Sum256([]byte("fuzz"))
	f.Fuzz(func(t *testing.T, sig []byte) {
		err := VerifyDSA(pub, digest[:], sig)
		switch {
		case err == nil:
			t.Fatal("a fuzzed signature verified")
		case errors.Is(err, ErrDSASignatureEncoding), errors.Is(err, ErrDSASignatureRange), errors.Is(err, ErrDSABadSignature):
		default:
			t.Fatalf("unexpected error %v", err)
		}
	})
}
