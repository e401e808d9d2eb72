//go:build unix

package record

import (
	"io"
	"os"
	"syscall"
)

// rawSupported reports whether SetRawConn takes effect on this platform.
const rawSupported = true

// readRaw reads once from the raw connection into the buffer, taking a
// buffer from the pool only once the socket has input. When the socket
// has none and no byte is buffered, the buffer goes back to the pool
// before the goroutine parks in the network poller, so a reader blocked
// on an idle connection holds no buffer. Deadlines and Close end the wait
// as they end a Read.
func (r *Reader) readRaw() (int, error) {
	r.rawN, r.rawErr = 0, 0
	err := r.raw.Read(r.rawFn)
	r.unpark() // a deadline or Close ends the wait without a call
	if err != nil {
		return 0, err
	}
	if r.rawErr != 0 {
		return 0, os.NewSyscallError("read", syscall.Errno(r.rawErr))
	}
	if r.rawN == 0 {
		return 0, io.EOF
	}
	if r.count != nil {
		r.count.Count(int(r.rawN))
	}
	return int(r.rawN), nil
}

// rawRead is the function given to the raw connection's Read (a single
// method value, made once): it returns false to wait for input.
func (r *Reader) rawRead(fd uintptr) bool {
	r.unpark()
	if r.buf == nil {
		r.buf = readPool.Get().(*[readBufSize]byte)
	}
	for {
		n, err := syscall.Read(int(fd), r.buf[r.end:])
		switch err {
		case nil:
			r.rawN = int32(n)
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			r.PutBuffer() // if nothing is buffered
			r.park.Store(parkParked)
			return false
		}
		r.rawErr = errno(err)
		return true
	}
}

func errno(err error) uint16 {
	if e, ok := err.(syscall.Errno); ok && e != 0 && e <= 0xffff {
		return uint16(e)
	}
	return uint16(syscall.EIO)
}
