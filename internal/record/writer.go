package record

import (
	"errors"
	"io"

	"github.com/gossl/ssl/internal/wire"
)

// BeastMitigation chooses how application data is split when TLS 1.0 CBC
// records chain their IVs (the BEAST attack, CVE-2011-3389). The names
// are those of OTP's beast_mitigation option.
type BeastMitigation uint8

const (
	// OneNMinusOne sends the first byte of each write in a record of its
	// own: that record's MAC makes the next record's IV unpredictable to
	// the attacker before they see it.
	OneNMinusOne BeastMitigation = iota
	// ZeroN sends an empty record before each write, to the same end;
	// some old peers mishandle empty records.
	ZeroN
	// Disabled leaves writes unsplit (legacy peers that break on both).
	Disabled
)

// Writer seals records into a buffer and writes them to a transport. It is
// not safe for concurrent use.
type Writer struct {
	dst     io.Writer
	buf     *[writeBufSize]byte // nil while released
	n       int                 // sealed bytes pending in buf
	version uint16
	beast   BeastMitigation
	prot    Protector
	seq     uint64
	maxFrag int
	padding func(n int) int // TLS 1.3 record padding; nil for none
	err     error           // sticky: the transport failed mid-stream
}

// NewWriter returns a Writer of plaintext records.
func NewWriter(w io.Writer) *Writer { return &Writer{dst: w, maxFrag: wire.MaxPlaintext} }

// SetVersion sets the version written in record headers. Before it is
// called the writer uses 0x0301: RFC 5246, Appendix E.1 notes that old
// servers choke on a ClientHello record of a version they do not know.
//
// wire.VersionTLS13 writes 0x0303 in every header (RFC 8446, Section
// 5.1) and, once a protector from NewTLS13Protector is installed, seals
// each record as a TLSInnerPlaintext in an application_data record
// (Section 5.2). change_cipher_spec records stay plaintext whatever the
// protector (Section 5; Appendix D.4).
func (w *Writer) SetVersion(v uint16) { w.version = v }

// SetProtector installs the protection for records written from now on
// (nil means plaintext) and restarts the sequence numbers at zero, as a
// ChangeCipherSpec does (RFC 5246, Section 6.1) and each TLS 1.3 traffic
// key does, KeyUpdate included (RFC 8446, Section 5.3). Records already
// sealed keep the protection they were sealed with, so a KeyUpdate
// message written just before SetProtector goes out under the old key,
// as Section 4.6.3 requires, even if it has not been flushed.
func (w *Writer) SetProtector(p Protector) {
	w.prot = p
	w.seq = 0
}

// SetPadding sets how many zero bytes of padding each TLS 1.3 protected
// record gets (RFC 8446, Section 5.4): f is called with the length of
// the record's content and returns the padding length, which is capped so
// the TLSInnerPlaintext (content, type byte and padding) stays within the
// maximum fragment length plus one: 2^14+1 bytes by default. nil (the default) pads
// nothing. Padding hides the length of the content from observers; it
// does not apply before TLS 1.3 or to plaintext records.
func (w *Writer) SetPadding(f func(n int) int) { w.padding = f }

// Seq returns the sequence number the next protected record will carry:
// how many have been sealed under the current protector. A TLS 1.3 sender
// must update its keys before the AEAD's limit (RFC 8446, Section 5.5).
func (w *Writer) Seq() uint64 { return w.seq }

// SetBeastMitigation sets how application data is split under TLS 1.0
// CBC; other ciphers and versions are never split.
func (w *Writer) SetBeastMitigation(m BeastMitigation) { w.beast = m }

// SetMaxFragment caps the plaintext per record, e.g. for RFC 6066's
// max_fragment_length or RFC 8449's record_size_limit. Values outside
// 1..2^14 mean 2^14. Under TLS 1.3 the cap is on the content alone, while
// record_size_limit also counts the content type and padding (RFC 8449,
// Section 4): pass the limit minus one; SetPadding's padding stays
// within it too.
func (w *Writer) SetMaxFragment(n int) {
	if n <= 0 || n > wire.MaxPlaintext {
		n = wire.MaxPlaintext
	}
	w.maxFrag = n
}

// MaxFragment returns the plaintext cap SetMaxFragment set (2^14 by
// default).
func (w *Writer) MaxFragment() int { return w.maxFrag }

var errEmptyRecord = errors.New("record: empty handshake, alert or change_cipher_spec record")

// WriteRecord seals data as one or more records of type typ, each at most
// the maximum fragment length, into the output buffer. It writes to the
// transport only when the buffer passes its threshold; call Flush to send
// the rest. data may be reused as soon as WriteRecord returns.
func (w *Writer) WriteRecord(typ uint8, data []byte) error {
	if w.err != nil {
		return w.err
	}
	if len(data) == 0 {
		// RFC 5246, Section 6.2.1: only application data may be empty.
		if typ != wire.TypeApplicationData {
			return errEmptyRecord
		}
		return w.seal(typ, nil)
	}
	if typ == wire.TypeApplicationData && w.beast != Disabled && chainedCBC(w.prot) {
		// The first record of each write is a short one, so the IV of
		// the record holding the caller's data is the last block of a
		// record the attacker could not predict (its MAC is secret).
		if w.beast == ZeroN {
			if err := w.seal(typ, nil); err != nil {
				return err
			}
		} else if len(data) > 1 {
			if err := w.seal(typ, data[:1]); err != nil {
				return err
			}
			data = data[1:]
		}
	}
	for len(data) > 0 {
		chunk := data
		if len(chunk) > w.maxFrag {
			chunk = chunk[:w.maxFrag]
		}
		if err := w.seal(typ, chunk); err != nil {
			return err
		}
		data = data[len(chunk):]
	}
	return nil
}

// seal appends one record to the buffer and flushes past the threshold.
func (w *Writer) seal(typ uint8, chunk []byte) error {
	if w.version == wire.VersionTLS13 || isTLS13(w.prot) {
		return w.seal13(typ, chunk)
	}
	en, overhead := 0, 0
	if w.prot != nil {
		if w.seq == maxSeq {
			return ErrSequenceOverflow
		}
		en, overhead = w.prot.ExplicitNonceLen(), w.prot.Overhead()
	}
	if err := w.reserve(headerLen + len(chunk) + overhead); err != nil {
		return err
	}
	vers := w.version
	if vers == 0 {
		vers = wire.VersionTLS10
	}
	rec := w.buf[w.n : w.n+headerLen+en+len(chunk)]
	frag := rec[headerLen:]
	// The fragment's capacity ends at the buffer's end, which the check
	// above keeps at least Overhead past the plaintext.
	if a, ok := w.prot.(*aeadProtector); ok {
		// Sealed from the caller's bytes straight into the buffer.
		var err error
		if frag, err = a.sealFrom(frag, chunk, w.seq, typ, vers); err != nil {
			return sealFailed(rec, err)
		}
	} else {
		copy(rec[headerLen+en:], chunk)
		if w.prot != nil {
			var err error
			if frag, err = w.prot.Seal(frag, w.seq, typ, vers); err != nil {
				return sealFailed(rec, err)
			}
		}
	}
	w.seq++
	return w.finish(rec, typ, vers, len(frag))
}

// sealFailed clears a record whose sealing failed, as far as the
// buffer's capacity past it (where a tag would go): what Seal left there
// may be plaintext, and the buffer goes back to a shared pool. A sealed
// record holds none, so buffers are not cleared otherwise.
func sealFailed(rec []byte, err error) error {
	clear(rec[:cap(rec)])
	return err
}

// finish writes the header of the record starting at rec, whose fragment
// is n bytes, counts it as pending and flushes past the threshold.
func (w *Writer) finish(rec []byte, typ uint8, vers uint16, n int) error {
	rec[0] = typ
	rec[1] = byte(vers >> 8)
	rec[2] = byte(vers)
	rec[3] = byte(n >> 8)
	rec[4] = byte(n)
	w.n += headerLen + n
	if w.n > flushThreshold {
		return w.Flush()
	}
	return nil
}

// reserve makes sure a record of n bytes, header included, fits after the
// pending ones, taking a buffer or flushing as needed.
func (w *Writer) reserve(n int) error {
	if w.buf != nil && w.n+n > len(w.buf) {
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if w.buf == nil {
		w.buf = writePool.Get().(*[writeBufSize]byte)
	}
	return nil
}

// Flush writes every pending record to the transport, in one Write call
// unless the transport takes less. Once everything is written the output
// buffer goes back to its pool, so a connection between writes holds
// none (the next record takes one again, which allocates nothing while
// the pool has one).
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if t, ok := w.dst.(BufferTaker); ok && w.n > 0 {
		taken, err := t.TakeBuffer(w.buf, w.n)
		if err != nil {
			w.err = err
			return err
		}
		if taken {
			w.buf, w.n = nil, 0
			return nil
		}
	}
	off := 0
	for off < w.n {
		m, err := w.dst.Write(w.buf[off:w.n])
		off += m
		if err != nil {
			// Part of a record may be on the wire: the stream cannot
			// be resumed, so the error sticks.
			w.err = err
			return err
		}
		if m == 0 {
			w.err = io.ErrShortWrite
			return w.err
		}
	}
	w.n = 0
	if w.buf != nil {
		writePool.Put(w.buf)
		w.buf = nil
	}
	return nil
}

// WriteBuffer is a Writer's buffer of sealed records.
type WriteBuffer = [writeBufSize]byte

// BufferTaker is a Writer's destination that may take a buffer of sealed
// records whole (buf[:n]) instead of having them written: it owns buf
// from then on, writes or drops its records later, and gives it back
// with PutWriteBuffer; the Writer takes a new buffer for the next
// records. A destination that does not take it (false) is written to as
// usual. An error sticks, as a write error does.
type BufferTaker interface {
	TakeBuffer(buf *WriteBuffer, n int) (taken bool, err error)
}

// PutWriteBuffer gives a buffer a BufferTaker took back to the Writers'
// pool.
func PutWriteBuffer(b *WriteBuffer) { writePool.Put(b) }

// Release returns the output buffer to a shared pool while the connection
// idles; the next WriteRecord takes one again. With records pending (no
// Flush since) it keeps the buffer.
//
// A TLS 1.3 protector drops its cipher state too, and builds it again
// from its key for the next record.
func (w *Writer) Release() {
	releaseProtector(w.prot)
	if w.buf == nil || w.n != 0 {
		return
	}
	writePool.Put(w.buf)
	w.buf = nil
}

// Released reports whether the writer holds neither a buffer nor cipher
// state (tests use it). The caller owns the writer.
func (w *Writer) Released() bool { return w.buf == nil && protectorReleased(w.prot) }

// chainedCBC reports whether p is TLS 1.0 CBC, the one protection whose
// IV the writer has to make unpredictable by splitting.
func chainedCBC(p Protector) bool {
	c, ok := p.(*cbcProtector)
	return ok && c.chained
}
