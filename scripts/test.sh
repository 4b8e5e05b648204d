#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs missing Debian packages,
# builds the third-party code the embedded tests need from Debian's source
# packages (lwIP 2.2.1, Mbed TLS 3.6; once per run), then: the API
# reference (Doxygen, no warnings allowed), gcc build + tests
# with coverage floors, clang + ASan/UBSan build + tests (both with -Werror;
# the TLS tests run against Debian's mbedTLS 2.28 and against Mbed TLS 3.6),
# a timed libFuzzer run of the fuzz targets, a seeded sample of the
# library's mutants held to a floor, the cross builds (Cortex-M0+,
# Cortex-M4F, RV32IMC) with their archive checks, the Unity target suites
# run on those three CPUs under QEMU, stack report and footprint check, the
# size table, and the heartbeat firmware on an emulated Cortex-M4 (QEMU
# mps2-an386) over HTTPS.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${HC_BUILD_DIR:-$root/build}
jobs=$(nproc)

"$root/scripts/install-deps.sh"

step() { printf '\n=== %s (at %d s)\n' "$*" "$SECONDS"; }

step "dependencies from Debian's source packages: lwIP 2.2.1, Mbed TLS 3.6 (host build)"
deps=$("$root/scripts/build-deps.sh" "$out/deps")
eval "$deps"
export LWIP_SOURCE_DIR MBEDTLS_SOURCE_DIR HC_MBEDTLS36_DIR
echo "$deps"

configure_and_build() {  # dir, cmake args...
    local dir=$1; shift
    cmake -S "$root" -B "$dir" -DHC_WERROR=ON "$@" >/dev/null
    cmake --build "$dir" -j"$jobs"
}

step "API reference: Doxygen over the public headers, zero warnings"
"$root/scripts/docs.sh" "$out/docs"

step "gcc with coverage: build, test, and the library's line and branch coverage"
"$root/scripts/coverage.sh" "$out/gcc"

step "clang with AddressSanitizer and UBSan: build and test"
CC=clang configure_and_build "$out/clang-asan" -DCMAKE_BUILD_TYPE=Debug -DHC_SANITIZE=ON
ctest --test-dir "$out/clang-asan" --output-on-failure -j"$jobs"

step "fuzzing: libFuzzer with ASan + UBSan, ${HC_FUZZ_SECONDS:-20} s per target from the seed corpus"
"$root/test/fuzz/run-fuzzers.sh" "$out/fuzz"

step "mutation: a seeded sample of the library's mutants, failing under the floor"
"$root/scripts/mutation-sample.sh" --count "${HC_MUTATION_SAMPLE:-200}" --jobs "$jobs" \
    --floor "${HC_MUTATION_FLOOR:-95}"

# Footprint ceilings (.text bytes, Cortex-M4F -Os) guarding against growth:
# the sizes measured when they were set, plus a small margin. See
# README.md, "Sizes", for what the code buys. The ping-only build leaves the
# outbox out (HC_WITH_OUTBOX=OFF, its own option); the full client is
# counted without the outbox, which has its own ceiling.
ping_text_budget=${HC_PING_TEXT_BUDGET:-7340}
full_text_budget=${HC_FULL_TEXT_BUDGET:-17450}
outbox_text_budget=${HC_OUTBOX_TEXT_BUDGET:-3600}
stack_limit=${HC_STACK_LIMIT:-1024}

step "cross builds (-Werror): Cortex-M0+, Cortex-M4F, RV32IMC at -Os and -O2; archive checks"
cross() {  # target, opt, prefix, dir, cmake args...
    local target=$1 opt=$2 prefix=$3 dir=$4; shift 4
    "$root/scripts/cross-build.sh" "$target" "$opt" "$dir" "$@"
    if ! "$root/scripts/check-archive.sh" "$dir/libhealthchecks.a" "$prefix" > "$dir/check-archive.txt"; then
        cat "$dir/check-archive.txt"; return 1
    fi
    head -1 "$dir/check-archive.txt"
}
for target in arm-cortex-m0plus arm-cortex-m4 riscv32-rv32imc; do
    prefix=arm-none-eabi-
    [ "$target" = riscv32-rv32imc ] && prefix=riscv64-unknown-elf-
    for opt in Os O2; do
        cross "$target" "$opt" "$prefix" "$out/size/$target-$opt"
    done
done
cross arm-cortex-m4 Os arm-none-eabi- "$out/size/arm-cortex-m4-Os-ping" -DHC_WITH_MANAGEMENT=OFF \
    -DHC_WITH_OUTBOX=OFF

step "Unity target suites on emulated CPUs: Cortex-M0 (microbit), Cortex-M4F (mps2-an386), RV32IMC (virt), -Os and -O2"
"$root/scripts/target-test.sh" "$out/target"

step "lwIP port and the bare-metal heartbeat for Cortex-M4 (-Os)"
"$root/test/lwip/cross-build.sh" "$out/lwip-cortex-m4"

step "stack: worst case of each public call, from the call graph (-Os)"
for target in arm-cortex-m0plus arm-cortex-m4 riscv32-rv32imc; do
    "$root/scripts/stack-usage.sh" "$out/size/$target-Os" "$target -Os" --limit "$stack_limit" \
        > "$out/stack-$target.md"
    echo "$target: $(grep '^Deepest' "$out/stack-$target.md") Table: $out/stack-$target.md"
done

step "footprint (Cortex-M4F -Os, .text)"
"$root/scripts/check-footprint.sh" --ping-budget "$ping_text_budget" --full-budget "$full_text_budget" \
    --outbox-budget "$outbox_text_budget" \
    "$out/size/arm-cortex-m4-Os-ping/libhealthchecks.a" "$out/size/arm-cortex-m4-Os/libhealthchecks.a"
"$root/scripts/size-table.sh" "$out/size" > "$out/size_table.md"
echo "size table: $out/size_table.md"

step "heartbeat firmware on an emulated Cortex-M4 (QEMU mps2-an386): build, then its cases"
"$root/test/firmware/run.sh" "$out/firmware"
python3 "$root/scripts/firmware_size.py" "$out/firmware/heartbeat_mps2_an386.map" \
    > "$out/firmware-size.md"
echo "firmware size by component: $out/firmware-size.md; figures: $out/firmware/figures.txt"

step "all checks passed"
