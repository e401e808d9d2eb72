package record

import (
	"sync"

	"github.com/gossl/ssl/internal/wire"
)

// headerLen is the TLS record header: type, version, length (RFC 5246,
// Section 6.2.1). A DTLS header (RFC 6347, Section 4.1) adds epoch and
// sequence number for 13 bytes; only framing code uses this constant.
const headerLen = 5

// maxRecord is the largest record a peer may send us.
const maxRecord = headerLen + wire.MaxCiphertext

// readBufSize holds two whole records, so a read from the transport can
// always take the rest of one record and the start of the next: a burst
// of small records then costs one system call.
const readBufSize = 2 * maxRecord

// The Reader keeps offsets into its buffer in 16 bits (plainEnd).
var _ [1<<16 - readBufSize]struct{}

// flushThreshold is how much sealed output the writer gathers before it
// writes without being asked, and writeBufSize leaves room past it for one
// more whole record, so sealing never has to split around a flush.
const (
	flushThreshold = 64 << 10
	writeBufSize   = flushThreshold + maxRecord
)

// Buffers are pooled as array pointers so that Get and Put box nothing.
var (
	readPool  = sync.Pool{New: func() any { return new([readBufSize]byte) }}
	writePool = sync.Pool{New: func() any { return new([writeBufSize]byte) }}
)
