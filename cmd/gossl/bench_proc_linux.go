package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
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

// processCPU is the CPU time (user and system, every thread) process
// pid has used: the sum of its threads' run times in
// /proc/PID/task/*/schedstat (nanoseconds), or, where that is missing,
// utime + stime from /proc/PID/stat (clock ticks of 10 ms).
func processCPU(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err == nil && len(tasks) > 0 {
		var sum time.Duration
		for _, f := range tasks {
			data, err := os.ReadFile(f)
			if err != nil {
				continue // a thread that has exited
			}
			var ns int64
			if _, err := fmt.Sscan(string(data), &ns); err == nil {
				sum += time.Duration(ns)
			}
		}
		if sum > 0 {
			return sum, nil
		}
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: count from its ')'.
	i := strings.LastIndexByte(string(data), ')')
	f := strings.Fields(string(data[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
