package kx

// TLS 1.3 CertificateVerify (RFC 8446, 4.4.3). Sign and Verify do the
// signing; this file builds what is signed and says which schemes TLS 1.3
// allows.

// Context strings of RFC 8446, 4.4.3.
const (
	serverCVContext = "TLS 1.3, server CertificateVerify"
	clientCVContext = "TLS 1.3, client CertificateVerify"
)

// TLS13SignedContent returns the content a TLS 1.3 CertificateVerify
// signs (RFC 8446, 4.4.3):
//
//	64 × 0x20 ‖ context string ‖ 0x00 ‖ Transcript-Hash(Handshake Context, Certificate)
//
// with context string "TLS 1.3, server CertificateVerify" when server is
// true and "TLS 1.3, client CertificateVerify" otherwise. Pass it as msg to
// Sign or Verify with version TLS 1.3, which hash it with the scheme's
// hash.
func TLS13SignedContent(server bool, transcriptHash []byte) []byte {
	ctx := clientCVContext
	if server {
		ctx = serverCVContext
	}
	out := make([]byte, 64, 64+len(ctx)+1+len(transcriptHash))
	for i := range out {
		out[i] = 0x20
	}
	out = append(out, ctx...)
	out = append(out, 0)
	return append(out, transcriptHash...)
}

// SchemeAllowedIn13 reports whether signature scheme s may be used in a
// TLS 1.3 CertificateVerify (RFC 8446, 4.2.3): RSASSA-PSS, ECDSA with its
// curve-bound hash, EdDSA; not PKCS #1 v1.5, SHA-1 or SHA-224 schemes,
// which may still appear in signature_algorithms_cert for certificates.
func SchemeAllowedIn13(s uint16) bool {
	info, ok := schemes[s]
	return ok && info.tls13
}

// SchemeAllowedIn12 reports whether s may be offered or used in TLS 1.2:
// every scheme but those RFC 8734 defines for TLS 1.3 alone (ECDSA on
// the brainpool curves, which TLS 1.2 signs with the ecdsa_* code points
// that name only the hash).
func SchemeAllowedIn12(s uint16) bool {
	info, ok := schemes[s]
	return ok && info.ecCurve == ""
}

// DefaultSignatureSchemes13 returns DefaultSignatureSchemes without the
// entries TLS 1.3 forbids, in the same order: what a TLS 1.3-only peer
// sends in signature_algorithms. A peer offering TLS 1.2 too sends the
// full list, and the TLS 1.3 side filters with SchemeAllowedIn13. The
// caller owns the returned slice.
func DefaultSignatureSchemes13() []uint16 {
	var out []uint16
	for _, s := range defaultSchemes {
		if SchemeAllowedIn13(s) {
			out = append(out, s)
		}
	}
	return out
}
