package main

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"

	ssl "github.com/gossl/ssl"
)

// PSK from the command line: connect --psk-identity ID --psk-key HEX and
// serve --psk-file FILE (lines "identity:hexkey", the file gnutls-serv
// --pskpasswd reads) with --psk-identity HINT. Both make the
// user_lookup_fun of the library; the identity is the psk_identity
// option's flag. Without --ciphers, the PSK suites are enabled: a client
// offers only them, a server adds them after its default suites.

type pskConfig struct {
	key  string // connect: hex key
	file string // serve: identity:hexkey lines
}

func (c *pskConfig) defineClient(fs *flag.FlagSet) {
	fs.StringVar(&c.key, "psk-key", "", "the pre-shared key for --psk-identity, in `HEX` (enables the PSK suites)")
}

func (c *pskConfig) defineServer(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "psk-file", "", "PSK identities and keys, lines identity:hexkey as gnutls-serv --pskpasswd reads (`FILE`; enables the PSK suites; --psk-identity is the hint)")
}

// pskSuites are the names of the PSK suites gossl implements, for the
// enabled versions of opts.
func pskSuites() []string {
	var out []string
	for _, set := range []ssl.SuiteSet{ssl.SuitesAnonymous, ssl.SuitesAll} {
		for _, s := range ssl.CipherSuites(set, "") {
			if strings.HasSuffix(s.KeyExchange, "psk") {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// applyClient sets a client's user_lookup_fun from --psk-key.
func (c *pskConfig) applyClient(opts *ssl.Options) error {
	if c.key == "" {
		return nil
	}
	key, err := parsePSKKey(c.key)
	if err != nil {
		return &ssl.OptionError{Name: "psk_key", Value: c.key, Reason: err.Error()}
	}
	if opts.PSKIdentity == "" {
		return &ssl.OptionError{Name: "psk_identity", Value: "undefined", Reason: "--psk-key needs --psk-identity"}
	}
	opts.UserLookupFun = &ssl.UserLookupFun{Fun: func(ssl.LookupKind, string, any) (ssl.LookupResult, error) {
		return ssl.PSKKey(key), nil
	}}
	if opts.Ciphers == nil {
		opts.Ciphers = pskSuites()
	}
	return nil
}

// applyServer sets a server's user_lookup_fun from --psk-file.
func (c *pskConfig) applyServer(opts *ssl.Options) error {
	if c.file == "" {
		return nil
	}
	keys, err := readPSKFile(c.file)
	if err != nil {
		return &ssl.OptionError{Name: "psk_file", Value: c.file, Reason: err.Error()}
	}
	opts.UserLookupFun = &ssl.UserLookupFun{Fun: func(_ ssl.LookupKind, identity string, _ any) (ssl.LookupResult, error) {
		if k, ok := keys[identity]; ok {
			return ssl.PSKKey(k), nil
		}
		return nil, fmt.Errorf("unknown PSK identity")
	}}
	if opts.Ciphers == nil {
		for _, s := range ssl.CipherSuites(ssl.SuitesDefault, "") {
			opts.Ciphers = append(opts.Ciphers, s.Name)
		}
		opts.Ciphers = append(opts.Ciphers, pskSuites()...)
	}
	return nil
}

func parsePSKKey(s string) ([]byte, error) {
	key, err := hex.DecodeString(strings.TrimSpace(s))
	switch {
	case err != nil:
		return nil, fmt.Errorf("not a hex string")
	case len(key) == 0:
		return nil, fmt.Errorf("empty key")
	case len(key) > 65535:
		return nil, fmt.Errorf("longer than 65535 bytes")
	}
	return key, nil
}

// readPSKFile reads "identity:hexkey" lines (blank lines and lines
// starting with # are skipped); the identity ends at the first colon, as
// gnutls-serv reads it.
func readPSKFile(path string) (map[string][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	keys := map[string][]byte{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, hexKey, ok := strings.Cut(line, ":")
		if !ok || id == "" || len(id) > 65535 {
			return nil, fmt.Errorf("line %d: want identity:hexkey", n)
		}
		key, err := parsePSKKey(hexKey)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		keys[id] = key
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no identity in the file")
	}
	return keys, nil
}
