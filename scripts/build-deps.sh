#!/usr/bin/env bash
# The third-party code the embedded tests build against, from Debian's
# source packages (fetched by fetch-debian.sh into build/deps, never into
# the tree): lwIP 2.2.1 and Mbed TLS 3.6 from trixie.
#
#   build-deps.sh [--sources] [OUT]
#
# Prints shell assignments to eval:
#   LWIP_SOURCE_DIR     lwIP's source tree (the firmware compiles it)
#   MBEDTLS_SOURCE_DIR  Mbed TLS's source tree (likewise)
#   HC_MBEDTLS36_DIR    Mbed TLS 3.6 built for this host with its default
#                       configuration (static, position-independent),
#                       installed under OUT/mbedtls-3.6-host: the second
#                       run of the TLS tests links it. Not with --sources.
# OUT defaults to build/deps. A finished host build is reused.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sources_only=false
if [ "${1:-}" = --sources ]; then sources_only=true; shift; fi
out=${1:-${HC_DEPS_DIR:-$root/build/deps}}

lwip=$("$root/scripts/fetch-debian.sh" source trixie lwip)
mbedtls=$("$root/scripts/fetch-debian.sh" source trixie mbedtls)
printf 'LWIP_SOURCE_DIR=%q\nMBEDTLS_SOURCE_DIR=%q\n' "$lwip" "$mbedtls"
$sources_only && exit 0

prefix=$out/mbedtls-3.6-host
stamp=$prefix/.built-from
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$mbedtls" ]; then
    rm -rf "$prefix" "$out/mbedtls-3.6-host-build"
    cmake -S "$mbedtls" -B "$out/mbedtls-3.6-host-build" -DCMAKE_BUILD_TYPE=Release \
        -DENABLE_PROGRAMS=OFF -DENABLE_TESTING=OFF -DMBEDTLS_FATAL_WARNINGS=OFF \
        -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
        -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
    cmake --build "$out/mbedtls-3.6-host-build" -j"$(nproc)" >&2
    cmake --install "$out/mbedtls-3.6-host-build" >/dev/null
    echo "$mbedtls" > "$stamp"
fi
printf 'HC_MBEDTLS36_DIR=%q\n' "$prefix"
