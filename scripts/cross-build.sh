#!/usr/bin/env bash
# Cross-builds the library (and the mock port) for one target and one
# optimisation level with -Werror, with GCC's stack-usage and call-graph
# files next to the objects (they change no code). Usage:
#   cross-build.sh TARGET OPT OUTDIR [cmake args...]
# TARGET: a toolchain file name in cmake/ (arm-cortex-m0plus, arm-cortex-m4,
# riscv32-rv32imc); OPT: Os or O2. Extra arguments go to cmake, e.g.
# -DHC_WITH_MANAGEMENT=OFF for the ping-only library.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$1 opt=$2 out=$3
shift 3
toolchain=$root/cmake/$target.cmake
[ -f "$toolchain" ] || { echo "cross-build.sh: no toolchain file $toolchain" >&2; exit 2; }
case $opt in
    Os|O2) ;;
    *) echo "cross-build.sh: OPT must be Os or O2" >&2; exit 2 ;;
esac
cmake -S "$root" -B "$out" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="-$opt -DNDEBUG -fstack-usage -fcallgraph-info=su" \
    -DHC_WERROR=ON "$@" >/dev/null
cmake --build "$out" -j"$(nproc)" >/dev/null
