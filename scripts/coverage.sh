#!/usr/bin/env bash
# Builds with gcc and --coverage, runs the whole CTest suite, and reports
# line and branch coverage of the library and of the ports (gcovr).
# Fails when a test fails, or when the library's coverage drops below the
# floors: they are ratchets, set a little under what the suite reaches, so
# new code comes with tests.
# Usage: coverage.sh BUILD_DIR [--lines PCT] [--branches PCT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,7p' "$0" >&2; exit 2; }
out=$1; shift
lines=${HC_COVERAGE_LINES:-98} branches=${HC_COVERAGE_BRANCHES:-95}
while [ $# -gt 0 ]; do
    case $1 in
        --lines) lines=$2; shift 2 ;;
        --branches) branches=$2; shift 2 ;;
        *) echo "coverage.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

CC=gcc cmake -S "$root" -B "$out" -DHC_WERROR=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS=--coverage -DCMAKE_EXE_LINKER_FLAGS=--coverage >/dev/null
cmake --build "$out" -j"$(nproc)"
find "$out" -name '*.gcda' -delete  # counts from an earlier run would add up
ctest --test-dir "$out" --output-on-failure -j"$(nproc)"

# CMake's compiler probe leaves a .gcno of a source gcovr cannot find.
gcov_args=(-r "$root" --object-directory "$out" --exclude-unreachable-branches
           --exclude-directories "$out/CMakeFiles/[0-9.]+")
echo "Coverage of the ports (reported, not gated: some need root, stunnel or lwIP):"
gcovr "${gcov_args[@]}" --filter "$root/port/" --branches 2>/dev/null | grep -E '^(port|TOTAL)' || true
echo "Coverage of the library, lines then branches (floors: $lines% / $branches%):"
gcovr "${gcov_args[@]}" --filter "$root/components/healthchecks/src/" \
    --fail-under-line "$lines" --fail-under-branch "$branches"
gcovr "${gcov_args[@]}" --filter "$root/components/healthchecks/src/" --branches | grep TOTAL
