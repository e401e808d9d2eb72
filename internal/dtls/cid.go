package dtls

import (
	"encoding/binary"
	"errors"

	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/wire"
	"golang.org/x/crypto/cryptobyte"
)

// Connection IDs (RFC 9146). Once negotiated, a record protected in an
// epoch after the handshake's ChangeCipherSpec carries its receiver's CID
// in the tls12_cid format (Section 4):
//
//	struct {
//	    ContentType outer_type = tls12_cid;
//	    ProtocolVersion version;
//	    uint16 epoch;
//	    uint48 sequence_number;
//	    opaque cid[cid_length];   // fixed length, known to the receiver
//	    uint16 length;
//	    opaque enc_content[length];
//	} DTLSCiphertext;
//
// and what is protected is a DTLSInnerPlaintext: the content, then its
// real type, then zero bytes of padding (none here when sending). The
// receiver finds its association by the CID rather than the source
// address, which lets a client's address change (NAT rebinding) without
// ending the association.

// cidHeaderLen is a tls12_cid header without the CID: type, version,
// epoch, sequence number, then (after the CID) length.
const cidHeaderLen = HeaderLen

// errCIDProtector: a suite whose protector cannot take RFC 9146's
// additional data (encrypt-then-MAC, which DTLS never negotiates).
var errCIDProtector = errors.New("dtls: this record protection cannot carry a connection ID")

// NextEpochCID is NextEpoch for an epoch whose records carry cid (the
// peer's CID); an empty cid is NextEpoch.
func (s *Sealer) NextEpochCID(p record.Protector, cid []byte) error {
	if err := s.next(p); err != nil {
		return err
	}
	if len(cid) > 0 {
		if _, ok := p.(record.ADProtector); !ok {
			return errCIDProtector
		}
		s.cur.cid = append([]byte(nil), cid...)
	}
	return nil
}

// NextEpochCID is NextEpoch for an epoch whose records must carry cid
// (ours); an empty cid is NextEpoch.
func (o *Opener) NextEpochCID(p record.Protector, cid []byte) error {
	if err := o.next(p); err != nil {
		return err
	}
	if len(cid) > 0 {
		if _, ok := p.(record.ADProtector); !ok {
			return errCIDProtector
		}
		o.cur.cid = append([]byte(nil), cid...)
		o.cid = o.cur.cid
	}
	return nil
}

// cidAD appends RFC 9146, Section 5's additional data, without its final
// length, to dst[:0]: seq_num_placeholder (eight 0xff bytes), tls12_cid,
// cid_length, tls12_cid, version, epoch, sequence_number, cid.
func cidAD(dst []byte, version, epoch uint16, seq uint64, cid []byte) []byte {
	if cap(dst) < 21+len(cid) {
		dst = make([]byte, 0, 21+len(cid))
	}
	dst = append(dst[:0], 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		wire.TypeTLS12CID, byte(len(cid)), wire.TypeTLS12CID)
	dst = binary.BigEndian.AppendUint16(dst, version)
	dst = binary.BigEndian.AppendUint16(dst, epoch)
	dst = binary.BigEndian.AppendUint16(dst, uint16(seq>>32))
	dst = binary.BigEndian.AppendUint32(dst, uint32(seq))
	return append(dst, cid...)
}

// sealCID is Seal for an epoch with a CID; Seal checked the room.
func (s *Sealer) sealCID(dst []byte, st *writeEpoch, epoch uint16, typ uint8, data []byte) ([]byte, error) {
	ap := st.prot.(record.ADProtector) // checked by NextEpochCID
	off := len(dst)
	hl := cidHeaderLen + len(st.cid)
	en := st.prot.ExplicitNonceLen()
	body := dst[off+hl : off+hl+en+len(data)+1]
	copy(body[en:], data)
	body[en+len(data)] = typ // DTLSInnerPlaintext.real_type
	s.ad = cidAD(s.ad, s.version, epoch, st.next, st.cid)
	body, err := ap.SealAD(body, seqInput(epoch, st.next), s.ad)
	if err != nil {
		return nil, err
	}
	h := AppendHeader(dst[off:off], Header{Type: wire.TypeTLS12CID, Version: s.version, Epoch: epoch, Seq: st.next})
	h = append(h[:HeaderLen-2], st.cid...)
	binary.BigEndian.AppendUint16(h, uint16(len(body)))
	st.next++
	return dst[:off+hl+len(body)], nil
}

// CIDOf returns the CID of a datagram whose first record is a tls12_cid
// record with a CID of n bytes: what a server routes it by. ok is false
// for any other datagram.
func CIDOf(datagram []byte, n int) (cid []byte, ok bool) {
	if n <= 0 || len(datagram) < cidHeaderLen+n || datagram[0] != wire.TypeTLS12CID {
		return nil, false
	}
	return datagram[HeaderLen-2 : HeaderLen-2+n], true
}

// openCID opens a tls12_cid record at the start of datagram; anything
// wrong discards it, as Open does. Without a CID of our own the record
// cannot even be delimited (the CID length is not on the wire), so the
// rest of the datagram goes too.
func (o *Opener) openCID(datagram []byte) (Record, []byte, bool) {
	n := len(o.cid)
	hl := cidHeaderLen + n
	if n == 0 || len(datagram) < hl {
		return Record{}, nil, false
	}
	var h Header
	s := cryptobyte.String(datagram)
	var cid []byte
	// The length check above makes every read succeed.
	s.ReadUint8(&h.Type)
	s.ReadUint16(&h.Version)
	s.ReadUint16(&h.Epoch)
	s.ReadUint48(&h.Seq)
	s.ReadBytes(&cid, n)
	s.ReadUint16(&h.Length)
	if int(h.Length) > len(s) {
		return Record{}, nil, false
	}
	body := datagram[hl : hl+int(h.Length)]
	rest := datagram[hl+int(h.Length):]
	if h.Version != wire.VersionDTLS12 || (o.version != 0 && h.Version != o.version) || string(cid) != string(o.cid) {
		return Record{}, rest, false
	}
	st := o.find(h.Epoch)
	if st == nil || st.prot == nil || string(st.cid) != string(o.cid) {
		return Record{}, rest, false
	}
	// The inner plaintext adds its type byte and at most 255 bytes of
	// padding to what a TLS record may hold.
	if len(body) > wire.MaxCiphertext+256 || !st.window.Check(h.Seq) {
		return Record{}, rest, false
	}
	o.ad = cidAD(o.ad, h.Version, h.Epoch, h.Seq, cid)
	inner, err := st.prot.(record.ADProtector).OpenAD(body, seqInput(h.Epoch, h.Seq), o.ad)
	if err != nil {
		return Record{}, rest, false
	}
	// DTLSInnerPlaintext: content ‖ real_type ‖ zeros. The real type is
	// the last non-zero byte; none at all is not a record.
	i := len(inner) - 1
	for i >= 0 && inner[i] == 0 {
		i--
	}
	if i < 0 || !knownType(inner[i]) || i > wire.MaxPlaintext {
		return Record{}, rest, false
	}
	newest := st.window.Above(h.Seq)
	st.window.Accept(h.Seq)
	return Record{Type: inner[i], Epoch: h.Epoch, Seq: h.Seq, Previous: st == &o.prev, Data: inner[:i], Newest: newest}, rest, true
}
