#!/usr/bin/env bash
# The Unity target suites (test/target) on three emulated CPUs, each built
# at -Os and at -O2 with -Werror: Cortex-M0 (QEMU microbit), Cortex-M4F
# (mps2-an386) and RV32IMC (virt). Every suite runs under QEMU with a hard
# timeout; test/target/run_target.py fails a run on any failed test, a
# crash, a missing summary, a stack overflow, or a group whose measured
# stack exceeds the README's table "Stack measured on emulated CPUs".
# Writes the measured figures to OUTDIR/stack.md (the table to copy into
# the README when they change).
# Usage: target-test.sh [OUTDIR]   (default build/target)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/target}
boards=(microbit mps2_an386 riscv32_virt)
opts=(Os O2)
mkdir -p "$out"

# A setting of a board's board.cmake: set(NAME value) or set(NAME "value").
board_var() {  # board, name
    sed -n "s/^set($2 \"\{0,1\}\([^\")]*\)\"\{0,1\}).*/\1/p" "$root/boards/$1/board.cmake"
}

status=0
runs=()
for board in "${boards[@]}"; do
    toolchain=$(board_var "$board" HC_BOARD_TOOLCHAIN)
    cpu=$(board_var "$board" HC_BOARD_CPU)
    for opt in "${opts[@]}"; do
        dir=$out/$board-$opt
        rm -f "$dir/stack-report.tsv"
        cmake -S "$root" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/$toolchain.cmake" \
            -DHC_BOARD="$board" -DHC_WERROR=ON -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_C_FLAGS_RELEASE="-$opt -DNDEBUG" >/dev/null
        cmake --build "$dir" -j"$(nproc)" >/dev/null
        if ctest --test-dir "$dir" -L target --output-on-failure -j"$(nproc)" > "$dir/ctest.log" 2>&1; then
            echo "$cpu -$opt ($board): $(grep -E 'tests passed' "$dir/ctest.log")"
        else
            cat "$dir/ctest.log"
            status=1
        fi
        runs+=("$cpu -$opt=$dir/stack-report.tsv")
    done
done
python3 "$root/test/target/stack_table.py" "${runs[@]}" > "$out/stack.md"
echo "stack and test counts: $out/stack.md"
exit $status
