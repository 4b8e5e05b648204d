#!/usr/bin/env bash
# Builds the heartbeat firmware for QEMU's mps2-an386 (with images whose
# record buffers are one step smaller than the configuration's) and runs
# its test inside a network namespace of its own.
# Usage: test/firmware/run.sh BUILD_DIR [test options]
# Environment: LWIP_SOURCE_DIR, MBEDTLS_SOURCE_DIR (default: what
# scripts/build-deps.sh prints), HB_RECORD_STEP (default 64), HB_CMAKE_ARGS
# (more arguments for the firmware's CMake configuration).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
out=$1; shift
if [ -z "${LWIP_SOURCE_DIR:-}" ] || [ -z "${MBEDTLS_SOURCE_DIR:-}" ]; then
    eval "$("$root/scripts/build-deps.sh" --sources)"
fi
config=$root/examples/bare_metal_heartbeat/firmware/hb_mbedtls_config.h
in=$(sed -n 's/^#define MBEDTLS_SSL_IN_CONTENT_LEN \([0-9]*\)$/\1/p' "$config")
out_len=$(sed -n 's/^#define MBEDTLS_SSL_OUT_CONTENT_LEN \([0-9]*\)$/\1/p' "$config")
step=${HB_RECORD_STEP:-64}
variants="$((in - step)):$out_len;$in:$((out_len - step))"

cmake -S "$root/examples/bare_metal_heartbeat" -B "$out" \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-cortex-m4.cmake" -DHB_BOARD=mps2_an386 \
    -DLWIP_SOURCE_DIR="$LWIP_SOURCE_DIR" -DMBEDTLS_SOURCE_DIR="$MBEDTLS_SOURCE_DIR" \
    -DHB_TLS_VARIANTS="$variants" -DHC_WERROR=ON ${HB_CMAKE_ARGS:-} >/dev/null
cmake --build "$out" -j"$(nproc)" > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
    # As the TAP tests of test/lwip do: a namespace and a TAP need root.
    echo "SKIP: running the emulated firmware needs root and /dev/net/tun (built in $out)"
    exit 0
fi
unshare --net -- python3 "$root/test/firmware/test_emulated_firmware.py" "$out" "$@"
