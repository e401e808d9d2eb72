package ssl

import (
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"

	"github.com/gossl/ssl/internal/kx"
	"github.com/gossl/ssl/internal/pki"
)

// InfoItem is one {Item, Value} pair of ssl:connection_information.
type InfoItem struct {
	Key   string
	Value any
}

// defaultInfoItems are returned by ConnectionInformation with no items.
// Secrets (client_random, server_random, master_secret) are only
// returned when asked for by name, as in OTP.
var defaultInfoItems = []string{
	"protocol", "cipher_suite", "selected_cipher_suite", "selected_group", "signature_algorithm",
	"sni_hostname", "srp_username", "negotiated_protocol", "srtp_protection_profile", "session_id", "session_resumption", "secure_renegotiation",
	"extended_master_secret", "verify", "peer_certificate",
}

// ConnectionInformation returns information about the connection:
// ssl:connection_information/1,2. Items are Erlang's names: protocol,
// cipher_suite (IANA name), selected_cipher_suite (Erlang's map form),
// selected_group (also available as ecc), signature_algorithm,
// sni_hostname, srp_username (SRP suites), srtp_protection_profile (an
// SRTPProfile, when use_srtp agreed on one), srtp_mki ([]byte, when the
// client sent one), connection_id (DTLS: a DTLSConnectionIDs, when
// negotiated), session_id (hex), session_resumption,
// secure_renegotiation, extended_master_secret, peer_certificate (the
// subject), ocsp_status (a client with stapling: good, revoked, unknown
// or none), client_random, server_random, master_secret (hex), and the
// option names verify, versions, ciphers, depth. Undefined items are left
// out.
func (s *Socket) ConnectionInformation(items ...string) ([]InfoItem, error) {
	if !s.hsDone.Load() || s.hsErr != nil || !s.hasInfo() {
		return nil, ErrClosed
	}
	if len(items) == 0 {
		items = defaultInfoItems
	}
	info := s.connInfo()
	var out []InfoItem
	add := func(k string, v any) { out = append(out, InfoItem{k, v}) }
	for _, it := range items {
		switch it {
		case "protocol":
			add(it, string(versionName(info.Version)))
		case "cipher_suite":
			add(it, info.Suite.Name)
		case "selected_cipher_suite":
			add(it, info.Suite.ErlangMap())
		case "selected_group", "ecc":
			if info.Group != 0 {
				add(it, kx.GroupName(info.Group))
			}
		case "signature_algorithm":
			if info.SignatureScheme != 0 {
				add(it, kx.SchemeName(info.SignatureScheme))
			}
		case "sni_hostname":
			if info.ServerName != "" {
				add(it, info.ServerName)
			}
		case "srp_username":
			// OTP's item: the user of an SRP suite (RFC 5054), on
			// both sides.
			if info.SRPUsername != "" {
				add(it, info.SRPUsername)
			}
		case "session_id":
			if len(info.SessionID) > 0 {
				add(it, hex.EncodeToString(info.SessionID))
			}
		case "session_resumption":
			add(it, info.Resumed)
		case "ocsp_status":
			// A client with stapling: the status of the server's
			// stapled OCSP response, or none (nothing stapled, or
			// nothing checked, as on resumption).
			if s.role == roleClient && s.conf().stapling {
				st := info.OCSPStatus
				if st == "" {
					st = "none"
				}
				add(it, st)
			}
		case "secure_renegotiation":
			add(it, info.SecureRenegotiation)
		case "extended_master_secret":
			add(it, info.ExtendedMasterSecret)
		case "peer_certificate":
			if certs := s.peerCertDER(); len(certs) > 0 {
				if c, err := pki.ParseCertificateUncached(certs[0]); err == nil {
					add(it, subjectString(c.Subject))
				}
			}
		case "client_random":
			add(it, hex.EncodeToString(info.ClientRandom))
		case "server_random":
			add(it, hex.EncodeToString(info.ServerRandom))
		case "master_secret":
			add(it, hex.EncodeToString(info.MasterSecret))
		case "verify":
			if s.conf().verify {
				add(it, string(VerifyPeer))
			} else {
				add(it, string(VerifyNone))
			}
		case "versions":
			var vs []string
			for _, v := range s.conf().versions {
				vs = append(vs, string(versionName(v)))
			}
			add(it, vs)
		case "ciphers":
			var cs []string
			for _, c := range s.conf().suites {
				cs = append(cs, c.Name)
			}
			add(it, cs)
		case "depth":
			add(it, s.conf().depth)
		case "early_data":
			if info.EarlyData != "" {
				add(it, info.EarlyData)
			}
		case "negotiated_protocol":
			if info.NegotiatedProtocol != "" {
				add(it, info.NegotiatedProtocol)
			}
		case "srtp_protection_profile", "srtp_mki", "connection_id":
			if v, ok := dtlsExtensionInfo(info, it, s.role == roleClient); ok {
				add(it, v)
			}
		case "keylog":
			if s.conf().keepSecrets {
				var lines []string
				if s.tls.keylog != nil {
					lines = append(lines, *s.tls.keylog...)
				}
				add(it, lines)
			}
		default:
			return nil, errors.New("unknown connection_information item: " + it)
		}
	}
	return out, nil
}

func subjectString(n pkix.Name) string { return n.String() }
