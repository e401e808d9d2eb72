package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// gosslBin is the gossl binary built once by TestMain.
var gosslBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gossl-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	gosslBin = filepath.Join(dir, "gossl")
	build := exec.Command("go", "build", "-o", gosslBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building gossl:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is a finished gossl run.
type result struct {
	code           int
	stdout, stderr string
}

// gossl runs the binary to completion (killed after 30 seconds).
func gossl(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gosslBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("gossl %v: timed out\nstdout:\n%s\nstderr:\n%s", args, out.String(), errb.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("gossl %v: %v", args, err)
	}
	return result{code, out.String(), errb.String()}
}

// syncBuffer is a bytes.Buffer safe for a process's writer goroutine and
// the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveProc is a running "gossl serve".
type serveProc struct {
	cmd    *exec.Cmd
	addr   string // 127.0.0.1:PORT from the ACCEPT line
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	code   int
}

// startServe starts "gossl serve --port 0 ARGS..." and waits (at most
// 10 seconds) for its ACCEPT line. The process is killed at cleanup.
func startServe(t *testing.T, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(gosslBin, append([]string{"serve", "--host", "127.0.0.1", "--port", "0"}, args...)...)
	s := &serveProc{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		s.wait(t, 5*time.Second)
	})
	accept := make(chan string, 1)
	go func() {
		r := bufio.NewReader(pipe)
		first := true
		for {
			line, err := r.ReadString('\n')
			s.stdout.Write([]byte(line))
			if first && strings.HasPrefix(line, "ACCEPT ") {
				accept <- strings.TrimSpace(strings.TrimPrefix(line, "ACCEPT "))
				first = false
			}
			if err != nil {
				break
			}
		}
		io.Copy(io.Discard, pipe)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			s.code = ee.ExitCode()
		} else if err != nil {
			s.code = -1
		}
		close(s.done)
	}()
	select {
	case s.addr = <-accept:
	case <-s.done:
		t.Fatalf("serve exited before ACCEPT (code %d)\nstderr:\n%s", s.code, s.stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("no ACCEPT line after 10s\nstdout:\n%s\nstderr:\n%s", s.stdout.String(), s.stderr.String())
	}
	if !strings.HasPrefix(s.addr, "127.0.0.1:") || strings.HasSuffix(s.addr, ":0") {
		t.Fatalf("ACCEPT line names %q, want 127.0.0.1 and a real port", s.addr)
	}
	return s
}

// wait waits for the server process to exit and returns its exit code.
func (s *serveProc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-s.done:
		return s.code
	case <-time.After(d):
		s.cmd.Process.Kill()
		<-s.done
		t.Errorf("serve did not exit within %v", d)
		return -1
	}
}

// terminate sends SIGTERM to the server process.
func (s *serveProc) terminate() { s.cmd.Process.Signal(syscall.SIGTERM) }

// closedPort returns a 127.0.0.1 port that nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// eventually polls cond for up to 10 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"help", "serve"}, {"help", "connect"},
		{"help", "ciphers"}, {"help", "demo"}, {"help", "options"}, {"serve", "-h"}, {"connect", "--help"}} {
		r := gossl(t, "", args...)
		want := "Usage"
		if len(args) == 2 && args[1] == "options" {
			want = "--verify"
		}
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("gossl %v: exit %d, stdout:\n%s", args, r.code, r.stdout)
		}
	}
	if r := gossl(t, "", "help", "options"); !strings.Contains(r.stdout, "--[no-]secure-renegotiate") ||
		!strings.Contains(r.stdout, "--alpn-advertised-protocols LIST") {
		t.Errorf("help options:\n%s", r.stdout)
	}
	if r := gossl(t, ""); r.code != 2 {
		t.Errorf("no arguments: exit %d, want 2", r.code)
	}
	if r := gossl(t, "", "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, stderr %s", r.code, r.stderr)
	}
}

func TestDemo(t *testing.T) {
	start := time.Now()
	r := gossl(t, "", "demo")
	if r.code != 0 {
		t.Fatalf("demo: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// TLS 1.3 with the hybrid post-quantum group comes first.
	if first, _, _ := strings.Cut(r.stdout, "\n\n"); !strings.HasPrefix(first, "== TLS 1.3, X25519MLKEM768") ||
		!strings.Contains(first, "\nprotocol: tlsv1.3\n") || !strings.Contains(first, "\nselected_group: x25519mlkem768\n") ||
		!strings.Contains(first, "\nnegotiated_protocol: h2\n") {
		t.Errorf("demo's first block is not TLS 1.3 with X25519MLKEM768 and ALPN:\n%s", first)
	}
	for _, v := range []string{"tlsv1.3", "tlsv1.2", "tlsv1.1", "tlsv1", "dtlsv1.2"} {
		if !strings.Contains(r.stdout, "\nprotocol: "+v+"\n") {
			t.Errorf("demo printed no protocol: %s line:\n%s", v, r.stdout)
		}
	}
	for _, want := range []string{"cipher_suite: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "cipher_suite: TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
		"cipher_suite: TLS_RSA_WITH_AES_256_GCM_SHA384", "cipher_suite: TLS_AES_128_CCM_SHA256", "signature_algorithm: rsa_pss_rsae_",
		"== bulk transfer, tlsv1.3, TLS_AES_128_GCM_SHA256\n", "MB/s"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	t.Logf("demo took %v", time.Since(start))
}

// TestDemoInProcess runs the demo through run, so that the race detector
// sees the command's own goroutines.
func TestDemoInProcess(t *testing.T) {
	var out, errb syncBuffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	if code := run(e, []string{"demo"}); code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "protocol: tlsv1.1\n") {
		t.Errorf("demo output:\n%s", out.String())
	}
}
