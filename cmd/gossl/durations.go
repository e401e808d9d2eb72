package main

import (
	"flag"
	"fmt"
	"strconv"
	"time"
)

// secondsValue is the flag.Value of the command's own duration flags
// (--timeout, --wait, --handshake-timeout): a bare number is seconds
// ("10", "0.5"), as in s_client's -timeout and most tools; a Go duration
// with its unit ("500ms", "2m") works too. The ssl option flags marked
// MS keep Erlang's milliseconds, the unit of the option they stand for.
type secondsValue struct{ d *time.Duration }

func (v secondsValue) String() string {
	if v.d == nil {
		return ""
	}
	return v.d.String()
}

func (v secondsValue) Set(s string) error {
	d, err := parseSeconds(s)
	if err != nil {
		return err
	}
	*v.d = d
	return nil
}

// parseSeconds reads a bare number as seconds, anything else as a Go
// duration; negative durations are refused.
func parseSeconds(s string) (time.Duration, error) {
	var d time.Duration
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		d = time.Duration(f * float64(time.Second))
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("%q is not a duration: a number of seconds (10, 0.5) or a number with its unit (500ms, 2m)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("%q: a duration cannot be negative", s)
	}
	return d, nil
}

// durationVar defines a duration flag in seconds with default def.
func durationVar(fs *flag.FlagSet, d *time.Duration, name string, def time.Duration, usage string) {
	*d = def
	fs.Var(secondsValue{d}, name, usage)
}
