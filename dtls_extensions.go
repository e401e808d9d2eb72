package ssl

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/gossl/ssl/internal/handshake"
)

// SRTPProfile is an SRTP protection profile of the use_srtp extension
// (RFC 5764, Section 4.1.2; the AEAD ones from RFC 7714, Section 14.2):
// its two-byte value, as OTP's protection_profiles binaries hold it.
type SRTPProfile uint16

// The SRTP protection profiles gossl negotiates.
const (
	SRTPAES128CMHMACSHA1_80 SRTPProfile = 0x0001 // SRTP_AES128_CM_HMAC_SHA1_80
	SRTPAES128CMHMACSHA1_32 SRTPProfile = 0x0002 // SRTP_AES128_CM_HMAC_SHA1_32
	SRTPAEADAES128GCM       SRTPProfile = 0x0007 // SRTP_AEAD_AES_128_GCM
	SRTPAEADAES256GCM       SRTPProfile = 0x0008 // SRTP_AEAD_AES_256_GCM
)

// srtpNames are each profile's RFC name, then OpenSSL's where it differs
// (what `openssl s_client -use_srtp` takes).
var srtpNames = map[SRTPProfile][]string{
	SRTPAES128CMHMACSHA1_80: {"SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AES128_CM_SHA1_80"},
	SRTPAES128CMHMACSHA1_32: {"SRTP_AES128_CM_HMAC_SHA1_32", "SRTP_AES128_CM_SHA1_32"},
	SRTPAEADAES128GCM:       {"SRTP_AEAD_AES_128_GCM"},
	SRTPAEADAES256GCM:       {"SRTP_AEAD_AES_256_GCM"},
}

// String is the profile's RFC name.
func (p SRTPProfile) String() string {
	if n, ok := srtpNames[p]; ok {
		return n[0]
	}
	return fmt.Sprintf("SRTP profile 0x%04x", uint16(p))
}

// ParseSRTPProfile takes a profile's RFC or OpenSSL name
// ("SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AES128_CM_SHA1_80").
func ParseSRTPProfile(name string) (SRTPProfile, bool) {
	for p, names := range srtpNames {
		for _, n := range names {
			if strings.EqualFold(n, name) {
				return p, true
			}
		}
	}
	return 0, false
}

// SRTPKeyingMaterialLength is how many bytes of keying material profile p
// needs from ExportKeyMaterials with the label "EXTRACTOR-dtls_srtp":
// a master key and a master salt for each direction (RFC 5764, Section
// 4.2): 2 × (16 + 14) for the AES-CM profiles, 2 × (16 + 12) and
// 2 × (32 + 12) for the AEAD ones (RFC 7714, Section 12).
func SRTPKeyingMaterialLength(p SRTPProfile) int {
	switch p {
	case SRTPAES128CMHMACSHA1_80, SRTPAES128CMHMACSHA1_32:
		return 2 * (16 + 14)
	case SRTPAEADAES128GCM:
		return 2 * (16 + 12)
	case SRTPAEADAES256GCM:
		return 2 * (32 + 12)
	}
	return 0
}

// SRTPOptions is the value of {use_srtp, #{protection_profiles := [...],
// mki => ...}} (the option of OTP 26 and later; OTP 25's ssl has none and
// refuses it with badarg).
type SRTPOptions struct {
	// ProtectionProfiles lists the profiles this side accepts, in order
	// of preference (a server picks the first of its list the client
	// offers). At least one.
	ProtectionProfiles []SRTPProfile
	// MKI is a client's srtp_mki (RFC 5764, Section 4.1.1), at most 255
	// bytes; a server echoes the client's.
	MKI []byte
}

// compileDTLSExtensions turns UseSRTP and DTLSConnectionID into the
// handshake configuration; both are DTLS's alone.
func (o *Options) compileDTLSExtensions(cfg *handshake.Config) error {
	if !o.isDTLS() {
		if o.UseSRTP != nil {
			return badOption("use_srtp", "", "needs {protocol, dtls}: use_srtp is a DTLS extension (RFC 5764)")
		}
		if o.DTLSConnectionID != nil {
			return badOption("dtls_connection_id", *o.DTLSConnectionID, "needs {protocol, dtls}")
		}
		return nil
	}
	if u := o.UseSRTP; u != nil {
		if len(u.ProtectionProfiles) == 0 {
			return badOption("use_srtp", "", "protection_profiles must list at least one profile")
		}
		if len(u.MKI) > 255 {
			return badOption("use_srtp", len(u.MKI), "mki must be at most 255 bytes")
		}
		for _, p := range u.ProtectionProfiles {
			if _, ok := srtpNames[p]; !ok {
				return notSupported("use_srtp", p.String())
			}
			cfg.SRTPProfiles = append(cfg.SRTPProfiles, uint16(p))
		}
		cfg.SRTPMKI = u.MKI
	}
	if n := o.DTLSConnectionID; n != nil {
		if *n < 0 || *n > maxDTLSConnectionID {
			return badOption("dtls_connection_id", *n, "must be 0 up to 32 (bytes of connection ID)")
		}
		cfg.ConnectionID = true
	}
	return nil
}

// maxDTLSConnectionID bounds DTLSConnectionID. RFC 9146 allows 255 bytes;
// a CID only has to tell a server's associations apart, and every byte
// of it is sent in every record.
const maxDTLSConnectionID = 32

// newConnectionID makes a random CID of n bytes (the zero-length CID is
// an empty, non-nil slice).
func newConnectionID(n int) []byte {
	cid := make([]byte, n)
	rand.Read(cid)
	return cid
}

// DTLSConnectionIDs is connection_information's connection_id item: the
// CIDs each side asked for (RFC 9146). Either may be empty: records to
// that side carry none.
type DTLSConnectionIDs struct {
	Local []byte // what the peer puts in the records it sends us
	Peer  []byte // what we put in the records we send
}

// dtlsOnlyInfo reports whether in holds the outcome of use_srtp or
// connection_id, which only a DTLS 1.2 handshake has.
func dtlsOnlyInfo(in *handshake.Info) bool {
	return in.SRTPProfile != 0 || in.SRTPMKI != nil || in.CIDNegotiated || in.ClientCID != nil || in.ServerCID != nil
}

// dtlsExtensionInfo is the value of a use_srtp or connection_id item of
// connection_information, and whether it is defined.
func dtlsExtensionInfo(info *handshake.Info, item string, client bool) (any, bool) {
	switch item {
	case "srtp_protection_profile":
		return SRTPProfile(info.SRTPProfile), info.SRTPProfile != 0
	case "srtp_mki":
		return append([]byte(nil), info.SRTPMKI...), info.SRTPProfile != 0 && len(info.SRTPMKI) > 0
	case "connection_id":
		if !info.CIDNegotiated {
			return nil, false
		}
		// The client asked for ClientCID, the server for ServerCID.
		local, peer := info.ClientCID, info.ServerCID
		if !client {
			local, peer = peer, local
		}
		return DTLSConnectionIDs{Local: append([]byte{}, local...), Peer: append([]byte{}, peer...)}, true
	}
	return nil, false
}
