package main

import (
	"bufio"
	"bytes"
	"crypto"
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
// offers the TLS 1.3 suites (with the key as an external PSK) and the PSK
// suites of TLS 1.0-1.2, a server adds them after its default suites.

type pskConfig struct {
	key  string // connect: hex key
	file string // serve: identity:hexkey lines
	hash string // --psk-hash: sha256 or sha384
}

func (c *pskConfig) defineClient(fs *flag.FlagSet) {
	fs.StringVar(&c.key, "psk-key", "", "the pre-shared key for --psk-identity, in `HEX` (enables the PSK suites)")
	c.defineHash(fs)
}

func (c *pskConfig) defineServer(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "psk-file", "", "PSK identities and keys, lines identity:hexkey as gnutls-serv --pskpasswd reads (`FILE`; enables the PSK suites; --psk-identity is the hint)")
	c.defineHash(fs)
}

// defineHash adds --psk-hash: the hash a TLS 1.3 external PSK is bound
// to (RFC 8446, 4.2.11), which limits it to the TLS 1.3 suites of that
// hash. TLS 1.0-1.2 PSK suites ignore it, as the protocol does.
func (c *pskConfig) defineHash(fs *flag.FlagSet) {
	fs.StringVar(&c.hash, "psk-hash", "sha256", "TLS 1.3: the `HASH` of the PSKs, sha256 or sha384 (TLS_AES_256_GCM_SHA384 only)")
}

// result is the lookup result for key: a PSKKey (SHA-256) or an
// ExternalPSK with --psk-hash.
func (c *pskConfig) result(key []byte) ssl.LookupResult {
	if c.hash == "sha384" {
		return ssl.ExternalPSK{Key: key, Hash: crypto.SHA384}
	}
	return ssl.PSKKey(key)
}

// checkHash refuses a --psk-hash other than sha256 and sha384, and one
// given without a key.
func (c *pskConfig) checkHash(haveKey bool) error {
	switch {
	case c.hash != "sha256" && c.hash != "sha384":
		return &ssl.OptionError{Name: "psk_hash", Value: c.hash, Reason: "must be sha256 or sha384"}
	case c.hash != "sha256" && !haveKey:
		return &ssl.OptionError{Name: "psk_hash", Value: c.hash, Reason: "needs --psk-key (connect) or --psk-file (serve)"}
	}
	return nil
}

// pskSuites are the names of the PSK suites gossl implements.
func pskSuites() []string {
	return suitesWhere(func(kx string) bool { return strings.HasSuffix(kx, "psk") })
}

// suitesWhere are the names of the suites gossl implements whose key
// exchange (its Erlang name) passes keep: those with a server
// certificate first, then the anonymous ones.
func suitesWhere(keep func(kx string) bool) []string {
	var out []string
	for _, set := range []ssl.SuiteSet{ssl.SuitesAll, ssl.SuitesAnonymous} {
		for _, s := range ssl.CipherSuites(set, "") {
			if keep(s.KeyExchange) {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// applyClient sets a client's user_lookup_fun from --psk-key.
func (c *pskConfig) applyClient(opts *ssl.Options) error {
	if err := c.checkHash(c.key != ""); err != nil || c.key == "" {
		return err
	}
	key, err := parsePSKKey(c.key)
	if err != nil {
		return &ssl.OptionError{Name: "psk_key", Value: c.key, Reason: err.Error()}
	}
	if opts.PSKIdentity == "" {
		return &ssl.OptionError{Name: "psk_identity", Value: "undefined", Reason: "--psk-key needs --psk-identity"}
	}
	opts.UserLookupFun = &ssl.UserLookupFun{Fun: func(ssl.LookupKind, string, any) (ssl.LookupResult, error) {
		return c.result(key), nil
	}}
	if opts.Ciphers == nil {
		// TLS 1.3 external PSKs first (RFC 8446, 4.2.11), then the TLS
		// 1.0-1.2 PSK suites.
		for _, s := range ssl.CipherSuites(ssl.SuitesDefault, ssl.TLSv1_3) {
			opts.Ciphers = append(opts.Ciphers, s.Name)
		}
		opts.Ciphers = append(opts.Ciphers, pskSuites()...)
	}
	return nil
}

// applyServer sets a server's user_lookup_fun from --psk-file.
func (c *pskConfig) applyServer(opts *ssl.Options) error {
	if err := c.checkHash(c.file != ""); err != nil || c.file == "" {
		return err
	}
	keys, err := readPSKFile(c.file)
	if err != nil {
		return &ssl.OptionError{Name: "psk_file", Value: c.file, Reason: err.Error()}
	}
	opts.UserLookupFun = &ssl.UserLookupFun{Fun: func(_ ssl.LookupKind, identity string, _ any) (ssl.LookupResult, error) {
		if k, ok := keys[identity]; ok {
			return c.result(k), nil
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
	keys := map[string][]byte{}
	err := readColonLines(path, "identity", func(n int, id, hexKey string) error {
		if len(id) > 65535 {
			return fmt.Errorf("line %d: want identity:hexkey", n)
		}
		key, err := parsePSKKey(hexKey)
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		keys[id] = key
		return nil
	})
	return keys, err
}

// readColonLines calls line for each "name:value" line of the file at
// path (blank lines and lines starting with # are skipped; the name ends
// at the first colon and may not be empty), with its line number; a file
// without such a line is an error that calls the names what.
func readColonLines(path, what string, line func(n int, name, value string) error) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	found := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, value, ok := strings.Cut(text, ":")
		if !ok || name == "" {
			return fmt.Errorf("line %d: want %s:value", n, what)
		}
		if err := line(n, name, value); err != nil {
			return err
		}
		found = true
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("no %s in the file", what)
	}
	return nil
}
