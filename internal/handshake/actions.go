package handshake

import (
	"crypto"
	"crypto/x509"

	"github.com/gossl/ssl/internal/suites"
)

// ActionKind says what the driver must do with an Action.
type ActionKind uint8

const (
	// SendMessage: write Data (a whole handshake message) in a handshake record.
	SendMessage ActionKind = iota + 1
	// SendChangeCipherSpec: write a ChangeCipherSpec record.
	SendChangeCipherSpec
	// SetWriteKeys: from now on protect outgoing records with Keys.
	SetWriteKeys
	// SetReadKeys: from now on unprotect incoming records with Keys.
	SetReadKeys
	// SetVersion: the version is negotiated; use it in record headers.
	SetVersion
	// Flush: the flight is complete; write it out.
	Flush
	// SendApplicationData: write Data as application data (TLS 1.3 early
	// data).
	SendApplicationData
	// LogSecret: a secret for the NSS key log, Label (e.g.
	// "CLIENT_HANDSHAKE_TRAFFIC_SECRET") with Data; the driver writes it
	// only when key logging is on.
	LogSecret
	// SetRecordLimits: a max_fragment_length or record_size_limit was
	// negotiated; cap the records sent and received at Limits (limits.go).
	SetRecordLimits
	// SendWarningAlert: write a warning alert whose description is
	// Data[0] (SSL 3.0's no_certificate, ssl3.go).
	SendWarningAlert
)

// Keys are the record-protection keys for one direction.
type Keys struct {
	Suite   *suites.Suite
	Version uint16
	Key     []byte
	MACKey  []byte
	IV      []byte
	// EncryptThenMAC is RFC 7366's record format for a CBC suite.
	EncryptThenMAC bool
	// NoPaddingCheck is padding_check false (Config.NoPaddingCheck).
	NoPaddingCheck bool
	// CID is the connection ID the records protected with these keys
	// carry (RFC 9146, Section 4: the one their receiver asked for);
	// nil or empty: the records have no CID.
	CID []byte
}

// Action is one step the driver performs, in order.
type Action struct {
	Kind    ActionKind
	Data    []byte
	Keys    *Keys
	Version uint16
	Label   string
	Limits  *RecordLimits
}

// Info describes an established connection (ssl:connection_information).
type Info struct {
	Version          uint16
	Suite            *suites.Suite
	Group            uint16 // 0 for RSA key exchange
	SignatureScheme  uint16 // the peer's ServerKeyExchange / our signature
	ServerName       string // SNI sent (client) or received (server)
	PeerCertificates []*x509.Certificate
	// VerifiedChain is the validated path when the peer was verified.
	VerifiedChain        []*x509.Certificate
	SessionID            []byte
	ClientRandom         []byte
	ServerRandom         []byte
	MasterSecret         []byte
	ExtendedMasterSecret bool
	// EncryptThenMAC: the CBC records use RFC 7366's format.
	EncryptThenMAC      bool
	SecureRenegotiation bool
	ClientVerifyData    []byte
	ServerVerifyData    []byte
	Resumed             bool
	// NegotiatedProtocol is the ALPN protocol, "" when none.
	NegotiatedProtocol string
	// SRPUsername is the SRP user of an SRP suite (RFC 5054): the
	// client's own, or the one the server looked up; "" otherwise.
	SRPUsername string
	// OCSPStatus is the status a client read in the server's stapled
	// OCSP response ("good", "revoked", "unknown"); "" when none was
	// checked.
	OCSPStatus string
	// SRTPProfile is the SRTP protection profile use_srtp settled on (RFC
	// 5764), 0 when none; SRTPMKI the client's srtp_mki.
	SRTPProfile uint16
	SRTPMKI     []byte
	// CIDNegotiated: both sides sent connection_id (RFC 9146); ClientCID
	// and ServerCID are the CIDs each asked to receive (either may be
	// empty: records to that side carry none).
	CIDNegotiated bool
	ClientCID     []byte
	ServerCID     []byte
	// EarlyData is "accepted" or "rejected" when 0-RTT data was sent
	// (client) or offered (server), "" otherwise.
	EarlyData string
	// TLS 1.3 secrets the connection keeps for KeyUpdate and exporters.
	Hash                 crypto.Hash
	ClientTrafficSecret  []byte
	ServerTrafficSecret  []byte
	ExporterMasterSecret []byte
	ResumptionMaster     []byte
}
