package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBenchQuickJSON runs the smoke configuration of gossl bench and
// checks the shape of its JSON rows (not the figures).
func TestBenchQuickJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for several seconds")
	}
	r := gossl(t, "", "bench", "--quick", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", r.code, r.stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, r.stdout)
	}
	kinds := map[string]int{}
	for _, row := range rows {
		name, _ := row["row"].(string)
		kind, _, _ := strings.Cut(name, "/")
		kinds[kind]++
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
	}
	for _, k := range []string{"bulk", "handshake", "resumed", "memory", "memory-hibernated", "allocs"} {
		if kinds[k] == 0 {
			t.Errorf("no %s/ rows in %v", k, kinds)
		}
	}
	if kinds["bulk"] != 24 || kinds["handshake"] != 5 {
		t.Errorf("row counts %v, want 24 bulk and 5 handshake rows", kinds)
	}
}
