#!/usr/bin/env bash
# Builds the API reference with Doxygen (docs/Doxyfile): the public headers
# of the library and the ports, the conventions page (healthchecks.h) and
# the client's state diagram (drawn by Graphviz from
# components/healthchecks/src/hc_client_states.dot). Fails on any Doxygen
# warning: an undocumented parameter or return value, a broken reference.
# Usage: docs.sh [OUTDIR]   (default build/docs; the pages go to OUTDIR/html)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/docs}
header=$root/components/healthchecks/include/healthchecks/healthchecks.h
version=$(sed -n 's/^#define HC_VERSION_STRING "\(.*\)"$/\1/p' "$header")
[ -n "$version" ] || { echo "docs.sh: no HC_VERSION_STRING in $header" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
cd "$root"  # the Doxyfile's paths are relative to the repository root
status=0
HC_DOCS_OUT="$out" HC_VERSION="$version" doxygen docs/Doxyfile || status=$?
if [ -s "$out/warnings.log" ] || [ "$status" -ne 0 ]; then
    echo "FAIL: Doxygen reported warnings (exit status $status):" >&2
    cat "$out/warnings.log" >&2
    exit 1
fi
echo "OK: API reference $version, no Doxygen warnings: $out/html/index.html"
