package main

import (
	"os"
	"syscall"
)

// peerSysProcAttr puts a peer in its own process group, and has the
// kernel kill it if bench dies without stopping it.
func peerSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// signalPeer sends SIGTERM, or SIGKILL if force, to the peer's process
// group.
func signalPeer(p *os.Process, force bool) {
	sig := syscall.SIGTERM
	if force {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-p.Pid, sig)
}
