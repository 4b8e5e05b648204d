#!/usr/bin/env bash
# Checks the code size (.text, code only) of a ping-only and a full
# cross-built library against budgets given as parameters, and prints the
# real figures either way. Exit 1 when a budget is exceeded.
# Usage: check-footprint.sh --ping-budget BYTES --full-budget BYTES
#                           [--prefix arm-none-eabi-] PING_ONLY_LIB.a FULL_LIB.a
# The budgets are for Cortex-M4 at -Os; ports are not counted.
set -euo pipefail
prefix=arm-none-eabi- ping_budget= full_budget=
while [ $# -gt 2 ]; do
    case $1 in
        --ping-budget) ping_budget=$2; shift 2 ;;
        --full-budget) full_budget=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        *) echo "check-footprint.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ $# -ne 2 ] || [ -z "$ping_budget" ] || [ -z "$full_budget" ]; then
    sed -n '2,7p' "$0" >&2; exit 2
fi
here=$(dirname "$0")
status=0
report() {  # label, archive, budget
    local text
    text=$(python3 "$here/size_table.py" text "$2" "$prefix")
    if [ "$text" -le "$3" ]; then
        printf 'OK:   %-20s .text %6d bytes, budget %6d (%d left)\n' "$1" "$text" "$3" $(( $3 - text ))
    else
        printf 'OVER: %-20s .text %6d bytes, budget %6d (%d over)\n' "$1" "$text" "$3" $(( text - $3 ))
        status=1
    fi
}
report "ping-only library" "$1" "$ping_budget"
report "full client" "$2" "$full_budget"
exit $status
