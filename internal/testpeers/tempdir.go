package testpeers

import (
	"os"
	"sync"
	"testing"
)

var (
	tempOnce sync.Once
	tempDir  string
	tempErr  error
)

// sharedDir returns the per-test-binary directory that holds generated
// files. It outlives individual tests; [RemoveTemp] deletes it.
func sharedDir(t testing.TB) string {
	t.Helper()
	tempOnce.Do(func() {
		tempDir, tempErr = os.MkdirTemp("", "gossl-testpeers-*")
	})
	if tempErr != nil {
		t.Fatalf("testpeers: temp dir: %v", tempErr)
	}
	return tempDir
}

// RemoveTemp deletes the files this package wrote for the current test
// binary (certificates, keys, scripts). Call it from TestMain after m.Run;
// after it, no helper of this package may be used again.
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
