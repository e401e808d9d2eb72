package wire

// Conventions of this package:
//
//   - Unmarshal is strict: it returns false for trailing bytes, overrunning
//     lengths, vectors shorter or longer than the RFC allows and repeated
//     extension types. It sets Raw to its input, and byte slices of the
//     message alias the input (copy them to keep them past its lifetime).
//   - Where one message type has several layouts, the caller selects the
//     layout by setting a field before Unmarshal, which keeps it:
//     ClientHello.DTLS, Certificate.TLS13, CertificateRequest.TLS13 and
//     HasSignatureAlgorithms, CertificateVerify.HasAlgorithm,
//     NewSessionTicket.TLS13.
//   - A nil or empty slice, "" or false means "absent" unless a separate
//     presence flag exists (SecureRenegotiationValid, SessionTicketExt,
//     KeySharesPresent, PSKSelected). Empty byte slices parse as nil.
//   - Marshal refuses what Unmarshal would refuse, so its output always
//     parses back to an equal value.

// Message is a handshake message body that can be framed with a 4-byte
// handshake header (RFC 5246, Section 7.4) or a 12-byte DTLS one.
//
// Marshal returns the whole message including the 4-byte TLS header
// (type, uint24 length). Unmarshal takes the same bytes, header included,
// and reports false for anything malformed: trailing bytes, lengths out of
// range, empty vectors the RFC forbids, duplicated extensions.
type Message interface {
	Type() uint8
	Marshal() ([]byte, error)
	Unmarshal(b []byte) bool
}

// Extension is one raw extension, kept in order for extensions this package
// does not interpret (and for the RFC 8446 rule that pre_shared_key is last).
type Extension struct {
	Type uint16
	Data []byte
}

// KeyShare is one KeyShareEntry (RFC 8446, Section 4.2.8).
type KeyShare struct {
	Group uint16
	Data  []byte
}

// PSKIdentity is one PskIdentity (RFC 8446, Section 4.2.11).
type PSKIdentity struct {
	Identity            []byte
	ObfuscatedTicketAge uint32
}

// ClientHello (RFC 5246, 7.4.1.2; RFC 8446, 4.1.2). Fields for extensions
// are filled by Unmarshal when the extension is present and are written by
// Marshal when set (a nil slice / false means "absent"). Extensions this
// package does not know are kept in Unknown, in order.
type ClientHello struct {
	Version            uint16 // legacy_version
	Random             []byte // 32 bytes
	SessionID          []byte // 0..32 bytes
	Cookie             []byte // DTLS only (RFC 6347, 4.2.1); Marshal writes it when DTLS is true
	DTLS               bool
	CipherSuites       []uint16
	CompressionMethods []uint8

	ServerName string // server_name, host_name type (RFC 6066, 3)
	// ServerNameInvalid says why a well-formed server_name extension is
	// to be refused with illegal_parameter ("" if it is not): two
	// host_names, or one that is not an ASCII host name (parseServerNameList).
	ServerNameInvalid        string
	SupportedGroups          []uint16 // RFC 8422 / RFC 8446
	ECPointFormats           []uint8  // RFC 8422, 5.1.2
	SignatureAlgorithms      []uint16 // RFC 5246 7.4.1.4.1 / RFC 8446 4.2.3
	SignatureAlgorithmsCert  []uint16
	ALPNProtocols            []string // RFC 7301
	ExtendedMasterSecret     bool     // RFC 7627
	EncryptThenMAC           bool     // RFC 7366
	SecureRenegotiation      []byte   // renegotiation_info body (RFC 5746)
	SecureRenegotiationValid bool     // renegotiation_info extension present
	SessionTicketExt         bool     // session_ticket extension present (RFC 5077)
	SessionTicket            []byte
	NextProtoNeg             bool     // next_protocol_negotiation present (empty)
	StatusRequest            bool     // status_request present
	SupportedVersions        []uint16 // RFC 8446, 4.2.1
	KeyShares                []KeyShare
	KeySharesPresent         bool
	PSKModes                 []uint8
	EarlyData                bool
	TLS13Cookie              []byte // cookie extension (RFC 8446, 4.2.2)
	SRPIdentity              []byte // RFC 5054, 2.8.1
	CertificateAuthorities   [][]byte
	Limits                   RecordLimits // max_fragment_length, record_size_limit
	PSKIdentities            []PSKIdentity
	PSKBinders               [][]byte
	Unknown                  []Extension

	// Raw is the whole message as received (header included); set by Unmarshal.
	Raw []byte
}

// ServerHello (RFC 5246, 7.4.1.3; RFC 8446, 4.1.3). Also used for the
// HelloRetryRequest, which is a ServerHello with a special Random.
type ServerHello struct {
	Version           uint16
	Random            []byte
	SessionID         []byte
	CipherSuite       uint16
	CompressionMethod uint8

	ExtendedMasterSecret     bool
	EncryptThenMAC           bool
	SecureRenegotiation      []byte
	SecureRenegotiationValid bool
	SessionTicketExt         bool // empty session_ticket extension: a ticket will follow
	ALPNProtocol             string
	NextProtoNeg             bool
	NextProtos               []string
	ECPointFormats           []uint8
	ServerNameAck            bool // empty server_name extension
	StatusRequest            bool
	SupportedVersion         uint16 // 0 when absent
	KeyShare                 KeyShare
	SelectedGroup            uint16 // HelloRetryRequest key_share
	TLS13Cookie              []byte
	PSKIdentity              uint16
	PSKSelected              bool
	Limits                   RecordLimits // TLS 1.2: max_fragment_length, record_size_limit
	Unknown                  []Extension

	Raw []byte
}

// CertificateEntry is one certificate of a Certificate message; Extensions
// is used only in TLS 1.3 (RFC 8446, 4.4.2).
type CertificateEntry struct {
	Data       []byte
	Extensions []Extension
}

// Certificate (RFC 5246, 7.4.2; RFC 8446, 4.4.2). TLS13 selects the 1.3
// layout (request context and per-entry extensions).
type Certificate struct {
	TLS13   bool
	Context []byte
	Entries []CertificateEntry
	Raw     []byte
}

// ServerKeyExchange carries the key-exchange parameters and signature
// opaquely: their layout depends on the key exchange (RFC 5246, 7.4.3), so
// the kx package parses Params. Key is everything after the header.
type ServerKeyExchange struct {
	Key []byte
	Raw []byte
}

// CertificateRequest (RFC 5246, 7.4.4 for TLS 1.0-1.2: certificate types,
// signature algorithms from TLS 1.2 on, CA distinguished names; RFC 8446,
// 4.3.2 for TLS 1.3: context and extensions).
type CertificateRequest struct {
	TLS13                   bool
	HasSignatureAlgorithms  bool // TLS 1.2: the field is present
	CertificateTypes        []uint8
	SignatureAlgorithms     []uint16
	SignatureAlgorithmsCert []uint16
	CertificateAuthorities  [][]byte // DER distinguished names
	Context                 []byte
	Unknown                 []Extension
	Raw                     []byte
}

// ServerHelloDone (RFC 5246, 7.4.5): empty.
type ServerHelloDone struct{ Raw []byte }

// ClientKeyExchange carries exchange keys opaquely (RFC 5246, 7.4.7): the
// layout depends on the key exchange, so the kx package parses Key.
type ClientKeyExchange struct {
	Key []byte
	Raw []byte
}

// CertificateVerify (RFC 5246, 7.4.8; RFC 8446, 4.4.3). HasAlgorithm is true
// for TLS 1.2 and 1.3, false for TLS 1.0/1.1 (no algorithm field).
type CertificateVerify struct {
	HasAlgorithm bool
	Algorithm    uint16
	Signature    []byte
	Raw          []byte
}

// Finished (RFC 5246, 7.4.9).
type Finished struct {
	VerifyData []byte
	Raw        []byte
}

// HelloRequest (RFC 5246, 7.4.1.1): empty.
type HelloRequest struct{ Raw []byte }

// NewSessionTicket: TLS 1.2 (RFC 5077, 3.3) or TLS 1.3 (RFC 8446, 4.6.1).
type NewSessionTicket struct {
	TLS13        bool
	LifetimeHint uint32
	AgeAdd       uint32
	Nonce        []byte
	Ticket       []byte
	MaxEarlyData uint32      // early_data extension, 0 when absent
	Unknown      []Extension // other TLS 1.3 ticket extensions, in order
	Raw          []byte
}

// EncryptedExtensions (RFC 8446, 4.3.1).
type EncryptedExtensions struct {
	ALPNProtocol    string
	ServerNameAck   bool
	EarlyData       bool
	SupportedGroups []uint16
	Limits          RecordLimits
	Unknown         []Extension
	Raw             []byte
}

// KeyUpdate (RFC 8446, 4.6.3).
type KeyUpdate struct {
	UpdateRequested bool
	Raw             []byte
}

// NextProtocol (draft-agl-tls-nextprotoneg-04).
type NextProtocol struct {
	Protocol string
	Raw      []byte
}
