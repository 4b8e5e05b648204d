#!/usr/bin/env bash
# Checks the code size (.text, code only) of a ping-only and a full
# cross-built library against budgets given as parameters, and prints the
# real figures either way. Exit 1 when a budget is exceeded.
# Usage: check-footprint.sh --ping-budget BYTES --full-budget BYTES
#                           --outbox-budget BYTES [--prefix arm-none-eabi-]
#                           PING_ONLY_LIB.a FULL_LIB.a
# The full client is counted without the outbox (an option of its own),
# which has its own budget. The budgets are for Cortex-M4 at -Os; ports are
# not counted.
set -euo pipefail
prefix=arm-none-eabi- ping_budget= full_budget= outbox_budget=
while [ $# -gt 2 ]; do
    case $1 in
        --ping-budget) ping_budget=$2; shift 2 ;;
        --full-budget) full_budget=$2; shift 2 ;;
        --outbox-budget) outbox_budget=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        *) echo "check-footprint.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ $# -ne 2 ] || [ -z "$ping_budget" ] || [ -z "$full_budget" ] || [ -z "$outbox_budget" ]; then
    sed -n '2,10p' "$0" >&2; exit 2
fi
here=$(dirname "$0")
status=0
text() {  # archive [module...]
    python3 "$here/size_table.py" text "$@"
}
report() {  # label, bytes, budget
    if [ "$2" -le "$3" ]; then
        printf 'OK:   %-26s .text %6d bytes, budget %6d (%d left)\n' "$1" "$2" "$3" $(( $3 - $2 ))
    else
        printf 'OVER: %-26s .text %6d bytes, budget %6d (%d over)\n' "$1" "$2" "$3" $(( $2 - $3 ))
        status=1
    fi
}
outbox=$(text "$2" "$prefix" hc_outbox)
report "ping-only library" "$(text "$1" "$prefix")" "$ping_budget"
report "full client, no outbox" $(( $(text "$2" "$prefix") - outbox )) "$full_budget"
report "outbox" "$outbox" "$outbox_budget"
exit $status
