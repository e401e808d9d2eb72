package wire

import "golang.org/x/crypto/cryptobyte"

// Two DTLS-only hello extensions. The hellos keep them in Unknown (as
// Extension values): the handshake machines build and read them with the
// functions below, so the hello layouts stay as they are.
const (
	// ExtUseSRTP is use_srtp (RFC 5764, Section 4.1.1).
	ExtUseSRTP uint16 = 14
	// ExtConnectionID is connection_id (RFC 9146, Section 3).
	ExtConnectionID uint16 = 54
)

// TypeTLS12CID is the tls12_cid content type of a DTLS 1.2 record that
// carries a connection ID (RFC 9146, Section 4).
const TypeTLS12CID uint8 = 25

// MaxConnectionID is the longest connection ID: ConnectionId cid<0..2^8-1>
// (RFC 9146, Section 3).
const MaxConnectionID = 255

// UseSRTP is the body of the use_srtp extension (RFC 5764, Section
// 4.1.1): UseSRTPData { SRTPProtectionProfiles; opaque srtp_mki<0..255> }.
// A client lists the profiles it accepts; a server answers with the one
// it chose.
type UseSRTP struct {
	Profiles []uint16 // SRTPProtectionProfile<2..2^16-1>, two bytes each
	MKI      []byte
}

// Marshal encodes u as an extension of type ExtUseSRTP. It refuses what
// ParseUseSRTP would refuse: no profile, or an MKI over 255 bytes.
func (u *UseSRTP) Marshal() (Extension, error) {
	var b cryptobyte.Builder
	if len(u.Profiles) == 0 || len(u.Profiles) > 32767 || len(u.MKI) > 255 {
		fail(&b, "use_srtp needs 1..32767 profiles and an MKI of at most 255 bytes")
	}
	addUint16List(&b, u.Profiles)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(u.MKI) })
	data, err := b.Bytes()
	if err != nil {
		return Extension{}, err
	}
	return Extension{Type: ExtUseSRTP, Data: data}, nil
}

// ParseUseSRTP reads a use_srtp body: a non-empty list of two-byte
// profiles and an MKI, with nothing after them.
func ParseUseSRTP(data []byte) (UseSRTP, bool) {
	s := cryptobyte.String(data)
	var u UseSRTP
	var mki cryptobyte.String
	if !readUint16List(&s, &u.Profiles) || !s.ReadUint8LengthPrefixed(&mki) || !s.Empty() {
		return UseSRTP{}, false
	}
	u.MKI = bytesOrNil(mki)
	return u, true
}

// ConnectionIDExt encodes cid as a connection_id extension: the CID its
// sender wants to find in the records it receives (RFC 9146, Section 3);
// empty means "send me none", which still lets the sender use the peer's.
func ConnectionIDExt(cid []byte) (Extension, error) {
	var b cryptobyte.Builder
	if len(cid) > MaxConnectionID {
		fail(&b, "connection ID longer than 255 bytes")
	}
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(cid) })
	data, err := b.Bytes()
	if err != nil {
		return Extension{}, err
	}
	return Extension{Type: ExtConnectionID, Data: data}, nil
}

// ParseConnectionID reads a connection_id body. The CID is never nil
// when ok, so that an empty CID and no extension stay apart.
func ParseConnectionID(data []byte) (cid []byte, ok bool) {
	s := cryptobyte.String(data)
	var c cryptobyte.String
	if !s.ReadUint8LengthPrefixed(&c) || !s.Empty() {
		return nil, false
	}
	return append([]byte{}, c...), true
}

// TakeExtension removes the extension of type typ from exts and returns
// it; ok is false when exts has none (a block holds each type at most
// once, readExtensions checks that).
func TakeExtension(exts *[]Extension, typ uint16) (e Extension, ok bool) {
	for i, x := range *exts {
		if x.Type == typ {
			*exts = append((*exts)[:i:i], (*exts)[i+1:]...)
			return x, true
		}
	}
	return Extension{}, false
}
