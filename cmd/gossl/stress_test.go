package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// stressSmall is gossl stress at CI size: every phase, a few seconds
// each on an idle machine.
var stressSmall = []string{"stress", "--conns", "56", "--bytes", "20000", "--abrupt", "300", "--workers", "16",
	"--slowloris", "30", "--slow-interval", "0.5", "--handshake-timeout", "3",
	"--flood", "300", "--flood-workers", "16", "--idle", "200", "--settle", "20"}

// TestStressSmall runs every phase of gossl stress at a small size, in
// its own process (the leak check counts the process's goroutines and
// descriptors), and checks each phase reports what it must: no byte
// lost or corrupted, no hang, every slowloris client cut in time while
// others are served, every flooding hello answered, no leak.
func TestStressSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gosslBin, stressSmall...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("gossl stress timed out:\n%s", out.String())
	}
	if err != nil {
		t.Fatalf("gossl stress: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"data: 56 connections open at once (",
		"data: 0 failed, 0 bytes lost, 0 connections with corrupted data, 0 wrong versions, 0 wrong suites\n",
		"abrupt: 300 connections: ",
		"0 hung\n",
		"slowloris: cut after: 30, ",
		"0 not cut, 0 cut late",
		"flood: 300 ClientHellos",
		"300 answered, 0 not\n",
		"idle: gossl ",
		"idle: crypto/tls ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	for _, p := range []string{"data", "abrupt", "slowloris", "flood"} {
		if !strings.Contains(out.String(), "\n"+p+": before ") {
			t.Errorf("no leak check after %s", p)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("output:\n%s", out.String())
	}
}

// TestStressLeakCheck checks the leak check sees goroutines and file
// descriptors held past a phase, and lets go once they are released.
func TestStressLeakCheck(t *testing.T) {
	st := &stress{cfg: &stressConfig{maxGoroutines: 4, maxFDs: 4, maxHeapMB: 64, settle: 300 * time.Millisecond}, out: io.Discard}
	base := measureUsage()
	stop := make(chan struct{})
	for i := 0; i < 20; i++ {
		go func() { <-stop }()
	}
	var files []*os.File
	for i := 0; i < 20; i++ {
		f, err := os.Open(os.DevNull)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	err := st.leakCheck("test", base)
	close(stop)
	for _, f := range files {
		f.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "leak:") {
		t.Fatalf("20 goroutines and 20 descriptors held: leak check says %v", err)
	}
	st.cfg.settle = 5 * time.Second
	if err := st.leakCheck("test", base); err != nil {
		t.Errorf("after release: %v", err)
	}
}

// TestStressUsage checks the command refuses an unknown phase and
// arguments.
func TestStressUsage(t *testing.T) {
	if r := gossl(t, "", "stress", "--only", "nosuch"); r.code != 2 || !strings.Contains(r.stderr, `unknown phase "nosuch"`) {
		t.Errorf("--only nosuch: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := gossl(t, "", "stress", "extra"); r.code != 2 {
		t.Errorf("an argument: exit %d, stderr %q", r.code, r.stderr)
	}
}
