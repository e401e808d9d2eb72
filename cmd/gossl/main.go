// Command gossl is the command-line face of the gossl TLS stack, in the
// spirit of openssl s_client/s_server: a self-contained demo, a server, a
// client, and the cipher-suite list. Its output is a contract that scripts
// and interop tests rely on; see "gossl help" and each command's help.
//
// Every subcommand lives in its own file and registers itself from an
// init function with register, so adding one (gossl bench, say) is one
// new file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	ssl "github.com/gossl/ssl"
)

// env is what a command runs with: its standard streams and a context
// that is cancelled on SIGINT/SIGTERM. Tests build their own.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of gossl.
type command struct {
	// name is the word after "gossl".
	name string
	// synopsis is the one-line usage, without "gossl ".
	synopsis string
	// summary is the one-line description for "gossl help".
	summary string
	// help is the detailed text printed by "gossl help NAME".
	help string
	// flags defines the command's own flags (against throwaway values),
	// for its help; nil when it has none.
	flags func(fs *flag.FlagSet)
	// sslOptions is true when the command takes the ssl option flags.
	sslOptions bool
	// run executes the command and returns the process exit status.
	run func(e *env, args []string) int
}

var commands = map[string]*command{}

// register adds a command; each command file calls it from init.
func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("gossl: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, a second one kills the process outright.
	go func() { <-ctx.Done(); stop() }()
	code := run(&env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches args (without the program name) and returns the exit
// status: 0 on success, 1 on failure, 2 on a usage error.
func run(e *env, args []string) int {
	if len(args) == 0 {
		printUsage(e.stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		printUsage(e.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "gossl: unknown command %q\n\n", args[0])
		printUsage(e.stderr)
		return 2
	}
	return c.run(e, args[1:])
}

// printUsage prints the list of commands.
func printUsage(w io.Writer) {
	fmt.Fprintf(w, "gossl %s: a TLS stack in pure Go with Erlang/OTP's ssl API\n\n", ssl.AppVersion)
	fmt.Fprintf(w, "Usage:\n\n")
	for _, c := range sortedCommands() {
		fmt.Fprintf(w, "  gossl %s\n", c.synopsis)
	}
	fmt.Fprintf(w, "\nCommands:\n\n")
	for _, c := range sortedCommands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun \"gossl help COMMAND\" for a command's flags, and \"gossl help options\"\nfor the ssl option flags shared by serve and connect.\n")
}

func sortedCommands() []*command {
	var out []*command
	for _, c := range commands {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func init() {
	register(&command{
		name:     "help",
		synopsis: "help [COMMAND | options]",
		summary:  "show usage of gossl, of a command, or of the ssl option flags",
		run:      runHelp,
	})
}

func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		printUsage(e.stdout)
		return 0
	}
	if args[0] == "options" {
		printOptionFlags(e.stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "gossl help: unknown command %q\n", args[0])
		return 2
	}
	printCommandHelp(e.stdout, c)
	return 0
}

// printCommandHelp prints a command's usage and its own flags.
func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: gossl %s\n\n%s\n", c.synopsis, strings.TrimSpace(c.help))
	if c.flags != nil {
		fs := newFlagSet(c.name)
		c.flags(fs)
		fmt.Fprintf(w, "\nFlags:\n")
		printFlags(w, fs)
	}
	if c.sslOptions {
		fmt.Fprintf(w, "\nssl options: every flag of \"gossl help options\" (--verify, --versions,\n--ciphers, --certfile, --keyfile, --cacertfile, ...).\n")
		printAliases(w, c.name == "connect")
	}
}

// printFlags lists fs's flags GNU-style: "--name ARG", then the usage
// and the default when it is not the zero value.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
			line += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, usage)
	})
}

// newFlagSet returns an empty, silent flag set for a command: errors are
// reported by parseArgs.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("gossl "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags that may come before, after or between
// positional arguments (the Go flag package stops at the first
// positional one), and returns the positional arguments. -h/--help print
// the command's help and return errHelp.
func parseArgs(e *env, c *command, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printCommandHelp(e.stdout, c)
				return nil, errHelp
			}
			if oe := optionError(fs); oe != nil {
				fmt.Fprintf(e.stderr, "gossl %s: %s\n", c.name, ssl.FormatError(oe))
				return nil, oe
			}
			fmt.Fprintf(e.stderr, "gossl %s: %v\nRun \"gossl help %s\" for usage.\n", c.name, err, c.name)
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// errHelp is returned by parseArgs after printing help.
var errHelp = errors.New("help requested")

// usageExit turns a parseArgs error into an exit status: 0 after help,
// 1 for a refused ssl option value, 2 for a usage error.
func usageExit(err error) int {
	var oe *ssl.OptionError
	switch {
	case errors.Is(err, errHelp):
		return 0
	case errors.As(err, &oe):
		return 1
	}
	return 2
}

// fail prints the sentence for err, prefixed with the command, and
// returns exit status 1.
func fail(e *env, name string, err error) int { return failOpts(e, name, err, nil) }

// failOpts is fail with the options the failure happened under, so that a
// refused certificate says which flag to use (see sentence).
func failOpts(e *env, name string, err error, opts *ssl.Options) int {
	fmt.Fprintf(e.stderr, "gossl %s: %s\n", name, sentence(err, opts))
	return 1
}
