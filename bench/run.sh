#!/usr/bin/env bash
# CPU benchmarks of the library, counted in instructions by callgrind (one
# run per scenario, setup excluded: only hc_bench_measure() is collected).
# Instruction counts do not depend on how busy the machine is; times would.
#
#   bench/run.sh [BUILD_DIR]
#
# BUILD_DIR (default build/bench) is configured RelWithDebInfo (-O2) if it
# has no CMakeCache.txt yet; an existing one is used with its own settings
# (not with HC_SANITIZE: sanitizers and valgrind do not mix). The benchmark
# programs are (re)built, then two Markdown tables go to stdout: every
# scenario's figures, and each target beside its floor from the same run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/bench}

command -v valgrind >/dev/null || { echo "valgrind not found (Debian package valgrind)" >&2; exit 1; }
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHC_BUILD_BENCH=ON >/dev/null
fi
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
if [ "$(cache_value HC_SANITIZE)" = ON ]; then
    echo "$build is a sanitizer build; give another build directory" >&2
    exit 1
fi
build_type=$(cache_value CMAKE_BUILD_TYPE)
case "$build_type" in
    Release|RelWithDebInfo|MinSizeRel) ;;
    *) echo "warning: $build is built '${build_type:-no build type}' (unoptimised); figures will not compare" >&2 ;;
esac
cmake --build "$build" -j"$(nproc)" --target bench_ping bench_http bench_list bench_jstream \
    bench_jsmn bench_trap_log >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# id | name | program and arguments
scenarios=(
    "ping|ping, blocking (hc_ping_send), per ping|bench_ping blocking 1000"
    "ping_poll|ping, non-blocking (hc_ping_send_begin + hc_ping_poll), per ping|bench_ping poll 1000"
    "ping_bytewise|ping, blocking, response 1 byte per recv, per ping|bench_ping bytewise 1000"
    "http_head|HTTP engine: hc_http_feed of the ping response's head, per head byte|bench_http head 10000"
    "http_length|HTTP engine: hc_http_feed of a 64 KiB Content-Length body in 1 KiB pieces, per body byte|bench_http length 50"
    "http_chunked|HTTP engine: hc_http_feed of a 64 KiB body in 4 KiB chunks, 1 KiB pieces, per body byte|bench_http chunked 50"
    "list_checks|checks list of 1,000 elements (hc_api_list_checks_begin), per element|bench_list checks 1"
    "jsmn_checks|floor: jsmn_parse (strict) over the same checks, one call per element, per element|bench_jsmn checks 1"
    "jstream_checks|its one pass: hc_jstream_feed (split + grammar) of the checks body, per element|bench_jstream checks 1"
    "list_pings|pings list of 1,000 elements (hc_api_list_pings_begin), per element|bench_list pings 1"
    "jsmn_pings|floor: jsmn_parse (strict) over the same pings, one call per element, per element|bench_jsmn pings 1"
    "trap_log|hc_trap_log, 61-byte lines into a 4 KB ring, per byte|bench_trap_log 100000"
)

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no git checkout")
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1 &&
        ! git -C "$root" diff --quiet HEAD -- components port; then
    commit+=" + uncommitted library changes"
fi
compiler=$(cache_value CMAKE_C_COMPILER)
echo "Commit $commit, $(date -u +%Y-%m-%d), $("$compiler" --version | head -1), ${build_type:-no build type}, $(valgrind --version)"
echo

# One line per scenario in $out/results: id, instructions, ops, unit, bytes
# (0 when the program reports none), name.
: >"$out/results"
i=0
for entry in "${scenarios[@]}"; do
    id=${entry%%|*}
    rest=${entry#*|}
    name=${rest%%|*}
    read -r -a cmd <<<"${rest#*|}"
    i=$((i + 1))
    if ! valgrind --tool=callgrind --toggle-collect=hc_bench_measure \
            --callgrind-out-file="$out/$i.out" "$build/bench/${cmd[0]}" "${cmd[@]:1}" \
            >"$out/$i.stdout" 2>"$out/$i.stderr"; then
        cat "$out/$i.stdout" "$out/$i.stderr" >&2
        echo "benchmark '${cmd[*]}' failed" >&2
        exit 1
    fi
    read -r _ ops unit <<<"$(grep '^ops ' "$out/$i.stdout" || true)"
    read -r _ bytes <<<"$(grep '^bytes ' "$out/$i.stdout" || echo "bytes 0")"
    total=$(sed -n 's/^totals: *//p' "$out/$i.out")
    if [ -z "$ops" ] || [ -z "$total" ]; then
        echo "no figures from '${cmd[*]}'" >&2
        exit 1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$total" "$ops" "$unit" "$bytes" "$name" >>"$out/results"
done

awk -F'\t' '
    function grouped(s,  r) {
        for (r = ""; length(s) > 3; s = substr(s, 1, length(s) - 3))
            r = "," substr(s, length(s) - 2) r
        return s r
    }
    function fig(x) { return x < 100 ? sprintf("%.2f", x) : grouped(sprintf("%.0f", x)) }
    {
        id[NR] = $1; name[$1] = $6; ops[$1] = $3; unit[$1] = $4; bytes[$1] = $5
        per_op[$1] = $2 / $3
        per_byte[$1] = $5 > 0 ? $2 / $5 : 0
    }
    # A bound on instructions per byte: measured, bound, met or not.
    function absolute(label, x, bound) {
        printf "| %s | %s | - | - | <= %s | %s |\n", label, fig(x), bound, x <= bound ? "met" : "NOT MET"
    }
    # A bound relative to a floor measured in the same run.
    # (bound 0: shown beside the floor, no bound).
    function relative(label, x, floor, what, bound,  limit, verdict) {
        limit = "-"
        verdict = ""
        if (bound) {
            limit = "<= " bound "x"
            verdict = x <= bound * floor ? "met" : "NOT MET"
        }
        printf "| %s | %s | %s (%s) | %.2fx | %s | %s |\n", label, fig(x), fig(floor), what,
               x / floor, limit, verdict
    }
    END {
        print "| scenario | instructions per op | per byte | ops measured |"
        print "|---|---:|---:|---:|"
        for (i = 1; i <= NR; i++) {
            k = id[i]
            printf "| %s | %s | %s | %s %s |\n", name[k], fig(per_op[k]),
                   (per_byte[k] > 0 ? fig(per_byte[k]) : "-"), grouped(ops[k]), unit[k]
        }
        print ""
        print "| target | measured | floor | ratio | bound | |"
        print "|---|---:|---:|---:|---:|---|"
        absolute("hc_http_feed, per head byte", per_op["http_head"], 30)
        absolute("hc_http_feed, per Content-Length body byte", per_op["http_length"], 4)
        absolute("hc_http_feed, per chunked body byte", per_op["http_chunked"], 4)
        relative("checks list into hc_check_t, per element", per_op["list_checks"],
                 per_op["jsmn_checks"], "jsmn_parse strict", 2)
        relative("checks list into hc_check_t, per body byte", per_byte["list_checks"],
                 per_byte["jsmn_checks"], "jsmn_parse strict", 2)
        relative("pings list into hc_received_ping_t, per element", per_op["list_pings"],
                 per_op["jsmn_pings"], "jsmn_parse strict", 2)
        relative("pings list into hc_received_ping_t, per body byte", per_byte["list_pings"],
                 per_byte["jsmn_pings"], "jsmn_parse strict", 2)
        relative("one pass of the list path (split + grammar), per body byte",
                 per_byte["jstream_checks"], per_byte["jsmn_checks"], "jsmn_parse strict", 0)
    }' "$out/results"
