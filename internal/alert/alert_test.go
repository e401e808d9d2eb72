package alert

import "testing"

// TestForSSL30: every alert sent on an SSL 3.0 connection is one RFC
// 6101, 5.4.2 defines (or RFC 7507's inappropriate_fallback).
func TestForSSL30(t *testing.T) {
	ssl3 := map[Description]bool{CloseNotify: true, UnexpectedMessage: true, BadRecordMAC: true,
		DecompressionFailure: true, HandshakeFailure: true, NoCertificate: true, BadCertificate: true,
		UnsupportedCertificate: true, CertificateRevoked: true, CertificateExpired: true,
		CertificateUnknown: true, IllegalParameter: true, InappropriateFallback: true}
	for d := 0; d < 256; d++ {
		got := ForSSL30(Description(d))
		if !ssl3[got] {
			t.Errorf("%d becomes %d, not an SSL 3.0 alert", d, got)
		}
		if ssl3[Description(d)] && got != Description(d) {
			t.Errorf("SSL 3.0 alert %d changed to %d", d, got)
		}
	}
	for d, want := range map[Description]Description{DecryptError: HandshakeFailure, UnknownCA: BadCertificate,
		RecordOverflow: BadRecordMAC, ProtocolVersion: HandshakeFailure, InternalError: HandshakeFailure} {
		if got := ForSSL30(d); got != want {
			t.Errorf("%v becomes %v, want %v", d, got, want)
		}
	}
}
