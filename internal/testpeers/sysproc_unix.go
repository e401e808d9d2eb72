//go:build unix && !linux

package testpeers

import (
	"os"
	"syscall"
)

// sysProcAttr puts the child in its own process group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends SIGTERM, or SIGKILL if force, to p's process group.
func signalGroup(p *os.Process, force bool) {
	sig := syscall.SIGTERM
	if force {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-p.Pid, sig)
}

// processGone reports whether no process has the given PID.
func processGone(pid int) bool {
	return syscall.Kill(pid, 0) == syscall.ESRCH
}
