//go:build !linux

package main

import (
	"os"
	"syscall"
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
