//go:build unix

package ssl

import "syscall"

// tcpGetopt reads an inet option from a TCP socket.
func tcpGetopt(raw syscall.RawConn, name string) (any, error) {
	var level, opt int
	switch name {
	case "nodelay":
		level, opt = syscall.IPPROTO_TCP, syscall.TCP_NODELAY
	case "keepalive":
		level, opt = syscall.SOL_SOCKET, syscall.SO_KEEPALIVE
	case "sndbuf":
		level, opt = syscall.SOL_SOCKET, syscall.SO_SNDBUF
	case "recbuf":
		level, opt = syscall.SOL_SOCKET, syscall.SO_RCVBUF
	default:
		return nil, notSupported(name, "getopts")
	}
	var v int
	var serr error
	if err := raw.Control(func(fd uintptr) { v, serr = syscall.GetsockoptInt(int(fd), level, opt) }); err != nil {
		return nil, err
	}
	if serr != nil {
		return nil, serr
	}
	if name == "nodelay" || name == "keepalive" {
		return v != 0, nil
	}
	return v, nil
}
