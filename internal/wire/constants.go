// Package wire converts TLS and DTLS handshake messages and extensions to and
// from bytes. It holds no cryptography and no state, and imports nothing of
// gossl's: every other package can depend on it.
package wire

// Protocol versions as they appear on the wire (RFC 5246, Appendix A.1;
// RFC 6347, Section 4.1).
const (
	VersionSSL30  uint16 = 0x0300
	VersionTLS10  uint16 = 0x0301
	VersionTLS11  uint16 = 0x0302
	VersionTLS12  uint16 = 0x0303
	VersionTLS13  uint16 = 0x0304
	VersionDTLS10 uint16 = 0xfeff
	VersionDTLS12 uint16 = 0xfefd
)

// VersionName returns Erlang's atom for a protocol version.
func VersionName(v uint16) string {
	switch v {
	case VersionSSL30:
		return "sslv3"
	case VersionTLS10:
		return "tlsv1"
	case VersionTLS11:
		return "tlsv1.1"
	case VersionTLS12:
		return "tlsv1.2"
	case VersionTLS13:
		return "tlsv1.3"
	case VersionDTLS10:
		return "dtlsv1"
	case VersionDTLS12:
		return "dtlsv1.2"
	}
	return "unknown"
}

// Record content types (RFC 5246, Section 6.2.1).
const (
	TypeChangeCipherSpec uint8 = 20
	TypeAlert            uint8 = 21
	TypeHandshake        uint8 = 22
	TypeApplicationData  uint8 = 23
)

// Handshake message types (RFC 5246, Section 7.4; RFC 8446, Section 4).
const (
	TypeHelloRequest        uint8 = 0
	TypeClientHello         uint8 = 1
	TypeServerHello         uint8 = 2
	TypeHelloVerifyRequest  uint8 = 3
	TypeNewSessionTicket    uint8 = 4
	TypeEndOfEarlyData      uint8 = 5
	TypeEncryptedExtensions uint8 = 8
	TypeCertificate         uint8 = 11
	TypeServerKeyExchange   uint8 = 12
	TypeCertificateRequest  uint8 = 13
	TypeServerHelloDone     uint8 = 14
	TypeCertificateVerify   uint8 = 15
	TypeClientKeyExchange   uint8 = 16
	TypeFinished            uint8 = 20
	TypeCertificateStatus   uint8 = 22
	TypeKeyUpdate           uint8 = 24
	TypeNextProtocol        uint8 = 67
	TypeMessageHash         uint8 = 254
)

// Extension types (IANA "TLS ExtensionType Values").
const (
	ExtServerName              uint16 = 0
	ExtMaxFragmentLength       uint16 = 1
	ExtStatusRequest           uint16 = 5
	ExtSupportedGroups         uint16 = 10
	ExtECPointFormats          uint16 = 11
	ExtSRP                     uint16 = 12
	ExtSignatureAlgorithms     uint16 = 13
	ExtALPN                    uint16 = 16
	ExtSCT                     uint16 = 18
	ExtEncryptThenMAC          uint16 = 22
	ExtExtendedMasterSecret    uint16 = 23
	ExtRecordSizeLimit         uint16 = 28
	ExtSessionTicket           uint16 = 35
	ExtPreSharedKey            uint16 = 41
	ExtEarlyData               uint16 = 42
	ExtSupportedVersions       uint16 = 43
	ExtCookie                  uint16 = 44
	ExtPSKModes                uint16 = 45
	ExtCertificateAuthorities  uint16 = 47
	ExtSignatureAlgorithmsCert uint16 = 50
	ExtKeyShare                uint16 = 51
	ExtNextProtoNeg            uint16 = 13172
	ExtRenegotiationInfo       uint16 = 0xff01
)

// Signaling cipher suite values.
const (
	// RFC 5746, Section 3.3.
	SCSVRenegotiation uint16 = 0x00ff
	// RFC 7507, Section 2.
	SCSVFallback uint16 = 0x5600
)

// Named groups (RFC 8446, Section 4.2.7; RFC 7919; draft-ietf-tls-ecdhe-mlkem).
const (
	GroupSecp256r1      uint16 = 23
	GroupSecp384r1      uint16 = 24
	GroupSecp521r1      uint16 = 25
	GroupX25519         uint16 = 29
	GroupX448           uint16 = 30
	GroupFFDHE2048      uint16 = 256
	GroupFFDHE3072      uint16 = 257
	GroupX25519MLKEM768 uint16 = 0x11ec
)

// Signature schemes (RFC 8446, Section 4.2.3). In TLS 1.2 the high byte is
// the hash and the low byte the signature algorithm (RFC 5246, 7.4.1.4.1).
const (
	SigRSAPKCS1SHA1     uint16 = 0x0201
	SigECDSASHA1        uint16 = 0x0203
	SigDSASHA1          uint16 = 0x0202
	SigDSASHA224        uint16 = 0x0302
	SigDSASHA256        uint16 = 0x0402
	SigDSASHA384        uint16 = 0x0502
	SigDSASHA512        uint16 = 0x0602
	SigRSAPKCS1SHA224   uint16 = 0x0301
	SigECDSASHA224      uint16 = 0x0303
	SigRSAPKCS1SHA256   uint16 = 0x0401
	SigECDSAP256SHA256  uint16 = 0x0403
	SigRSAPKCS1SHA384   uint16 = 0x0501
	SigECDSAP384SHA384  uint16 = 0x0503
	SigRSAPKCS1SHA512   uint16 = 0x0601
	SigECDSAP521SHA512  uint16 = 0x0603
	SigRSAPSSRSAESHA256 uint16 = 0x0804
	SigRSAPSSRSAESHA384 uint16 = 0x0805
	SigRSAPSSRSAESHA512 uint16 = 0x0806
	SigEd25519          uint16 = 0x0807
	SigEd448            uint16 = 0x0808
	SigRSAPSSPSSSHA256  uint16 = 0x0809
	SigRSAPSSPSSSHA384  uint16 = 0x080a
	SigRSAPSSPSSSHA512  uint16 = 0x080b
)

// ClientCertificateType values for CertificateRequest (RFC 5246, 7.4.4).
const (
	CertTypeRSASign   uint8 = 1
	CertTypeDSSSign   uint8 = 2
	CertTypeECDSASign uint8 = 64
)

// ECCurveType for ServerECDHParams (RFC 8422, Section 5.4).
const CurveTypeNamed uint8 = 3

// Limits.
const (
	// MaxPlaintext is the largest TLSPlaintext.fragment (RFC 5246, 6.2.1).
	MaxPlaintext = 1 << 14
	// MaxCiphertext is the largest TLSCiphertext.fragment (RFC 5246, 6.2.3).
	MaxCiphertext = MaxPlaintext + 2048
	// DefaultMaxHandshakeSize is OTP's max_handshake_size default.
	DefaultMaxHandshakeSize = 256 * 1024
)
