#!/usr/bin/env bash
# Runs the PBFT simulator over many seeds on all cores (release build): every seed is a hostile
# scenario (loss, duplicates, delay, partitions, crash-restarts, up to f byzantine validators)
# checked for safety, valid seals and liveness after healing. A failing seed is printed with its
# scenario; replay it alone with `strand-simulate --seed N` (STRAND_SIMULATOR_TRACE=1 traces views).
#   scripts/simulate.sh [--seeds N] [--first S]    (default: 100000 seeds from 1)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
build_release
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(--seeds 100000)
exec .build/release/strand-simulate "${args[@]}"
