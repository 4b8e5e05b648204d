#!/usr/bin/env bash
# Cross-compiles the lwIP port for Cortex-M4 (-Os) against lwIP's headers,
# in the three configurations it supports, and checks the objects:
#   1. examples/bare_metal_heartbeat as firmware (NO_SYS=1, raw face over
#      tcp_*, DNS on): libheartbeat_firmware.a + libhealthchecks.a;
#   2. the raw face over altcp (LWIP_ALTCP=1);
#   3. the sockets face in an RTOS configuration (NO_SYS=0, DNS through
#      lwip_getaddrinfo, waits through lwip_select): test/lwip/cross/rtos.
# Nothing is linked: the firmware's own lwIP, BSP and startup code would
# complete the link. The port objects must reference no heap or printf
# function and hold no .data/.bss. Prints a size table, and the size of
# the heartbeat firmware's own code after --gc-sections.
# Usage: cross-build.sh [OUTDIR]   (LWIP_INCLUDE_DIR overrides /usr/include/lwip)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/build/lwip-cortex-m4}
lwip=${LWIP_INCLUDE_DIR:-/usr/include/lwip}
cc=arm-none-eabi-gcc
mkdir -p "$out"

cmake -S "$root/examples/bare_metal_heartbeat" -B "$out/heartbeat" \
    -DCMAKE_TOOLCHAIN_FILE="$root/cmake/arm-cortex-m4.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DHC_WERROR=ON -DLWIP_INCLUDE_DIR="$lwip" >/dev/null
cmake --build "$out/heartbeat" -j"$(nproc)" >/dev/null

flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections
       -fdata-sections -Os -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror
       -I"$root/port/lwip/include" -I"$root/components/healthchecks/include")
$cc "${flags[@]}" -DLWIP_ALTCP=1 -I"$root/examples/bare_metal_heartbeat/firmware" -isystem "$lwip" \
    -c "$root/port/lwip/src/hc_port_lwip_raw.c" -o "$out/hc_port_lwip_raw_altcp.o"
$cc "${flags[@]}" -I"$root/test/lwip/cross/rtos" -isystem "$lwip" \
    -c "$root/port/lwip/src/hc_port_lwip_sockets.c" -o "$out/hc_port_lwip_sockets.o"
arm-none-eabi-ar x --output="$out" "$out/heartbeat/libheartbeat_firmware.a" hc_port_lwip_raw.c.obj
mv "$out/hc_port_lwip_raw.c.obj" "$out/hc_port_lwip_raw.o"
objs=("$out/hc_port_lwip_raw.o" "$out/hc_port_lwip_raw_altcp.o" "$out/hc_port_lwip_sockets.o")

forbidden='^(malloc|calloc|realloc|free|strdup|[a-z]*printf|puts|putchar)$'
bad=$(arm-none-eabi-nm -u "${objs[@]}" | awk '{print $NF}' | grep -E "$forbidden" || true)
if [ -n "$bad" ]; then
    echo "FAIL: the lwIP port references forbidden functions:"; echo "$bad"; exit 1
fi
state=$(arm-none-eabi-size -A "${objs[@]}" | awk '/^[^ ]+ +:/ {obj=$1} $1 ~ /^\.(data|bss)/ && $2 > 0 {print obj": "$1" "$2}')
if [ -n "$state" ]; then
    echo "FAIL: the lwIP port has static state:"; echo "$state"; exit 1
fi

echo "lwIP port, Cortex-M4 -Os (bytes):"
arm-none-eabi-size "${objs[@]}" | sed "s|$out/||"
echo "bare-metal heartbeat firmware objects:"
arm-none-eabi-size -t "$out/heartbeat/libheartbeat_firmware.a" | sed "s|$out/||"
# What the heartbeat firmware adds to a device, without lwIP and libc: a
# link that keeps only what main() reaches and leaves lwIP's symbols open.
arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -nostdlib \
    -Wl,--gc-sections -Wl,--unresolved-symbols=ignore-all -Wl,-e,main -o "$out/heartbeat.elf" \
    -Wl,--whole-archive "$out/heartbeat/libheartbeat_firmware.a" -Wl,--no-whole-archive \
    "$out/heartbeat/healthchecks/libhealthchecks.a"
echo "bare-metal heartbeat after --gc-sections (client + port + app, no lwIP/libc):"
arm-none-eabi-size "$out/heartbeat.elf" | sed "s|$out/||"
echo "OK: lwIP port cross-compiled; no heap, no printf, no .data/.bss"
