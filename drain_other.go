//go:build !unix

package ssl

import "github.com/gossl/ssl/internal/record"

// drainNow is not available here: the caller drains with a deadline.
func drainNow(rc record.RawConn, buf []byte) bool { return false }
