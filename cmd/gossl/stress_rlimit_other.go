//go:build !unix

package main

import "errors"

// raiseFileLimit: there is no RLIMIT_NOFILE to raise here.
func raiseFileLimit(want uint64) (uint64, error) {
	return 0, errors.New("the idle phase needs RLIMIT_NOFILE (a Unix system)")
}
