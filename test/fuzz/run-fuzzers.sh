#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, -O2 -g) in a build
# directory and runs each for a bounded time from a copy of its seeds in a
# temporary directory (nothing is written into the source tree). Fails if
# any target finds a crash, a property violation, a leak, a hang (one input
# over -timeout seconds) or an input over the RSS limit; the input that did
# it is kept and its path printed: copy it into test/fuzz/regressions/<target>/
# once the bug is understood, so the replay tests keep checking it.
#
# Usage: test/fuzz/run-fuzzers.sh [build-dir]   (default: build/fuzz)
# Environment: HC_FUZZ_SECONDS (per target, default 20), HC_FUZZ_RUNS (set:
# run each target for that many executions instead, with no time limit),
# HC_FUZZ_ONLY (space-separated targets to run; default all), HC_FUZZ_JOBS
# (targets run at once, default nproc), HC_FUZZ_NO_BUILD (set: run the
# targets already built in build-dir).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/build/fuzz}
seconds=${HC_FUZZ_SECONDS:-20}
runs=${HC_FUZZ_RUNS:-}
jobs=${HC_FUZZ_JOBS:-$(nproc)}

if [ -z "${HC_FUZZ_NO_BUILD:-}" ]; then
    CC=clang cmake -S "$root" -B "$out" -DHC_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    if ! grep -q '^HC_HAVE_LIBFUZZER:INTERNAL=1' "$out/CMakeCache.txt"; then
        echo "libFuzzer does not link with clang here (Debian: libclang-rt-14-dev)" >&2
        exit 1
    fi
fi
# The targets and their seed folders, one line each, as test/fuzz/CMakeLists.txt
# (HC_FUZZ_TARGETS) wrote them at configure time.
seeds_txt=$out/test/fuzz/seeds.txt
[ -f "$seeds_txt" ] || { echo "$seeds_txt not found: configure $out first" >&2; exit 1; }
mapfile -t targets < <(awk '{ print $1 }' "$seeds_txt")
[ "${#targets[@]}" -gt 0 ] || { echo "$seeds_txt lists no target" >&2; exit 1; }
if [ -n "${HC_FUZZ_ONLY:-}" ]; then
    for t in $HC_FUZZ_ONLY; do
        printf '%s\n' "${targets[@]}" | grep -qx "$t" || { echo "no fuzz target $t" >&2; exit 1; }
    done
    read -r -a targets <<< "$HC_FUZZ_ONLY"
fi
if [ -z "${HC_FUZZ_NO_BUILD:-}" ]; then
    cmake --build "$out" -j"$(nproc)" --target "${targets[@]}"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Longest input per target: past the engine's 8 KiB line bound for HTTP,
# past the 2 KiB element buffer for JSON; short for URLs.
max_len() {
    case $1 in
        fuzz_url) echo 512 ;;
        fuzz_json_list) echo 8192 ;;
        *) echo 12288 ;;
    esac
}

run_one() {  # target
    local t=$1 dir=$work/$1
    mkdir -p "$dir/corpus" "$dir/artifacts"
    local seeds
    seeds=$(awk -v t="$t" '$1 == t { $1 = ""; print }' "$seeds_txt")
    for s in $seeds; do
        [ -d "$s" ] || continue
        find "$s" -maxdepth 1 -type f ! -name '.*' ! -name '*.md' -exec cp {} "$dir/corpus/" \;
    done
    # timeout(1) is the outer bound should libFuzzer itself ever stall.
    local bound=(-max_total_time="$seconds") outer=$((seconds + 30))
    if [ -n "$runs" ]; then
        bound=(-runs="$runs")
        outer=$((24 * 3600))
    fi
    timeout -k 5 "$outer" "$out/test/fuzz/$t" \
        "${bound[@]}" -timeout=5 -rss_limit_mb=1024 -max_len="$(max_len "$t")" \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
        > "$dir/log" 2>&1
}

pids=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    # Hold the number of fuzzers running at once to $jobs. wait -n only
    # waits here: each one's status is read below, by its pid.
    if [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; then
        wait -n || true
    fi
done

failed=0
for i in "${!targets[@]}"; do
    t=${targets[$i]}
    log=$work/$t/log
    if wait "${pids[$i]}"; then
        done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
        printf '%-20s ok: %s runs, %s exec/s, %s, peak RSS %s MB\n' \
            "$t" "$done_runs" "$speed" "$cov" "$rss"
    else
        failed=1
        echo "$t: FAILED. Last lines of its log:" >&2
        tail -40 "$log" >&2
        keep=$out/fuzz-artifacts/$t
        mkdir -p "$keep"
        for a in "$work/$t/artifacts"/*; do
            [ -e "$a" ] || continue
            cp "$a" "$keep/"
            echo "reproducer: $keep/$(basename "$a") (base64: $(head -c 600 "$a" | base64 -w0))" >&2
        done
    fi
done
exit $failed
