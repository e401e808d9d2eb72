package testpeers

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// StopGrace is how long [Proc.Stop] waits after SIGTERM before it sends
// SIGKILL to the process group.
const StopGrace = 2 * time.Second

// Proc is a peer program running in its own process group, with its output
// captured. Create it with [Start] or [StartCmd]; it is stopped when the test
// that started it ends. All methods are safe for concurrent use.
type Proc struct {
	// Name is the command line, for messages.
	Name string
	// Cmd is the running command. Do not call its Wait.
	Cmd *exec.Cmd
	// Stdin writes to the program's standard input; close it to send EOF.
	Stdin io.WriteCloser

	mu       sync.Mutex
	stdout   bytes.Buffer
	stderr   bytes.Buffer
	combined bytes.Buffer
	changed  chan struct{} // closed (and replaced) on every write

	done     chan struct{} // closed when the process has exited
	waitErr  error         // valid after done
	stopOnce sync.Once
}

// Start runs the program name with args in its own process group, capturing
// its stdout and stderr, and registers [Proc.Stop] with t.Cleanup. It fails
// the test if the program cannot be started. It does not check that the
// program is installed: call [Require] first.
func Start(t testing.TB, name string, args ...string) *Proc {
	t.Helper()
	return StartCmd(t, exec.Command(name, args...))
}

// StartCmd is like [Start] for a command the caller has prepared (to set
// Dir or Env, for example). Its Stdin, Stdout, Stderr and SysProcAttr must
// be unset.
func StartCmd(t testing.TB, cmd *exec.Cmd) *Proc {
	t.Helper()
	p := &Proc{
		Name:    strings.Join(cmd.Args, " "),
		Cmd:     cmd,
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
	cmd.Stdout = &procWriter{p: p, buf: &p.stdout}
	cmd.Stderr = &procWriter{p: p, buf: &p.stderr}
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = StopGrace // bound Wait if a grandchild holds the pipes
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatalf("testpeers: %s: %v", p.Name, err)
	}
	p.Stdin = stdin
	if err := cmd.Start(); err != nil {
		t.Fatalf("testpeers: starting %s: %v", p.Name, err)
	}
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.waitErr = err
		p.mu.Unlock()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("peer %s (pid %d) output:\n%s", p.Name, cmd.Process.Pid, p.Output())
		}
	})
	return p
}

// procWriter appends to one of a Proc's buffers and wakes up waiters.
type procWriter struct {
	p   *Proc
	buf *bytes.Buffer
}

func (w *procWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	w.buf.Write(b)
	w.p.combined.Write(b)
	close(w.p.changed)
	w.p.changed = make(chan struct{})
	return len(b), nil
}

// Output returns everything the program wrote so far, stdout and stderr
// interleaved in the order they arrived.
func (p *Proc) Output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.combined.String()
}

// Stdout returns what the program wrote to its standard output so far.
func (p *Proc) Stdout() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String()
}

// Stderr returns what the program wrote to its standard error so far.
func (p *Proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// Exited reports whether the program has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits up to timeout for the program to exit and returns its exit
// error (nil for status 0), or an error if it is still running. It does not
// stop the program.
func (p *Proc) Wait(timeout time.Duration) error {
	if p.Exited() {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.waitErr
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-p.done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.waitErr
	case <-timer.C:
		return fmt.Errorf("%s: still running after %v", p.Name, timeout)
	}
}

// WaitFor waits up to timeout until the program's output (stdout or stderr)
// contains substr. It returns an error, quoting the output, if the program
// exits or the time runs out first.
func (p *Proc) WaitFor(substr string, timeout time.Duration) error {
	ok, exited := p.await(timeout, func() bool {
		return bytes.Contains(p.stdout.Bytes(), []byte(substr)) ||
			bytes.Contains(p.stderr.Bytes(), []byte(substr))
	})
	if ok {
		return nil
	}
	return p.waitError(fmt.Sprintf("%q", substr), timeout, exited)
}

// WaitLine waits up to timeout for a complete output line (stdout or stderr)
// that starts with prefix, and returns the first such line without its line
// ending.
func (p *Proc) WaitLine(prefix string, timeout time.Duration) (string, error) {
	lines, err := p.WaitLines(prefix, 1, timeout)
	if err != nil {
		return "", err
	}
	return lines[0], nil
}

// WaitLines waits up to timeout until n complete output lines start with
// prefix, and returns all such lines so far (at least n). Lines of stdout
// come before lines of stderr. Once the program has exited, an unterminated
// last line counts too.
func (p *Proc) WaitLines(prefix string, n int, timeout time.Duration) ([]string, error) {
	var lines []string
	ok, exited := p.await(timeout, func() bool {
		lines = p.linesLocked(prefix)
		return len(lines) >= n
	})
	if ok {
		return lines, nil
	}
	return lines, p.waitError(fmt.Sprintf("%d line(s) starting with %q", n, prefix), timeout, exited)
}

// Lines returns the output lines (stdout, then stderr) that start with
// prefix so far.
func (p *Proc) Lines(prefix string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.linesLocked(prefix)
}

func (p *Proc) linesLocked(prefix string) []string {
	final := p.Exited()
	var out []string
	for _, buf := range []*bytes.Buffer{&p.stdout, &p.stderr} {
		s := buf.String()
		if !final {
			// Only complete lines: the rest may still be arriving.
			s = s[:strings.LastIndexByte(s, '\n')+1]
		}
		for _, line := range strings.Split(s, "\n") {
			line = strings.TrimSuffix(line, "\r")
			if line != "" && strings.HasPrefix(line, prefix) {
				out = append(out, line)
			}
		}
	}
	return out
}

// await calls check (with p.mu held) after every output change until it
// returns true, the program exits, or timeout passes.
func (p *Proc) await(timeout time.Duration, check func() bool) (ok, exited bool) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		p.mu.Lock()
		if check() {
			p.mu.Unlock()
			return true, false
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-p.done:
			// All output has been copied once the process is reaped.
			p.mu.Lock()
			defer p.mu.Unlock()
			return check(), true
		case <-timer.C:
			return false, false
		}
	}
}

func (p *Proc) waitError(what string, timeout time.Duration, exited bool) error {
	out := p.Output()
	if exited {
		return fmt.Errorf("%s exited (%v) before printing %s; output:\n%s", p.Name, p.Wait(0), what, out)
	}
	return fmt.Errorf("%s did not print %s within %v; output:\n%s", p.Name, what, timeout, out)
}

// Stop ends the program and every process in its group: SIGTERM, then
// SIGKILL after [StopGrace]. It returns once the program has been reaped
// (waiting a few seconds at most). Calling it again does nothing; it runs
// automatically when the test ends.
func (p *Proc) Stop() {
	p.stopOnce.Do(func() {
		if !p.Exited() {
			signalGroup(p.Cmd.Process, false)
			timer := time.NewTimer(StopGrace)
			select {
			case <-p.done:
			case <-timer.C:
			}
			timer.Stop()
		}
		// Also reaches children left behind by a leader that has exited.
		signalGroup(p.Cmd.Process, true)
		timer := time.NewTimer(3 * StopGrace)
		defer timer.Stop()
		select {
		case <-p.done:
		case <-timer.C: // unkillable: nothing more to do
		}
	})
}
