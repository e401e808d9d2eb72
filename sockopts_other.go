//go:build !unix

package ssl

import "syscall"

// tcpGetopt is not available on this system.
func tcpGetopt(raw syscall.RawConn, name string) (any, error) {
	return nil, notSupported(name, "getopts")
}
