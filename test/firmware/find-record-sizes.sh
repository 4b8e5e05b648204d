#!/usr/bin/env bash
# Finds the smallest record buffers the emulated firmware works with
# against the test server (stunnel, the test PKI's chain), by running it:
# a bisection, in multiples of STEP, over MBEDTLS_SSL_IN_CONTENT_LEN with
# the output buffer at MAX, then over MBEDTLS_SSL_OUT_CONTENT_LEN with the
# input buffer at MAX. Each candidate is an image built with those sizes
# and booted once; it works when every ping is delivered, the second
# handshake resumes the session and no handshake failed. Not part of CI;
# the firmware test checks the result (the configured sizes work, one
# step less of either fails).
# Usage: test/firmware/find-record-sizes.sh BUILD_DIR [STEP [MAX]]
#   (default STEP 64, MAX 4096; STEP 1 gives the exact bytes)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 1 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
out=$1 step=${2:-64} max=${3:-4096}
eval "$("$root/scripts/build-deps.sh" --sources)"

works() {  # IN OUT: build that image and boot it
    local image=heartbeat_mps2_an386_in$1_out$2.elf
    cmake -S "$root/examples/bare_metal_heartbeat" -B "$out" \
        -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-cortex-m4.cmake" -DHB_BOARD=mps2_an386 \
        -DLWIP_SOURCE_DIR="$LWIP_SOURCE_DIR" -DMBEDTLS_SOURCE_DIR="$MBEDTLS_SOURCE_DIR" \
        -DHB_TLS_VARIANTS="$1:$2" ${HB_CMAKE_ARGS:-} >/dev/null
    cmake --build "$out" -j"$(nproc)" --target "$image" >/dev/null
    unshare --net -- python3 "$root/test/firmware/test_emulated_firmware.py" "$out" \
        --search "${image//./\\.}" | tee /dev/stderr | grep -q ": works "
}

smallest() {  # which (in|out): the smallest multiple of STEP that works
    local lo=0 hi=$max mid
    while ((hi - lo > step)); do
        mid=$(((lo + hi) / 2 / step * step))
        ((mid > lo)) || mid=$((lo + step))
        if [ "$1" = in ]; then works "$mid" "$max"; else works "$max" "$mid"; fi && hi=$mid || lo=$mid
    done
    echo "$hi"
}

works "$max" "$max" || { echo "not even $max:$max works" >&2; exit 1; }
in=$(smallest in)
out_len=$(smallest out)
echo "smallest that work (step $step): MBEDTLS_SSL_IN_CONTENT_LEN $in, MBEDTLS_SSL_OUT_CONTENT_LEN $out_len"
echo "one step less fails: $((in - step)) (input), $((out_len - step)) (output)"
