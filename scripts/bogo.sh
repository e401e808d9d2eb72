#!/usr/bin/env bash
# Runs BoringSSL's TLS and DTLS test suite (BoGo) against gossl's shim
# (cmd/bogo-shim) and prints the counts recorded in docs/conformance.md.
#
# usage: scripts/bogo.sh BORINGSSL_DIR [runner flags, e.g. -test 'Basic-*']
#
# BORINGSSL_DIR is a checkout of google/boringssl at the revision pinned
# in docs/conformance.md; only go.mod, go.sum, ssl/test/runner and
# util/testresult are needed. The runner is built with `go test -c` and
# fetches its dependencies through the Go module proxy once.
# BOGO_WORK (default: a new temporary directory) keeps the binaries,
# results.json and log.txt; BOGO_WORKERS (default 2) is -num-workers.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1/ssl/test/runner" ]; then
	echo "usage: $0 BORINGSSL_DIR [runner flags]" >&2
	exit 2
fi
bssl=$(cd "$1" && pwd)
shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BOGO_WORK:-$(mktemp -d)}
mkdir -p "$work"
config="$root/cmd/bogo-shim/bogo_config.json"

(cd "$bssl" && go test -c -o "$work/runner.test" ./ssl/test/runner)
(cd "$root" && go build -o "$work/bogo-shim" ./cmd/bogo-shim && go build -o "$work/bogocounts" ./scripts/bogocounts)

run() {
	(cd "$bssl/ssl/test/runner" && "$work/runner.test" -shim-path "$work/bogo-shim" \
		-shim-config "$config" -allow-unimplemented -loose-errors \
		-num-workers "${BOGO_WORKERS:-2}" "$@")
}

# The runner exits non-zero when a test fails; the counts still follow.
status=0
run -json-output "$work/results.json" "$@" | tr '\r' '\n' | grep -v '^[0-9/ ]*$' >"$work/log.txt" || status=$?
grep -E '^ *[0-9/ ]*FAILED' "$work/log.txt" | sed 's/^[0-9/ ]*//' || true

# Sort the tests by kind: the shim answers at once with -role-probe.
for kind in tls-client tls-server dtls; do
	run -include-disabled -shim-extra-flags "-role-probe;$kind" \
		-json-output "$work/probe-$kind.json" "$@" >/dev/null 2>&1 || true
done

echo "| Tests | pass | fail | known failures | not applicable | total |"
echo "|---|---|---|---|---|---|"
"$work/bogocounts" "$config" "$work/results.json" "$work/probe-tls-client.json" "$work/probe-tls-server.json" "$work/probe-dtls.json"
echo "results in $work"
exit $status
