//go:build !unix

package record

// rawSupported reports whether SetRawConn takes effect on this platform:
// elsewhere the reader reads through the io.Reader it was made with.
const rawSupported = false

func (r *Reader) readRaw() (int, error) { panic("record: raw reads are unix only") }

func (r *Reader) rawRead(fd uintptr) bool { return true }
