// Package handshake holds the TLS handshake state machines, client and
// server. They are sans-I/O: a machine takes handshake messages (and
// ChangeCipherSpec) in and gives back actions — messages to send, keys to
// install, the end of the handshake — and never touches a socket or a
// clock. The ssl package drives them over the record layer.
package handshake

import (
	"crypto"
	"crypto/x509"
	"io"
	"time"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
	sess "github.com/gossl/ssl/internal/session"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
)

// CertKey is one certificate chain (leaf first) with its private key.
type CertKey struct {
	Chain [][]byte
	Leaf  *x509.Certificate
	Key   crypto.Signer
	// Names are the DER issuer and subject names of the chain (see
	// ChainNames), matched against a peer's list of acceptable CAs.
	Names [][]byte
	// Message12 and Message13 are the chain's Certificate messages as a
	// server sends them (RFC 5246, 7.4.2; RFC 8446, 4.4.2 with an empty
	// request context and no extensions), marshalled once by
	// PrepareMessages rather than on every handshake; nil: marshalled
	// per handshake.
	Message12, Message13 []byte
	// Staple, when set, gives the DER OCSP response a server staples with
	// this chain for a client that asks (stapling.go); nil: none now. It
	// is called on every such handshake and must not block.
	Staple func() []byte
}

// PrepareMessages marshals the chain's server Certificate messages once,
// for every connection that sends this chain.
func (ck *CertKey) PrepareMessages() error {
	var err error
	if ck.Message12, err = certificateMessage(ck.Chain, false).Marshal(); err != nil {
		return err
	}
	ck.Message13, err = certificateMessage(ck.Chain, true).Marshal()
	return err
}

func certificateMessage(chain [][]byte, tls13 bool) *wire.Certificate {
	cm := &wire.Certificate{TLS13: tls13, Entries: make([]wire.CertificateEntry, 0, len(chain))}
	for _, d := range chain {
		cm.Entries = append(cm.Entries, wire.CertificateEntry{Data: d})
	}
	return cm
}

// sendCertificate adds the server's Certificate message to a flight and
// to the transcript: the prepared one when there is one. staple is the
// OCSP response to staple (stapleFor; nil for none): TLS 1.3 carries it
// in the leaf's entry, TLS 1.2 in a CertificateStatus message after the
// Certificate.
func (s *Server) sendCertificate(f *flight, ck *CertKey, tls13 bool, staple []byte) error {
	if staple != nil {
		if tls13 {
			cm, err := certificateMessage13WithStaple(ck, staple)
			if err != nil {
				return err
			}
			return s.sendRecorded(f, cm)
		}
		if err := s.sendCertificate(f, ck, false, nil); err != nil {
			return err
		}
		return s.sendRecorded(f, &wire.CertificateStatus{Response: staple})
	}
	msg := ck.Message12
	if tls13 {
		msg = ck.Message13
	}
	if msg == nil {
		return s.sendRecorded(f, certificateMessage(ck.Chain, tls13))
	}
	f.add(Action{Kind: SendMessage, Data: msg})
	s.record(msg)
	return nil
}

// Config is what a handshake needs from the user's options, already
// checked and resolved by the ssl package. It is read-only during a
// handshake and may be shared by many connections.
type Config struct {
	// Versions in preference order (highest first).
	Versions []uint16
	Suites   []*suites.Suite
	// Groups are the ECDHE groups of TLS 1.0–1.2, in preference order.
	Groups []uint16
	// FFDHEGroups are the RFC 7919 groups of TLS 1.0–1.2 DHE in
	// preference order: a client offers them in supported_groups with
	// its DHE suites, a server picks one of them when the client names
	// any (dhe.go). DHParams is a server's group when the client names
	// none (dh, dhfile; nil means kx.DefaultDHParams), and DHMinBits the
	// smallest prime a client accepts (0 means kx.DefaultDHMinBits).
	FFDHEGroups []uint16
	DHParams    *kx.DHParams
	DHMinBits   int
	// Groups13 are the TLS 1.3 groups in preference order, and
	// KeyShareGroups those a client sends key shares for up front (the
	// others cost a HelloRetryRequest).
	Groups13       []uint16
	KeyShareGroups []uint16
	// ALPNProtocols are a client's alpn_advertised_protocols;
	// ALPNPreferred a server's alpn_preferred_protocols (RFC 7301).
	ALPNProtocols []string
	ALPNPreferred []string
	// NextProtocols (server: next_protocols_advertised; nil means NPN
	// off) and NPN (client: client_preferred_next_protocols; nil means
	// off) are Next Protocol Negotiation (npn.go).
	NextProtocols []string
	NPN           *NPNPreference
	// ForServerName gives a server the configuration for the SNI name a
	// client sent (sni_hosts / sni_fun); nil or a nil result keeps this one.
	ForServerName func(name string) (*Config, error)
	// ConfigKey (server) names what a resumed session must share with
	// the configuration that resumes it: certificates, verification
	// settings and trust anchors. Every configuration has its own, the
	// ones ForServerName gives included, and a TLS 1.2 session or TLS
	// 1.3 ticket made under one key never resumes under another.
	ConfigKey string
	// MiddleboxCompat is TLS 1.3 middlebox compatibility mode (RFC 8446,
	// Appendix D.4): a session id and dummy ChangeCipherSpec records.
	MiddleboxCompat bool

	// TLS 1.3 resumption (RFC 8446, 2.2). A client with a TicketCache
	// offers a ticket it holds for CacheKey; a server with TicketKeys
	// accepts tickets and sends one after each handshake. With
	// TicketStore too (session_tickets stateful) a server's TLS 1.3
	// tickets are random IDs of states it keeps there, each taken out by
	// its first use (tickets13.go); TicketKeys then seal only TLS 1.2's.
	TicketCache    *sess.ClientCache
	CacheKey       string
	TicketKeys     *sess.TicketKeys
	TicketStore    *sess.MemoryStore
	TicketLifetime time.Duration

	// 0-RTT (RFC 8446, 4.2.10). A client sends EarlyData when a ticket
	// allows it; a server with AcceptEarlyData takes up to MaxEarlyData
	// bytes, once per ClientHello (AntiReplay).
	EarlyData       []byte
	AcceptEarlyData bool
	MaxEarlyData    uint32
	AntiReplay      sess.ReplayFilter
	// SignatureSchemes we accept from the peer and offer, in preference order.
	SignatureSchemes []uint16
	// SignatureSchemesCert are the schemes we accept in the peer's
	// certificates (signature_algs_cert, RFC 8446, 4.2.3), sent as
	// signature_algorithms_cert; nil: not configured.
	SignatureSchemesCert []uint16

	Certs []CertKey

	// PSK (RFC 4279, RFC 5489). A server with ServerPSK chooses PSK
	// suites, looking up the client's identity, and sends PSKHint as its
	// psk_identity_hint ("" = none); a client with ClientPSK offers
	// them and gets the identity and key to use for the server's hint.
	// Without these, PSK suites are neither offered nor chosen.
	ServerPSK kx.ServerPSKLookup
	PSKHint   []byte
	ClientPSK kx.ClientPSKLookup
	// TLS 1.3 external PSKs (extpsk13.go): a server looks a client's
	// identity up with ServerPSK13 (nil: unknown); a client offers the
	// PSK ClientPSK13 gives.
	ServerPSK13 func(identity []byte) (*ExternalPSK13, error)
	ClientPSK13 func() (*ExternalPSK13, error)
	// PSKModes13 are the psk_key_exchange_modes (RFC 8446, 4.2.9) of
	// external PSKs: the modes a client offers, or those a server
	// accepts, in its preference order (PSKModePlain is psk_ke,
	// PSKModeDHE psk_dhe_ke). nil means psk_dhe_ke only. Tickets always
	// use psk_dhe_ke.
	PSKModes13 []uint8

	// SRP (RFC 5054). A server with ServerSRP chooses the SRP suites for a
	// client that names its user in the srp extension, and gets the
	// user's record from it; for a user it does not know, ServerSRP
	// answers with a simulated record (kx.SimulatedSRPUser), not an
	// error. A client with SRPUser offers the SRP suites as that user,
	// with SRPPassword. Without these, SRP suites are neither offered nor
	// chosen.
	ServerSRP   func(user []byte) (*kx.SRPUser, error)
	SRPUser     string
	SRPPassword string

	// Verify is verify_peer; without it a client accepts any server
	// certificate and a server sends no CertificateRequest.
	Verify           bool
	FailIfNoPeerCert bool
	// VerifyOptions are the path-validation settings (roots, depth,
	// purpose); Hostname is filled per connection by the client.
	VerifyOptions pki.VerifyOptions
	// CertificateAuthorities are the DER subjects of the trust anchors. A
	// server names them in its CertificateRequest unless
	// OmitCertificateAuthorities; a client with SendCertificateAuthorities
	// names them in a TLS 1.3 ClientHello's certificate_authorities (RFC
	// 8446, 4.2.4), by which a server chooses its certificate.
	CertificateAuthorities     [][]byte
	OmitCertificateAuthorities bool
	SendCertificateAuthorities bool
	// NewVerifyFun, when set, gives each validation its own event handler
	// (Erlang's verify_fun with its user state, CRL checks and the check
	// of a stapled OCSP response: staple is non-nil for a client's
	// validation of the server, see stapling.go); nil means the default
	// verify_peer behaviour. A client with verify_none but a NewVerifyFun
	// validates too, and the fun decides.
	NewVerifyFun func(now time.Time, staple *Staple) pki.VerifyFun
	// Stapling (client) asks for the server's OCSP staple: status_request
	// in the ClientHello (RFC 6066, Section 8). NewVerifyFun checks it.
	Stapling bool

	// ServerName is the SNI host name a client sends ("" = none).
	ServerName string
	// VerifyHostname is the reference identity for the client's hostname
	// check ("" = no check).
	VerifyHostname string

	// MaxFragmentLength is a client's max_fragment_length in bytes (512,
	// 1024, 2048 or 4096; 0: none asked). RecordSizeLimit is the
	// record_size_limit this side states: a client sends it (0: none), a
	// server answers a client's with it (0: the protocol's largest). See
	// limits.go.
	MaxFragmentLength int
	RecordSizeLimit   int

	// NoPaddingCheck is {padding_check, false}: TLS 1.0 CBC records are
	// read without checking their padding bytes (record.Options).
	NoPaddingCheck bool
	// V2HelloCompatible lets a server take an SSL 2.0-format ClientHello
	// (v2_hello_compatible; HandleV2ClientHello).
	V2HelloCompatible bool

	HonorCipherOrder  bool
	HonorECCOrder     bool
	Fallback          bool
	SecureRenegotiate bool
	MaxHandshakeSize  int

	Rand io.Reader
	Now  func() time.Time

	// DTLS runs the machine over DTLS (dtls.go): Versions then holds the
	// TLS versions the DTLS ones derive from (TLS 1.2 for DTLS 1.2, TLS
	// 1.1 for DTLS 1.0), and never TLS 1.3.
	DTLS bool
	// SRTPProfiles are the SRTP protection profiles of use_srtp (RFC
	// 5764), in order of preference; nil: the extension is neither
	// offered nor answered. SRTPMKI is a client's srtp_mki (dtlsext.go).
	SRTPProfiles []uint16
	SRTPMKI      []byte
	// ConnectionID negotiates connection IDs (RFC 9146; dtlsext.go): the
	// CID offered is the machine's LocalCID, which the driver sets.
	ConnectionID bool
}
