package ssl

import (
	"time"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/dtls"
	"github.com/gossl/ssl/internal/wire"
)

// A dtlsConn is the recordConn of a DTLS socket once its handshake is
// done: the socket model reads and writes through these methods, as it
// does through record.Reader and record.Writer for TLS.

// ReadRecordTo returns the next record for the data path: application
// data (one record, never joined with the next: a datagram protocol's
// message boundaries are the application's), a well-formed alert, or a
// whole handshake message of the current epoch that follows the
// handshake (a renegotiation's HelloRequest or ClientHello). Invalid
// records are dropped (RFC 6347, Section 4.1.2.7), and so are
// change_cipher_spec records and handshake fragments the peer
// retransmits; those mean our last flight was lost, and it is sent again
// (Section 4.2.4).
func (c *dtlsConn) ReadRecordTo(dst []byte) (uint8, []byte, error) {
	return c.readRecord(dst, true)
}

// readRecord is ReadRecordTo; without queued, it leaves the application
// data kept for Recv (early, held) where it is and reads on: for
// Renegotiate's wait, which keeps what it reads there (dtls_reneg.go).
func (c *dtlsConn) readRecord(dst []byte, queued bool) (uint8, []byte, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if len(c.early) > 0 && queued {
		d := c.early[0]
		c.early[0] = nil
		if c.early = c.early[1:]; len(c.early) == 0 {
			c.early = nil
		}
		return wire.TypeApplicationData, d, nil
	}
	for {
		if d, ok := c.takeHeld(queued); ok {
			return wire.TypeApplicationData, d, nil
		}
		if msg, ok := c.ra.Next(); ok {
			c.newPeerMessage()
			return wire.TypeHandshake, msg, nil
		}
		if len(c.rest) == 0 {
			c.rest = c.takeFuture()
		}
		if len(c.rest) == 0 {
			// During a renegotiation the retransmission timer
			// bounds the wait (dtls_reneg.go); between handshakes it
			// is stopped, and the data path does not take the
			// writers' lock to ask it.
			var wait time.Time
			if c.rn.active.Load() {
				wait = c.retransmitDeadline()
			}
			d, err := c.readDatagram(wait)
			if err != nil {
				if isTimeout(err) && c.onReadTimeout(wait) {
					continue
				}
				return 0, nil, err
			}
			c.rest = d
			c.maybeDropPrevious()
		}
		epoch := c.r.Epoch()
		rec, next, ok := c.r.Open(c.rest)
		if !ok && c.rn.active.Load() && c.keepNextEpoch(c.rest, next, epoch) {
			c.rn.futureFor = epoch
		}
		c.rest = next
		if !ok {
			continue
		}
		if err := c.overflow(rec); err != nil {
			return 0, nil, err
		}
		c.migrate(rec)
		switch rec.Type {
		case wire.TypeApplicationData:
			if c.rn.hold.Load() && !rec.Previous {
				c.holdNewData(rec.Data)
				continue
			}
			if n := len(rec.Data); n > 0 && n <= len(dst) {
				return rec.Type, dst[:copy(dst, rec.Data)], nil
			}
			return rec.Type, rec.Data, nil
		case wire.TypeAlert:
			if len(rec.Data) == 2 {
				return rec.Type, rec.Data, nil
			}
		case wire.TypeHandshake:
			if err := c.handshakeRecord(rec); err != nil {
				return 0, nil, err
			}
		case wire.TypeChangeCipherSpec:
			// Only a renegotiation's, in the current epoch, reaches the
			// socket; one of the previous epoch is a retransmission.
			if c.rn.active.Load() && !rec.Previous && len(rec.Data) == 1 && rec.Data[0] == 1 {
				c.peerAnswered()
				return rec.Type, rec.Data, nil
			}
		}
	}
}

// handshakeRecord takes a handshake record after the handshake. One of
// the previous epoch (the plaintext epoch 0 of the first handshake)
// counts only as the peer retransmitting messages already seen: nobody
// authenticated it, so a new message there is dropped, not reassembled.
//
// Each handshake numbers its messages from 0 (RFC 6347, 4.2.2), so the
// messages of the handshake that ended are told from a new one's by
// epoch (dtls_reneg.go): all of them were in the previous epoch but the
// peer's Finished, which was in the epoch that handshake ended in.
func (c *dtlsConn) handshakeRecord(rec dtls.Record) error {
	if rec.Previous {
		if onlyOldFragments(rec.Data, max(c.rn.lastNext, c.ra.NextSeq())) {
			return c.resendOnPeerRetransmit(rec.Data)
		}
		return nil
	}
	data, stale := c.staleFinished(rec)
	if !c.rn.active.Load() && rec.Epoch == c.rn.baseEpoch && hasFragmentFrom(data, c.rn.lastNext) {
		// The handshake that ended goes on: its numbering, past its
		// last message (an extra Finished, say). A new handshake starts
		// at message_seq 0 with a HelloRequest or a ClientHello.
		return alert.New(alert.UnexpectedMessage, "handshake message after the DTLS handshake")
	}
	old, err := c.ra.Add(data)
	if err != nil {
		return err
	}
	if old || stale {
		return c.resendOnPeerRetransmit(rec.Data)
	}
	return nil
}

// hasFragmentBefore reports whether payload holds a well-formed
// handshake fragment of a message_seq before start.
func hasFragmentBefore(payload []byte, start uint16) bool {
	return anyFragmentSeq(payload, func(seq uint16) bool { return seq-start >= 1<<15 })
}

// hasFragmentFrom reports whether payload holds a well-formed handshake
// fragment of a message_seq at or after start.
func hasFragmentFrom(payload []byte, start uint16) bool {
	return anyFragmentSeq(payload, func(seq uint16) bool { return seq-start < 1<<15 })
}

// anyFragmentSeq reports whether a well-formed handshake fragment of
// payload, up to the first malformed one, has a message_seq for which
// match is true (message_seq wraps: "before" is the upper half).
func anyFragmentSeq(payload []byte, match func(uint16) bool) bool {
	for len(payload) > 0 {
		h, ok := wire.ParseDTLSHeader(payload)
		if !ok || len(payload)-wire.DTLSHeaderLen < int(h.FragmentLength) {
			return false
		}
		if match(h.MessageSeq) {
			return true
		}
		payload = payload[wire.DTLSHeaderLen+int(h.FragmentLength):]
	}
	return false
}

// onlyOldFragments reports whether payload holds handshake fragments,
// every one of a message_seq before next.
func onlyOldFragments(payload []byte, next uint16) bool {
	if len(payload) == 0 {
		return false
	}
	for len(payload) > 0 {
		h, ok := wire.ParseDTLSHeader(payload)
		if !ok || len(payload)-wire.DTLSHeaderLen < int(h.FragmentLength) || h.MessageSeq-next < 1<<15 {
			return false
		}
		payload = payload[wire.DTLSHeaderLen+int(h.FragmentLength):]
	}
	return true
}

// RecordReady is false: each Recv returns one record.
func (c *dtlsConn) RecordReady() bool { return false }

// Buffered is the rest of the last datagram, not opened yet.
func (c *dtlsConn) Buffered() []byte { return c.rest }

// PutBuffer gives a client's receive buffer back to the pool between
// datagrams (a server association's datagrams are its own).
func (c *dtlsConn) PutBuffer() {
	c.rmu.Lock()
	if c.rbuf != nil && len(c.rest) == 0 {
		dtlsReadBufs.Put(c.rbuf)
		c.rbuf = nil
	}
	c.rmu.Unlock()
}

// ReleaseReader is PutBuffer: the ciphers keep their state (the AEADs
// and block ciphers of a DTLS association are built once, with its
// epoch).
func (c *dtlsConn) ReleaseReader() { c.PutBuffer() }

// WriteRecord sends data as one or more records of type typ in the
// current epoch, each in its own datagram and no larger than the MTU
// allows (an empty message is one empty record).
func (c *dtlsConn) WriteRecord(typ uint8, data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	epoch := c.w.Epoch()
	max := c.w.MaxPlaintext(epoch, c.mtu)
	for first := true; first || len(data) > 0; first = false {
		n := min(len(data), max)
		rec, err := c.w.Seal(c.sendBuf[:0], epoch, typ, data[:n])
		if err != nil {
			return err
		}
		if err := c.writeDatagram(rec); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// Flush has nothing to do: WriteRecord sends at once.
func (c *dtlsConn) Flush() error { return nil }

// ReleaseWriter keeps the send buffer: it is one MTU.
func (c *dtlsConn) ReleaseWriter() {}
