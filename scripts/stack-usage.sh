#!/usr/bin/env bash
# Reports the worst-case stack of each public function of a cross-built
# library (see stack_usage.py for what is and is not counted). The build
# must come from scripts/cross-build.sh (it adds -fcallgraph-info=su).
# Usage: stack-usage.sh BUILD_DIR [TITLE] [--limit BYTES]
set -euo pipefail
dir=$1 title=${2:-$(basename "$1")}
shift $(( $# >= 2 ? 2 : 1 ))
mapfile -t files < <(find "$dir/CMakeFiles/healthchecks.dir" -name '*.ci' | sort)
if [ ${#files[@]} -eq 0 ]; then
    echo "stack-usage.sh: no .ci files under $dir (build it with scripts/cross-build.sh)" >&2
    exit 2
fi
exec python3 "$(dirname "$0")/stack_usage.py" --title "$title" "$@" "${files[@]}"
