package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// crypto/tls picks its TLS 1.3 suites itself: AES-GCM first when the CPU
// has AES instructions, and its server follows its client, so in this
// process it never runs TLS 1.3 ChaCha20. Started with GODEBUG
// cpu.aes=off, a Go program believes the CPU has no AES instructions and
// crypto/tls then prefers ChaCha20 on both ends. That setting is read at
// start-up, so the ChaCha20 rows are measured, gossl and crypto/tls
// interleaved as everywhere else, in a child process of the same binary
// started that way. ChaCha20-Poly1305 uses no AES instructions, so
// neither side's bulk path is slowed by it; the rows' notes say where
// they were measured.

// chachaChildEnv marks the child process.
const chachaChildEnv = "GOSSL_BENCH_CHACHA_CHILD"

func inChachaChild() bool { return os.Getenv(chachaChildEnv) == "1" }

const chachaChildNote = "measured in a child process started with GODEBUG cpu.aes=off, where crypto/tls prefers ChaCha20"

// chachaRows runs the child once for every selected group measured there
// and returns its rows by name.
func (b *bench) chachaRows(ctx context.Context, groups []benchGroup) (map[string]benchRow, error) {
	var names []string
	for _, g := range groups {
		if g.inChild && b.cfg.selected(g.names) {
			names = append(names, g.names...)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"bench", "--json", "--only", strings.Join(names, ","), "--rounds", strconv.Itoa(b.cfg.rounds)}
	if b.cfg.quick {
		args = append(args, "--quick")
	}
	cmd := exec.CommandContext(ctx, exe, args...)
	godebug := os.Getenv("GODEBUG")
	if godebug != "" {
		godebug += ","
	}
	cmd.Env = append(os.Environ(), chachaChildEnv+"=1", "GODEBUG="+godebug+"cpu.aes=off")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("child process: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var rows []benchRow
	if err := json.Unmarshal(out, &rows); err != nil {
		return nil, fmt.Errorf("child process output: %v", err)
	}
	byName := make(map[string]benchRow, len(rows))
	for _, r := range rows {
		byName[r.Row] = r
	}
	return byName, nil
}

// checkChaCha makes sure crypto/tls negotiated what a ChaCha20 row
// measures (it would quietly use AES-GCM if the child's setting did not
// take).
func checkChaCha(p profile, c *tls.Conn) error {
	if p.name == profCha13.name && c.ConnectionState().CipherSuite != tls.TLS_CHACHA20_POLY1305_SHA256 {
		return errors.New("crypto/tls did not negotiate TLS_CHACHA20_POLY1305_SHA256")
	}
	return nil
}
