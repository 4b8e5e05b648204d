#!/usr/bin/env bash
# The main job: build the hc CLI and ping a Healthchecks server with it.
#
# With no environment, it starts the repository's local test server and
# shows the pings arriving there. To use a real server instead, set
#   HC_PING_URL (e.g. https://hc-ping.com) and HC_CHECK_UUID, or
#   HC_PING_KEY and HC_CHECK_SLUG; add HC_API_URL and HC_API_KEY to list
#   the project's checks through the Management API.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${HC_BUILD_DIR:-$root/build}/demo

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHC_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target hc >/dev/null
hc="$build/examples/hc/hc"

run() { printf '\n$ %s\n' "$*"; "$@"; }

if [ -n "${HC_PING_URL:-}" ]; then
    if [ -n "${HC_CHECK_UUID:-}" ]; then target=(--uuid "$HC_CHECK_UUID"); else target=(--slug "${HC_CHECK_SLUG:?set HC_CHECK_UUID or HC_CHECK_SLUG}"); fi
    printf '\n$ %s\n' "$hc ping start ${target[*]} --new-rid -v"
    rid=$("$hc" ping start "${target[@]}" --new-rid -v | tee /dev/stderr | awk '/^rid/ {print $2}')
    run "$hc" ping success "${target[@]}" --rid "$rid" --data "hello from the hc demo" -v
    # With HC_API_URL (e.g. https://healthchecks.io/api) and HC_API_KEY, the
    # Management API too.
    if [ -n "${HC_API_KEY:-}" ]; then
        run "$hc" checks list
    fi
    exit 0
fi

tmp=$(mktemp -d)
log="$tmp/server.log"
python3 "$root/test/server/hc_test_server.py" --port 0 --port-file "$tmp/port" --demo >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "the test server did not start:"; cat "$log"; exit 1; }

export HC_PING_URL="http://127.0.0.1:$(cat "$tmp/port")/ping"
export HC_PING_KEY=pingkey0123456789abcde
uuid=45c9d87e-c6e4-42c7-ba1e-921cfc827121
echo "Local test server at $HC_PING_URL"

run "$hc" ping start --uuid "$uuid" --rid cabd8d03-d637-46e9-b652-805655b43815 -v
run "$hc" ping success --uuid "$uuid" --rid cabd8d03-d637-46e9-b652-805655b43815 --data "42 files backed up" -v
run "$hc" ping 3 --slug new-job --create -v
printf '\n$ %s\n' "$hc ping --uuid 00000000-0000-4000-8000-000000000000   # unknown check"
"$hc" ping --uuid 00000000-0000-4000-8000-000000000000 -v || echo "(exit status $?: not delivered)"

sleep 0.2
echo
echo "What the server recorded:"
cat "$log"

echo
echo "The Management API of the same server:"
export HC_API_URL="http://127.0.0.1:$(cat "$tmp/port")/api"
export HC_API_KEY=hcw_0123456789abcdef0123456789ab
run "$hc" checks list
run "$hc" pings "$uuid"
