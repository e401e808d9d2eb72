package handshake

import (
	"errors"
	"testing"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// TestPointFormatsEveryCurve: a ClientHello whose ec_point_formats lacks
// the uncompressed format is refused with illegal_parameter whichever
// elliptic curve it offers (RFC 8422, 5.1.2), the brainpool and SEC 2
// curves included, and accepted when it offers only ffdhe groups.
func TestPointFormatsEveryCurve(t *testing.T) {
	for _, g := range []uint16{wire.GroupSecp256r1, wire.GroupX448, 26, 28, 22, 15, 31} {
		ch := &wire.ClientHello{SupportedGroups: []uint16{g}, ECPointFormats: []uint8{1}}
		var a *alert.Error
		if err := checkPointFormats(ch); !errors.As(err, &a) || a.Desc != alert.IllegalParameter {
			t.Errorf("group %d: %v, want illegal_parameter", g, err)
		}
		ch.ECPointFormats = []uint8{1, 0}
		if err := checkPointFormats(ch); err != nil {
			t.Errorf("group %d with uncompressed: %v", g, err)
		}
	}
	ch := &wire.ClientHello{SupportedGroups: []uint16{wire.GroupFFDHE2048}, ECPointFormats: []uint8{1}}
	if err := checkPointFormats(ch); err != nil {
		t.Errorf("ffdhe only: %v", err)
	}
}
