#!/bin/sh
# Instructions (callgrind Ir) of a full and of a resumed TLS handshake with
# the mbedTLS port, in one run of tls_resumption_cost.
# Usage: test/tls/measure-resumption.sh BUILD_DIR
set -eu
build=${1:?usage: $0 BUILD_DIR}
bin=$build/test/tls/tls_resumption_cost
[ -x "$bin" ] || cmake --build "$build" --target tls_resumption_cost
out=$(mktemp /tmp/hc-callgrind.XXXXXX)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out" \
    --toggle-collect=handshake_full --toggle-collect=handshake_resumed "$bin"
callgrind_annotate --inclusive=yes --threshold=100 "$out" | grep -E 'handshake_(full|resumed)'
