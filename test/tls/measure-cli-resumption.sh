#!/bin/sh
# Instructions (callgrind Ir, the whole process) of one https ping:
# `hc ping` without --tls-session, its first run with --tls-session FILE (a
# full handshake, FILE written), its second run (the session resumed from
# FILE), and curl's `curl -s` to the same URL, all in one sitting against
# one local stunnel (a throwaway PKI: P-256, or RSA-2048 with
# HC_TLS_KEYTYPE=rsa) in front of the test server.
# Every program trusts only the test CA (a small --cacert, not the system
# bundle). hc runs with Debian's mbedTLS 2.28 (TLS 1.2); curl with its own
# TLS library (OpenSSL 3 on Debian: TLS 1.3).
# Usage: test/tls/measure-cli-resumption.sh BUILD_DIR   (a Release build is
# the one to measure; needs valgrind, stunnel4, openssl and curl)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILD_DIR}
hc=$build/examples/hc/hc
[ -x "$hc" ] || cmake --build "$build" --target hc
for tool in valgrind stunnel4 openssl curl; do
    command -v "$tool" >/dev/null || { echo "$0: needs $tool" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/hc-measure-cli.XXXXXX)
server_pid=
stunnel_pid=
cleanup() {
    [ -n "$stunnel_pid" ] && kill "$stunnel_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

sh "$root/test/tls/gen-certs.sh" "$dir" "${HC_TLS_KEYTYPE:-ec}" >/dev/null 2>&1
python3 "$root/test/server/hc_test_server.py" --port 0 --port-file "$dir/backend" \
    --exit-with-parent >/dev/null 2>&1 &
server_pid=$!
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
i=0
until [ -s "$dir/backend" ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
cat > "$dir/stunnel.conf" <<EOF
foreground = yes
pid =
syslog = no
debug = info
output = $dir/stunnel.log
[hc]
accept = 127.0.0.1:$port
cert = $dir/valid.pem
key = $dir/leaf.key
connect = 127.0.0.1:$(cat "$dir/backend")
EOF
stunnel4 "$dir/stunnel.conf" >/dev/null 2>&1 &
stunnel_pid=$!
i=0
until grep -q "Accepting new connections" "$dir/stunnel.log" 2>/dev/null || [ $i -ge 100 ]; do
    sleep 0.1; i=$((i + 1))
done

uuid=45c9d87e-c6e4-42c7-ba1e-921cfc827121
url=https://localhost:$port/ping
measure() {  # what, command...
    what=$1; shift
    valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" "$@" \
        >"$dir/out" 2>"$dir/err" || { echo "$what: failed"; cat "$dir/out" "$dir/err"; exit 1; }
    ir=$(sed -n 's/.*Collected : //p' "$dir/err")
    printf '%-40s %12s Ir\n' "$what" "$(echo "$ir" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')"
}
measure "hc ping (no --tls-session)" \
    "$hc" ping --uuid "$uuid" --ping-url "$url" --cacert "$dir/trust.pem"
measure "hc ping --tls-session FILE, first run" \
    "$hc" ping --uuid "$uuid" --ping-url "$url" --cacert "$dir/trust.pem" --tls-session "$dir/s"
measure "hc ping --tls-session FILE, second run" \
    "$hc" ping --uuid "$uuid" --ping-url "$url" --cacert "$dir/trust.pem" --tls-session "$dir/s"
measure "curl -s" curl -s --cacert "$dir/trust.pem" "$url/$uuid"
echo "stunnel: $(grep -c 'new session negotiated' "$dir/stunnel.log") full handshakes," \
     "$(grep -c 'previous session reused' "$dir/stunnel.log") resumed"
