//go:build unix

package testpeers_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestProcOutput shows output capture, line waits and stdin.
func TestProcOutput(t *testing.T) {
	testpeers.Require(t, "sh")
	p := testpeers.Start(t, "sh", "-c", `echo READY 1; echo oops >&2; read x; echo "GOT $x"; printf tail`)
	if line, err := p.WaitLine("READY", 5*time.Second); err != nil || line != "READY 1" {
		t.Fatalf("WaitLine = %q, %v", line, err)
	}
	if _, err := p.Stdin.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if got := p.Lines("GOT"); len(got) != 1 || got[0] != "GOT hello" {
		t.Errorf("Lines(GOT) = %q", got)
	}
	if _, err := p.WaitLine("tail", time.Second); err != nil {
		t.Errorf("unterminated last line after exit: %v", err)
	}
	if p.Stderr() != "oops\n" || !strings.Contains(p.Output(), "oops") {
		t.Errorf("stderr = %q", p.Stderr())
	}
	if _, err := p.WaitLine("never", time.Second); err == nil {
		t.Error("WaitLine on an exited process succeeded")
	}
}

// TestProcStop checks that Stop ends the whole process group, a program
// that ignores SIGTERM included, and that waits are bounded.
func TestProcStop(t *testing.T) {
	t.Parallel()
	testpeers.Require(t, "sh")
	p := testpeers.Start(t, "sh", "-c", `trap "" TERM; sleep 60 & echo CHILD $!; wait`)
	line, err := p.WaitLine("CHILD ", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var child int
	if _, err := fmt.Sscan(strings.TrimPrefix(line, "CHILD "), &child); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(100 * time.Millisecond); err == nil {
		t.Fatal("Wait returned nil for a running process")
	}
	start := time.Now()
	p.Stop()
	if !p.Exited() {
		t.Fatal("still running after Stop")
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Stop took %v", d)
	}
	time.Sleep(100 * time.Millisecond)
	if alive(child) {
		t.Errorf("child %d survived Stop", child)
	}
}

// alive reports whether pid runs and is not a zombie (an orphan's zombie
// lingers until the container's init reaps it, if ever).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no procfs: trust kill(2)
	}
	// The state follows the parenthesised command name.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
