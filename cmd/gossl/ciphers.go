package main

import (
	"flag"
	"fmt"
	"strings"

	ssl "github.com/gossl/ssl"
)

func init() {
	register(&command{
		name:     "ciphers",
		synopsis: "ciphers [--versions LIST] [default|all|anonymous]",
		summary:  "list cipher suites: IANA name, OpenSSL name, Erlang form",
		help: `
Lists the cipher suites gossl implements, one a line, in preference order,
as three tab-separated columns: the IANA name, the OpenSSL name and
Erlang's ciphersuite() map, as ssl:cipher_suites/2 would return it.

"default" (the default) lists the suites enabled when the ciphers option
is absent; "all" lists every implemented suite, including those that must
be asked for (RSA key exchange), except the suites whose server sends no
certificate (PSK, ECDHE-PSK, SRP), which "anonymous" lists, as OTP 25 does. --versions restricts the list to suites
usable with at least one of the given versions (default: every version
gossl implements).`,
		flags: func(fs *flag.FlagSet) { new(ciphersConfig).define(fs) },
		run:   runCiphers,
	})
}

type ciphersConfig struct {
	versions string
}

func (c *ciphersConfig) define(fs *flag.FlagSet) {
	fs.StringVar(&c.versions, "versions", "", "comma-separated protocol versions (`LIST`), e.g. tlsv1.2,tlsv1.1")
}

func runCiphers(e *env, args []string) int {
	cmd := commands["ciphers"]
	var cfg ciphersConfig
	fs := newFlagSet(cmd.name)
	cfg.define(fs)
	pos, err := parseArgs(e, cmd, fs, args)
	if err != nil {
		return usageExit(err)
	}
	set := ssl.SuitesDefault
	switch {
	case len(pos) == 0:
	case len(pos) == 1 && (pos[0] == "default" || pos[0] == "all" || pos[0] == "anonymous"):
		set = ssl.SuiteSet(pos[0])
	default:
		fmt.Fprintf(e.stderr, "gossl ciphers: want default, all or anonymous, got %q\n", strings.Join(pos, " "))
		return 2
	}
	versions, err := cipherVersions(cfg.versions)
	if err != nil {
		return fail(e, cmd.name, err)
	}
	for _, s := range suiteList(set, versions) {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", s.Name, s.OpenSSLName, s.ErlangString())
	}
	return 0
}

// cipherVersions parses --versions: "" means every implemented version
// (one empty Version, as ssl.CipherSuites takes it).
func cipherVersions(list string) ([]ssl.Version, error) {
	if list == "" {
		return []ssl.Version{""}, nil
	}
	available := map[ssl.Version]bool{}
	for _, v := range ssl.Versions().Available {
		available[v] = true
	}
	known := map[ssl.Version]bool{ssl.SSLv3: true, ssl.TLSv1: true, ssl.TLSv1_1: true, ssl.TLSv1_2: true,
		ssl.TLSv1_3: true, ssl.DTLSv1: true, ssl.DTLSv1_2: true}
	var out []ssl.Version
	for _, name := range strings.Split(list, ",") {
		v := ssl.Version(strings.TrimSpace(name))
		switch {
		case v == "":
		case available[v]:
			out = append(out, v)
		case known[v]:
			return nil, &ssl.OptionError{Name: "versions", Value: v, Reason: "not supported yet", NotSupported: true}
		default:
			return nil, &ssl.OptionError{Name: "versions", Value: v, Reason: "unknown protocol version"}
		}
	}
	if len(out) == 0 {
		return nil, &ssl.OptionError{Name: "versions", Value: "[]", Reason: "no version given"}
	}
	return out, nil
}

// suiteList is the union of ssl.CipherSuites(set, v) over versions, in
// the library's order, each suite once.
func suiteList(set ssl.SuiteSet, versions []ssl.Version) []ssl.CipherSuite {
	var out []ssl.CipherSuite
	seen := map[uint16]bool{}
	for _, v := range versions {
		for _, s := range ssl.CipherSuites(set, v) {
			if !seen[s.ID] {
				seen[s.ID] = true
				out = append(out, s)
			}
		}
	}
	return out
}
