#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs missing Debian packages,
# then: gcc build + tests, clang + ASan/UBSan build + tests (both with
# -Werror), and the Cortex-M4 cross build with its archive checks.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${HC_BUILD_DIR:-$root/build}
jobs=$(nproc)

"$root/scripts/install-deps.sh"

step() { printf '\n=== %s\n' "$*"; }

configure_and_build() {  # dir, cmake args...
    local dir=$1; shift
    cmake -S "$root" -B "$dir" -DHC_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j"$jobs"
}

step "gcc: build and test"
CC=gcc configure_and_build "$out/gcc" -DCMAKE_BUILD_TYPE=Debug
ctest --test-dir "$out/gcc" --output-on-failure -j"$jobs"

step "clang with AddressSanitizer and UBSan: build and test"
CC=clang configure_and_build "$out/clang-asan" -DCMAKE_BUILD_TYPE=Debug -DHC_SANITIZE=ON
ctest --test-dir "$out/clang-asan" --output-on-failure -j"$jobs"

step "Cortex-M4 cross build (-Os) and archive checks"
configure_and_build "$out/cortex-m4" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-cortex-m4.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel
"$root/scripts/check-archive.sh" "$out/cortex-m4/libhealthchecks.a"

step "all checks passed"
