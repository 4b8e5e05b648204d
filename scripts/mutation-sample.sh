#!/usr/bin/env bash
# A seeded random sample of the library's mutants (scripts/mutate.py), for
# CI: a few minutes instead of the full run's hour. Fails
# (exit 1) when the sample's score - detected / (detected + survived),
# where a timeout counts as detected and listed equivalents, same-code and
# non-compiling mutants are left out - is under the floor; exit 2 when the
# tree cannot be built or fails its own tests. The same seed on the same
# tree draws the same mutants, so a failure reproduces with the command it
# prints.
#
#   scripts/mutation-sample.sh [--floor PCT] [--count N] [--seed S] [--jobs N]
#                              [--sanitize off|survivors|all]
#
# Defaults: floor 95, count 200, seed 1 (or $HC_MUTATION_SEED), jobs 1, and
# survivors re-run under the sanitizers as in the full run, so the sample
# estimates the same score (--sanitize off runs about a third faster but
# counts the mutants only the sanitizers catch as survivors). The private
# copy lives in $HC_BUILD_DIR/mutation-sample (default build/), apart from
# a full run's build/mutate.
set -euo pipefail
cd "$(dirname "$0")/.."

floor=95
count=200
seed=${HC_MUTATION_SEED:-1}
jobs=1
sanitize=survivors
usage() { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case $1 in
        --floor) floor=$2; shift 2 ;;
        --count) count=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --sanitize) sanitize=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
work=${HC_BUILD_DIR:-$PWD/build}/mutation-sample

start=$(date +%s)
status=0
python3 scripts/mutate.py --sample "$count" --seed "$seed" --jobs "$jobs" --sanitize "$sanitize" \
    --fail-under "$floor" --work-dir "$work" --json "$work/report.json" --quiet || status=$?
echo "mutation sample: $count mutants, seed $seed, floor $floor %: $(( $(date +%s) - start )) s" \
     "(again: scripts/mutation-sample.sh --count $count --seed $seed --floor $floor --sanitize $sanitize)"
exit "$status"
