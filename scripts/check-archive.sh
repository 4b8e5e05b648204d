#!/usr/bin/env bash
# Proves on a cross-built archive what the library promises: no heap, no
# printf family, no .data/.bss. Prints its size. Usage: check-archive.sh LIB.a [PREFIX]
set -euo pipefail
lib=$1
prefix=${2:-arm-none-eabi-}

forbidden='^(malloc|calloc|realloc|free|_malloc_r|_calloc_r|_realloc_r|_free_r|strdup|asprintf|[a-z]*printf|_[a-z]*printf_r|puts|putchar)$'
bad=$("${prefix}nm" -u "$lib" | awk '{print $NF}' | grep -E "$forbidden" || true)
if [ -n "$bad" ]; then
    echo "FAIL: $lib references forbidden functions:"; echo "$bad"; exit 1
fi

# .data/.bss (RISC-V's small .sdata/.sbss, thread-local .tdata/.tbss, and
# COMMON symbols) must be empty in every object.
state=$("${prefix}size" -A "$lib" | awk '
    /^[^ ]+ +\(ex / { obj=$1 }
    $1 ~ /^\.(s?data|s?bss|tdata|tbss)/ && $2 > 0 { print obj": "$1" "$2 }')
common=$("${prefix}nm" "$lib" | awk '$2=="C" {print}')
if [ -n "$state$common" ]; then
    echo "FAIL: $lib has global state:"; echo "$state$common"; exit 1
fi

echo "OK: $lib has no heap or printf references and no .data/.bss"
"${prefix}size" -t "$lib"
