package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// benchRows parses gossl bench --json output and checks each row's shape
// (not the figures): a unit, and gossl, crypto_tls and ratio numbers or
// null with a note.
func benchRows(t *testing.T, stdout string) map[string]map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, stdout)
	}
	out := map[string]map[string]any{}
	for _, row := range rows {
		name, _ := row["row"].(string)
		out[name] = row
		if _, ok := row["unit"].(string); !ok {
			t.Errorf("%s: no unit", name)
		}
		for _, k := range []string{"gossl", "crypto_tls", "ratio"} {
			v, ok := row[k]
			if !ok {
				t.Errorf("%s: no %q", name, k)
				continue
			}
			if _, num := v.(float64); !num && (v != nil || row["note"] == nil) {
				t.Errorf("%s: %q is %v, want a number (or null with a note)", name, k, v)
			}
		}
		if g, ok := row["gossl"].(float64); ok {
			if c, ok := row["crypto_tls"].(float64); ok && c != 0 {
				if ratio, ok := row["ratio"].(float64); !ok || ratio < 0 {
					t.Errorf("%s: ratio %v for %v/%v", name, row["ratio"], g, c)
				}
			}
		}
		if note, _ := row["note"].(string); strings.Contains(note, "failed") {
			t.Errorf("%s: %s", name, note)
		}
	}
	return out
}

// measured checks that a row has a number for gossl and, unless ctNA,
// for crypto/tls (and then a ratio).
func measured(t *testing.T, rows map[string]map[string]any, name string, ctNA bool) {
	t.Helper()
	row, ok := rows[name]
	if !ok {
		t.Errorf("no row %s", name)
		return
	}
	if _, ok := row["gossl"].(float64); !ok {
		t.Errorf("%s: gossl %v (%v)", name, row["gossl"], row["note"])
	}
	_, ct := row["crypto_tls"].(float64)
	_, ratio := row["ratio"].(float64)
	switch {
	case ctNA && (ct || row["note"] == nil):
		t.Errorf("%s: crypto/tls %v, want n/a with a note", name, row["crypto_tls"])
	case !ctNA && (!ct || !ratio):
		t.Errorf("%s: crypto/tls %v ratio %v (%v)", name, row["crypto_tls"], row["ratio"], row["note"])
	}
}

// TestBenchList checks the full list of rows without measuring them.
func TestBenchList(t *testing.T) {
	r := gossl(t, "", "bench", "--list")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	names := strings.Fields(r.stdout)
	kinds := map[string]int{}
	for _, n := range names {
		kind, _, _ := strings.Cut(n, "/")
		kinds[kind]++
	}
	want := map[string]int{"bulk": 33, "handshake": 13, "server-cpu": 3, "resumed": 6, "memory": 4, "memory-hibernated": 2, "allocs": 4}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s/ rows, want %d", kinds[k], k, n)
		}
	}
	if len(kinds) != len(want) {
		t.Errorf("row kinds %v, want %v", kinds, want)
	}
	for _, n := range []string{rowSeal, rowPercent, rowSend, rowSendPercent, "bulk/plain-tcp/16k/loopback", "bulk/plain-tcp/1k/loopback", "resumed/tls12-session-id", "resumed/tls12-ticket", "resumed/tls13-ticket-ecdsa-x25519",
		"handshake/tls12-ecdhe-ecdsa-p256-x25519", "handshake/tls12-rsa-kx-rsa2048", "handshake/tls12-srp-2048", "handshake/tls12-dhe-rsa2048-ffdhe2048", "handshake/4-clients/tls13-ecdsa-p256-x25519",
		"handshake/tls12-psk", "handshake/tls12-ecdhe-psk-x25519", "server-cpu/tls12-psk", "server-cpu/tls12-ecdhe-ecdsa-p256-x25519",
		"handshake/dtls12-ecdhe-ecdsa-p256-x25519", "bulk/dtls12-aes128gcm/1k/loopback", "memory/dtls12/idle"} {
		if !slices.Contains(names, n) {
			t.Errorf("no row %s", n)
		}
	}
	r = gossl(t, "", "bench", "--list", "--peers", "--only", peerOnly)
	got := strings.Fields(r.stdout)
	wantPeers := []string{
		"bulk/tls13-aes128gcm/16k/loopback/openssl-server", "handshake/tls13-ecdsa-p256-x25519/openssl-server",
		"handshake/tls12-psk/openssl-server", "server-cpu/tls12-psk/openssl-server",
		"bulk/tls13-aes128gcm/16k/loopback/erlang-server", "handshake/tls13-ecdsa-p256-x25519/erlang-server",
	}
	if !slices.Equal(got, wantPeers) {
		t.Errorf("--peers rows %q, want %q", got, wantPeers)
	}
}

// TestBenchQuickJSON runs the smoke configuration of gossl bench on a
// subset of rows with one row or more of each kind, and checks the shape
// of its JSON rows and that the new rows were measured (not the
// figures): the full-handshake rows without resumption, the resumed rows
// with it (a failed check would fail the row), the raw seal speed and
// the percentage of it.
func TestBenchQuickJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for several seconds")
	}
	only := "bulk/tls13-aes128gcm/16k/pipe,bulk/raw-,bulk/tls13-chacha20/1k/pipe,handshake/tls12,resumed/,memory/tls13,memory-hibernated/,allocs/tls13-aes128gcm/1k/,server-cpu/"
	r := gossl(t, "", "bench", "--quick", "--json", "--only", only)
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
	}
	rows := benchRows(t, r.stdout)
	for _, n := range []string{"bulk/tls13-aes128gcm/16k/pipe", rowSeal, rowPercent,
		"handshake/tls12-ecdhe-ecdsa-p256-x25519", "handshake/tls12-rsa-kx-rsa2048",
		"resumed/tls13-ticket-ecdsa-x25519", "resumed/tls12-ticket",
		"memory/tls13-idle-heap-per-side", "memory-hibernated/tls13-idle-heap-per-side", "allocs/tls13-aes128gcm/1k/pipe"} {
		measured(t, rows, n, false)
	}
	measured(t, rows, "resumed/tls12-session-id", true)
	measured(t, rows, "handshake/tls12-srp-2048", true)
	measured(t, rows, "handshake/tls12-dhe-rsa2048-ffdhe2048", true)
	measured(t, rows, "handshake/tls12-psk", true)
	measured(t, rows, "handshake/tls12-ecdhe-psk-x25519", true)
	measured(t, rows, "server-cpu/tls12-psk", true)
	measured(t, rows, "server-cpu/tls12-ecdhe-psk-x25519", true)
	measured(t, rows, "server-cpu/tls12-ecdhe-ecdsa-p256-x25519", false)
	measured(t, rows, "bulk/tls13-chacha20/1k/pipe", false)
	if row := rows[rowPercent]; row != nil {
		if p, ok := row["gossl"].(float64); ok && (p <= 0 || p > 1000) {
			t.Errorf("%s: %v percent", rowPercent, p)
		}
	}
}

// TestBenchDTLS runs the DTLS rows in the smoke configuration: gossl and
// pion/dtls (in the crypto/tls column) both measured, with a ratio.
func TestBenchDTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for several seconds")
	}
	r := gossl(t, "", "bench", "--quick", "--json", "--only", "handshake/dtls12,bulk/dtls12,memory/dtls12")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
	}
	rows := benchRows(t, r.stdout)
	for _, n := range []string{"handshake/dtls12-ecdhe-ecdsa-p256-x25519", "bulk/dtls12-aes128gcm/1k/loopback", "memory/dtls12/idle"} {
		measured(t, rows, n, false)
	}
}

// TestBenchPeers runs the --peers rows where OpenSSL or Erlang/OTP is
// installed: a peer that is there must give figures, one that is not
// n/a rows with a note.
func TestBenchPeers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts peer processes")
	}
	installed := map[string]bool{}
	for _, pk := range benchPeers {
		installed[pk.name] = true
		for _, prog := range append([]string{pk.program}, pk.needs...) {
			if _, err := exec.LookPath(prog); err != nil {
				installed[pk.name] = false
			}
		}
	}
	if !installed["openssl"] && !installed["erlang"] {
		t.Skip("neither openssl nor escript/erl is installed: no peer to measure")
	}
	// Erlang's VM can take more than 10 s to start on a loaded machine:
	// a longer bound than the gossl helper's.
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gosslBin, "bench", "--quick", "--json", "--peers",
		"--only", peerOnly)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("timed out\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	rows := benchRows(t, out.String())
	for _, pk := range benchPeers {
		names := []string{"bulk/tls13-aes128gcm/16k/loopback/" + pk.name + "-server", "handshake/tls13-ecdsa-p256-x25519/" + pk.name + "-server"}
		if pk.name == "openssl" && installed["openssl"] {
			// gossl's client only: crypto/tls has no PSK.
			measured(t, rows, "handshake/tls12-psk/openssl-server", true)
			measured(t, rows, "server-cpu/tls12-psk/openssl-server", true)
		}
		for _, n := range names {
			if installed[pk.name] {
				measured(t, rows, n, false)
				continue
			}
			t.Logf("%s: not installed", pk.name)
			if row := rows[n]; row == nil || row["gossl"] != nil || !strings.Contains(row["note"].(string), "not installed") {
				t.Errorf("%s: %v, want n/a (not installed)", n, row)
			}
		}
	}
}

// peerOnly selects the --peers rows.
const peerOnly = "bulk/tls13-aes128gcm/16k/loopback/openssl,bulk/tls13-aes128gcm/16k/loopback/erlang,handshake/tls13-ecdsa-p256-x25519/,handshake/tls12-psk/,server-cpu/tls12-psk/"

// TestBenchResumptionChecks: a handshake row fails when a connection
// resumes in a full-handshake row, or does not in a resumed row. The
// meters are made for one kind of row, then told it is the other.
func TestBenchResumptionChecks(t *testing.T) {
	b, err := newBench(&benchConfig{slices: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		ct     bool
		p      profile
		flip   string
		errSub string
	}{
		{"gossl-session-id", false, withResume(hsECDSA12, "session-id"), "", "resumed in a full-handshake row"},
		{"gossl-tls12-ticket", false, withResume(hsECDSA12, "ticket"), "", "resumed in a full-handshake row"},
		{"crypto-tls-tls12-ticket", true, withResume(hsECDSA12, "ticket"), "", "resumed in a full-handshake row"},
		{"gossl-full", false, hsECDSA12, "ticket", "did not resume"},
		{"crypto-tls-full", true, hsECDSA13, "ticket", "did not resume"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := b.newHsMeter(tc.ct, tc.p, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer m.close()
			if err := m.slice(20 * time.Millisecond); err != nil {
				t.Fatalf("as made: %v", err)
			}
			m.p.resume = tc.flip
			err = m.slice(20 * time.Millisecond)
			if err == nil || !strings.Contains(err.Error(), tc.errSub) {
				t.Fatalf("told the other kind of row: %v, want %q", err, tc.errSub)
			}
		})
	}
}
