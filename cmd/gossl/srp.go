package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	ssl "github.com/gossl/ssl"
)

// SRP from the command line: connect --srp-identity USER:PASSWORD (the
// srp_identity option's flag) and serve --srp-file FILE (lines
// USER:PASSWORD) with --srp-group srp_1024…srp_8192. The server derives a
// random salt and the DerivedKey of each user once, at start, and serves
// them through the library's user_lookup_fun. Without --ciphers, the SRP
// suites are enabled: a client offers only them (with the PSK suites if
// --psk-key is given too), a server adds them after its default suites.

type srpConfig struct {
	file  string // serve: USER:PASSWORD lines
	group string // serve: the group of every user
}

func (c *srpConfig) defineServer(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "srp-file", "", "SRP users, lines USER:PASSWORD (`FILE`; enables the SRP suites)")
	fs.StringVar(&c.group, "srp-group", "srp_2048", "the SRP group of the --srp-file users: `srp_1024|srp_1536|srp_2048|srp_3072|srp_4096|srp_6144|srp_8192`")
}

// srpSuites are the names of the SRP suites gossl implements.
func srpSuites() []string {
	return suitesWhere(func(kx string) bool { return strings.HasPrefix(kx, "srp") })
}

// applySRPClient offers the SRP suites to a client with --srp-identity
// when --ciphers was not given.
func applySRPClient(opts *ssl.Options, ciphersGiven bool) {
	if opts.SRPIdentity != [2]string{} && !ciphersGiven {
		opts.Ciphers = append(opts.Ciphers, srpSuites()...)
	}
}

// applyServer sets a server's SRP users from --srp-file: its
// user_lookup_fun answers SRP lookups from them and hands any other
// lookup to the one --psk-file set, if any.
func (c *srpConfig) applyServer(opts *ssl.Options, ciphersGiven bool) error {
	if !slices.Contains(ssl.SRPGroups, c.group) {
		return &ssl.OptionError{Name: "srp_group", Value: c.group, Reason: "must be one of " + strings.Join(ssl.SRPGroups, ", ")}
	}
	if c.file == "" {
		return nil
	}
	users, err := readSRPFile(c.file, c.group)
	if err != nil {
		return &ssl.OptionError{Name: "srp_file", Value: c.file, Reason: err.Error()}
	}
	next := opts.UserLookupFun
	opts.UserLookupFun = &ssl.UserLookupFun{Fun: func(kind ssl.LookupKind, user string, _ any) (ssl.LookupResult, error) {
		if kind != ssl.LookupSRP {
			if next == nil {
				return nil, fmt.Errorf("no %s users", kind)
			}
			return next.Fun(kind, user, next.UserState)
		}
		if v, ok := users[user]; ok {
			return v, nil
		}
		return nil, fmt.Errorf("unknown SRP user")
	}}
	if !ciphersGiven {
		if opts.Ciphers == nil {
			for _, s := range ssl.CipherSuites(ssl.SuitesDefault, "") {
				opts.Ciphers = append(opts.Ciphers, s.Name)
			}
		}
		opts.Ciphers = append(opts.Ciphers, srpSuites()...)
	}
	return nil
}

// readSRPFile reads "user:password" lines (blank lines and lines starting
// with # are skipped; the user ends at the first colon) and makes each
// user's record in group with a fresh salt.
func readSRPFile(path, group string) (map[string]ssl.SRPVerifier, error) {
	users := map[string]ssl.SRPVerifier{}
	err := readColonLines(path, "user", func(n int, user, password string) error {
		if len(user) > 255 {
			return fmt.Errorf("line %d: a user of more than 255 bytes", n)
		}
		v, err := ssl.NewSRPVerifier(group, user, password)
		if err != nil {
			return err
		}
		users[user] = v
		return nil
	})
	return users, err
}
