package wire

// HandshakeBuffer reassembles TLS handshake messages from the payloads of
// handshake records. Messages may span records and several may share one
// record (RFC 5246, Section 6.2.1), so message and record boundaries are
// unrelated.
//
// Slices returned by Next remain valid, and are never written again by the
// buffer, after later Writes: bytes are copied once into a chunk that is
// only appended to, and a new chunk is started instead of compacting. A
// message that sits whole in one chunk is returned without a copy.
//
// The zero value is ready to use. It is not safe for concurrent use.
type HandshakeBuffer struct {
	buf []byte // current chunk: buf[off:] is not yet returned
	off int
}

// minChunk is the smallest chunk allocated: room for many small records
// (a burst of post-handshake messages shares one chunk), while a
// handshake, whose flights come in one or two records of a few hundred
// bytes to a few kilobytes, gets chunks of about its own size and not
// several kilobytes more per connection.
const minChunk = 1024

// Write appends a handshake record payload. It never fails; the error
// result only makes HandshakeBuffer an io.Writer.
func (h *HandshakeBuffer) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if cap(h.buf)-len(h.buf) < len(p) {
		// Start a new chunk holding the unread bytes; the old one stays
		// untouched for the slices already returned from it.
		unread := h.buf[h.off:]
		need := len(unread) + len(p)
		size := max(minChunk, need)
		if len(unread) > 0 {
			// A message spanning records whose length is not known
			// yet (or is past the default maximum): grow
			// geometrically, so that a message sent in many small
			// records is not copied over and over.
			size = max(size, 2*need)
		}
		// If the pending message's length is known, make room for all of
		// it at once (bounded, since the length comes from the peer).
		if _, n, ok := ParseHeader(unread); ok && HeaderLen+n > size && HeaderLen+n <= DefaultMaxHandshakeSize {
			size = HeaderLen + n
		}
		nb := make([]byte, len(unread), size)
		copy(nb, unread)
		h.buf, h.off = nb, 0
	}
	h.buf = append(h.buf, p...)
	return len(p), nil
}

// Next returns the next complete handshake message, 4-byte header
// included. ok is false when more data is needed. A header announcing a
// body longer than max bytes yields ErrHandshakeTooLarge (max <= 0 means
// DefaultMaxHandshakeSize), as soon as the header is complete; the buffer
// is then unusable for this connection. The returned slice has its capacity
// clipped, so appending to it cannot overwrite the next message.
func (h *HandshakeBuffer) Next(max int) (msg []byte, ok bool, err error) {
	if max <= 0 {
		max = DefaultMaxHandshakeSize
	}
	unread := h.buf[h.off:]
	_, n, ok := ParseHeader(unread)
	if !ok {
		return nil, false, nil
	}
	if n > max {
		return nil, false, ErrHandshakeTooLarge
	}
	if len(unread) < HeaderLen+n {
		return nil, false, nil
	}
	end := h.off + HeaderLen + n
	msg = h.buf[h.off:end:end]
	h.off = end
	if h.off == len(h.buf) && cap(h.buf)-len(h.buf) < HeaderLen {
		// Nothing useful left in this chunk: let it go.
		h.buf, h.off = nil, 0
	}
	return msg, true, nil
}

// Len returns the number of buffered bytes not yet returned by Next. It
// must be 0 when a ChangeCipherSpec arrives (RFC 5246, Section 7.1, and
// RFC 8446, Section 5.1: handshake messages must not span a key change).
func (h *HandshakeBuffer) Len() int { return len(h.buf) - h.off }

// Reset drops all buffered bytes and releases the chunk (for hibernation
// or after a fatal error). Slices returned earlier stay valid.
func (h *HandshakeBuffer) Reset() { h.buf, h.off = nil, 0 }
