#!/bin/sh
# Instructions (callgrind Ir, inclusive) of a full TLS handshake, one
# resumed in the same process and one resumed from saved bytes after the
# TLS state was set up again, with the mbedTLS port, in one run of
# tls_resumption_cost.
# Usage: test/tls/measure-resumption.sh BUILD_DIR [SUFFIX]
#   SUFFIX: "" for Debian's mbedTLS 2.28 (TLS 1.2), "_mbedtls36" for 3.6
#   (TLS 1.3 unless HC_TLS_VERSION=1.2). HC_TLS_KEYTYPE=rsa: RSA-2048.
set -eu
build=${1:?usage: $0 BUILD_DIR [SUFFIX]}
bin=$build/test/tls/tls_resumption_cost${2:-}
[ -x "$bin" ] || cmake --build "$build" --target "tls_resumption_cost${2:-}"
out=$(mktemp /tmp/hc-callgrind.XXXXXX)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=handshake_full \
    --toggle-collect=handshake_resumed --toggle-collect=handshake_restored "$bin"
callgrind_annotate --inclusive=yes --threshold=100 "$out" | grep -E 'handshake_(full|resumed|restored)'
