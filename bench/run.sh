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
# programs are (re)built, then a Markdown table goes to stdout.
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
cmake --build "$build" -j"$(nproc)" --target bench_ping bench_http bench_list bench_trap_log >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# name | program and arguments
scenarios=(
    "ping, blocking (hc_ping_send), per ping|bench_ping blocking 1000"
    "ping, non-blocking (hc_ping_send_begin + hc_ping_poll), per ping|bench_ping poll 1000"
    "ping, blocking, response 1 byte per recv, per ping|bench_ping bytewise 1000"
    "HTTP engine: hc_http_feed of the whole ping response, per response byte|bench_http 10000"
    "checks list of 1,000 elements (hc_api_list_checks_begin), per element|bench_list 1"
    "hc_trap_log, 61-byte lines into a 4 KB ring, per byte|bench_trap_log 100000"
)

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no git checkout")
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1 &&
        ! git -C "$root" diff --quiet HEAD -- components port; then
    commit+=" + uncommitted library changes"
fi
compiler=$(cache_value CMAKE_C_COMPILER)
echo "Commit $commit, $(date -u +%Y-%m-%d), $("$compiler" --version | head -1), ${build_type:-no build type}, $(valgrind --version)"
echo
echo "| scenario | instructions per op | ops measured |"
echo "|---|---:|---:|"
i=0
for entry in "${scenarios[@]}"; do
    name=${entry%%|*}
    read -r -a cmd <<<"${entry#*|}"
    i=$((i + 1))
    if ! valgrind --tool=callgrind --toggle-collect=hc_bench_measure \
            --callgrind-out-file="$out/$i.out" "$build/bench/${cmd[0]}" "${cmd[@]:1}" \
            >"$out/$i.stdout" 2>"$out/$i.stderr"; then
        cat "$out/$i.stdout" "$out/$i.stderr" >&2
        echo "benchmark '${cmd[*]}' failed" >&2
        exit 1
    fi
    read -r _ ops unit <<<"$(grep '^ops ' "$out/$i.stdout" || true)"
    total=$(sed -n 's/^totals: *//p' "$out/$i.out")
    if [ -z "$ops" ] || [ -z "$total" ]; then
        echo "no figures from '${cmd[*]}'" >&2
        exit 1
    fi
    awk -v name="$name" -v total="$total" -v ops="$ops" -v unit="$unit" '
        function grouped(s,  r) {
            for (r = ""; length(s) > 3; s = substr(s, 1, length(s) - 3))
                r = "," substr(s, length(s) - 2) r
            return s r
        }
        BEGIN {
            per = total / ops
            per = per < 100 ? sprintf("%.2f", per) : grouped(sprintf("%.0f", per))
            printf "| %s | %s | %s %s |\n", name, per, grouped(sprintf("%d", ops)), unit
        }'
done
