package ssl

// recordConn is the record layer an established socket reads and writes
// through: TLS's record.Reader and record.Writer over a byte stream
// (tlsRecords), or a DTLS association over datagrams (dtlsConn). The
// socket model above it (Recv, Read, Send, Write, active mode, the
// packet, mode and header options, alerts, close_notify, the idle
// release) is written once against it and serves both protocols.
//
// The handshakes keep their own drivers (handshake.go, dtls_socket.go):
// TLS's runs over record.Reader and record.Writer directly, DTLS's owns
// flights and the retransmission timer.
type recordConn interface {
	// ReadRecordTo reads the next record the data path handles and
	// returns its type and plaintext: application data, an alert, a
	// post-handshake handshake message (whole, for DTLS) or a
	// change_cipher_spec (TLS renegotiation). Application data is
	// decrypted (or copied) into dst when it fits there, and data then
	// starts at &dst[0]; otherwise data stays valid until the next call.
	// A read deadline that passes is a timeout error (net.Error).
	ReadRecordTo(dst []byte) (typ uint8, data []byte, err error)
	// RecordReady reports whether another whole record can be read
	// without waiting, for Recv and Read to join it to what they
	// return. DTLS never joins: one record is one Recv.
	RecordReady() bool
	// Buffered is the input read from the transport and not yet
	// consumed.
	Buffered() []byte
	// PutBuffer gives the read buffer back at the end of a read that
	// consumed it; ReleaseReader also drops the read cipher's state
	// while the socket idles. The next read takes them again.
	PutBuffer()
	ReleaseReader()

	// WriteRecord queues (TLS) or sends (DTLS) one message of type typ;
	// Flush writes what is queued; ReleaseWriter gives the write buffer
	// and cipher state back while the socket idles.
	WriteRecord(typ uint8, data []byte) error
	Flush() error
	ReleaseWriter()
}

// records returns the socket's record layer.
func (s *Socket) records() recordConn {
	if c := s.dtls(); c != nil {
		return c
	}
	return (*tlsRecords)(s)
}

// tlsRecords is a TLS socket seen as its recordConn: its record.Reader
// and record.Writer (a conversion of the socket pointer, so that getting
// it allocates nothing and the socket holds no extra field).
type tlsRecords Socket

func (t *tlsRecords) ReadRecordTo(dst []byte) (uint8, []byte, error) { return t.rd.ReadRecordTo(dst) }
func (t *tlsRecords) RecordReady() bool                              { return t.rd.RecordReady() }
func (t *tlsRecords) Buffered() []byte                               { return t.rd.Buffered() }
func (t *tlsRecords) PutBuffer()                                     { t.rd.PutBuffer() }
func (t *tlsRecords) ReleaseReader()                                 { t.rd.Release() }
func (t *tlsRecords) WriteRecord(typ uint8, data []byte) error       { return t.wr.WriteRecord(typ, data) }
func (t *tlsRecords) Flush() error                                   { return t.wr.Flush() }
func (t *tlsRecords) ReleaseWriter()                                 { t.wr.Release() }
