package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	ssl "github.com/gossl/ssl"
)

func TestConnectReconnect(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, "--cert-out", cert)
	r := gossl(t, "hi\n", "connect", srv.addr, "--cacertfile", cert, "--versions", "tlsv1.2", "--reconnect", "3", "--wait", "1s")
	if r.code != 0 || r.stdout != "hi\n" {
		t.Fatalf("connect --reconnect 3: exit %d, stdout %q\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, i := range []string{"1", "2", "3"} {
		if !strings.Contains(r.stderr, "reconnect "+i+": session_resumption: true") {
			t.Fatalf("reconnect %s did not resume:\n%s", i, r.stderr)
		}
	}
	wantLines(t, "connect's block", r.stderr, "session_resumption: true")
	// Without session reuse nothing resumes.
	r = gossl(t, "", "connect", srv.addr, "--cacertfile", cert, "--versions", "tlsv1.2", "--reconnect", "2", "--no-reuse-sessions", "--wait", "0s")
	if r.code != 0 || strings.Contains(r.stderr, "session_resumption: true") || !strings.Contains(r.stderr, "reconnect 2: session_resumption: false") {
		t.Fatalf("connect --reconnect 2 --no-reuse-sessions: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}

// A line "R" on connect's stdin renegotiates; data flows before and
// after. Over TLS 1.2 and DTLS 1.2.
func TestConnectRenegotiate(t *testing.T) {
	for _, proto := range [][]string{{"--versions", "tlsv1.2"}, {"--protocol", "dtls", "--versions", "dtlsv1.2"}} {
		t.Run(proto[len(proto)-1], func(t *testing.T) { connectRenegotiate(t, proto) })
	}
}

func connectRenegotiate(t *testing.T, proto []string) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	srv := startServe(t, append([]string{"--cert-out", cert}, proto...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gosslBin, append([]string{"connect", srv.addr, "--cacertfile", cert, "--wait", "1s"}, proto...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor := func(b *syncBuffer, s string) {
		t.Helper()
		for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			if strings.Contains(b.String(), s) {
				return
			}
		}
		t.Fatalf("no %q\nstdout:\n%s\nstderr:\n%s", s, stdout.String(), stderr.String())
	}
	io.WriteString(stdin, "before\n")
	waitFor(stdout, "before\n")
	io.WriteString(stdin, "R\n")
	waitFor(stderr, "renegotiated\n")
	io.WriteString(stdin, "after\n")
	waitFor(stdout, "after\n")
	stdin.Close()
	cmd.Wait()
	if !bytes.Equal([]byte(stdout.String()), []byte("before\nafter\n")) {
		t.Fatalf("stdout %q", stdout.String())
	}
}

// A line "R" on serve's stdin renegotiates the open connections; the
// client's reader drives the new handshake and the echo goes on.
func TestServeRenegotiate(t *testing.T) {
	cmd := exec.Command(gosslBin, "serve", "--host", "127.0.0.1", "--port", "0", "--versions", "tlsv1.2")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ACCEPT ") {
		t.Fatalf("serve: %q %v", line, err)
	}
	go io.Copy(io.Discard, out)
	_, portStr, _ := net.SplitHostPort(strings.TrimSpace(strings.TrimPrefix(line, "ACCEPT ")))
	port, _ := strconv.Atoi(portStr)
	s, err := ssl.Connect("127.0.0.1", port, &ssl.Options{Verify: ssl.VerifyNone}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before, _ := s.ConnectionInformation("client_random")
	got := make(chan string, 1)
	go func() {
		b, err := s.Recv(6, 15*time.Second)
		got <- fmt.Sprint(string(b), err)
	}()
	io.WriteString(stdin, "R\n")
	for end := time.Now().Add(10 * time.Second); !strings.Contains(stderr.String(), "renegotiated"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("no renegotiation:\n%s", stderr.String())
		}
	}
	s.Send([]byte("after\n"))
	if g := <-got; g != "after\n<nil>" {
		t.Fatalf("echo after renegotiation: %q", g)
	}
	after, _ := s.ConnectionInformation("client_random")
	if fmt.Sprint(before) == fmt.Sprint(after) {
		t.Fatal("client_random unchanged")
	}
	stdin.Close()
}
