package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
)

// sAlias is one openssl s_client/s_server spelling that serve or connect
// also accept, beside gossl's own flag (which stays the documented one).
type sAlias struct {
	name   string // the openssl spelling, without its dash
	target string // the gossl flag it stands for
	fixed  string // for a flag without value: the value it gives target
	arg    string // the value placeholder, for help
	serve  bool   // accepted by serve
	conn   bool   // accepted by connect
}

// sAliases are the s_client/s_server spellings. -alpn goes to the
// option of the command's role; -connect and -accept stand for the
// address; -reconnect alone connects five more times, as s_client does;
// -showcerts and -keylogfile are gossl flags of that very name.
var sAliases = []sAlias{
	{name: "CAfile", target: "cacertfile", arg: "FILE", serve: true, conn: true},
	{name: "cert", target: "certfile", arg: "FILE", serve: true, conn: true},
	{name: "key", target: "keyfile", arg: "FILE", serve: true, conn: true},
	{name: "servername", target: "server-name-indication", arg: "HOST", conn: true},
	{name: "tls1_2", target: "versions", fixed: "tlsv1.2", serve: true, conn: true},
	{name: "tls1_3", target: "versions", fixed: "tlsv1.3", serve: true, conn: true},
	{name: "alpn", target: "alpn-advertised-protocols", arg: "LIST", conn: true},
	{name: "alpn", target: "alpn-preferred-protocols", arg: "LIST", serve: true},
	{name: "connect", target: "", arg: "HOST:PORT", conn: true},
	{name: "accept", target: "", arg: "[HOST:]PORT", serve: true},
}

// aliasValue passes an alias's value on to its target flag.
type aliasValue struct {
	fs    *flag.FlagSet
	a     sAlias
	isSet func(string) error // -connect, -accept: a setter of their own
}

func (v *aliasValue) String() string { return "" }

func (v *aliasValue) IsBoolFlag() bool { return v.a.fixed != "" }

func (v *aliasValue) Set(s string) error {
	if v.isSet != nil {
		return v.isSet(s)
	}
	if v.a.fixed != "" {
		if b, err := strconv.ParseBool(s); err != nil || !b {
			return fmt.Errorf("-%s takes no value", v.a.name)
		}
		s = v.a.fixed
	}
	return v.fs.Set(v.a.target, s)
}

// bindAliases defines the s_client (client true) or s_server aliases on
// fs, after the flags they stand for. addr receives -connect's or
// -accept's value.
func bindAliases(fs *flag.FlagSet, client bool, addr func(string) error) {
	for _, a := range sAliases {
		if (client && !a.conn) || (!client && !a.serve) {
			continue
		}
		v := &aliasValue{fs: fs, a: a}
		if a.target == "" {
			v.isSet = addr
		}
		fs.Var(v, a.name, "")
	}
}

// printAliases lists the aliases a command accepts, for its help.
func printAliases(w io.Writer, client bool) {
	var parts []string
	for _, a := range sAliases {
		if (client && !a.conn) || (!client && !a.serve) {
			continue
		}
		p := "-" + a.name
		if a.arg != "" {
			p += " " + a.arg
		}
		switch {
		case a.fixed != "":
			p += " (--" + a.target + " " + a.fixed + ")"
		case a.target != "":
			p += " (--" + a.target + ")"
		}
		parts = append(parts, p)
	}
	// These are gossl's own flags, which Go's flag package also takes
	// with one dash.
	if client {
		parts = append(parts, "-showcerts", "-reconnect (alone: 5 reconnections)")
	}
	parts = append(parts, "-keylogfile FILE")
	fmt.Fprintf(w, "\nopenssl spellings, also accepted:\n")
	for _, p := range parts {
		fmt.Fprintf(w, "  %s\n", p)
	}
}

// reconnectArgs rewrites s_client's bare -reconnect (five reconnections)
// as --reconnect=5, leaving "--reconnect N" and "--reconnect=N" alone.
func reconnectArgs(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if a == "-reconnect" || a == "--reconnect" {
			if i+1 >= len(args) {
				a = "--reconnect=5"
			} else if _, err := strconv.Atoi(args[i+1]); err != nil {
				a = "--reconnect=5"
			}
		}
		out = append(out, a)
	}
	return out
}
