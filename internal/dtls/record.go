// Package dtls holds the datagram-specific parts of DTLS 1.0 and 1.2
// (RFC 4347, RFC 6347) that TLS does not have: the record header with
// explicit epoch and sequence number, per-epoch protection and anti-replay
// state, handshake message fragmentation and reassembly, flights and their
// retransmission timer, and HelloVerifyRequest cookies.
//
// Like the handshake machines, nothing here touches a socket or a clock:
// the driver hands in datagrams and the current time, and sends what it
// gets back. Record protection itself is record.Protector, unchanged: its
// sequence-number parameter takes epoch<<48 | sequence_number, which is
// exactly the 64-bit value DTLS authenticates (RFC 6347, Section 4.1.2.1).
package dtls

import (
	"encoding/binary"
	"errors"

	"github.com/gossl/ssl/internal/record"
	"github.com/gossl/ssl/internal/suites"
	"github.com/gossl/ssl/internal/wire"
	"golang.org/x/crypto/cryptobyte"
)

// HeaderLen is the DTLS record header: type, version, epoch, 48-bit
// sequence number, length (RFC 6347, Section 4.1).
const HeaderLen = 13

// MaxSeq is the largest sequence number of an epoch. Sequence numbers
// never wrap (RFC 6347, Section 4.1); a new epoch starts again at zero.
const MaxSeq = 1<<48 - 1

// maxEpoch: the epoch is a 16-bit counter that must not wrap either.
const maxEpoch = 1<<16 - 1

// Header is one record header.
type Header struct {
	Type    uint8
	Version uint16
	Epoch   uint16
	Seq     uint64 // 48 bits
	Length  uint16
}

// ParseHeader reads the header at the start of b. ok is false when b is
// shorter than HeaderLen.
func ParseHeader(b []byte) (h Header, ok bool) {
	s := cryptobyte.String(b)
	ok = s.ReadUint8(&h.Type) && s.ReadUint16(&h.Version) && s.ReadUint16(&h.Epoch) &&
		s.ReadUint48(&h.Seq) && s.ReadUint16(&h.Length)
	return h, ok
}

// AppendHeader appends the 13-byte encoding of h to dst. It allocates
// nothing when dst has room, which the data path relies on.
func AppendHeader(dst []byte, h Header) []byte {
	dst = append(dst, h.Type)
	dst = binary.BigEndian.AppendUint16(dst, h.Version)
	dst = binary.BigEndian.AppendUint16(dst, h.Epoch)
	dst = binary.BigEndian.AppendUint16(dst, uint16(h.Seq>>32))
	dst = binary.BigEndian.AppendUint32(dst, uint32(h.Seq))
	return binary.BigEndian.AppendUint16(dst, h.Length)
}

// IsVersion reports whether v is a DTLS version gossl speaks.
func IsVersion(v uint16) bool { return v == wire.VersionDTLS10 || v == wire.VersionDTLS12 }

// NewProtector builds the record protection of suite s for DTLS version
// v from the key block pieces, as record.NewProtector does for TLS. Stream
// ciphers are refused: a lost datagram would desynchronise the key stream
// (RFC 6347, Section 4.1.2.2), so DTLS has only block ciphers and AEADs.
func NewProtector(s *suites.Suite, v uint16, key, macKey, iv []byte) (record.Protector, error) {
	return NewProtectorWith(s, v, key, macKey, iv, record.Options{})
}

// NewProtectorWith is NewProtector with record options: encrypt-then-MAC
// (RFC 7366, which covers DTLS: its MAC input starts with the 64-bit
// epoch and sequence number, as MAC-then-encrypt's does).
func NewProtectorWith(s *suites.Suite, v uint16, key, macKey, iv []byte, opts record.Options) (record.Protector, error) {
	if !IsVersion(v) {
		return nil, errors.New("dtls: " + wire.VersionName(v) + " is not a DTLS version")
	}
	if s == nil {
		return nil, errors.New("dtls: nil cipher suite")
	}
	if info := s.Cipher.Info(); !info.AEAD && info.BlockSize == 0 {
		return nil, errors.New("dtls: " + s.Name + " uses a stream cipher, which DTLS forbids")
	}
	return record.NewProtectorWith(s, wire.TLSVersion(v), key, macKey, iv, opts)
}

// ErrShortBuffer is a driver bug: Seal was given less room than
// Sealer.Overhead asked for.
var ErrShortBuffer = errors.New("dtls: record buffer too small")

// ErrUnknownEpoch is a driver bug: a record was to be sealed in an epoch
// the Sealer no longer (or not yet) has keys for.
var ErrUnknownEpoch = errors.New("dtls: no keys for that epoch")

// errEpochOverflow stops a 65536th key change rather than wrap the epoch.
var errEpochOverflow = errors.New("dtls: epoch exhausted")

// seqInput is the 64-bit sequence value DTLS authenticates and uses as
// the GCM explicit nonce: epoch ‖ sequence_number (RFC 6347, Sections
// 4.1.2.1 and 4.1.2.3).
func seqInput(epoch uint16, seq uint64) uint64 { return uint64(epoch)<<48 | seq }

// epochKeys is what both directions keep per epoch.
type epochKeys struct {
	valid bool
	epoch uint16
	prot  record.Protector // nil in epoch 0
}

func (k *epochKeys) keys() *epochKeys { return k }

// epochs is the current and the previous epoch of one direction; T is
// the direction's per-epoch state, which embeds epochKeys.
type epochs[T any, P interface {
	*T
	keys() *epochKeys
}] struct {
	cur, prev T
}

// next moves to the next epoch with protector p, keeping the current one
// as the previous one. The epoch is a 16-bit counter that must not wrap.
func (e *epochs[T, P]) next(p record.Protector) error {
	if P(&e.cur).keys().epoch == maxEpoch {
		return errEpochOverflow
	}
	e.prev = e.cur
	P(&e.prev).keys().valid = true
	var n T
	*P(&n).keys() = epochKeys{valid: true, epoch: P(&e.prev).keys().epoch + 1, prot: p}
	e.cur = n
	return nil
}

// find returns the state of epoch, or nil if it is neither the current
// nor the previous one.
func (e *epochs[T, P]) find(epoch uint16) *T {
	if P(&e.cur).keys().epoch == epoch {
		return &e.cur
	}
	if k := P(&e.prev).keys(); k.valid && k.epoch == epoch {
		return &e.prev
	}
	return nil
}

func (e *epochs[T, P]) dropPrevious() {
	var zero T
	e.prev = zero
}

// writeEpoch is the write state of one epoch.
//
//lint:ignore U1000 used as the type argument of epochs[writeEpoch, *writeEpoch]; staticcheck does not see a type used only that way
type writeEpoch struct {
	epochKeys
	next uint64 // next sequence number
	cid  []byte // the CID its records carry (cid.go); empty: none
}

// Sealer is the write side of the record layer. It keeps the current and
// the previous epoch: a retransmitted flight goes out again in the epoch
// each of its messages was first sent in (a ClientKeyExchange in epoch 0
// beside a Finished in epoch 1), with fresh sequence numbers (RFC 6347,
// Section 4.2.4 and 4.1: a retransmission is a new record).
//
// The zero value writes plaintext records of epoch 0 with version 0 on
// the wire; SetVersion before the first record.
type Sealer struct {
	version uint16
	// maxFragment is the negotiated limit on a record's content
	// (max_fragment_length, record_size_limit); 0 is 2^14.
	maxFragment int
	epochs[writeEpoch, *writeEpoch]
	ad []byte // the additional data of a record with a CID (cid.go)
}

// SetMaxFragment limits the content of every record from now on to n
// bytes (RFC 6066, Section 4; RFC 8449, Section 4), handshake fragments
// included; n <= 0 or over 2^14 is 2^14.
func (s *Sealer) SetMaxFragment(n int) {
	if n <= 0 || n > wire.MaxPlaintext {
		n = 0
	}
	s.maxFragment = n
}

// SetVersion sets the version written in record headers. A client writes
// its first ClientHello with DTLS 1.0 (RFC 6347, Section 4.1) and switches
// once the ServerHello fixes the version.
func (s *Sealer) SetVersion(v uint16) { s.version = v }

// Epoch is the current write epoch.
func (s *Sealer) Epoch() uint16 { return s.cur.epoch }

// NextEpoch moves to the next epoch with protector p, at the
// ChangeCipherSpec that announces it; the epoch before stays usable for
// retransmissions until DropPrevious.
func (s *Sealer) NextEpoch(p record.Protector) error { return s.next(p) }

// DropPrevious forgets the previous epoch's keys, once no retransmission
// can need them (the handshake is over and its last flight acknowledged).
func (s *Sealer) DropPrevious() { s.dropPrevious() }

// SkipTo makes the current epoch's next record use sequence number seq
// unless it is past it already. A stateless server starts its epoch 0 at
// the sequence number of the ClientHello that carried the cookie (RFC
// 6347, Section 4.2.1; see Screening.RecordSeq).
func (s *Sealer) SkipTo(seq uint64) {
	if seq > s.cur.next && seq <= MaxSeq {
		s.cur.next = seq
	}
}

// Overhead is the most a record of epoch adds to its payload: header,
// explicit nonce or IV, tag or MAC and padding. It is -1 for an epoch the
// Sealer has no keys for.
func (s *Sealer) Overhead(epoch uint16) int {
	st := s.find(epoch)
	if st == nil {
		return -1
	}
	if st.prot == nil {
		return HeaderLen
	}
	if len(st.cid) > 0 {
		// The CID in the header and the real content type inside the
		// protected DTLSInnerPlaintext (RFC 9146, Section 4).
		return HeaderLen + len(st.cid) + 1 + st.prot.Overhead()
	}
	return HeaderLen + st.prot.Overhead()
}

// MaxPlaintext is the largest payload a record of epoch can carry and
// still fit into mtu bytes of datagram (RFC 6347, Section 4.1.1: records
// must fit the path MTU, since a record never spans datagrams). For CBC
// the padding makes the overhead depend on the length; Overhead is the
// worst case, so the result is safe. It is at most 2^14 (RFC 5246,
// Section 6.2.1), or the limit SetMaxFragment set, and 0 when not even
// one byte fits.
func (s *Sealer) MaxPlaintext(epoch uint16, mtu int) int {
	o := s.Overhead(epoch)
	if o < 0 || mtu <= o {
		return 0
	}
	limit := wire.MaxPlaintext
	if s.maxFragment > 0 {
		limit = s.maxFragment
	}
	return min(mtu-o, limit)
}

// Seal appends one record of type typ carrying data in epoch to dst and
// returns the extended buffer. dst must have room for
// len(data)+Overhead(epoch) more bytes; Seal then allocates nothing. data
// must not overlap dst's spare capacity.
func (s *Sealer) Seal(dst []byte, epoch uint16, typ uint8, data []byte) ([]byte, error) {
	st := s.find(epoch)
	if st == nil {
		return nil, ErrUnknownEpoch
	}
	if len(data) > wire.MaxPlaintext {
		return nil, errors.New("dtls: record payload over 2^14 bytes")
	}
	if st.next > MaxSeq {
		return nil, record.ErrSequenceOverflow
	}
	off := len(dst)
	if cap(dst)-off < len(data)+s.Overhead(epoch) {
		return nil, ErrShortBuffer
	}
	if len(st.cid) > 0 && st.prot != nil {
		return s.sealCID(dst, st, epoch, typ, data)
	}
	en := 0
	if st.prot != nil {
		en = st.prot.ExplicitNonceLen()
	}
	body := dst[off+HeaderLen : off+HeaderLen+en+len(data)]
	copy(body[en:], data)
	if st.prot != nil {
		var err error
		body, err = st.prot.Seal(body, seqInput(epoch, st.next), typ, s.version)
		if err != nil {
			return nil, err
		}
	}
	AppendHeader(dst[off:off], Header{Type: typ, Version: s.version, Epoch: epoch, Seq: st.next, Length: uint16(len(body))})
	st.next++
	return dst[:off+HeaderLen+len(body)], nil
}

// readEpoch is the read state of one epoch, with its own replay window
// (RFC 6347, Section 4.1.2.6: the window is per epoch, since sequence
// numbers restart at each).
//
//lint:ignore U1000 used as the type argument of epochs[readEpoch, *readEpoch]; staticcheck does not see a type used only that way
type readEpoch struct {
	epochKeys
	window record.ReplayWindow
	cid    []byte // the CID its records must carry (cid.go); empty: none
}

// Record is one record the Opener accepted.
type Record struct {
	Type  uint8
	Epoch uint16
	Seq   uint64
	// Previous is true for a record of the epoch before the current one:
	// during a handshake, the sign that the peer is retransmitting.
	Previous bool
	// Data is the plaintext, a subslice of the datagram (opened in place).
	Data []byte
	// Newest: the sequence number is above every one accepted before in
	// its epoch (RFC 9146, Section 6: only such a record may move the
	// peer to a new address).
	Newest bool
}

// Opener is the read side of the record layer. It opens one record of a
// datagram at a time, in place, and discards every invalid record
// silently (RFC 6347, Section 4.1.2.7): a record with a bad header, a
// wrong version, an epoch it has no keys for, a replayed or too old
// sequence number, an oversized length or a failed MAC is dropped and
// counted, and the association lives on. Only records of the current and
// the previous epoch are accepted; a record of a future epoch (a Finished
// that overtook its ChangeCipherSpec) is dropped, which RFC 6347, Section
// 4.1 allows (the handshake driver keeps a copy to open once the keys are
// in, dtls_socket.go). The previous epoch, when
// it is the plaintext epoch 0, yields only handshake and change_cipher_spec
// records.
type Opener struct {
	version uint16
	epochs[readEpoch, *readEpoch]
	discarded uint64
	cid       []byte // the CID records of the current epoch carry (cid.go)
	ad        []byte
}

// SetVersion fixes the version records must carry once keys are in use.
// Plaintext records of epoch 0 may carry either DTLS version: the first
// flights are sent before the version is known (RFC 6347, Section 4.1),
// and a peer may retransmit them afterwards.
func (o *Opener) SetVersion(v uint16) { o.version = v }

// Epoch is the current read epoch.
func (o *Opener) Epoch() uint16 { return o.cur.epoch }

// NextEpoch moves to the next epoch with protector p, at the peer's
// ChangeCipherSpec; the previous epoch stays readable (with its replay
// window) until DropPrevious.
func (o *Opener) NextEpoch(p record.Protector) error { return o.next(p) }

// DropPrevious forgets the previous epoch: its records are discarded from
// now on.
func (o *Opener) DropPrevious() { o.dropPrevious() }

// Discarded counts the records discarded so far.
func (o *Opener) Discarded() uint64 { return o.discarded }

// Open takes the next record from datagram. ok is false when the record
// was discarded; rest is what follows it in the datagram either way (nil
// when the framing itself is broken, since nothing after a bad length can
// be trusted to start a record). The caller loops while len(rest) > 0.
func (o *Opener) Open(datagram []byte) (rec Record, rest []byte, ok bool) {
	if len(datagram) > 0 && datagram[0] == wire.TypeTLS12CID {
		rec, rest, ok = o.openCID(datagram)
		if !ok {
			o.discarded++
		}
		return rec, rest, ok
	}
	h, hok := ParseHeader(datagram)
	if !hok || int(h.Length) > len(datagram)-HeaderLen {
		o.discarded++
		return Record{}, nil, false
	}
	body := datagram[HeaderLen : HeaderLen+int(h.Length)]
	rest = datagram[HeaderLen+int(h.Length):]
	rec, ok = o.open(h, body)
	if !ok {
		o.discarded++
	}
	return rec, rest, ok
}

func (o *Opener) open(h Header, body []byte) (Record, bool) {
	if !knownType(h.Type) || !IsVersion(h.Version) {
		return Record{}, false
	}
	st := o.find(h.Epoch)
	if st == nil || len(st.cid) > 0 {
		// An epoch whose records carry a CID takes no record without.
		return Record{}, false
	}
	// A plaintext previous epoch (epoch 0, once keys are in use) is read
	// only for the peer's retransmitted handshake flight; any other
	// plaintext record there would be unauthenticated data or alerts
	// injected past the key change.
	if st == &o.prev && st.prot == nil && h.Type != wire.TypeHandshake && h.Type != wire.TypeChangeCipherSpec {
		return Record{}, false
	}
	if st.prot != nil && o.version != 0 && h.Version != o.version {
		return Record{}, false
	}
	limit := wire.MaxPlaintext
	if st.prot != nil {
		limit = wire.MaxCiphertext
	}
	if len(body) > limit || !st.window.Check(h.Seq) {
		return Record{}, false
	}
	data := body
	if st.prot != nil {
		var err error
		data, err = st.prot.Open(body, seqInput(h.Epoch, h.Seq), h.Type, h.Version)
		if err != nil || len(data) > wire.MaxPlaintext {
			return Record{}, false
		}
	}
	// Only an authenticated record moves the window (Section 4.1.2.6),
	// so a forged one cannot make a genuine record look replayed.
	newest := st.window.Above(h.Seq)
	st.window.Accept(h.Seq)
	return Record{Type: h.Type, Epoch: h.Epoch, Seq: h.Seq, Previous: st == &o.prev, Data: data, Newest: newest}, true
}

// knownType: DTLS 1.2 has the four content types of TLS 1.2 (RFC 6347,
// Section 4.1); anything else is not a record this layer can deliver.
func knownType(t uint8) bool {
	switch t {
	case wire.TypeChangeCipherSpec, wire.TypeAlert, wire.TypeHandshake, wire.TypeApplicationData:
		return true
	}
	return false
}
