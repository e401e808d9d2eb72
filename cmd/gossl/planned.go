package main

import (
	"errors"
	"strings"

	ssl "github.com/gossl/ssl"
)

// plannedNote returns the mark "gossl help options" puts after an option
// the library does not implement yet: "[not implemented yet]", or
// "[dtls: not implemented yet]" when only some of its values are
// missing. It asks the library itself (which refuses such an option with
// an *ssl.OptionError marked NotSupported when it compiles the options),
// so the mark goes away with the code that implements the option. Values
// probed: true (and false, for a --no- flag) for a boolean, each alternative of an A|B
// argument, and a placeholder for other non-file values; the library
// checks planned options before it reads any value.
func plannedNote(f *optionFlag) string {
	var probes []string
	switch {
	case f.isBool && f.negatable:
		probes = []string{"true", "false"}
	case f.isBool:
		probes = []string{"true"} // false is the default
	case strings.Contains(f.arg, "|"):
		probes = strings.Split(f.arg, "|")
	case strings.Contains(f.arg, "FILE"):
		return "" // setting it reads or creates the file
	default:
		probes = []string{"x"}
	}
	var missing []string
	for _, v := range probes {
		if notImplemented(f, v) {
			missing = append(missing, v)
		}
	}
	switch {
	case len(missing) == 0:
		return ""
	case len(missing) == len(probes):
		return " [not implemented yet]"
	}
	return " [" + strings.Join(missing, ", ") + ": not implemented yet]"
}

// notImplemented reports whether the library refuses f set to v as not
// supported yet, by f's name.
func notImplemented(f *optionFlag, v string) bool {
	var o ssl.Options
	if f.set(&o, f.name, v) != nil {
		return false
	}
	_, err := ssl.NewListener(nil, &o)
	var oe *ssl.OptionError
	return errors.As(err, &oe) && oe.NotSupported && oe.Name == f.name
}
