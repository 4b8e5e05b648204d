#!/usr/bin/env bash
# Writes the code-size tables (per module, per target, -Os and -O2; a linked
# heartbeat; the ports) as markdown on stdout. Builds what it measures under
# OUT_DIR (default build/size) with scripts/cross-build.sh; builds that are
# already there are only brought up to date, so running it after
# scripts/test.sh (same directory) costs seconds.
# Usage: scripts/size-table.sh [OUT_DIR] > size_table.md
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/build/size}")  # the harness below needs it absolute
for target in arm-cortex-m0plus arm-cortex-m4 riscv32-rv32imc; do
    for opt in Os O2; do
        "$root/scripts/cross-build.sh" "$target" "$opt" "$out/$target-$opt"
    done
done
cmake -DHC_ROOT="$root" -DWORK="$out/esp-idf-m4" -DPYTHON=python3 -DVARIANT=full \
    -DTOOLCHAIN="$root/cmake/arm-cortex-m4.cmake" \
    -P "$root/test/packaging/run_esp_idf_harness.cmake" >/dev/null
python3 "$root/scripts/size_table.py" sizes "$out"
