package ssl

import (
	"crypto"
	"io"
	"log/slog"
	"net"
	"time"
)

// VerifyType is the verify option: whether a peer's certificate is checked.
type VerifyType string

const (
	VerifyNone VerifyType = "verify_none"
	VerifyPeer VerifyType = "verify_peer"
)

// Version is a protocol version by its Erlang name.
type Version string

const (
	SSLv3    Version = "sslv3"
	TLSv1    Version = "tlsv1"
	TLSv1_1  Version = "tlsv1.1"
	TLSv1_2  Version = "tlsv1.2"
	TLSv1_3  Version = "tlsv1.3"
	DTLSv1   Version = "dtlsv1"
	DTLSv1_2 Version = "dtlsv1.2"
)

// KeyDER is Erlang's {KeyType, DER} form of the key option. Type is
// "RSAPrivateKey", "ECPrivateKey" or "PrivateKeyInfo".
type KeyDER struct {
	Type string
	DER  []byte
}

// Options holds every option of Erlang's ssl:connect/listen/handshake, the
// ssl options and the socket options (gen_tcp/inet) alike. The zero value
// is the safe default of current OTP: TLS 1.3 and 1.2, the default
// suites, and a client that verifies the server.
//
// Each field's comment gives the Erlang option. Options that gossl does not
// implement yet are listed in docs/FEATURES.md and docs/ERLANG.md; setting one makes Connect, Listen
// and Handshake fail with an *OptionError whose NotSupported is true,
// instead of silently ignoring it.
type Options struct {
	// ---- Protocol, versions, algorithms ----

	// Protocol is {protocol, tls | dtls}; "" means "tls". With "dtls",
	// Connect and Listen use UDP and Versions takes dtlsv1.2 (the
	// default) and dtlsv1.
	Protocol string
	// DTLSMTU is the largest datagram a DTLS socket sends: records and
	// handshake fragments are cut to fit (RFC 6347, Section 4.1.1). 0
	// means DefaultDTLSMTU (1400). gossl's own option; OTP has none.
	DTLSMTU int
	// DTLSRetransmitTimeout is the first period of the DTLS handshake's
	// retransmission timer, which doubles at each expiry up to 60 s (RFC
	// 6347, Section 4.2.4.1). 0 means 1 s. gossl's own option.
	DTLSRetransmitTimeout time.Duration
	// UseSRTP is {use_srtp, #{protection_profiles := [...], mki => ...}}
	// (OTP 26's option; OTP 25 has none): the use_srtp extension of RFC
	// 5764, DTLS only. The negotiated profile is connection_information's
	// srtp_protection_profile; the SRTP keys are ExportKeyMaterials with
	// the label "EXTRACTOR-dtls_srtp" (see SRTPKeyingMaterialLength).
	UseSRTP *SRTPOptions
	// DTLSConnectionID negotiates connection IDs (RFC 9146, DTLS 1.2
	// only): the length of the CID this side asks the peer to put in its
	// records, 0 up to 32 bytes (0: send the peer's CID, ask for none).
	// A server routes a record with its CID to the association even from
	// a new client address, which the association then adopts once the
	// record authenticates. nil: not negotiated. gossl's own; OTP has
	// none.
	DTLSConnectionID *int
	// Versions is {versions, [protocol()]}; nil means the defaults
	// (tlsv1.3 and tlsv1.2, Versions().Supported). tlsv1 and tlsv1.1
	// work when listed.
	Versions []Version
	// Ciphers is {ciphers, ...}: suite names, IANA
	// ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") or OpenSSL
	// ("ECDHE-RSA-AES128-GCM-SHA256"), in preference order. nil means
	// the default suites; RSA key exchange is only used when listed.
	Ciphers []string
	// CipherSuites is {ciphers, ...} in Erlang's other forms, as typed
	// values: the map form (a CipherSuite with KeyExchange, Cipher, MAC
	// and PRF set, as CipherSuites returns them) or the tuple form
	// (SuiteTuple); a CipherSuite may also name its suite by ID or Name.
	// It is exclusive with Ciphers.
	CipherSuites []CipherSuite
	// Eccs is {eccs, [named_curve()]}: the groups for ECDHE, in
	// preference order (x25519, secp256r1, secp384r1, secp521r1).
	Eccs []string
	// SupportedGroups is {supported_groups, ...}: the TLS 1.3 groups in
	// preference order (x25519mlkem768, x25519, secp256r1, secp384r1,
	// secp521r1 by default). A client sends key shares for the first two.
	// The RFC 7919 groups ffdhe2048 … ffdhe8192 are never a default (an
	// exponentiation costs far more than a curve operation) but may be
	// listed; when some are, they are also the groups of TLS 1.2 DHE,
	// which otherwise uses all five.
	SupportedGroups []string
	// MiddleboxCompatMode is {middlebox_comp_mode, Bool}; nil means true
	// (RFC 8446, Appendix D.4).
	MiddleboxCompatMode *bool
	// SignatureAlgs is {signature_algs, ...}: signature schemes by name
	// ("rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256", "ed25519") or as
	// Erlang's TLS 1.2 {Hash, Sign} pairs written "sha256+rsa".
	SignatureAlgs []string
	// SignatureAlgsCert is {signature_algs_cert, ...} (RFC 8446, 4.2.3):
	// the signature schemes accepted in certificates, names as in
	// SignatureAlgs. Sent as signature_algorithms_cert (in the
	// ClientHello, and in a TLS 1.3 CertificateRequest); the peer's chain
	// must then be signed with them (bad_certificate otherwise). Unset:
	// no extension, and signature_algs alone governs.
	SignatureAlgsCert []string
	// HonorCipherOrder is {honor_cipher_order, true}: a server picks by
	// its own preference.
	HonorCipherOrder bool
	// HonorECCOrder is {honor_ecc_order, true}.
	HonorECCOrder bool

	// ---- Certificates and keys ----

	// Cert is {cert, DER | [DER]}: the certificate chain, leaf first.
	Cert [][]byte
	// CertFile is {certfile, Path}: PEM certificates, leaf first.
	CertFile string
	// Key is the private key as a Go crypto.Signer (the Go counterpart of
	// {key, ...}); KeyDER is Erlang's DER form. Either overrides KeyFile.
	Key    crypto.Signer
	KeyDER *KeyDER
	// KeyFile is {keyfile, Path}: a PEM private key (PKCS#1, PKCS#8 or
	// SEC1). Defaults to CertFile.
	KeyFile string
	// CertsKeys is OTP 25's {certs_keys, [#{cert, key, certfile,
	// keyfile, password}]}: further certificate chains with their keys,
	// after the one of Cert/Key. A server picks the first that fits the
	// suite and the client's signature algorithms; a client the first
	// the server's CertificateRequest accepts, preferring one issued
	// under a CA it names.
	CertsKeys []CertKeyPair
	// Password is {password, String} for an encrypted key file.
	Password string
	// CACerts is {cacerts, [DER]}: trusted certificates.
	CACerts [][]byte
	// CACertFile is {cacertfile, Path}.
	CACertFile string
	// DH and DHFile are {dh, DER} and {dhfile, Path}: a server's group
	// for DHE suites, PKCS #3 DER or a PEM "DH PARAMETERS" file (what
	// openssl dhparam writes): an odd prime of 1024 to 8192 bits and a
	// generator 1 < g < p−1. Without either a server uses the 2048-bit
	// MODP group of RFC 3526, as OTP 25 does. A client that names ffdhe
	// groups in supported_groups gets one of those instead (RFC 7919).
	DH     []byte
	DHFile string
	// DHMinBits is the smallest DHE prime a client accepts from a server
	// (insufficient_security below it); 0 means 2048. OTP has no such
	// option. 1024 to 8192; a server's prime above 8192 bits is always
	// refused.
	DHMinBits int

	// ---- Verification ----

	// Verify is {verify, verify_none | verify_peer}. "" means verify_peer
	// for a client (current OTP) and verify_none for a server.
	Verify VerifyType
	// VerifyFun is {verify_fun, {Fun, State}}: see VerifyFun. nil means
	// DefaultVerifyPeerFun with verify_peer; with verify_none a client
	// still validates the server's chain when VerifyFun is set, and the
	// fun decides.
	VerifyFun *VerifyFun
	// FailIfNoPeerCert is {fail_if_no_peer_cert, Bool}; nil means true
	// for a server with verify_peer (current OTP).
	FailIfNoPeerCert *bool
	// Depth is {depth, N}: the most non-self-issued intermediates between
	// the peer and the trust anchor; nil means 10 (current OTP).
	Depth *int
	// PartialChain is {partial_chain, Fun}: called with the peer's chain
	// (DER, peer first) when no trust anchor is found for it; returning
	// one of its certificates and true ({trusted_ca, DER}) makes it the
	// trust anchor, false is unknown_ca.
	PartialChain func(chain [][]byte) ([]byte, bool)
	// CRLCheck is {crl_check, false | true | peer | best_effort}: check
	// every certificate of the peer's path ("true"), only the peer
	// ("peer"), or every one but accept an undetermined status
	// ("best_effort") against the CRLs of CRLCache. "" means false.
	CRLCheck string
	// CRLCache is {crl_cache, ...}: InternalCRLCache (nil means
	// InternalCRLCache(0): the CRLs given to CRLCacheInsert) or
	// HashDirCRLCache(dir).
	CRLCache CRLCache
	// Stapling is OTP's {stapling, staple | no_staple} (stapling.go);
	// "" means no_staple. A client with staple asks for the server's
	// OCSP response (status_request) and checks it during the validation
	// of the server's chain, reporting any status but good to verify_fun
	// (stapling_verify.go); the ocsp_status item says what it read. A
	// server with staple fetches the response of each certificate that
	// has no OCSPResponse from the certificate's OCSP responder, and
	// refreshes it before its nextUpdate; OTP's server has no stapling.
	// OTP's map form (#{ocsp_nonce => Bool}) has no counterpart: gossl
	// sends no nonce.
	Stapling string
	// OCSPResponse is a server's DER OCSP response about the Cert /
	// CertFile certificate, stapled for clients that ask (RFC 6066,
	// Section 8); not an OTP option. It must be about the certificate
	// and check out against its issuer when the chain holds it; it is no
	// longer stapled once past its nextUpdate.
	OCSPResponse []byte
	// ServerNameIndication is {server_name_indication, Host | disable}.
	// A client sends it as SNI and checks the certificate against it;
	// "disable" sends none and skips the hostname check. "" means the
	// host given to Connect, when it is a name.
	ServerNameIndication string
	// CustomizeHostnameCheck is OTP's {customize_hostname_check,
	// [{match_fun, Fun}]}: called with the reference host (lower-cased)
	// and each identifier the server's certificate presents; the check
	// passes when one pair is HostnameMatchYes, or HostnameMatchDefault
	// and matched by the built-in rules.
	CustomizeHostnameCheck func(reference string, presented PresentedID) HostnameMatch

	// ---- Sessions and renegotiation ----

	// ReuseSessions is {reuse_sessions, Bool} for TLS 1.0–1.2 (RFC 5246,
	// 7.3); nil means true. A client keeps its sessions (session IDs and
	// RFC 5077 tickets) per server and offers them again; a server keeps
	// sessions in its SessionStore. False: a client keeps and offers
	// nothing, a server keeps nothing (its TLS 1.2 tickets still go out
	// unless session_tickets is disabled).
	ReuseSessions *bool
	// ReuseSessionsSave is a client's {reuse_sessions, save}: do a full
	// handshake and keep the session (see Socket.SessionData) without
	// offering a cached one.
	ReuseSessionsSave bool
	// ReuseSession is the server's {reuse_session, Fun}: asked (session
	// ID, the client's DER certificate or nil, compression 0, the suite's
	// IANA name) before a session is resumed; false means a full
	// handshake.
	ReuseSession func(sessionID, peerCert []byte, compression int, suite string) bool
	// ReuseSessionID and ReuseSessionData are a client's {reuse_session,
	// Id} or {reuse_session, {Id, Data}}: offer this session (from
	// Socket.SessionData) whatever the cache holds; with only an ID, the
	// cached session of that ID.
	ReuseSessionID   []byte
	ReuseSessionData []byte
	// SessionStore is the server's session cache (see SessionStore);
	// nil means the process's in-memory cache.
	SessionStore SessionStore
	// SessionCacheServerMax is OTP's session_cache_server_max: with a
	// value, the listener gets its own in-memory cache of that many
	// sessions; 0 means the shared cache of 3000.
	SessionCacheServerMax int
	// SessionLifetime is OTP's session_lifetime: how long a TLS 1.0–1.2
	// session (and a TLS 1.2 ticket) may be resumed; 0 means 7200 s.
	SessionLifetime time.Duration
	// SecureRenegotiate is {secure_renegotiate, Bool}; nil means true
	// (current OTP). As in OTP, a peer without RFC 5746 support still
	// connects; true refuses only a renegotiation of such a connection
	// (either side's), false allows it as legacy, insecure renegotiation.
	SecureRenegotiate *bool
	// ClientRenegotiation is a server's {client_renegotiation, Bool}; nil
	// means true (OTP's default): a client may renegotiate (RFC 5746), at
	// most 3 times a minute (a DoS guard); more, or any with false, get a
	// no_renegotiation warning. Socket.Renegotiate works from either side.
	ClientRenegotiation *bool

	// ---- Extensions ----

	// ALPNAdvertisedProtocols (client) and ALPNPreferredProtocols (server)
	// are {alpn_advertised_protocols, ...} / {alpn_preferred_protocols,
	// ...} (RFC 7301). A server with no protocol in common fails the
	// handshake with no_application_protocol.
	ALPNAdvertisedProtocols []string
	ALPNPreferredProtocols  []string
	// NextProtocolsAdvertised is a server's {next_protocols_advertised,
	// Protocols}: Next Protocol Negotiation (NPN, TLS 1.0–1.2), the
	// protocols offered to a client that asks; the client may choose
	// another. NegotiatedProtocol reports the client's choice. ALPN, when
	// it agrees on a protocol, wins and NPN is not answered.
	NextProtocolsAdvertised []string
	// ClientPreferredNextProtocols is a client's
	// {client_preferred_next_protocols, {Precedence, ClientPrefs}} or
	// {..., Default}: offer NPN and choose with it (see
	// NextProtocolPreference).
	ClientPreferredNextProtocols *NextProtocolPreference
	// MaxFragmentLength is a client's {max_fragment_length, 512 | 1024 |
	// 2048 | 4096} (RFC 6066, Section 4; OTP 22+): records of at most
	// that many bytes of plaintext, both ways, if the server agrees. 0
	// asks nothing (OTP's undefined). A server always agrees.
	MaxFragmentLength int
	// RecordSizeLimit (a gossl extension) is the record_size_limit of RFC
	// 8449: the largest record plaintext this side accepts, 64 to 16385
	// (16384 before TLS 1.3). A client sends it when set; a server
	// answers a client's record_size_limit with it, or with the
	// protocol's largest when 0. Each side then keeps to the other's
	// limit; a longer record is record_overflow.
	RecordSizeLimit int
	// CertificateAuthorities is OTP's {certificate_authorities, Bool}
	// (RFC 8446, 4.2.4). A client with true names the subjects of its
	// cacerts in a TLS 1.3 ClientHello, by which a server with several
	// certificates (CertsKeys) chooses one; nil means false. A server
	// names them in its CertificateRequest (every version) unless false;
	// nil means true.
	CertificateAuthorities *bool
	// SNIHosts and SNIFun are the server's per-name options: when a
	// client's SNI names a host, its options are merged over these
	// (certificates, verification, ciphers, ...). They are exclusive.
	SNIHosts map[string]*Options
	SNIFun   func(serverName string) *Options
	// UserLookupFun is {user_lookup_fun, {Fun, UserState}} (see
	// UserLookupFun): a server looks up a client's PSK identity with it,
	// a client the key for the server's identity hint. The PSK suites
	// (psk, ecdhe_psk, rsa_psk; named in Ciphers) are used only with it.
	// A server also finds SRP users with it (srp_anon, srp_rsa).
	UserLookupFun *UserLookupFun
	// PSKIdentity is {psk_identity, Identity}: a client's PSK identity
	// (needed with UserLookupFun), or a server's psk_identity_hint.
	PSKIdentity string
	// PSKKeyExchangeModes (a gossl extension; OTP has no TLS 1.3
	// external PSKs) are the psk_key_exchange_modes of TLS 1.3 external
	// PSKs (RFC 8446, 4.2.9): "psk_dhe_ke" (the PSK with (EC)DHE, forward
	// secret) and "psk_ke" (the PSK alone: no key share is computed, and
	// whoever learns the PSK can read every connection made with it,
	// past and future). A client offers the modes listed; a server
	// accepts them, preferring the first the client offered. nil means
	// psk_dhe_ke only. Needs UserLookupFun; tickets always use
	// psk_dhe_ke.
	PSKKeyExchangeModes []string
	// SRPIdentity is {srp_identity, {User, Password}}: a client's SRP
	// username and password (RFC 5054). The SRP suites (srp_anon,
	// srp_rsa; named in Ciphers) are offered only with it.
	SRPIdentity [2]string

	// ---- Legacy and limits ----

	// Fallback is {fallback, true}: a client retrying with lower versions
	// sends TLS_FALLBACK_SCSV (RFC 7507).
	Fallback bool
	// MaxHandshakeSize is {max_handshake_size, N}; 0 means 256 KiB.
	MaxHandshakeSize int
	// PaddingCheck is {padding_check, Bool}; nil means true. False
	// affects TLS 1.0 CBC records only: their padding bytes are not
	// checked, only the padding length is used, to read what old SSL 3.0
	// era stacks wrote. It makes TLS 1.0 open to POODLE-style attacks.
	PaddingCheck *bool
	// BeastMitigation is {beast_mitigation, one_n_minus_one | zero_n |
	// disabled}; "" means one_n_minus_one.
	BeastMitigation string
	// V2HelloCompatible is a server's {v2_hello_compatible, true}: it
	// accepts an SSL 2.0-format ClientHello that offers TLS (RFC 5246,
	// Appendix E.2), as the first record of a connection, and goes on in
	// TLS 1.0–1.2 without extensions. Default false.
	V2HelloCompatible bool
	// LogAlert is {log_alert, Bool}: nil means true. False turns off the
	// alert reports whatever LogLevel says (OTP's log_alert false, which
	// OTP maps to log_level warning). Reports go to Logger only: with
	// Logger nil the library logs nothing.
	LogAlert *bool
	// LogLevel is {log_level, Level} (current OTP): none, all,
	// emergency, alert, critical, error, warning, notice, info or debug;
	// "" means notice, OTP's default. Alerts are reported at notice;
	// debug adds each handshake message's type and length (never its
	// contents). Levels map onto slog levels as LogLevel(string) says;
	// Logger's handler filters again by its own level.
	LogLevel string
	// HibernateAfter is {hibernate_after, Ms}: after this long without
	// traffic the socket gives its record buffers back to a shared pool
	// and drops its ciphers' state (the keys stay), and takes them again
	// on the next record (docs/SOCKETS.md has the memory saved). It is
	// counted in ticks of 25 ms when under a second, of a quarter of a
	// second otherwise. 0 means never. With ReleaseIdleAfter, the
	// earlier of the two applies.
	HibernateAfter time.Duration
	// ReleaseIdleAfter (a gossl extension) is how long an established
	// connection goes without traffic before it gives back its ciphers'
	// state and record buffers, which the next record takes again (about
	// a microsecond): 0 means one second, negative never. It is counted
	// in ticks of a quarter of a second: the release comes between the
	// time rounded up to a whole tick and one tick after that. With
	// HibernateAfter set, the earlier of the two applies.
	ReleaseIdleAfter time.Duration
	// SessionTickets is {session_tickets, ...} (TLS 1.3 resumption, RFC
	// 8446, 2.2). A server: "stateless" (the default: tickets sealed with
	// rotating keys kept in memory) or "disabled". A client: "auto" (the
	// default: tickets are kept per server and offered on the next
	// connection) or "disabled". A server's "stateful" keeps the ticket
	// state and sends a random ID, which resumes once at most (RFC 8446,
	// 8.1: replayed 0-RTT data finds it gone). A client's "manual" keeps
	// no ticket: each one the server sends is handed to the application
	// ((*Socket).SessionTickets, OTP's {ssl, session_ticket, Ticket}
	// messages), which gives one back in UseTicket to resume.
	SessionTickets string
	// UseTicket is a client's {use_ticket, [Ticket]} (session_tickets
	// manual): tickets to offer, the first one usable for this
	// connection's suites. A ticket is offered again on every Connect
	// that names it; the server decides whether it still resumes (a
	// stateful one resumes it once).
	UseTicket []SessionTicket
	// TicketLifetime is how long a server's tickets are valid; 0 means
	// two hours (the most RFC 8446 allows is seven days).
	TicketLifetime time.Duration
	// EarlyData is a client's {early_data, Data}: sent as TLS 1.3 0-RTT
	// data when a ticket allows it (RFC 8446, 4.2.10). Whether the server
	// took it is ConnectionInformation("early_data"): "accepted", or
	// "rejected" — then the application must send it again.
	EarlyData []byte
	// AcceptEarlyData is a server's {early_data, enabled}: tickets allow
	// 0-RTT data, up to MaxEarlyDataSize bytes (0 means 16 KiB), taken
	// only once per ClientHello (a replay within the ticket-age window is
	// refused) and delivered before the handshake's data. 0-RTT data can
	// be replayed by an attacker across servers that do not share state:
	// accept it only for idempotent requests.
	AcceptEarlyData  bool
	MaxEarlyDataSize int
	// TicketKeys is a server's ticket key ring, shared by a fleet (see
	// TicketKeyRing); nil means the process's own keys.
	TicketKeys *TicketKeyRing
	// AntiReplay is a server's 0-RTT replay check shared by a fleet (see
	// AntiReplay); nil means the process's memory. A server with
	// TicketKeys and AcceptEarlyData needs one.
	AntiReplay AntiReplay

	// KeyUpdateAt is {key_update_at, Bytes}: after this many bytes sent
	// under one TLS 1.3 key, a KeyUpdate switches to the next (RFC 8446,
	// 4.6.3). 0 means only at the AEAD limit (2^24 records, RFC 8446, 5.5).
	KeyUpdateAt int

	// KeepSecrets is {keep_secrets, true}: ConnectionInformation("keylog")
	// returns the connection's secrets as NSS key-log lines.
	KeepSecrets bool
	// KeyLogWriter receives every secret as an NSS key-log line (the
	// SSLKEYLOGFILE format), for Wireshark. Never set it in production.
	KeyLogWriter io.Writer

	// ---- Socket options (gen_tcp / inet) ----

	// IP is {ip, Address}: the local address Listen binds, or Connect
	// binds before dialing; nil means any.
	IP net.IP
	// Active is {active, true | false | once | N}: nil or false is
	// passive (the Go default: Recv and Read), true, "once" (ActiveOnce)
	// or an int N deliver Messages to the socket's owner channel. The
	// typed ActiveMode values (ActiveTrue, ActiveOnce, ActiveN(n), ...)
	// say the same with the compiler's check.
	Active any
	// Mode is {mode, binary | list}: "" or "binary" (the Go default)
	// delivers SSLData.Data as []byte, "list" as SSLData.Text, a string
	// (Erlang's list of bytes). Recv returns []byte in both modes.
	Mode string
	// Packet is {packet, 0 | raw | 1 | 2 | 4 | line | asn1 | cdr | sunrm
	// | fcgi | tpkt}: nil, 0 or "raw" for none; 1, 2, 4 for a big-endian
	// length header, "line" for newline-ended packets; "asn1", "cdr",
	// "sunrm", "fcgi", "tpkt" for packets framed by their protocol's own
	// header, delivered with it (packet_types.go); or a typed PacketType
	// (Packet4, PacketLine, PacketTPKT, ...).
	Packet any
	// PacketSize is {packet_size, N}: the longest packet body accepted;
	// 0 means the header's range for 1 and 2, and 64 MiB for 4 and line.
	PacketSize int
	// Header is {header, N}: in binary mode, the first N bytes of each
	// SSLData go in its Header field.
	Header int
	// SendTimeout is {send_timeout, Ms}: a Send blocked longer fails with
	// ErrTimeout and the socket can no longer send; 0 means infinity.
	SendTimeout time.Duration
	// DelaySend is {delay_send, true}: a Send queues its records and
	// returns; a goroutine of the socket's writes what is queued, in one
	// system call, while the caller goes on (more throughput for many
	// small or back-to-back writes, at the cost of a little latency). A
	// write error is then returned by a later Send, Write or Close, and
	// a Send waits while 256 KiB are queued. See docs/SOCKETS.md.
	DelaySend bool
	// ExitOnClose is {exit_on_close, Bool}; nil means true, as in
	// Erlang: the peer's close_notify closes the socket (it is answered
	// with ours, and Send then fails with ErrClosed). With false it ends
	// only the read side (Recv gives ErrClosed, Read io.EOF, an active
	// socket SSLClosed): Send goes on until Shutdown("write") or Close
	// sends our close_notify. This is the half-close of RFC 8446, 6.1,
	// which proxies and request-then-EOF protocols need; under TLS 1.0–1.2
	// it departs from RFC 5246, 7.2.1 (answer at once) as OpenSSL and Go's
	// crypto/tls do.
	ExitOnClose *bool
	// NoDelay, KeepAlive, SndBuf and RecBuf are {nodelay, Bool},
	// {keepalive, Bool}, {sndbuf, N} and {recbuf, N}, passed to the
	// transport; nil and 0 leave the transport's default.
	NoDelay   *bool
	KeepAlive *bool
	SndBuf    int
	RecBuf    int
	// CbInfo is {cb_info, Module}: the transport module Connect and
	// Listen use; nil means TCP.
	CbInfo TransportModule

	// ---- Go only ----

	// Rand is the source of randomness; nil means crypto/rand.
	Rand io.Reader
	// Time returns the current time for certificate checks; nil means
	// time.Now.
	Time func() time.Time
	// Logger receives the socket's log records (alerts at LevelNotice,
	// handshake messages at slog.LevelDebug), filtered by LogLevel and
	// LogAlert. nil (the default) means the library logs nothing: a Go
	// library does not write to the process's log unless asked. Records
	// never hold secrets.
	Logger *slog.Logger
	// Metrics receives the socket's handshakes, alerts, bytes and
	// close, for monitoring (see Metrics; the prometheus module adapts
	// it). nil (the default) reports nothing and costs nothing.
	Metrics Metrics
}

// Bool returns a pointer to b, for the *bool options.
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for the *int options.
func Int(n int) *int { return &n }
