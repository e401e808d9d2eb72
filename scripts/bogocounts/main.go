// Command bogocounts turns the JSON results of BoringSSL's test runner
// into the table of docs/conformance.md: for TLS client and TLS server
// tests, how many passed, failed, are known failures (disabled in the
// shim's config with an open reason, "fails: ...") and do not apply
// (disabled with "n/a: ...", or the shim exited 89 for a flag it does
// not implement), and the same for DTLS tests. The probe files come from
// runs with the shim's -role-probe flag and say which tests are of which
// kind.
//
// Usage: bogocounts CONFIG RESULTS PROBE-CLIENT PROBE-SERVER [PROBE-DTLS]
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type results struct {
	Tests map[string]struct {
		Actual string `json:"actual"`
	} `json:"tests"`
}

type shimConfig struct {
	DisabledTests map[string]string
}

func load(path string, v any) {
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bogocounts:", err)
		os.Exit(1)
	}
}

type counts struct{ pass, fail, knownFail, notApplicable int }

// disabledReason gives the reason of the first pattern (in sorted order)
// that matches name, as the runner does with filepath.Match.
func disabledReason(cfg *shimConfig, patterns []string, name string) (string, bool) {
	for _, p := range patterns {
		if ok, _ := filepath.Match(p, name); ok {
			return cfg.DisabledTests[p], true
		}
	}
	return "", false
}

func main() {
	if len(os.Args) != 5 && len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: bogocounts CONFIG RESULTS PROBE-CLIENT PROBE-SERVER [PROBE-DTLS]")
		os.Exit(2)
	}
	var cfg shimConfig
	var res, probeClient, probeServer, probeDTLS results
	load(os.Args[1], &cfg)
	load(os.Args[2], &res)
	load(os.Args[3], &probeClient)
	load(os.Args[4], &probeServer)
	var patterns []string
	for p := range cfg.DisabledTests {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)

	kinds := []struct {
		name  string
		probe results
	}{{"TLS client", probeClient}, {"TLS server", probeServer}}
	if len(os.Args) == 6 {
		load(os.Args[5], &probeDTLS)
		kinds = append(kinds, struct {
			name  string
			probe results
		}{"DTLS", probeDTLS})
	}
	other := len(probeClient.Tests)
	for _, k := range kinds {
		var c counts
		for name, r := range k.probe.Tests {
			if r.Actual == "SKIP" {
				continue // another kind of test
			}
			other--
			if got, ran := res.Tests[name]; ran {
				switch got.Actual {
				case "PASS":
					c.pass++
				case "FAIL":
					c.fail++
				default:
					c.notApplicable++
				}
				continue
			}
			reason, ok := disabledReason(&cfg, patterns, name)
			switch {
			case !ok:
				fmt.Fprintln(os.Stderr, "bogocounts: no result for", name)
				os.Exit(1)
			case strings.HasPrefix(reason, "fails:"):
				c.knownFail++
			default:
				c.notApplicable++
			}
		}
		fmt.Printf("| %s | %d | %d | %d | %d | %d |\n", k.name, c.pass, c.fail, c.knownFail, c.notApplicable,
			c.pass+c.fail+c.knownFail+c.notApplicable)
	}
	fmt.Printf("\nOther tests (QUIC, and DTLS without a DTLS probe): %d.\n", other)
}
