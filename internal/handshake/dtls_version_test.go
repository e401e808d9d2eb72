package handshake

import (
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// TestDTLSServerVersionNegotiation: a DTLS server reads the client's
// versions as DTLS versions. supported_versions lists DTLS code points
// (RFC 9147, 5.3: a DTLS 1.3 client offers DTLS 1.3 and 1.2 there), and
// a client_version above DTLS 1.2 (a smaller number) gets DTLS 1.2, as a
// TLS server answers a newer client (RFC 5246, E.1). Before, the list
// was compared with TLS versions and every DTLS client that sent it was
// refused, and any version but exactly DTLS 1.0 or 1.2 as well.
func TestDTLSServerVersionNegotiation(t *testing.T) {
	cfg := dtlsConfig(t, true)
	cfg.Versions = []uint16{wire.VersionTLS12, wire.VersionTLS11}
	for _, tc := range []struct {
		name      string
		version   uint16
		supported []uint16
		want      uint16 // 0: protocol_version
	}{
		{"DTLS 1.2", wire.VersionDTLS12, nil, wire.VersionTLS12},
		{"DTLS 1.0", wire.VersionDTLS10, nil, wire.VersionTLS11},
		{"supported_versions DTLS 1.3 and 1.2", wire.VersionDTLS12, []uint16{0xfefc, wire.VersionDTLS12}, wire.VersionTLS12},
		{"supported_versions DTLS 1.0 among unknown", wire.VersionDTLS12, []uint16{0x1111, wire.VersionDTLS10, 0x2222}, wire.VersionTLS11},
		{"supported_versions DTLS 1.3 only", wire.VersionDTLS12, []uint16{0xfefc}, 0},
		{"supported_versions TLS 1.2", wire.VersionDTLS12, []uint16{wire.VersionTLS12}, 0},
		{"minor version above DTLS 1.2", 0xfe00, nil, wire.VersionTLS12},
		{"major version above DTLS 1.2", 0xfdff, nil, wire.VersionTLS12},
		{"between DTLS 1.0 and 1.2", 0xfefe, nil, wire.VersionTLS11},
		{"below DTLS 1.0", 0xffff, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewServer(cfg)
			s.dtls = &dtlsState{}
			err := s.chooseVersion(&wire.ClientHello{Version: tc.version, SupportedVersions: tc.supported})
			if tc.want == 0 {
				if ae, ok := err.(*alert.Error); !ok || ae.Desc != alert.ProtocolVersion {
					t.Fatalf("version %#x: %v, want protocol_version", s.version, err)
				}
				return
			}
			if err != nil || s.version != tc.want {
				t.Fatalf("version %#x, %v; want %#x", s.version, err, tc.want)
			}
		})
	}
}
