//go:build !linux

package main

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// peerSysProcAttr: without Linux's process-group and parent-death
// settings here, a peer is stopped by its own PID.
func peerSysProcAttr() *syscall.SysProcAttr { return nil }

// signalPeer asks the peer to stop, or kills it if force.
func signalPeer(p *os.Process, force bool) {
	if force {
		_ = p.Kill()
		return
	}
	_ = p.Signal(os.Interrupt)
}

// processCPU needs Linux's /proc: elsewhere the server-CPU rows fail
// with this error.
func processCPU(pid int) (time.Duration, error) {
	return 0, errors.New("a process's CPU time is read from Linux's /proc only")
}
