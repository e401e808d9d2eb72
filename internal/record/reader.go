package record

import (
	"errors"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/wire"
)

// Reader reads TLS records from a transport and removes their protection.
// It is not safe for concurrent use; reading and writing are independent
// (a Reader and a Writer share nothing), so one goroutine may read while
// another writes.
type Reader struct {
	src   io.Reader
	buf   *[readBufSize]byte // nil while released
	start int                // first unconsumed byte in buf
	end   int                // end of the bytes read from src
	spill []byte             // unconsumed bytes kept by Release without a buffer
	prot  Protector
	seq   uint64

	// The raw connection (SetRawConn), the function its Read calls and
	// that function's results. The fields are ordered to keep the
	// struct small: a connection holds it for its lifetime.
	raw    RawConn
	rawFn  func(fd uintptr) bool
	count  Counter
	rawN   int32
	rawErr uint16 // the errno of a failed read, 0 if none
	// plainEnd is how far into buf records have been opened in place
	// since it came from the pool: PutBuffer clears that much before it
	// gives buf back, so no plaintext of this connection lingers in a
	// buffer another connection takes (0: none; buf is shorter than
	// 2^16).
	plainEnd uint16
	// park is parkRunning, or parkParked while the reader waits in the
	// poller having found no input (ReleaseParked may then drop the
	// cipher), or parkReleasing while another goroutine does.
	park    atomic.Int32
	version uint16
	// maxPlain is the largest content a protected record may carry
	// (SetMaxPlaintext); 0 means 2^14.
	maxPlain uint16
	// last is the length of the last record's body, protected (LastLen).
	last uint16
	// plainAlerts lets a plaintext alert through under TLS 1.3 from the
	// first protector until a record has opened under it (see
	// SetProtector).
	plainAlerts bool
	// seen is set once a record header has passed checkHeader: a first
	// one that fails is most likely not TLS at all.
	seen bool
	// v2Hello lets the first record be an SSL 2.0-format ClientHello
	// (SetV2Hello, v2hello.go).
	v2Hello bool
}

const (
	parkRunning = iota
	parkParked
	parkReleasing
)

// RawConn is the read half of a syscall.RawConn.
type RawConn interface {
	Read(f func(fd uintptr) bool) error
}

// Counter is told the size of each read from a raw connection.
type Counter interface {
	Count(n int)
}

// SetRawConn makes the reader read from the socket behind rc directly
// (on unix; elsewhere it keeps reading from its io.Reader): a reader
// waiting for input then holds no buffer, which it takes from a shared
// pool once input has arrived. count, if not nil, is told the size of
// each read. rc must be the same connection as the reader's io.Reader.
func (r *Reader) SetRawConn(rc RawConn, count Counter) {
	if !rawSupported || rc == nil {
		return
	}
	r.raw, r.count = rc, count
	r.rawFn = r.rawRead
}

// Raw reports whether the reader reads a raw connection (SetRawConn).
func (r *Reader) Raw() bool { return r.raw != nil }

// HasInput reports whether bytes read from the transport wait to be
// consumed (in the buffer, or set aside by Release).
func (r *Reader) HasInput() bool { return r.end > r.start || len(r.spill) > 0 }

// NewReader returns a Reader of plaintext records with any 0x03xx version.
func NewReader(r io.Reader) *Reader { return &Reader{src: r} }

// SetVersion fixes the record version every later record must carry. 0
// accepts any 0x0300..0x03ff, as needed before the hellos have settled it:
// RFC 5246, Appendix E.1 lets a ClientHello record carry any {03,XX}.
//
// wire.VersionTLS13 switches to the TLS 1.3 rules (RFC 8446, Section 5):
// headers carry 0x0303 (or 0x0301 on plaintext records, which a client
// may use on its ClientHello), and once a protector from
// NewTLS13Protector is installed every record must be protected
// application_data except a plaintext change_cipher_spec of the single
// byte 1, which is returned as it is for the caller to drop. See the
// package documentation for the order of calls.
func (r *Reader) SetVersion(v uint16) { r.version = v }

// SetMaxPlaintext sets the largest content a protected record may
// carry, as a negotiated max_fragment_length (RFC 6066, Section 4) or
// our record_size_limit (RFC 8449, Section 4; under TLS 1.3 the content
// type byte is not counted, so pass the limit minus one) require: a
// longer one is record_overflow. Values outside 1..2^14 mean 2^14.
// Plaintext records are not checked: RFC 8449 exempts them, and the
// hellos that carry them are bounded by the handshake limits.
func (r *Reader) SetMaxPlaintext(n int) {
	if n <= 0 || n > wire.MaxPlaintext {
		n = 0
	}
	r.maxPlain = uint16(n)
}

// MaxPlaintext returns the limit SetMaxPlaintext set (2^14 by default).
func (r *Reader) MaxPlaintext() int { return r.plainLimit() }

// plainLimit is the largest content a protected record may carry.
func (r *Reader) plainLimit() int {
	if r.maxPlain == 0 {
		return wire.MaxPlaintext
	}
	return int(r.maxPlain)
}

// errOverLimit is a protected record longer than the negotiated limit.
var errOverLimit = alert.New(alert.RecordOverflow, "record longer than the negotiated max_fragment_length or record_size_limit")

// Version returns the version set by SetVersion: wire.VersionTLS13 once
// the TLS 1.3 rules apply.
func (r *Reader) Version() uint16 { return r.version }

// SetProtector installs the protection for records read from now on (nil
// means plaintext) and starts its sequence numbers at zero, as a new
// connection state does at a ChangeCipherSpec (RFC 5246, Section 6.1) and
// each TLS 1.3 traffic key does, KeyUpdate included (RFC 8446, Section
// 5.3). Records already buffered but not yet returned are opened with
// the new protection.
//
// Under TLS 1.3, the first protector (after plaintext) lets a plaintext
// alert of two bytes through until a record has opened under it: a peer
// that failed on our plaintext flight (a client that could not use the
// ServerHello) has no keys to protect its alert with, and its alert is
// the reason the handshake ends, which the caller should report rather
// than an unexpected_message of its own. OpenSSL accepts such alerts in
// the same window.
func (r *Reader) SetProtector(p Protector) {
	r.plainAlerts = r.prot == nil && p != nil
	r.prot = p
	r.seq = 0
}

// Buffered returns the bytes read from the transport that no record has
// consumed yet, so a connection that stops using TLS can hand them on.
// The slice is valid until the next call on r.
func (r *Reader) Buffered() []byte {
	if r.buf == nil {
		return r.spill
	}
	return r.buf[r.start:r.end]
}

// maxSpill is the most unconsumed input Release moves out of the buffer
// into a slice of its own so that the buffer can go back to the pool.
const maxSpill = 2048

// Release returns the buffer to a shared pool while the connection idles;
// the next ReadRecord takes one again. The data of the last record is
// invalid afterwards. Unconsumed bytes are never dropped: up to maxSpill
// of them are kept aside, and with more Release keeps the buffer. A TLS
// 1.3 protector drops its cipher state too, and builds it again from its
// key for the next record.
func (r *Reader) Release() {
	releaseProtector(r.prot)
	if r.buf == nil {
		return
	}
	if n := r.end - r.start; n > 0 {
		if n > maxSpill {
			return
		}
		r.spill = append([]byte(nil), r.buf[r.start:r.end]...)
		r.start = r.end
	}
	r.PutBuffer()
}

// PutBuffer returns the buffer to the pool if it holds no unconsumed
// byte, as Release does, but keeps the cipher: for a connection between
// reads. The data of the last record is invalid afterwards.
func (r *Reader) PutBuffer() {
	if r.buf != nil && r.start == r.end {
		if r.plainEnd > 0 {
			clear(r.buf[:r.plainEnd])
			r.plainEnd = 0
		}
		readPool.Put(r.buf)
		r.buf = nil
		r.start, r.end = 0, 0
	}
}

// ReleaseParked drops the cipher state (kept: the key) of a reader that
// waits in the poller on a raw connection having found no input, as
// Release would, from a goroutine other than the reader's; it reports
// whether the reader was waiting so. When the reader wakes it builds the
// cipher again for the next record. The buffer is not touched: a waiting
// reader has already given it back unless it holds part of a record.
func (r *Reader) ReleaseParked() bool {
	if !r.park.CompareAndSwap(parkParked, parkReleasing) {
		return false
	}
	releaseProtector(r.prot)
	r.park.Store(parkParked)
	return true
}

// Released reports whether the reader holds neither a buffer nor cipher
// state (tests use it). The caller owns the reader, or the reader waits
// in the poller.
func (r *Reader) Released() bool {
	if r.park.CompareAndSwap(parkParked, parkReleasing) {
		defer r.park.Store(parkParked)
	}
	return r.buf == nil && protectorReleased(r.prot)
}

// ReleasedWaiting is Released for a reader that waits in the poller
// (tests use it): it looks only while the reader is parked, waiting up to
// a second for that, so that a spurious wake-up of the reader (which takes
// a buffer for one read, finds nothing and parks again) is not counted as
// holding state.
func (r *Reader) ReleasedWaiting() bool {
	deadline := time.Now().Add(time.Second)
	for !r.park.CompareAndSwap(parkParked, parkReleasing) {
		if time.Now().After(deadline) {
			return false
		}
		runtime.Gosched()
	}
	defer r.park.Store(parkParked)
	return r.buf == nil && protectorReleased(r.prot)
}

// unpark ends a wait in the poller: from here on the reader's goroutine
// owns the protector again, once a ReleaseParked in progress is done.
func (r *Reader) unpark() {
	for r.park.Load() != parkRunning {
		if r.park.CompareAndSwap(parkParked, parkRunning) {
			return
		}
		runtime.Gosched() // ReleaseParked is setting a pointer to nil
	}
}

// takeBuf takes a buffer from the pool, with the bytes Release kept
// aside at its start.
func (r *Reader) takeBuf() {
	r.buf = readPool.Get().(*[readBufSize]byte)
	r.start, r.end = 0, copy(r.buf[:], r.spill)
	r.spill = nil
}

// ReadRecord reads one record and returns its content type and plaintext.
// The plaintext is decrypted in place in the reader's buffer and is valid
// until the next call on r. Errors that call for a fatal alert are
// *alert.Error; a transport that ends cleanly between records gives
// io.EOF, and one that ends inside a record io.ErrUnexpectedEOF.
func (r *Reader) ReadRecord() (typ uint8, data []byte, err error) {
	return r.ReadRecordTo(nil)
}

// RecordReady reports whether a whole record is buffered, so that
// ReadRecord returns without reading from the transport.
func (r *Reader) RecordReady() bool {
	n := r.end - r.start
	if r.buf == nil || n < headerLen {
		return false
	}
	return n >= headerLen+(int(r.buf[r.start+3])<<8|int(r.buf[r.start+4]))
}

// ReadRecordTo is ReadRecord, except that a record protected with an
// AEAD whose plaintext fits in dst is decrypted into dst instead of in
// place (data is then a prefix of dst), which saves the caller a copy.
// On failure dst may have been written to.
func (r *Reader) ReadRecordTo(dst []byte) (typ uint8, data []byte, err error) {
	if err := r.fill(headerLen); err != nil {
		return 0, nil, err
	}
	hdr := r.buf[r.start : r.start+headerLen]
	if r.v2Hello && !r.seen && hdr[0]&0x80 != 0 {
		return r.readV2Hello()
	}
	typ = hdr[0]
	vers := uint16(hdr[1])<<8 | uint16(hdr[2])
	n := int(hdr[3])<<8 | int(hdr[4])
	if err := r.checkHeader(typ, vers, n); err != nil {
		if !r.seen {
			return 0, nil, notTLS(err, r.buf[r.start:r.end])
		}
		return 0, nil, err
	}
	r.seen = true
	r.last = uint16(n)
	if err := r.fill(headerLen + n); err != nil {
		return 0, nil, err
	}
	frag := r.buf[r.start+headerLen : r.start+headerLen+n]
	r.start += headerLen + n

	if r.version == wire.VersionTLS13 || isTLS13(r.prot) {
		return r.open13(typ, vers, frag, dst)
	}
	data = frag
	if r.prot != nil {
		if r.seq == maxSeq {
			return 0, nil, ErrSequenceOverflow
		}
		if a, ok := r.prot.(*aeadProtector); ok && dst != nil {
			data, err = a.openTo(dst, frag, r.seq, typ, vers)
		} else {
			data, err = r.prot.Open(frag, r.seq, typ, vers)
		}
		r.markPlain(data, dst)
		if err != nil {
			return 0, nil, err
		}
		// RFC 5246, Section 6.2.3: a plaintext that decrypts to more
		// than 2^14 bytes is an overflow even if the ciphertext was not.
		if len(data) > wire.MaxPlaintext {
			return 0, nil, alert.New(alert.RecordOverflow, "decrypted record too long")
		}
		if len(data) > r.plainLimit() {
			return 0, nil, errOverLimit
		}
	}
	r.seq++
	// RFC 5246, Section 6.2.1: only application data may be empty
	// (useful against traffic analysis); empty handshake, alert or
	// ChangeCipherSpec fragments are not allowed. Checked after
	// decryption because the length that counts is the plaintext's.
	if len(data) == 0 && typ != wire.TypeApplicationData {
		return 0, nil, alert.New(alert.UnexpectedMessage, "empty non-application-data record")
	}
	return typ, data, nil
}

// markPlain notes that the record just consumed (it ends at r.start) was
// opened in place, unless its plaintext data went to the caller's dst. A
// record that failed to open counts too: CBC decrypts before it checks
// the MAC.
func (r *Reader) markPlain(data, dst []byte) {
	if len(data) > 0 && len(dst) > 0 && &data[0] == &dst[0] {
		return
	}
	if e := uint16(r.start); e > r.plainEnd {
		r.plainEnd = e
	}
}

// checkHeader applies the rules that need only the header, so a bad
// record is refused before its body is waited for or buffered.
func (r *Reader) checkHeader(typ uint8, vers uint16, n int) error {
	switch typ {
	case wire.TypeChangeCipherSpec, wire.TypeAlert, wire.TypeHandshake, wire.TypeApplicationData:
	default:
		// RFC 5246, Section 6: an unknown content type gets
		// unexpected_message.
		return alert.New(alert.UnexpectedMessage, "unknown record content type")
	}
	if r.version == wire.VersionTLS13 {
		return r.checkHeader13(typ, vers, n)
	}
	// A major version other than 3 is not TLS at all (an SSL 2.0
	// hello, or another protocol on the port); protocol_version says
	// so, as OpenSSL does. decode_error would claim a malformed TLS
	// record, which it is not.
	if vers>>8 != 3 {
		return alert.New(alert.ProtocolVersion, "record version is not 3.x")
	}
	if r.version != 0 && vers != r.version {
		return alert.New(alert.ProtocolVersion, "record version differs from the negotiated one")
	}
	// RFC 5246, Section 6.2.1 and 6.2.3: 2^14 for plaintext, 2^14+2048
	// for protected records.
	limit := wire.MaxCiphertext
	if r.prot == nil {
		limit = wire.MaxPlaintext
	}
	if n > limit {
		return alert.New(alert.RecordOverflow, "record too long")
	}
	return nil
}

// LastLen returns the length of the body of the last record
// ReadRecord took, as it came (protected), whether it opened or not: a
// server skipping refused 0-RTT data counts what it skips by it.
func (r *Reader) LastLen() int { return int(r.last) }

// Seq returns the sequence number of the next record to be opened under
// the current protector: how many it has opened. A TLS 1.3 peer must
// update its keys before the AEAD's limit (RFC 8446, Section 5.5).
func (r *Reader) Seq() uint64 { return r.seq }

// fill makes sure at least need bytes are buffered from r.start, reading
// from the transport as much as the buffer can hold each time.
func (r *Reader) fill(need int) error {
	if r.end-r.start >= need {
		return nil
	}
	if r.buf == nil && (r.raw == nil || r.spill != nil) {
		r.takeBuf()
		if r.end >= need {
			return nil
		}
	}
	if r.start == r.end {
		r.start, r.end = 0, 0
	} else if r.start+need > len(r.buf) {
		// Move the partial record to the front; need ≤ maxRecord and
		// the buffer holds two, so it fits.
		r.end = copy(r.buf[:], r.buf[r.start:r.end])
		r.start = 0
	}
	empty := 0
	for r.end-r.start < need {
		var n int
		var err error
		if r.raw != nil {
			// With nothing buffered, the buffer is taken only once
			// input has arrived (readRaw).
			n, err = r.readRaw()
		} else {
			n, err = r.src.Read(r.buf[r.end:])
		}
		r.end += n
		if r.end-r.start >= need {
			return nil
		}
		if err != nil {
			if err == io.EOF {
				if r.end == r.start {
					return io.EOF
				}
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if n == 0 {
			if empty++; empty >= 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// notTLS rewords the header error of a connection's first record, whose
// bytes start with head: a peer whose first bytes are not a TLS record
// header (unknown content type, major version not 3) is not speaking TLS,
// and saying so is what helps, as crypto/tls does. The alert stays the
// one the rule gives (unexpected_message, protocol_version).
func notTLS(err error, head []byte) error {
	var ae *alert.Error
	if !errors.As(err, &ae) || (ae.Desc != alert.UnexpectedMessage && ae.Desc != alert.ProtocolVersion) {
		return err
	}
	reason := "first record does not look like a TLS handshake"
	if looksLikeHTTP(head) {
		reason += " (the peer speaks plain HTTP: use http://, or https:// on the other side)"
	}
	return alert.New(ae.Desc, reason+"; "+ae.Reason)
}

// looksLikeHTTP reports whether head starts like an HTTP/1 request or
// response.
func looksLikeHTTP(head []byte) bool {
	for _, p := range []string{"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "HTTP/"} {
		if len(head) >= len(p) && string(head[:len(p)]) == p {
			return true
		}
	}
	return false
}
