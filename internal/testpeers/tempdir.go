package testpeers

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// tempPrefix starts the name of every directory this package creates; the
// owning process's PID follows it.
const tempPrefix = "gossl-testpeers-"

var (
	tempOnce sync.Once
	tempDir  string
	tempErr  error
)

// sharedDir returns the per-test-binary directory that holds generated
// files. It outlives individual tests; [RemoveTemp] deletes it. Creating it
// also removes the directories of earlier test binaries that have exited
// without calling RemoveTemp.
func sharedDir(t testing.TB) string {
	t.Helper()
	tempOnce.Do(func() {
		removeStale()
		tempDir, tempErr = os.MkdirTemp("", fmt.Sprintf("%s%d-", tempPrefix, os.Getpid()))
	})
	if tempErr != nil {
		t.Fatalf("testpeers: temp dir: %v", tempErr)
	}
	return tempDir
}

// removeStale deletes directories named gossl-testpeers-PID-* in the temp
// directory whose process PID no longer exists. A directory whose PID was
// reused is kept, which is harmless.
func removeStale() {
	matches, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPrefix+"*-*"))
	for _, m := range matches {
		pidStr, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(m), tempPrefix), "-")
		pid, err := strconv.Atoi(pidStr)
		if !ok || err != nil || pid == os.Getpid() {
			continue
		}
		if processGone(pid) {
			os.RemoveAll(m)
		}
	}
}

// RemoveTemp deletes the files this package wrote for the current test
// binary (certificates, keys, scripts). Call it from TestMain after m.Run;
// after it, no helper of this package may be used again. Without it, the
// files stay until a later test binary using this package starts.
func RemoveTemp() {
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
}

// Main runs the tests of m, removes this package's temporary files, and
// exits with the tests' status. Use it as a whole TestMain:
//
//	func TestMain(m *testing.M) { testpeers.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	RemoveTemp()
	os.Exit(code)
}
