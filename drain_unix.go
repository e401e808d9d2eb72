//go:build unix

package ssl

import (
	"syscall"

	"github.com/gossl/ssl/internal/record"
)

// drainNow reads and drops the input the socket behind rc has already
// received, without waiting for more, up to 1 MiB; it reports whether it
// could (false: the caller drains another way).
func drainNow(rc record.RawConn, buf []byte) bool {
	total := 0
	err := rc.Read(func(fd uintptr) bool {
		for total < 1<<20 {
			n, err := syscall.Read(int(fd), buf)
			if err == syscall.EINTR {
				continue
			}
			if n <= 0 || err != nil {
				break // nothing more now (EAGAIN), the end, or an error
			}
			total += n
		}
		return true // never wait in the poller
	})
	return err == nil
}
