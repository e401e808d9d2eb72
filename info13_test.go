package ssl

import (
	"reflect"
	"testing"
	"unsafe"

	"github.com/gossl/ssl/internal/handshake"
	"github.com/gossl/ssl/internal/suites"
)

// dtlsOnlyField are the Info fields only a DTLS 1.2 handshake sets.
var dtlsOnlyField = map[string]bool{"SRTPProfile": true, "SRTPMKI": true, "CIDNegotiated": true, "ClientCID": true, "ServerCID": true}

// TestInfo13RoundTrip fills every field of handshake.Info and checks that
// the compact TLS 1.3 form gives them all back (certificates aside, which
// the socket keeps as DER): a field added to Info fails here until
// info13 keeps it.
func TestInfo13RoundTrip(t *testing.T) {
	var in handshake.Info
	v := reflect.ValueOf(&in).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, name := v.Field(i), v.Type().Field(i).Name
		if dtlsOnlyField[name] {
			continue // DTLS 1.2 only: see below
		}
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Uint16, reflect.Uint, reflect.Uint8, reflect.Uint32, reflect.Uint64:
			f.SetUint(uint64(7 + i))
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(7 + i))
		case reflect.String:
			switch name {
			case "SRPUsername": // TLS 1.0-1.2 only: see below
			case "OCSPStatus": // one of four values, kept in two bits: see below
				f.SetString("revoked")
			default:
				f.SetString(name)
			}
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.Uint8 {
				b := make([]byte, 20+i)
				for j := range b {
					b[j] = byte(i + j)
				}
				f.SetBytes(b)
			} else if name != "PeerCertificates" && name != "VerifiedChain" {
				t.Fatalf("field %s: a slice info13 does not know", name)
			}
		case reflect.Pointer:
			if name != "Suite" {
				t.Fatalf("field %s: a pointer info13 does not know", name)
			}
			f.Set(reflect.ValueOf(suites.ByID(0x1301)))
		default:
			t.Fatalf("field %s of kind %v: info13 does not know it", name, f.Kind())
		}
	}
	c := compactInfo(&in)
	if c == nil {
		t.Fatal("compactInfo refused")
	}
	if got := c.expand(); !reflect.DeepEqual(*got, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", *got, in)
	}
	for _, st := range ocspStatuses {
		in.OCSPStatus = st
		if got := compactInfo(&in).expand().OCSPStatus; got != st {
			t.Errorf("OCSPStatus %q comes back as %q", st, got)
		}
	}
	// An SRP user (never in TLS 1.3) keeps the full Info.
	in.SRPUsername = "user"
	if compactInfo(&in) != nil {
		t.Error("compactInfo dropped an SRP username")
	}
	in.SRPUsername = ""
	// Nor has a DTLS extension's outcome (DTLS sockets keep the full
	// Info).
	for name := range dtlsOnlyField {
		c := in
		f := reflect.ValueOf(&c).Elem().FieldByName(name)
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Uint16:
			f.SetUint(1)
		default:
			f.SetBytes([]byte{})
		}
		if compactInfo(&c) != nil {
			t.Errorf("compactInfo dropped %s", name)
		}
	}
	// nil and empty byte fields stay apart.
	in.SessionID, in.MasterSecret = nil, []byte{}
	got := compactInfo(&in).expand()
	if got.SessionID != nil || got.MasterSecret == nil || len(got.MasterSecret) != 0 {
		t.Errorf("nil/empty: SessionID %v, MasterSecret %v", got.SessionID, got.MasterSecret)
	}
}

// TestSocketSize keeps a socket within its allocation size class: 640
// bytes, of which 8 are the allocator's header for objects over 512
// bytes. Past 632 every connection pays 64 more; move rarely used state
// behind a pointer (as renegState, readWait and sendQueue are) rather than
// raise the bound.
func TestSocketSize(t *testing.T) {
	if n := unsafe.Sizeof(Socket{}); unsafe.Sizeof(uintptr(0)) == 8 && n > 632 {
		t.Errorf("Socket is %d bytes, over 632: each connection pays the next size class", n)
	}
}
