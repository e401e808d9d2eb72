#!/usr/bin/env bash
# Runs tlsfuzzer's server scripts against `gossl serve`, as listed in
# scripts/tlsfuzzer.plan, and prints one line per script and the totals
# recorded in docs/conformance.md.
#
# usage: scripts/tlsfuzzer.sh TLSFUZZER_DIR TLSLITE_DIR [SCRIPT ...]
#
# TLSFUZZER_DIR is a checkout of tlsfuzzer/tlsfuzzer (its tlsfuzzer/
# package is enough), TLSLITE_DIR one of tlsfuzzer/tlslite-ng; python3
# needs the ecdsa module (Debian: python3-ecdsa). With SCRIPT names only
# those plan lines run. TLSFUZZER_TIMEOUT (default 300) bounds each
# script in seconds; TLSFUZZER_WORK keeps the logs (default: a new
# temporary directory); PYTHON names the interpreter (default python3).
set -uo pipefail

if [ $# -lt 2 ] || [ ! -d "$1/tlsfuzzer" ] || [ ! -d "$2/tlslite" ]; then
	echo "usage: $0 TLSFUZZER_DIR TLSLITE_DIR [SCRIPT ...]" >&2
	exit 2
fi
tf=$(cd "$1" && pwd)
tl=$(cd "$2" && pwd)
shift 2
only=("$@")
root=$(cd "$(dirname "$0")/.." && pwd)
work=${TLSFUZZER_WORK:-$(mktemp -d)}
mkdir -p "$work"
python=${PYTHON:-python3}
(cd "$root" && go build -o "$work/gossl" ./cmd/gossl) || exit 1

# The servers the plan names, each on its own port: rsa is gossl's
# defaults with an RSA certificate, every suite gossl has (RSA key
# transport included) and TLS 1.0 to 1.3; legacy adds SSL 3.0, SSLv2
# hellos, SHA-1 and SHA-224 signatures, x448 and three ffdhe groups;
# alpn is rsa preferring http/1.1, h2 and http/2 (a name the ALPN
# script uses) by ALPN.
ciphers=$("$work/gossl" ciphers all | cut -f2 | paste -sd: -)
common=(--www --key-type rsa --ciphers "$ciphers" --versions tlsv1.3,tlsv1.2,tlsv1.1,tlsv1)
# Every signature scheme gossl has for RSA and ECDSA keys, SHA-1 and
# SHA-224 included (not in gossl's defaults, RFC 9155).
sigalgs_all=rsa_pss_rsae_sha256,rsa_pss_rsae_sha384,rsa_pss_rsae_sha512,rsa_pss_pss_sha256,rsa_pss_pss_sha384,rsa_pss_pss_sha512,rsa_pkcs1_sha256,rsa_pkcs1_sha384,rsa_pkcs1_sha512,sha224+rsa,rsa_pkcs1_sha1,ecdsa_secp256r1_sha256,ecdsa_secp384r1_sha384,ecdsa_secp521r1_sha512,sha224+ecdsa,ecdsa_sha1
declare -A port pid
start() {
	local name=$1
	shift
	"$work/gossl" serve --port 0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
	pid[$name]=$!
	for _ in $(seq 100); do
		port[$name]=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$work/$name.out" | head -1)
		[ -n "${port[$name]}" ] && return 0
		sleep 0.1
	done
	echo "gossl serve ($name) did not start: $(cat "$work/$name.err")" >&2
	exit 1
}
trap 'for p in "${pid[@]}"; do kill "$p" 2>/dev/null; done' EXIT
start rsa "${common[@]}"
start legacy "${common[@]}" --versions tlsv1.3,tlsv1.2,tlsv1.1,tlsv1,sslv3 --v2-hello-compatible \
	--signature-algs "$sigalgs_all" \
	--supported-groups x25519,secp256r1,secp384r1,secp521r1,x448,ffdhe2048,ffdhe3072,ffdhe4096 \
	--eccs x25519,secp256r1,secp384r1,secp521r1,x448
start alpn "${common[@]}" --alpn-preferred-protocols http/1.1,h2,http/2
# clientcert asks for a client certificate (verify_peer, none required),
# offers every signature scheme (so that CertificateVerify with SHA-1 is
# checked, not refused as a scheme not offered) and trusts a CA made for
# this run with openssl; the plan passes the
# client's RSA key and certificate as $CLIENT_KEY and $CLIENT_CERT, its
# ECDSA ones as $EC_CLIENT_KEY and $EC_CLIENT_CERT.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -subj /CN=tlsfuzzer-ca -days 2 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -keyout "$work/client.key" -out "$work/client.csr" -subj /CN=tlsfuzzer-client 2>/dev/null &&
	openssl x509 -req -in "$work/client.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -out "$work/client.pem" -days 2 2>/dev/null ||
	{ echo "openssl could not make the client certificate" >&2; exit 1; }
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ecclient.key" &&
	openssl req -new -key "$work/ecclient.key" -out "$work/ecclient.csr" -subj /CN=tlsfuzzer-ec-client 2>/dev/null &&
	openssl x509 -req -in "$work/ecclient.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -out "$work/ecclient.pem" -days 2 2>/dev/null ||
	{ echo "openssl could not make the ECDSA client certificate" >&2; exit 1; }
CLIENT_KEY=$work/client.key
CLIENT_CERT=$work/client.pem
EC_CLIENT_KEY=$work/ecclient.key
EC_CLIENT_CERT=$work/ecclient.pem
start clientcert "${common[@]}" --verify verify_peer --no-fail-if-no-peer-cert --cacertfile "$work/ca.pem" --signature-algs "$sigalgs_all"
# Client keys of the other types, for the servers that verify them:
# Ed25519 ($ED_CLIENT_KEY, $ED_CLIENT_CERT) and DSA ($DSA_CLIENT_KEY,
# $DSA_CLIENT_CERT), signed by the same CA; and server certificates:
# Ed25519, Ed448 and DSA (2048-bit).
issue() { # name subject: sign $work/name.key into $work/name.pem
	openssl req -new -key "$work/$1.key" -out "$work/$1.csr" -subj "/CN=$2" 2>/dev/null &&
		openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -out "$work/$1.pem" -days 2 2>/dev/null
}
{ openssl genpkey -algorithm ed25519 -out "$work/edclient.key" && issue edclient tlsfuzzer-ed-client &&
	openssl genpkey -algorithm ed25519 -out "$work/ed25519.key" && issue ed25519 localhost &&
	openssl genpkey -algorithm ed448 -out "$work/ed448.key" && issue ed448 localhost &&
	openssl dsaparam -out "$work/dsaparam.pem" 2048 2>/dev/null &&
	openssl gendsa -out "$work/dsaclient.key" "$work/dsaparam.pem" 2>/dev/null && issue dsaclient tlsfuzzer-dsa-client &&
	openssl gendsa -out "$work/dsa.key" "$work/dsaparam.pem" 2>/dev/null && issue dsa localhost; } ||
	{ echo "openssl could not make the EdDSA and DSA keys" >&2; exit 1; }
ED_CLIENT_KEY=$work/edclient.key
ED_CLIENT_CERT=$work/edclient.pem
DSA_CLIENT_KEY=$work/dsaclient.key
DSA_CLIENT_CERT=$work/dsaclient.pem
dsa_sigalgs=dsa_sha1,dsa_sha224,dsa_sha256,dsa_sha384,dsa_sha512
# anycert is clientcert that also takes EdDSA and DSA client keys.
start anycert "${common[@]}" --verify verify_peer --no-fail-if-no-peer-cert --cacertfile "$work/ca.pem" \
	--signature-algs "$sigalgs_all,eddsa_ed25519,eddsa_ed448,$dsa_sigalgs"
# ed25519 and ed448 serve an EdDSA certificate (TLS 1.3 and 1.2), dsa a
# DSA one with the DHE_DSS suites and every DSA signature, SHA-1 too.
start ed25519 --www --certfile "$work/ed25519.pem" --keyfile "$work/ed25519.key" --versions tlsv1.3,tlsv1.2
start ed448 --www --certfile "$work/ed448.pem" --keyfile "$work/ed448.key" --versions tlsv1.3,tlsv1.2
start dsa --www --certfile "$work/dsa.pem" --keyfile "$work/dsa.key" --versions tlsv1.2,tlsv1.1,tlsv1 \
	--ciphers "$("$work/gossl" ciphers all | cut -f2 | grep DSS | paste -sd: -)" --signature-algs "$dsa_sigalgs"
# brainpool enables the RFC 8734 groups in TLS 1.3.
start brainpool --www --versions tlsv1.3 \
	--supported-groups x25519,secp256r1,brainpoolP256r1tls13,brainpoolP384r1tls13,brainpoolP512r1tls13
# ecdsa has a P-256 certificate and offers the ECDSA signatures with
# SHA-1 and SHA-224 too.
start ecdsa --www --key-type ecdsa --ciphers "$ciphers" --versions tlsv1.3,tlsv1.2,tlsv1.1,tlsv1 \
	--signature-algs ecdsa_secp256r1_sha256,ecdsa_secp384r1_sha384,ecdsa_secp521r1_sha512,ecdsa_sha1,sha224+ecdsa,rsa_pss_rsae_sha256,rsa_pkcs1_sha256

total=0 pass=0 fail=0 broken=0 na=0
while read -r kind rest; do
	case "$kind" in '' | '#'*) continue ;; esac
	if [ "$kind" = n/a ]; then
		na=$((na + 1))
		continue
	fi
	eval "set -- $rest"
	server=$1
	shift
	if [ ${#only[@]} -gt 0 ] && [[ ! " ${only[*]} " == *" $kind "* ]]; then
		continue
	fi
	app="$tf/tlsfuzzer/_apps/$(basename "$kind" .py | tr - _).py"
	log="$work/$kind.$server.log"
	PYTHONPATH="$tl:$tf" timeout "${TLSFUZZER_TIMEOUT:-300}" "$python" "$app" -h 127.0.0.1 -p "${port[$server]}" "$@" >"$log" 2>&1
	rc=$?
	t=$(sed -n 's/^TOTAL: //p' "$log" | tail -1)
	p=$(sed -n 's/^PASS: //p' "$log" | tail -1)
	f=$(sed -n 's/^FAIL: //p' "$log" | tail -1)
	if [ -z "$t" ]; then
		broken=$((broken + 1))
		printf '%-70s %-7s did not finish (exit %d): %s\n' "$kind" "$server" "$rc" "$log"
		continue
	fi
	total=$((total + t)) pass=$((pass + p)) fail=$((fail + f))
	printf '%-70s %-7s %5d conversations, %5d passed, %3d failed\n' "$kind" "$server" "$t" "$p" "$f"
	[ "$f" != 0 ] && sed -n '/^FAILED:/,/^$/p' "$log" | sed 's/^/    /'
done <"$root/scripts/tlsfuzzer.plan"
echo "scripts not run: $na (reasons in scripts/tlsfuzzer.plan); did not finish: $broken"
echo "conversations: $total, passed $pass, failed $fail"
[ "$fail" -eq 0 ] && [ "$broken" -eq 0 ]
