//go:build !unix

package testpeers

import (
	"os"
	"syscall"
)

// sysProcAttr has no process groups to offer on this system.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// signalGroup kills p itself; there is no process group here.
func signalGroup(p *os.Process, force bool) { _ = p.Kill() }

// processGone cannot tell here, so it says no.
func processGone(pid int) bool { return false }
