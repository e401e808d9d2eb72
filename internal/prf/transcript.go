package prf

import (
	"crypto"
	"crypto/md5"
	"crypto/sha1"
	"hash"
)

// Transcript is the log of handshake messages (headers included) that
// Finished, the extended master secret and CertificateVerify cover.
//
// It keeps the raw bytes rather than running hashes: in TLS 1.2 the hash is
// known only once ServerHello chose a suite, a client's CertificateVerify
// may sign with a hash other than the PRF's (RFC 5246, 7.4.8), and TLS
// 1.0–1.2 signatures over the log need the log itself. Handshakes are a
// few kilobytes, so this costs little. The zero value is an empty log.
//
// Hashing the whole log again for every Sum would cost a TLS 1.3
// handshake half a dozen passes over it, so Sum keeps a running digest of
// the hash it was last asked for and feeds it only the bytes written
// since; each Sum finishes a copy of it (hash.Cloner).
type Transcript struct {
	buf []byte

	d  hash.Hash   // running digest of buf[:dn], or nil
	dh crypto.Hash // d's hash
	dn int

	// digestOnly: the log is gone (DigestOnly) and d covers everything
	// written; n counts it for Len.
	digestOnly bool
	n          int
}

// Write appends one handshake message, header included (for DTLS, the
// header as RFC 6347, 4.2.6 says: the whole message as if unfragmented).
func (t *Transcript) Write(msg []byte) {
	if t.digestOnly {
		t.d.Write(msg)
		t.n += len(msg)
		return
	}
	t.buf = append(t.buf, msg...)
}

// DigestOnly stops keeping the log once h is known to be the only hash
// asked for from now on: a TLS 1.3 handshake after the ServerHello, whose
// hashes are all Transcript-Hash with the suite's hash (RFC 8446, 4.4.1)
// and which signs hashes, never the log. The bytes written so far are
// hashed and dropped; later Writes only feed the digest. Sum and SumWith
// with another hash, and Bytes, then panic (a programming error); Reset
// returns to keeping the log. When h's digest cannot be copied the log
// is kept.
func (t *Transcript) DigestOnly(h crypto.Hash) {
	if t.digestOnly {
		if h != t.dh {
			panic("prf: transcript already reduced to another hash")
		}
		return
	}
	if t.running(h) == nil {
		return
	}
	t.n = len(t.buf)
	t.buf, t.dn, t.digestOnly = nil, 0, true
}

// Sum returns the hash of everything written so far. h == 0 or
// crypto.MD5SHA1 means the 36-byte MD5 ‖ SHA-1 of TLS 1.0 and 1.1 (RFC
// 2246, 7.4.9); any other h must be linked into the binary (crypto/sha256,
// crypto/sha512 are), or Sum panics as crypto.Hash.New does.
func (t *Transcript) Sum(h crypto.Hash) []byte {
	if (h == 0 || h == crypto.MD5SHA1) && !t.digestOnly {
		m := md5.Sum(t.buf)
		s := sha1.Sum(t.buf)
		return append(m[:], s[:]...)
	}
	if d := t.running(h); d != nil {
		return d.Sum(nil)
	}
	d := h.New()
	d.Write(t.buf)
	return d.Sum(nil)
}

// running returns a copy of the running digest of h brought up to date
// with the log, starting one if h is not the digest kept; nil if the hash
// cannot be copied.
func (t *Transcript) running(h crypto.Hash) hash.Hash {
	if t.digestOnly {
		if h != t.dh {
			panic("prf: transcript hash asked for with another hash than DigestOnly's")
		}
	} else {
		if t.d == nil || t.dh != h {
			t.d, t.dh, t.dn = h.New(), h, 0
		}
		t.d.Write(t.buf[t.dn:])
		t.dn = len(t.buf)
	}
	c, ok := t.d.(hash.Cloner)
	var d hash.Cloner
	var err error
	if ok {
		d, err = c.Clone()
	}
	if !ok || err != nil {
		if t.digestOnly {
			// DigestOnly made sure the digest copies.
			panic("prf: transcript digest cannot be copied")
		}
		t.d = nil
		return nil
	}
	return d
}

// Bytes returns the log itself. The slice aliases the transcript: do not
// modify it, and do not keep it across Write or Reset.
func (t *Transcript) Bytes() []byte {
	if t.digestOnly {
		panic("prf: transcript log asked for after DigestOnly")
	}
	return t.buf
}

// Len reports how many bytes have been written.
func (t *Transcript) Len() int {
	if t.digestOnly {
		return t.n
	}
	return len(t.buf)
}

// Reset empties the log (a renegotiation starts a new one, RFC 5246,
// 7.4.9), keeping its buffer for reuse.
func (t *Transcript) Reset() { t.buf, t.d, t.digestOnly, t.n = t.buf[:0], nil, false, 0 }

// SumWith returns the hash of the log followed by extra, without writing
// extra. A PSK binder is computed this way over the ClientHello truncated
// before its binders list (RFC 8446, 4.2.11.2), which must not enter the
// log until the ClientHello is complete.
func (t *Transcript) SumWith(h crypto.Hash, extra []byte) []byte {
	if (h == 0 || h == crypto.MD5SHA1) && !t.digestOnly {
		m, s := md5.New(), sha1.New()
		m.Write(t.buf)
		m.Write(extra)
		s.Write(t.buf)
		s.Write(extra)
		return s.Sum(m.Sum(nil))
	}
	d := t.running(h)
	if d == nil {
		d = h.New()
		d.Write(t.buf)
	}
	d.Write(extra)
	return d.Sum(nil)
}

// msgTypeMessageHash is the handshake type of the synthetic message_hash
// message (RFC 8446, 4.4.1).
const msgTypeMessageHash = 254

// ReplaceWithMessageHash replaces the log, which must hold exactly the
// first ClientHello, with the synthetic message
//
//	message_hash(254) 00 00 Hash.length ‖ Hash(ClientHello1)
//
// as RFC 8446, 4.4.1 requires when the server answers with a
// HelloRetryRequest. h is the hash of the suite the HelloRetryRequest
// chose. The engine calls it after writing ClientHello1 and before writing
// the HelloRetryRequest; both sides then write the HelloRetryRequest,
// ClientHello2 and the rest as usual.
func (t *Transcript) ReplaceWithMessageHash(h crypto.Hash) {
	sum := t.Sum(h)
	t.Reset()
	t.buf = append(t.buf, msgTypeMessageHash, 0, 0, byte(len(sum)))
	t.buf = append(t.buf, sum...)
}
