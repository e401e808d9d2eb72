#!/bin/sh
# fuzzcampaign.sh runs fuzz targets one after another, each for a fixed
# time with one worker, and prints one line per target for the table in
# docs/conformance.md: the target, how long it ran, the executions and
# executions per second of the last progress line, and the corpus growth
# ("new interesting" inputs found this run, and the corpus total). The
# execs/s column is the average over the whole run (go test's own figure
# is that of the last few seconds, 0 while it minimizes an input).
#
#   scripts/fuzzcampaign.sh DURATION [PKG:Target ...]
#   scripts/fuzzcampaign.sh 10m ./internal/wire:FuzzClientHello .:FuzzServerHandshake
#
# Without targets, every Fuzz function in the module, in package order.
# The full output of each run is kept in $FUZZLOG (default
# /tmp/gossl-fuzz) as PKG_Target.log. A failing input is written by go
# test to the package's testdata/fuzz/Target directory; the line then
# says FAIL. Each new interesting input is minimized for at most
# $FUZZMINIMIZE (default 100x: a hundred runs; go test's default is 60s): with slow
# targets and few cores, minimizing would otherwise take most of the run
# (and the executions it makes are not counted in execs/s).
set -u
dur=${1:?usage: fuzzcampaign.sh DURATION [PKG:Target ...]}
shift
log=${FUZZLOG:-/tmp/gossl-fuzz}
mkdir -p "$log"
if [ $# -eq 0 ]; then
	set -- $(grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do
		d=$(dirname "$f")
		grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed "s|^func |$d:|"
	done)
fi
printf '%-60s %8s %12s %9s %s\n' target time execs execs/s 'new (corpus total)'
for t in "$@"; do
	pkg=${t%%:*}
	name=${t#*:}
	out="$log/$(echo "$pkg" | tr '/.' '__')_$name.log"
	go test "$pkg" -run '^$' -fuzz "^$name\$" -fuzztime "$dur" -fuzzminimizetime "${FUZZMINIMIZE:-100x}" -parallel 1 >"$out" 2>&1
	rc=$?
	last=$(grep 'fuzz: elapsed' "$out" | tail -1)
	execs=$(echo "$last" | sed -n 's/.*execs: \([0-9]*\) (\([0-9]*\)\/sec).*/\1/p')
	secs=$(echo "$last" | sed -n 's/.*elapsed: \([0-9hms]*\),.*/\1/p' | sed 's/h/*3600+/; s/m/*60+/; s/s//; s/+$//')
	rate=
	[ -n "$execs" ] && [ -n "$secs" ] && rate=$((execs / ($secs)))
	growth=$(echo "$last" | sed -n 's/.*new interesting: \(.*\)$/\1/p')
	status=ok
	[ $rc -ne 0 ] && status=FAIL
	printf '%-60s %8s %12s %9s %s %s\n' "$pkg:$name" "$dur" "${execs:-?}" "${rate:-?}" "${growth:-?}" "$status"
done
