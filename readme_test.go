package ssl

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// docPages are the user documentation: the README and the pages of docs/
// that hold the Erlang mapping, the feature list, the socket model and
// the performance report.
func docPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"README.md"}, pages...)
}

// readme returns the user documentation (docPages) with every run of
// white space made one space, so that a sentence matches however it is
// wrapped and on whichever page it is.
func readme(t *testing.T) string {
	t.Helper()
	var all []string
	for _, p := range docPages(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, strings.Fields(string(b))...)
	}
	return strings.Join(all, " ")
}

// TestDocLinks: every relative link of the user documentation reaches a
// file, and its #anchor a heading of that file (GitHub's anchors: lower
// case, punctuation dropped, spaces as dashes).
func TestDocLinks(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading := regexp.MustCompile(`(?m)^#{1,6} (.+)$`)
	anchors := func(path string) map[string]bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		out := map[string]bool{}
		for _, m := range heading.FindAllStringSubmatch(string(b), -1) {
			a := strings.Map(func(r rune) rune {
				switch {
				case r == ' ':
					return '-'
				case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
					return unicode.ToLower(r)
				}
				return -1
			}, strings.TrimSpace(m[1]))
			out[a] = true
		}
		return out
	}
	for _, page := range append(docPages(t), "docs/ARCHITECTURE.md") {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.Join(filepath.Dir(page), file)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s: link %s: no file %s", page, target, path)
				continue
			}
			if anchor != "" && !anchors(path)[anchor] {
				t.Errorf("%s: link %s: %s has no heading #%s", page, target, path, anchor)
			}
		}
	}
}

// readmeMatch returns the submatches of re in the README, or fails.
func readmeMatch(t *testing.T, text, re string) []string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("README.md has no sentence matching %q", re)
	}
	return m
}

// TestREADMEFigures checks the README's figures against the code they
// describe: the suite counts, the Logger default (silent) and ssl:versions/0.
func TestREADMEFigures(t *testing.T) {
	text := readme(t)

	count := func(set SuiteSet) (tls13, older int) {
		for _, s := range CipherSuites(set, "") {
			if s.KeyExchange == "any" {
				tls13++
			} else {
				older++
			}
		}
		return
	}
	all13, allOld := count(SuitesAll)
	def13, defOld := count(SuitesDefault)
	m := readmeMatch(t, text, "(\\d+) suites for TLS 1.0–1.2, (\\d+) of them enabled by default. With the (\\d+) of TLS 1.3 \\((\\d+) by default\\), `gossl ciphers all` lists (\\d+) suites and `gossl ciphers` (\\d+)")
	for i, want := range []int{allOld, defOld, all13, def13, allOld + all13, defOld + def13} {
		if got, _ := strconv.Atoi(m[i+1]); got != want {
			t.Errorf("README %q: figure %d is %d, the code has %d", m[0], i+1, got, want)
		}
	}
	words := map[string]int{"four": 4, "five": 5, "six": 6}
	m = readmeMatch(t, text, "TLS 1.3 \\(RFC 8446\\): the (\\w+) suites")
	if words[m[1]] != all13 {
		t.Errorf("README says %q; the code has %d TLS 1.3 suites", m[0], all13)
	}

	// Logger: nil means the library logs nothing, in the code and in the
	// README.
	res, err := (&Options{}).compile(roleClient, "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if res.log.logger != nil {
		t.Error("a nil Logger compiles to a logger")
	}
	readmeMatch(t, text, "`Logger\\s+\\*slog.Logger` \\(where alerts and, at debug, handshake messages are\\s+reported; nil means the library logs nothing\\)")
	if strings.Contains(text, "log.Printf") {
		t.Error("README still says a nil Logger means log.Printf")
	}

	// ssl:versions/0.
	m = readmeMatch(t, text, "`ssl.Versions\\(\\) VersionsInfo` \\(`AppVsn`; `Supported`: ([^;]*), enabled by default; `Available`: ([^;]*), the versions that can be enabled\\)")
	list := func(s string) []Version {
		var out []Version
		for _, f := range strings.Split(s, ",") {
			out = append(out, Version(strings.Trim(strings.TrimSpace(f), "`")))
		}
		return out
	}
	v := Versions()
	if got := list(m[1]); !reflect.DeepEqual(got, v.Supported) {
		t.Errorf("README Supported %v, code %v", got, v.Supported)
	}
	if got := list(m[2]); !reflect.DeepEqual(got, v.Available) {
		t.Errorf("README Available %v, code %v", got, v.Available)
	}
}
